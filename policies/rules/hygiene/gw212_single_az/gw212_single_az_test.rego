package gatewatch.rules.gw212_single_az_test

import data.gatewatch.fixtures as fx
import data.gatewatch.rules.gw212_single_az as rule
import rego.v1

lb(azs) := fx.nlb("link", {"availability_zones": azs})

test_fires_on_single_az if {
	results := rule.deny with input as {"load_balancers": [lb(["eu-west-1a"])]}
	results == {
		{
			"evidence": {
				"availability_zones": [
					"eu-west-1a",
				],
			},
			"message": "network load balancer link is enabled in 1 Availability Zone(s), fewer than 2",
			"resource": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/net/link/1",
		},
	}
	some r in results
	r.evidence.availability_zones == ["eu-west-1a"]
}

test_quiet_on_two_azs if {
	results := rule.deny with input as {"load_balancers": [lb(["eu-west-1a", "eu-west-1b"])]}
	count(results) == 0
}
