package gatewatch.rules.gw202_backend_client_certificate_test

import data.gatewatch.fixtures as fx
import data.gatewatch.rules.gw202_backend_client_certificate as rule
import rego.v1

api(cert) := fx.rest_api("a1", {
	"name": "partner",
	"resources": [fx.rest_resource("/orders", [fx.rest_method("GET", {"integration": {"type": "HTTP_PROXY", "uri": "https://orders.internal.example.com"}})])],
	"stages": [fx.rest_stage("a1", "prod", {"client_certificate_id": cert})],
})

test_fires_without_client_certificate if {
	results := rule.deny with input as {"rest_apis": [api("")]}
	results == {
		{
			"evidence": {
				"client_certificate_id": "",
				"http_integrations": 1,
			},
			"message": "stage prod of REST API partner has no client certificate, so its backends cannot tell API Gateway's calls from anyone else's",
			"resource": "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod",
		},
	}
	some r in results
	r.resource == "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod"
	r.evidence.http_integrations == 1
}

test_quiet_with_client_certificate if {
	results := rule.deny with input as {"rest_apis": [api("abc123")]}
	count(results) == 0
}

test_quiet_on_http_api if {
	# HTTP APIs have no client certificates; the control is REST-only
	results := rule.deny with input as {"rest_apis": [], "v2_apis": [{"arn": "x", "stages": [{"arn": "y", "name": "prod"}]}]}
	count(results) == 0
}
