package gatewatch.rules.gw101_reverse_proxy_test

import data.gatewatch.rules.gw101_reverse_proxy as rule
import rego.v1

internal_alb := {
	"arn": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/internal-svc/0123456789abcdef",
	"name": "internal-svc", "type": "application", "scheme": "internal",
	"dns_name": "internal-internal-svc-123.eu-west-1.elb.amazonaws.com",
	"listeners": [{"arn": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/internal-svc/0123456789abcdef/aaaa", "protocol": "HTTP", "port": 80, "rules": []}],
}

proxy_api(method) := {
	"arn": "arn:aws:apigateway:eu-west-1::/restapis/abc123", "account": "111122223333", "region": "eu-west-1",
	"id": "abc123", "name": "internal-proxy", "endpoint_types": ["REGIONAL"], "tags": {},
	"resources": [{"id": "r1", "path": "/{proxy+}", "methods": [method]}],
	"stages": [], "authorizers": [], "request_validators": [],
}

passthrough := {
	"http_method": "ANY", "authorization_type": "NONE", "api_key_required": false,
	"integration": {"type": "HTTP_PROXY", "uri": "http://internal-internal-svc-123.eu-west-1.elb.amazonaws.com/{proxy}", "connection_type": "INTERNET", "timeout_millis": 29000},
}

test_fires_on_greedy_proxy_to_internal_alb if {
	results := rule.deny with input as {"rest_apis": [proxy_api(passthrough)], "load_balancers": [internal_alb], "usage_plans": []}
	some r in results
	r.resource == "arn:aws:apigateway:eu-west-1::/restapis/abc123"
	r.evidence.greedy_paths == ["/{proxy+}"]
	r.evidence.passthrough_methods["ANY /{proxy+}"].target == "internal-svc"
}

test_fires_on_vpc_link_integration if {
	m := json.patch(passthrough, [{"op": "replace", "path": "/integration/connection_type", "value": "VPC_LINK"}, {"op": "add", "path": "/integration/connection_id", "value": "vl1"}, {"op": "replace", "path": "/integration/uri", "value": "http://nlb.example.internal/{proxy}"}])
	results := rule.deny with input as {"rest_apis": [proxy_api(m)], "load_balancers": [], "usage_plans": []}
	count(results) == 1
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

test_quiet_with_usage_plan if {
	plan := {"arn": "arn:aws:apigateway:eu-west-1::/usageplans/p1", "account": "111122223333", "region": "eu-west-1", "id": "p1", "name": "gold", "api_stages": [{"api_id": "abc123", "stage": "prod"}], "tags": {}}
	results := rule.deny with input as {"rest_apis": [proxy_api(passthrough)], "load_balancers": [internal_alb], "usage_plans": [plan]}
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

http_api(route_auth) := {
	"arn": "arn:aws:apigateway:eu-west-1::/apis/h1", "account": "111122223333", "region": "eu-west-1",
	"id": "h1", "name": "orders-internal", "protocol_type": "HTTP", "tags": {},
	"routes": [{"id": "rt1", "route_key": "ANY /{proxy+}", "authorization_type": route_auth, "api_key_required": false, "target": "integrations/i1"}],
	"integrations": [{"id": "i1", "type": "HTTP_PROXY", "uri": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/internal-svc/0123456789abcdef/aaaa", "connection_type": "VPC_LINK", "connection_id": "vl2", "timeout_millis": 30000}],
	"stages": [], "authorizers": [],
}

test_fires_on_http_api_private_integration if {
	results := rule.deny with input as {"v2_apis": [http_api("NONE")], "load_balancers": [internal_alb]}
	some r in results
	r.resource == "arn:aws:apigateway:eu-west-1::/apis/h1"
	r.evidence.passthrough_routes["ANY /{proxy+}"] == "internal-svc"
}

test_quiet_on_http_api_with_jwt if {
	results := rule.deny with input as {"v2_apis": [http_api("JWT")], "load_balancers": [internal_alb]}
	count(results) == 0
}
