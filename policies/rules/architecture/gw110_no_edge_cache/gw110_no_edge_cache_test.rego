package gatewatch.rules.gw110_no_edge_cache_test

import data.gatewatch.fixtures as fx
import data.gatewatch.rules.gw110_no_edge_cache as rule
import rego.v1

rest_api(types, method) := {
	"arn": "arn:aws:apigateway:eu-west-1::/restapis/a1", "account": "111122223333", "region": "eu-west-1", "id": "a1",
	"name": "catalog", "endpoint_types": types,
	"resources": [{"id": "r", "path": "/products", "methods": [{"http_method": method}, {"http_method": "OPTIONS"}]}],
	"stages": [{"arn": "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod", "name": "prod", "cache_cluster_enabled": true}],
}

dist(domain) := {"arn": "arn:aws:cloudfront::111122223333:distribution/E1", "id": "E1", "enabled": true, "origins": [{"id": "o", "domain_name": domain}]}

test_fires_on_public_rest_api_with_get if {
	results := rule.deny with input as {"rest_apis": [rest_api(["EDGE"], "GET")], "cloudfront_distributions": [], "domain_names": []}
	results == {{
		"resource": "arn:aws:apigateway:eu-west-1::/restapis/a1",
		"message": "public REST API catalog mostly serves reads (GET /products) with no CloudFront distribution in front",
		"evidence": {
			"get_routes": ["GET /products"],
			"reachable_as": ["a1.execute-api.eu-west-1.amazonaws.com"],
			"endpoint_types": ["EDGE"],
			"stage_cache_enabled": ["prod"],
			"unfronted_stages": ["prod"],
		},
	}}
}

# An origin path selects one stage: the API's other stages serve reads
# with no cache in front.
test_fires_on_stage_the_origin_path_leaves_out if {
	api := json.patch(rest_api(["REGIONAL"], "GET"), [{"op": "add", "path": "/stages/-", "value": fx.rest_stage("a1", "beta", {})}])
	d := fx.distribution("E1", [fx.origin("a1.execute-api.eu-west-1.amazonaws.com", "/prod")], {})
	results := rule.deny with input as {"rest_apis": [api], "cloudfront_distributions": [d], "domain_names": []}
	some r in results
	r.evidence.unfronted_stages == ["beta"]
	r.message == "public REST API catalog mostly serves reads (GET /products) with no CloudFront distribution in front of stage beta (the distributions' origin paths select other stages)"
}

test_quiet_when_origin_path_selects_the_only_stage if {
	d := fx.distribution("E1", [fx.origin("a1.execute-api.eu-west-1.amazonaws.com", "/prod")], {})
	results := rule.deny with input as {"rest_apis": [rest_api(["REGIONAL"], "GET")], "cloudfront_distributions": [d], "domain_names": []}
	count(results) == 0
}

test_quiet_on_rest_api_behind_cloudfront if {
	results := rule.deny with input as {"rest_apis": [rest_api(["REGIONAL"], "GET")], "cloudfront_distributions": [dist("a1.execute-api.eu-west-1.amazonaws.com")], "domain_names": []}
	count(results) == 0
}

test_quiet_on_private_rest_api if {
	results := rule.deny with input as {"rest_apis": [rest_api(["PRIVATE"], "GET")], "cloudfront_distributions": [], "domain_names": []}
	count(results) == 0
}

test_quiet_on_write_heavy_api if {
	api := json.patch(rest_api(["REGIONAL"], "GET"), [{"op": "add", "path": "/resources/-", "value": {"id": "o", "path": "/orders", "methods": [{"http_method": "POST"}, {"http_method": "PUT"}]}}])
	results := rule.deny with input as {"rest_apis": [api], "cloudfront_distributions": [], "domain_names": []}
	count(results) == 0
}

test_quiet_on_any_proxy if {
	results := rule.deny with input as {"rest_apis": [rest_api(["REGIONAL"], "ANY")], "cloudfront_distributions": [], "domain_names": []}
	count(results) == 0
}

test_quiet_on_write_only_api if {
	results := rule.deny with input as {"rest_apis": [rest_api(["REGIONAL"], "POST")], "cloudfront_distributions": [], "domain_names": []}
	count(results) == 0
}

http_api(disabled) := {
	"arn": "arn:aws:apigateway:eu-west-1::/apis/h1", "account": "111122223333", "region": "eu-west-1", "id": "h1", "name": "mobile",
	"protocol_type": "HTTP", "disable_execute_api_endpoint": disabled,
	"routes": [{"id": "r", "route_key": "GET /feed"}, {"id": "s", "route_key": "GET /feed/{id}"}, {"id": "t", "route_key": "POST /feed"}],
	"stages": [fx.v2_stage("h1", "$default", {})],
}

test_fires_on_http_api_get_route if {
	results := rule.deny with input as {"v2_apis": [http_api(false)], "cloudfront_distributions": [], "domain_names": []}
	some r in results
	r.evidence.get_routes == ["GET /feed", "GET /feed/{id}"]
}

test_quiet_on_http_api_behind_cloudfront_custom_domain if {
	domain := fx.domain_name("feed.example.com", [["", "h1", "$default"]])
	results := rule.deny with input as {"v2_apis": [http_api(true)], "cloudfront_distributions": [dist("feed.example.com")], "domain_names": [domain]}
	count(results) == 0
}

alb(scheme, action) := {
	"arn": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/www/1", "name": "www", "type": "application",
	"scheme": scheme, "dns_name": "www-1.eu-west-1.elb.amazonaws.com",
	"listeners": [{"arn": "l", "protocol": "HTTPS", "port": 443, "default_actions": [{"type": action}], "rules": []}],
}

test_fires_on_public_alb if {
	results := rule.deny with input as {"load_balancers": [alb("internet-facing", "forward")], "cloudfront_distributions": []}
	count(results) == 1
}

test_quiet_on_internal_alb if {
	results := rule.deny with input as {"load_balancers": [alb("internal", "forward")], "cloudfront_distributions": []}
	count(results) == 0
}

test_quiet_on_redirect_only_alb if {
	results := rule.deny with input as {"load_balancers": [alb("internet-facing", "redirect")], "cloudfront_distributions": []}
	count(results) == 0
}

test_quiet_on_alb_behind_cloudfront if {
	results := rule.deny with input as {"load_balancers": [alb("internet-facing", "forward")], "cloudfront_distributions": [dist("WWW-1.eu-west-1.elb.amazonaws.com")]}
	count(results) == 0
}

test_quiet_on_internet_facing_alb_open_only_to_private_ranges if {
	lb := object.union(alb("internet-facing", "forward"), {"account": "111122223333", "region": "eu-west-1", "security_groups": ["sg-1"]})
	sg := {"account": "111122223333", "region": "eu-west-1", "id": "sg-1", "ingress": [{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidrs": ["10.0.0.0/8"]}]}
	results := rule.deny with input as {"load_balancers": [lb], "security_groups": [sg], "cloudfront_distributions": []}
	count(results) == 0
}

# The dualstack name with a trailing dot, as consoles and templates write
# CloudFront origins, fronts the ALB like its plain DNS name.
test_quiet_on_alb_behind_cloudfront_by_dualstack_name if {
	results := rule.deny with input as {"load_balancers": [alb("internet-facing", "forward")], "cloudfront_distributions": [dist("dualstack.www-1.eu-west-1.elb.amazonaws.com.")]}
	count(results) == 0
}

# Near miss: the dualstack name of another load balancer fronts nothing
# here, so the ALB still serves uncached.
test_fires_when_dualstack_origin_names_another_alb if {
	results := rule.deny with input as {"load_balancers": [alb("internet-facing", "forward")], "cloudfront_distributions": [dist("dualstack.www-2.eu-west-1.elb.amazonaws.com")]}
	{r.resource | some r in results} == {alb("internet-facing", "forward").arn}
}

# A disabled default endpoint answers 403 Forbidden to every request: only
# the stages a custom domain maps serve reads.
closed_api := object.union(rest_api(["REGIONAL"], "GET"), {"disable_execute_api_endpoint": true})

test_quiet_on_rest_api_with_default_endpoint_disabled_and_no_domain if {
	results := rule.deny with input as {"rest_apis": [closed_api], "cloudfront_distributions": [], "domain_names": []}
	count(results) == 0
}

test_fires_on_rest_api_reached_by_its_custom_domain_alone if {
	domain := fx.domain_name("catalog.example.com", [["", "a1", "prod"]])
	results := rule.deny with input as {"rest_apis": [closed_api], "cloudfront_distributions": [], "domain_names": [domain]}
	{r.evidence.reachable_as | some r in results} == {["catalog.example.com"]}
}
