package gatewatch.rules.gw210_deletion_protection_test

import data.gatewatch.fixtures as fx
import data.gatewatch.rules.gw210_deletion_protection as rule
import rego.v1

lb(type, attributes) := fx.nlb("link", {"type": type, "attributes": attributes})

test_fires_on_network_load_balancer_without_protection if {
	results := rule.deny with input as {"load_balancers": [lb("network", {"deletion_protection.enabled": "false"})]}
	results == {
		{
			"evidence": {
				"deletion_protection.enabled": "false",
				"type": "network",
			},
			"message": "network load balancer link has no deletion protection",
			"resource": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/net/link/1",
		},
	}
	some r in results
	r.evidence.type == "network"
}

test_fires_when_attribute_missing if {
	results := rule.deny with input as {"load_balancers": [lb("application", {})]}
	count(results) == 1
}

test_quiet_with_protection if {
	results := rule.deny with input as {"load_balancers": [lb("application", {"deletion_protection.enabled": "true"})]}
	count(results) == 0
}
