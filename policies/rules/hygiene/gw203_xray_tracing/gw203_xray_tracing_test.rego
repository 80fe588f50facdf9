package gatewatch.rules.gw203_xray_tracing_test

import data.gatewatch.fixtures as fx
import data.gatewatch.rules.gw203_xray_tracing as rule
import rego.v1

api(stage) := fx.rest_api("a1", {"name": "partner", "stages": [stage]})

stage_arn := "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod"

test_fires_with_tracing_off if {
	results := rule.deny with input as {"rest_apis": [api({"arn": stage_arn, "name": "prod", "tracing_enabled": false})]}
	results == {
		{
			"evidence": {
				"tracing_enabled": false,
			},
			"message": "stage prod of REST API partner has X-Ray tracing turned off",
			"resource": "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod",
		},
	}
	some r in results
	r.resource == stage_arn
}

test_fires_when_tracing_unset if {
	results := rule.deny with input as {"rest_apis": [api({"arn": stage_arn, "name": "prod"})]}
	count(results) == 1
}

test_quiet_with_tracing_on if {
	results := rule.deny with input as {"rest_apis": [api({"arn": stage_arn, "name": "prod", "tracing_enabled": true})]}
	count(results) == 0
}
