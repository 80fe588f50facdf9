package gatewatch.rules.gw107_unthrottled_public_api_test

import data.gatewatch.rules.gw107_unthrottled_public_api as rule
import rego.v1

stage_arn := "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod"

api(types, settings) := {
	"arn": "arn:aws:apigateway:eu-west-1::/restapis/a1", "account": "111122223333", "region": "eu-west-1", "id": "a1",
	"name": "partner", "endpoint_types": types,
	"stages": [{"arn": stage_arn, "name": "prod", "method_settings": settings}],
}

plan(extra) := object.union(
	{
		"arn": "arn:aws:apigateway:eu-west-1::/usageplans/p1", "account": "111122223333", "region": "eu-west-1", "id": "p1", "name": "gold",
		"api_stages": [{"api_id": "a1", "stage": "prod"}],
	},
	extra,
)

logging_only := {"*/*": {"metrics_enabled": true, "logging_level": "ERROR"}}

test_fires_without_plan_or_stage_throttle if {
	results := rule.deny with input as {"rest_apis": [api(["REGIONAL"], logging_only)], "usage_plans": [], "apigateway_accounts": [{"account": "111122223333", "region": "eu-west-1", "throttle_rate_limit": 10000, "throttle_burst_limit": 5000}]}
	some r in results
	r.resource == stage_arn
	r.evidence.account_throttle == {"rate_limit": 10000, "burst_limit": 5000}
}

test_fires_when_usage_plan_has_no_throttle if {
	results := rule.deny with input as {"rest_apis": [api(["EDGE"], {})], "usage_plans": [plan({})]}
	some r in results
	r.evidence.usage_plans == ["gold"]
}

test_fires_with_only_per_method_throttle if {
	settings := {"orders/GET": {"throttling_rate_limit": 5}}
	results := rule.deny with input as {"rest_apis": [api(["REGIONAL"], settings)], "usage_plans": []}
	some r in results
	r.evidence.methods_throttled == ["orders/GET"]
}

test_quiet_with_throttled_usage_plan if {
	results := rule.deny with input as {"rest_apis": [api(["REGIONAL"], {})], "usage_plans": [plan({"throttle": {"rate_limit": 50, "burst_limit": 100}})]}
	count(results) == 0
}

test_quiet_with_stage_throttle if {
	settings := {"*/*": {"throttling_burst_limit": 200, "throttling_rate_limit": 100}}
	results := rule.deny with input as {"rest_apis": [api(["REGIONAL"], settings)], "usage_plans": []}
	count(results) == 0
}

test_quiet_on_private_api if {
	results := rule.deny with input as {"rest_apis": [api(["PRIVATE"], {})], "usage_plans": []}
	count(results) == 0
}

test_fires_when_throttled_plan_covers_another_stage if {
	p := plan({"throttle": {"rate_limit": 50, "burst_limit": 100}, "api_stages": [{"api_id": "a1", "stage": "test"}]})
	results := rule.deny with input as {"rest_apis": [api(["REGIONAL"], {})], "usage_plans": [p]}
	count(results) == 1
}

http_api(route_settings) := {
	"arn": "arn:aws:apigateway:eu-west-1::/apis/h1", "account": "111122223333", "region": "eu-west-1", "id": "h1", "name": "mobile",
	"protocol_type": "HTTP",
	"stages": [{"arn": "arn:aws:apigateway:eu-west-1::/apis/h1/stages/$default", "name": "$default", "default_route_settings": route_settings}],
}

test_fires_on_http_api_without_default_throttle if {
	results := rule.deny with input as {"v2_apis": [http_api({"detailed_metrics_enabled": true})]}
	count(results) == 1
}

test_quiet_on_http_api_with_default_throttle if {
	results := rule.deny with input as {"v2_apis": [http_api({"throttling_rate_limit": 100, "throttling_burst_limit": 50})]}
	count(results) == 0
}
