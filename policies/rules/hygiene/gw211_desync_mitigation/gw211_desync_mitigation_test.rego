package gatewatch.rules.gw211_desync_mitigation_test

import data.gatewatch.fixtures as fx
import data.gatewatch.rules.gw211_desync_mitigation as rule
import rego.v1

lb(attributes) := fx.alb("web", {"attributes": attributes})

test_fires_in_monitor_mode if {
	results := rule.deny with input as {"load_balancers": [lb({"routing.http.desync_mitigation_mode": "monitor"})]}
	results == {
		{
			"evidence": {
				"routing.http.desync_mitigation_mode": "monitor",
			},
			"message": "ALB web runs desync mitigation in monitor mode and forwards ambiguous requests",
			"resource": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/web/1",
		},
	}
	some r in results
	r.evidence["routing.http.desync_mitigation_mode"] == "monitor"
}

test_quiet_in_defensive_mode if {
	results := rule.deny with input as {"load_balancers": [lb({"routing.http.desync_mitigation_mode": "defensive"})]}
	count(results) == 0
}

test_quiet_in_strictest_mode if {
	results := rule.deny with input as {"load_balancers": [lb({"routing.http.desync_mitigation_mode": "strictest"})]}
	count(results) == 0
}

test_quiet_when_unset if {
	results := rule.deny with input as {"load_balancers": [lb({})]}
	count(results) == 0
}
