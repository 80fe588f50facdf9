package gatewatch.rules.gw206_v2_access_logging_test

import data.gatewatch.fixtures as fx
import data.gatewatch.rules.gw206_v2_access_logging as rule
import rego.v1

api(dest) := fx.http_api("h1", {"name": "mobile", "stages": [fx.v2_stage("h1", "$default", {"access_log_destination": dest})]})

test_fires_without_access_logs if {
	results := rule.deny with input as {"v2_apis": [api("")]}
	results == {
		{
			"evidence": {
				"access_log_destination": "",
				"protocol_type": "HTTP",
			},
			"message": "stage $default of HTTP API mobile has no access logging",
			"resource": "arn:aws:apigateway:eu-west-1::/apis/h1/stages/$default",
		},
	}
	some r in results
	r.resource == "arn:aws:apigateway:eu-west-1::/apis/h1/stages/$default"
}

test_quiet_with_access_logs if {
	results := rule.deny with input as {"v2_apis": [api("arn:aws:logs:eu-west-1:111122223333:log-group:mobile")]}
	count(results) == 0
}

test_quiet_on_rest_stage_without_access_logs if {
	rest := {"arn": "arn:aws:apigateway:eu-west-1::/restapis/a1", "name": "partner", "stages": [{"arn": "s", "name": "prod"}]}
	results := rule.deny with input as {"v2_apis": [], "rest_apis": [rest]}
	count(results) == 0
}
