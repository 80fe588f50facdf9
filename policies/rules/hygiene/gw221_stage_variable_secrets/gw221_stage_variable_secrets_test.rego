package gatewatch.rules.gw221_stage_variable_secrets_test

import data.gatewatch.fixtures as fx
import data.gatewatch.rules.gw221_stage_variable_secrets as rule
import rego.v1

api(variables) := fx.rest_api("a1", {"name": "partner", "stages": [fx.rest_stage("a1", "prod", {"variables": variables})]})

key_id := "AKIAIOSFODNN7EXAMPLE"

test_fires_on_secret_name if {
	results := rule.deny with input as {"rest_apis": [api({"backendPassword": "hunter2hunter2", "region": "eu-west-1"})]}
	results == {{
		"resource": "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod",
		"message": "stage prod of REST API partner has stage variables that look like secrets: backendPassword",
		"evidence": {"variables": {"backendPassword": {"matched": ["name"], "value": "<masked, 14 characters>"}}},
	}}
}

jwt := "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl"

# Credentials inside the usual wrappers, under names that give nothing away.
test_fires_on_wrapped_credentials if {
	vars := {
		"upstreamAuth": sprintf("Bearer %s", [jwt]),
		"partnerAuthorization": "Bearer 9f8e7d6c5b4a39281706f5e4",
		"legacyAuth": "Basic YXBwOmh1bnRlcjI=",
		"ordersDb": "postgres://app:s3cr3t-pw@db.internal:5432/orders",
	}
	results := rule.deny with input as {"rest_apis": [api(vars)]}
	some r in results
	r.evidence.variables == {
		"upstreamAuth": {"matched": ["value shaped like: Bearer JSON Web Token"], "value": "<masked, 59 characters>"},
		"partnerAuthorization": {"matched": ["value shaped like: Bearer token"], "value": "<masked, 31 characters>"},
		"legacyAuth": {"matched": ["value shaped like: Basic credentials (user:password)"], "value": "<masked, 22 characters>"},
		"ordersDb": {"matched": ["value shaped like: URL with a password"], "value": "<masked, 48 characters>"},
	}
	not contains(json.marshal(r), "hunter2")
	not contains(json.marshal(r), "s3cr3t")
}

# Settings about a secret are not the secret: lifetimes, lengths, header
# names, and values that are booleans or durations.
test_quiet_on_settings_named_after_secrets if {
	vars := {
		"tokenTtlSeconds": "3600",
		"passwordMinLength": "12",
		"apiKeyHeader": "x-api-key",
		"refresh_token_enabled": "true",
		"sessionToken": "15m",
		"authScheme": "Bearer",
		"docsUrl": "https://user@docs.example.com/a:b",
		"basicAuthRealm": "Basic realm",
	}
	results := rule.deny with input as {"rest_apis": [api(vars)]}
	count(results) == 0
}

test_fires_on_access_key_value_and_never_echoes_it if {
	results := rule.deny with input as {"rest_apis": [api({"awsId": key_id})]}
	some r in results
	r.evidence.variables.awsId.matched == ["value shaped like: AWS access key ID"]
	not contains(json.marshal(r), key_id)
	not contains(r.message, key_id)
}

test_fires_on_v2_stage_with_jwt if {
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
