package gatewatch.rules.gw201_execution_logging_test

import data.gatewatch.fixtures as fx
import data.gatewatch.rules.gw201_execution_logging as rule
import rego.v1

rest_api(settings) := fx.rest_api("a1", {"name": "partner", "stages": [fx.rest_stage("a1", "prod", {"method_settings": settings})]})

role := [{"account": "111122223333", "region": "eu-west-1", "cloudwatch_role_arn": "arn:aws:iam::111122223333:role/apigw-logs"}]

test_fires_without_logging_level if {
	results := rule.deny with input as {"rest_apis": [rest_api({})], "apigateway_accounts": role}
	results == {
		{
			"evidence": {
				"cloudwatch_role_arn": "arn:aws:iam::111122223333:role/apigw-logs",
				"logging_level": "OFF",
				"methods_off": [],
			},
			"message": "stage prod of REST API partner: execution logging level is OFF, not ERROR or INFO",
			"resource": "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod",
		},
	}
	some r in results
	r.evidence.logging_level == "OFF"
}

test_fires_when_a_method_turns_logging_off if {
	settings := {"*/*": {"logging_level": "ERROR"}, "orders/POST": {"logging_level": "OFF"}}
	results := rule.deny with input as {"rest_apis": [rest_api(settings)], "apigateway_accounts": role}
	some r in results
	r.evidence.methods_off == ["orders/POST"]
}

test_fires_without_cloudwatch_role if {
	no_role := [{"account": "111122223333", "region": "eu-west-1"}]
	results := rule.deny with input as {"rest_apis": [rest_api({"*/*": {"logging_level": "INFO"}})], "apigateway_accounts": no_role}
	some r in results
	contains(r.message, "no CloudWatch Logs role")
}

test_quiet_with_error_logging_and_role if {
	settings := {"*/*": {"logging_level": "ERROR"}, "orders/GET": {"metrics_enabled": true}}
	results := rule.deny with input as {"rest_apis": [rest_api(settings)], "apigateway_accounts": role}
	count(results) == 0
}

test_quiet_when_account_settings_not_collected if {
	results := rule.deny with input as {"rest_apis": [rest_api({"*/*": {"logging_level": "INFO"}})], "apigateway_accounts": []}
	count(results) == 0
}

ws_api(protocol, level) := {
	"arn": "arn:aws:apigateway:eu-west-1::/apis/w1", "account": "111122223333", "region": "eu-west-1", "id": "w1", "name": "chat", "protocol_type": protocol,
	"stages": [{"arn": "arn:aws:apigateway:eu-west-1::/apis/w1/stages/prod", "name": "prod", "default_route_settings": {"logging_level": level}}],
}

test_fires_on_websocket_stage_without_logging if {
	results := rule.deny with input as {"v2_apis": [ws_api("WEBSOCKET", "OFF")], "apigateway_accounts": role}
	count(results) == 1
}

test_quiet_on_websocket_stage_with_logging if {
	results := rule.deny with input as {"v2_apis": [ws_api("WEBSOCKET", "INFO")], "apigateway_accounts": role}
	count(results) == 0
}

test_quiet_on_http_api if {
	results := rule.deny with input as {"v2_apis": [ws_api("HTTP", "OFF")], "apigateway_accounts": role}
	count(results) == 0
}
