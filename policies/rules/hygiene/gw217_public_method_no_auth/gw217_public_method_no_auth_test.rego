package gatewatch.rules.gw217_public_method_no_auth_test

import data.gatewatch.fixtures as fx
import data.gatewatch.rules.gw217_public_method_no_auth as rule
import rego.v1

api(types, methods) := fx.rest_api("a1", {"name": "partner", "endpoint_types": types, "resources": [fx.rest_resource("/orders", methods)]})

open_get := fx.rest_method("GET", {})

test_fires_on_open_method if {
	results := rule.deny with input as {"rest_apis": [api(["REGIONAL"], [open_get])]}
	results == {
		{
			"evidence": {
				"authorizers": 0,
				"endpoint_types": [
					"REGIONAL",
				],
				"has_resource_policy": false,
				"methods": [
					"GET /orders",
				],
			},
			"message": "public REST API partner lets anyone call GET /orders: no authorizer and no API key",
			"resource": "arn:aws:apigateway:eu-west-1::/restapis/a1",
		},
	}
	some r in results
	r.evidence.methods == ["GET /orders"]
	r.evidence.has_resource_policy == false
}

test_quiet_with_api_key if {
	results := rule.deny with input as {"rest_apis": [api(["REGIONAL"], [object.union(open_get, {"api_key_required": true})])]}
	count(results) == 0
}

test_quiet_with_authorizer if {
	results := rule.deny with input as {"rest_apis": [api(["EDGE"], [object.union(open_get, {"authorization_type": "AWS_IAM"})])]}
	count(results) == 0
}

test_quiet_on_cors_preflight if {
	results := rule.deny with input as {"rest_apis": [api(["REGIONAL"], [object.union(open_get, {"http_method": "OPTIONS"})])]}
	count(results) == 0
}

test_quiet_on_private_api if {
	results := rule.deny with input as {"rest_apis": [api(["PRIVATE"], [open_get])]}
	count(results) == 0
}

# A disabled default endpoint answers 403 Forbidden to every request; only
# a custom domain makes the API callable.
closed_api := object.union(api(["REGIONAL"], [open_get]), {"disable_execute_api_endpoint": true})

test_quiet_with_default_endpoint_disabled_and_no_domain if {
	results := rule.deny with input as {"rest_apis": [closed_api], "domain_names": []}
	count(results) == 0
}

test_fires_with_default_endpoint_disabled_and_a_custom_domain if {
	results := rule.deny with input as {"rest_apis": [closed_api], "domain_names": [fx.domain_name("partner.example.com", [["", "a1", ""]])]}
	{r.evidence.methods | some r in results} == {["GET /orders"]}
}
