package gatewatch.rules.gw107_unthrottled_public_api_test

import data.gatewatch.fixtures as fx
import data.gatewatch.rules.gw107_unthrottled_public_api as rule
import rego.v1

stage_arn := "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod"

keyed := {"api_key_required": true}

# The partner API: GET /items and POST /orders, both keyed unless told.
api(types, settings, get_extra, post_extra) := fx.rest_api("a1", {
	"name": "partner", "endpoint_types": types,
	"resources": [
		fx.rest_resource("/items", [fx.rest_method("GET", get_extra)]),
		fx.rest_resource("/orders", [fx.rest_method("POST", post_extra)]),
	],
	"stages": [fx.rest_stage("a1", "prod", {"method_settings": settings})],
})

plan(extra) := fx.usage_plan("p1", [["a1", "prod"]], object.union({"name": "gold"}, extra))

plan_throttle := {"throttle": {"rate_limit": 50, "burst_limit": 100}}

logging_only := {"*/*": {"metrics_enabled": true, "logging_level": "ERROR"}}

account := {"account": fx.account, "region": fx.region, "throttle_rate_limit": 10000, "throttle_burst_limit": 5000}

test_fires_without_plan_or_stage_throttle if {
	results := rule.deny with input as {"rest_apis": [api(["REGIONAL"], logging_only, {}, {})], "usage_plans": [], "apigateway_accounts": [account]}
	results == {{
		"resource": stage_arn,
		"message": "stage prod of public REST API partner leaves GET /items, POST /orders unthrottled: no stage-wide */* throttle; no usage plan; only the account-wide limit applies",
		"evidence": {
			"unthrottled_methods": ["GET /items", "POST /orders"],
			"keyless_methods": ["GET /items", "POST /orders"],
			"usage_plans": [],
			"throttled_usage_plans": [],
			"stage_throttle": null,
			"methods_throttled": [],
			"account_throttle": {"rate_limit": 10000, "burst_limit": 5000},
		},
	}}
}

test_fires_when_usage_plan_has_no_throttle if {
	results := rule.deny with input as {"rest_apis": [api(["EDGE"], {}, keyed, keyed)], "usage_plans": [plan({})]}
	some r in results
	r.evidence.usage_plans == ["gold"]
	r.evidence.keyless_methods == []
	contains(r.message, "usage plan gold sets no throttle for them")
}

# A usage plan throttles only requests identified by an API key: a method
# that requires none is not protected by the plan its stage is listed in.
test_fires_on_keyless_method_under_throttled_plan if {
	results := rule.deny with input as {"rest_apis": [api(["REGIONAL"], {}, {}, keyed)], "usage_plans": [plan(plan_throttle)]}
	results == {{
		"resource": stage_arn,
		"message": "stage prod of public REST API partner leaves GET /items unthrottled: no stage-wide */* throttle; usage plan gold throttles only requests with an API key, which none of them requires; only the account-wide limit applies",
		"evidence": {
			"unthrottled_methods": ["GET /items"],
			"keyless_methods": ["GET /items"],
			"usage_plans": ["gold"],
			"throttled_usage_plans": ["gold"],
			"stage_throttle": null,
			"methods_throttled": [],
			"account_throttle": null,
		},
	}}
}

test_quiet_with_throttled_usage_plan_and_keyed_methods if {
	results := rule.deny with input as {"rest_apis": [api(["REGIONAL"], {}, keyed, keyed)], "usage_plans": [plan(plan_throttle)]}
	count(results) == 0
}

test_quiet_with_per_method_plan_throttles_on_keyed_methods if {
	p := plan({"api_stages": [{"api_id": "a1", "stage": "prod", "throttle": {"/items/GET": {"rate_limit": 5, "burst_limit": 10}, "/orders/POST": {"rate_limit": 1, "burst_limit": 2}}}]})
	results := rule.deny with input as {"rest_apis": [api(["REGIONAL"], {}, keyed, keyed)], "usage_plans": [p]}
	count(results) == 0
}

# Method-level throttling overrides "*/*": the stage is throttled when
# every method has its own limit.
test_quiet_when_every_method_has_its_own_throttle if {
	settings := {"~1items/GET": {"throttling_rate_limit": 5}, "~1orders/POST": {"throttling_burst_limit": 10}}
	results := rule.deny with input as {"rest_apis": [api(["REGIONAL"], settings, {}, {})], "usage_plans": []}
	count(results) == 0
}

test_fires_on_the_method_without_its_own_throttle if {
	settings := {"~1items/GET": {"throttling_rate_limit": 5}, "~1orders/GET": {"throttling_rate_limit": 5}}
	results := rule.deny with input as {"rest_apis": [api(["REGIONAL"], settings, {}, {})], "usage_plans": []}
	some r in results
	r.evidence.unthrottled_methods == ["POST /orders"]
	r.evidence.methods_throttled == ["~1items/GET", "~1orders/GET"]
	r.message == "stage prod of public REST API partner leaves POST /orders unthrottled: no stage-wide */* throttle; no usage plan; method throttles cover GET /items only; only the account-wide limit applies"
}

test_quiet_with_stage_throttle if {
	settings := {"*/*": {"throttling_burst_limit": 200, "throttling_rate_limit": 100}}
	results := rule.deny with input as {"rest_apis": [api(["REGIONAL"], settings, {}, {})], "usage_plans": []}
	count(results) == 0
}

test_quiet_on_private_api if {
	results := rule.deny with input as {"rest_apis": [api(["PRIVATE"], {}, {}, {})], "usage_plans": []}
	count(results) == 0
}

test_quiet_on_api_without_methods if {
	a := fx.rest_api("a1", {"stages": [fx.rest_stage("a1", "prod", {})]})
	results := rule.deny with input as {"rest_apis": [a], "usage_plans": []}
	count(results) == 0
}

test_fires_when_throttled_plan_covers_another_stage if {
	p := fx.usage_plan("p1", [["a1", "test"]], plan_throttle)
	results := rule.deny with input as {"rest_apis": [api(["REGIONAL"], {}, keyed, keyed)], "usage_plans": [p]}
	count(results) == 1
}

http_api(default_settings, route_settings) := fx.http_api("h1", {
	"name": "mobile",
	"routes": [{"id": "r1", "route_key": "GET /feed"}, {"id": "r2", "route_key": "POST /feed"}],
	"stages": [fx.v2_stage("h1", "$default", {"default_route_settings": default_settings, "route_settings": route_settings})],
})

test_fires_on_http_api_without_default_throttle if {
	results := rule.deny with input as {"v2_apis": [http_api({"detailed_metrics_enabled": true}, {"POST /feed": {"throttling_rate_limit": 10}})]}
	results == {{
		"resource": "arn:aws:apigateway:eu-west-1::/apis/h1/stages/$default",
		"message": "stage $default of HTTP API mobile leaves GET /feed unthrottled: no default route throttle; route throttles cover POST /feed only; only the account-wide limit applies",
		"evidence": {
			"unthrottled_methods": ["GET /feed"],
			"usage_plans": [],
			"stage_throttle": null,
			"methods_throttled": ["POST /feed"],
			"account_throttle": null,
		},
	}}
}

test_quiet_on_http_api_with_default_throttle if {
	results := rule.deny with input as {"v2_apis": [http_api({"throttling_rate_limit": 100, "throttling_burst_limit": 50}, {})]}
	count(results) == 0
}

test_quiet_on_http_api_with_every_route_throttled if {
	routes := {"GET /feed": {"throttling_rate_limit": 10}, "POST /feed": {"throttling_burst_limit": 5}}
	results := rule.deny with input as {"v2_apis": [http_api({}, routes)]}
	count(results) == 0
}

# A disabled default endpoint answers 403 Forbidden to every request: an
# API with no custom domain mapped cannot be called at all.
closed := {"disable_execute_api_endpoint": true}

test_quiet_on_rest_api_with_default_endpoint_disabled_and_no_domain if {
	results := rule.deny with input as {"rest_apis": [object.union(api(["REGIONAL"], logging_only, {}, {}), closed)], "usage_plans": [], "domain_names": []}
	count(results) == 0
}

test_fires_on_rest_stage_a_custom_domain_maps if {
	domain := fx.domain_name("partner.example.com", [["", "a1", "prod"]])
	results := rule.deny with input as {"rest_apis": [object.union(api(["REGIONAL"], logging_only, {}, {}), closed)], "usage_plans": [], "domain_names": [domain]}
	{r.resource | some r in results} == {stage_arn}
}

test_quiet_on_http_api_with_default_endpoint_disabled_and_no_domain if {
	results := rule.deny with input as {"v2_apis": [object.union(http_api({}, {}), closed)], "domain_names": []}
	count(results) == 0
}

test_fires_on_http_api_stage_a_custom_domain_maps if {
	domain := fx.domain_name("mobile.example.com", [["", "h1", "$default"]])
	results := rule.deny with input as {"v2_apis": [object.union(http_api({}, {}), closed)], "domain_names": [domain]}
	count(results) == 1
}
