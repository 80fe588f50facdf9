package gatewatch.rules.gw208_drop_invalid_headers_test

import data.gatewatch.fixtures as fx
import data.gatewatch.rules.gw208_drop_invalid_headers as rule
import rego.v1

lb(type, attributes) := fx.alb("web", {"type": type, "attributes": attributes})

test_fires_when_attribute_false if {
	results := rule.deny with input as {"load_balancers": [lb("application", {"routing.http.drop_invalid_header_fields.enabled": "false"})]}
	results == {
		{
			"evidence": {
				"routing.http.drop_invalid_header_fields.enabled": "false",
			},
			"message": "ALB web forwards invalid HTTP header fields to its targets instead of dropping them",
			"resource": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/web/1",
		},
	}
	some r in results
	r.evidence["routing.http.drop_invalid_header_fields.enabled"] == "false"
}

test_fires_when_attribute_missing if {
	results := rule.deny with input as {"load_balancers": [lb("application", {})]}
	count(results) == 1
}

test_quiet_when_dropping if {
	results := rule.deny with input as {"load_balancers": [lb("application", {"routing.http.drop_invalid_header_fields.enabled": "true"})]}
	count(results) == 0
}

test_quiet_on_network_load_balancer if {
	results := rule.deny with input as {"load_balancers": [lb("network", {})]}
	count(results) == 0
}
