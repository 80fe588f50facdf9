package gatewatch.rules.gw221_stage_variable_secrets_test

import data.gatewatch.rules.gw221_stage_variable_secrets as rule
import rego.v1

api(variables) := {"arn": "arn:aws:apigateway:eu-west-1::/restapis/a1", "name": "partner", "stages": [{"arn": "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod", "name": "prod", "variables": variables}]}

key_id := "AKIAIOSFODNN7EXAMPLE"

test_fires_on_secret_name if {
	results := rule.deny with input as {"rest_apis": [api({"backendPassword": "hunter2hunter2", "region": "eu-west-1"})]}
	some r in results
	r.evidence.variables == {"backendPassword": {"matched": ["name"], "value": "<masked, 14 characters>"}}
}

test_fires_on_access_key_value_and_never_echoes_it if {
	results := rule.deny with input as {"rest_apis": [api({"awsId": key_id})]}
	some r in results
	r.evidence.variables.awsId.matched == ["value shaped like: AWS access key ID"]
	not contains(json.marshal(r), key_id)
	not contains(r.message, key_id)
}

test_fires_on_v2_stage_with_jwt if {
	jwt := "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl"
	h := {"arn": "arn:aws:apigateway:eu-west-1::/apis/h1", "name": "mobile", "protocol_type": "HTTP", "stages": [{"arn": "s", "name": "$default", "variables": {"bearer": jwt}}]}
	results := rule.deny with input as {"v2_apis": [h]}
	count(results) == 1
}

test_quiet_on_secret_reference if {
	results := rule.deny with input as {"rest_apis": [api({"backendTokenSecret": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:backend-AbCdEf"})]}
	count(results) == 0
}

test_quiet_on_ordinary_variables if {
	results := rule.deny with input as {"rest_apis": [api({"backendHost": "orders.internal.example.com", "lambdaAlias": "live", "tokenizerMode": ""})]}
	count(results) == 0
}
