package gatewatch.rules.gw101_reverse_proxy_test

import data.gatewatch.fixtures as fx
import data.gatewatch.rules.gw101_reverse_proxy as rule
import rego.v1

internal_alb := fx.alb("internal-svc", {
	"scheme": "internal",
	"listeners": [fx.listener("internal-svc", "HTTP", 80, {})],
})

api_arn := fx.rest_api_arn("abc123")

proxy_api(method) := fx.rest_api("abc123", {
	"name": "internal-proxy",
	"resources": [fx.rest_resource("/{proxy+}", [method])],
	"stages": [fx.rest_stage("abc123", "prod", {})],
})

passthrough := fx.rest_method("ANY", {"integration": {"type": "HTTP_PROXY", "uri": sprintf("http://%s/{proxy}", [internal_alb.dns_name])}})

test_fires_on_greedy_proxy_to_internal_alb if {
	results := rule.deny with input as {"rest_apis": [proxy_api(passthrough)], "load_balancers": [internal_alb], "usage_plans": []}
	results == {{
		"resource": api_arn,
		"message": "REST API internal-proxy passes ANY /{proxy+} straight through to internal-svc with no authorizer or API key, and no usage plan",
		"evidence": {
			"api_type": "REST",
			"passthrough_methods": {"ANY /{proxy+}": {"target": "internal-svc", "via": "internal-load-balancer"}},
			"greedy_paths": ["/{proxy+}"],
			"authorizers": 0,
			"usage_plans": [],
		},
	}}
}

test_fires_on_vpc_link_integration if {
	m := json.patch(passthrough, [{"op": "replace", "path": "/integration/connection_type", "value": "VPC_LINK"}, {"op": "add", "path": "/integration/connection_id", "value": "vl1"}, {"op": "replace", "path": "/integration/uri", "value": "http://nlb.example.internal/{proxy}"}])
	results := rule.deny with input as {"rest_apis": [proxy_api(m)], "load_balancers": [], "usage_plans": []}
	count(results) == 1
}

# A REST API may name its VPC link through a stage variable, as API
# Gateway documents ("${stageVariables.vpcLinkId}"): the message names the
# load balancers of the link each stage's variable names.
stage_link_api(variables) := fx.rest_api("abc123", {
	"name": "internal-proxy",
	"resources": [fx.rest_resource("/{proxy+}", [json.patch(passthrough, [
		{"op": "replace", "path": "/integration/connection_type", "value": "VPC_LINK"},
		{"op": "add", "path": "/integration/connection_id", "value": "${stageVariables.vpcLinkId}"},
		{"op": "replace", "path": "/integration/uri", "value": "http://nlb.example.internal/{proxy}"},
	])])],
	"stages": [fx.rest_stage("abc123", "prod", {"variables": variables})],
})

stage_link_input(variables) := {
	"rest_apis": [stage_link_api(variables)],
	"vpc_links": [{"arn": "arn:aws:apigateway:eu-west-1::/vpclinks/vl1", "account": fx.account, "region": fx.region, "id": "vl1", "name": "orders-link", "version": "v1", "target_arns": [fx.nlb_arn("orders-nlb")]}],
	"load_balancers": [fx.nlb("orders-nlb", {})],
	"usage_plans": [],
}

test_fires_naming_the_link_a_stage_variable_names if {
	results := rule.deny with input as stage_link_input({"vpcLinkId": "vl1"})
	some r in results
	r.evidence.passthrough_methods["ANY /{proxy+}"] == {"target": "orders-nlb via VPC link orders-link", "via": "vpc-link"}
}

test_names_the_uri_when_no_stage_names_a_known_link if {
	results := rule.deny with input as stage_link_input({"vpcLinkId": "elsewhere"})
	some r in results
	r.evidence.passthrough_methods["ANY /{proxy+}"].target == "http://nlb.example.internal/{proxy}"
}

test_quiet_with_api_key if {
	m := object.union(passthrough, {"api_key_required": true})
	results := rule.deny with input as {"rest_apis": [proxy_api(m)], "load_balancers": [internal_alb], "usage_plans": []}
	count(results) == 0
}

test_quiet_with_authorizer if {
	m := object.union(passthrough, {"authorization_type": "CUSTOM", "authorizer_id": "au1"})
	results := rule.deny with input as {"rest_apis": [proxy_api(m)], "load_balancers": [internal_alb], "usage_plans": []}
	count(results) == 0
}

# A usage plan meters and throttles only requests that carry an API key: a
# method that requires none is not protected by the plan its stage is in.
test_fires_under_usage_plan_when_method_needs_no_key if {
	plan := fx.usage_plan("p1", [["abc123", "prod"]], {"name": "gold", "throttle": {"rate_limit": 10, "burst_limit": 20}})
	results := rule.deny with input as {"rest_apis": [proxy_api(passthrough)], "load_balancers": [internal_alb], "usage_plans": [plan]}
	some r in results
	r.message == "REST API internal-proxy passes ANY /{proxy+} straight through to internal-svc with no authorizer or API key (usage plan gold meters only requests with an API key)"
	r.evidence.usage_plans == ["gold"]
}

test_quiet_under_usage_plan_when_method_requires_key if {
	plan := fx.usage_plan("p1", [["abc123", "prod"]], {"name": "gold"})
	m := object.union(passthrough, {"api_key_required": true})
	results := rule.deny with input as {"rest_apis": [proxy_api(m)], "load_balancers": [internal_alb], "usage_plans": [plan]}
	count(results) == 0
}

test_quiet_for_public_backend if {
	m := json.patch(passthrough, [{"op": "replace", "path": "/integration/uri", "value": "https://api.partner.example.com/{proxy}"}])
	results := rule.deny with input as {"rest_apis": [proxy_api(m)], "load_balancers": [internal_alb], "usage_plans": []}
	count(results) == 0
}

test_quiet_for_lambda_integration if {
	m := json.patch(passthrough, [{"op": "replace", "path": "/integration/type", "value": "AWS_PROXY"}, {"op": "replace", "path": "/integration/uri", "value": "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111122223333:function:f/invocations"}])
	results := rule.deny with input as {"rest_apis": [proxy_api(m)], "load_balancers": [internal_alb], "usage_plans": []}
	count(results) == 0
}

http_api(route_auth) := fx.http_api("h1", {
	"name": "orders-internal",
	"routes": [{"id": "rt1", "route_key": "ANY /{proxy+}", "authorization_type": route_auth, "api_key_required": false, "target": "integrations/i1"}],
	"integrations": [{"id": "i1", "type": "HTTP_PROXY", "uri": internal_alb.listeners[0].arn, "connection_type": "VPC_LINK", "connection_id": "vl2", "timeout_millis": 30000}],
})

test_fires_on_http_api_private_integration if {
	results := rule.deny with input as {"v2_apis": [http_api("NONE")], "load_balancers": [internal_alb]}
	results == {{
		"resource": fx.v2_api_arn("h1"),
		"message": "HTTP API orders-internal passes ANY /{proxy+} straight through to internal-svc with no authorizer",
		"evidence": {"api_type": "HTTP", "passthrough_routes": {"ANY /{proxy+}": "internal-svc"}, "authorizers": 0},
	}}
}

test_quiet_on_http_api_with_jwt if {
	results := rule.deny with input as {"v2_apis": [http_api("JWT")], "load_balancers": [internal_alb]}
	count(results) == 0
}
