package gatewatch.rules.gw218_unvalidated_writes_test

import data.gatewatch.fixtures as fx
import data.gatewatch.rules.gw218_unvalidated_writes as rule
import rego.v1

api(method, validators) := fx.rest_api("a1", {"name": "orders", "request_validators": validators, "resources": [fx.rest_resource("/orders", [method])]})

post := {"http_method": "POST", "integration": {"type": "AWS_PROXY"}}

body_validator := {"id": "v1", "name": "body", "validate_body": true, "validate_parameters": true}

params_only := {"id": "v2", "name": "params", "validate_body": false, "validate_parameters": true}

test_fires_on_post_without_validator if {
	results := rule.deny with input as {"rest_apis": [api(post, [])]}
	results == {
		{
			"evidence": {
				"methods": {
					"POST /orders": null,
				},
			},
			"message": "REST API orders does not validate request bodies of POST /orders",
			"resource": "arn:aws:apigateway:eu-west-1::/restapis/a1",
		},
	}
	some r in results
	r.evidence.methods == {"POST /orders": null}
}

test_fires_on_parameter_only_validator if {
	results := rule.deny with input as {"rest_apis": [api(object.union(post, {"request_validator_id": "v2"}), [params_only])]}
	some r in results
	r.evidence.methods == {"POST /orders": "params"}
}

test_quiet_with_body_validator if {
	results := rule.deny with input as {"rest_apis": [api(object.union(post, {"request_validator_id": "v1"}), [body_validator])]}
	count(results) == 0
}

test_quiet_on_get if {
	results := rule.deny with input as {"rest_apis": [api(object.union(post, {"http_method": "GET"}), [])]}
	count(results) == 0
}

test_quiet_on_mock_integration if {
	results := rule.deny with input as {"rest_apis": [api({"http_method": "PUT", "integration": {"type": "MOCK"}}, [])]}
	count(results) == 0
}
