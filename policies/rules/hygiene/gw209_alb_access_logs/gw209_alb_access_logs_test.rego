package gatewatch.rules.gw209_alb_access_logs_test

import data.gatewatch.fixtures as fx
import data.gatewatch.rules.gw209_alb_access_logs as rule
import rego.v1

lb(type, attributes) := fx.alb("web", {"scheme": "internal", "type": type, "attributes": attributes})

test_fires_on_internal_alb_without_logs if {
	results := rule.deny with input as {"load_balancers": [lb("application", {"access_logs.s3.enabled": "false"})]}
	results == {
		{
			"evidence": {
				"access_logs.s3.enabled": "false",
			},
			"message": "ALB web (internal) writes no access logs",
			"resource": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/web/1",
		},
	}
	some r in results
	r.evidence["access_logs.s3.enabled"] == "false"
}

test_quiet_with_logs if {
	results := rule.deny with input as {"load_balancers": [lb("application", {"access_logs.s3.enabled": "true", "access_logs.s3.bucket": "logs"})]}
	count(results) == 0
}

test_quiet_on_gateway_load_balancer if {
	results := rule.deny with input as {"load_balancers": [lb("gateway", {})]}
	count(results) == 0
}
