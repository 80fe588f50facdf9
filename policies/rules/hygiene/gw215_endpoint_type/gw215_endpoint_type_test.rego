package gatewatch.rules.gw215_endpoint_type_test

import data.gatewatch.fixtures as fx
import data.gatewatch.rules.gw215_endpoint_type as rule
import rego.v1

api(types) := fx.rest_api("a1", {"name": "partner", "endpoint_types": types})

test_fires_on_edge_endpoint_by_default if {
	results := rule.deny with input as {"rest_apis": [api(["EDGE"])]}
	results == {
		{
			"evidence": {
				"allowed_endpoint_types": [
					"PRIVATE",
					"REGIONAL",
				],
				"endpoint_types": [
					"EDGE",
				],
			},
			"message": "REST API partner has endpoint type EDGE, which is not allowed (PRIVATE, REGIONAL)",
			"resource": "arn:aws:apigateway:eu-west-1::/restapis/a1",
		},
	}
	some r in results
	r.evidence.allowed_endpoint_types == ["PRIVATE", "REGIONAL"]
}

test_quiet_on_regional_endpoint if {
	results := rule.deny with input as {"rest_apis": [api(["REGIONAL"])]}
	count(results) == 0
}

test_quiet_on_private_endpoint if {
	results := rule.deny with input as {"rest_apis": [api(["PRIVATE"])]}
	count(results) == 0
}

test_allowed_types_come_from_config if {
	results := rule.deny with input as {"rest_apis": [api(["REGIONAL"])]} with data.gatewatch.config.allowed_endpoint_types as ["PRIVATE"]
	count(results) == 1
}
