package gatewatch.rules.gw104_public_without_waf_test

import data.gatewatch.fixtures as fx
import data.gatewatch.rules.gw104_public_without_waf as rule
import rego.v1

alb_arn := "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/web/1"

alb(scheme) := {"arn": alb_arn, "name": "web", "type": "application", "scheme": scheme, "dns_name": "web-1.eu-west-1.elb.amazonaws.com", "listeners": []}

regional_acl := {"arn": "arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/edge/1", "name": "edge", "scope": "REGIONAL", "rules": [], "associated_resources": [alb_arn]}

distribution(acl) := {
	"arn": "arn:aws:cloudfront::111122223333:distribution/E1", "id": "E1", "enabled": true, "web_acl_id": acl,
	"origins": [{"id": "alb", "domain_name": "WEB-1.eu-west-1.elb.amazonaws.com"}, {"id": "api", "domain_name": "a1.execute-api.eu-west-1.amazonaws.com"}],
}

test_fires_on_internet_facing_alb_without_acl if {
	results := rule.deny with input as {"load_balancers": [alb("internet-facing")], "web_acls": [], "cloudfront_distributions": []}
	results == {{
		"resource": alb_arn,
		"message": "internet-facing ALB web has no web ACL and no CloudFront distribution with one in front of it",
		"evidence": {"web_acls": [], "reachable_as": ["web-1.eu-west-1.elb.amazonaws.com"], "fronting_distributions": []},
	}}
}

test_quiet_with_regional_acl if {
	results := rule.deny with input as {"load_balancers": [alb("internet-facing")], "web_acls": [regional_acl], "cloudfront_distributions": []}
	count(results) == 0
}

test_quiet_behind_cloudfront_with_acl if {
	results := rule.deny with input as {"load_balancers": [alb("internet-facing")], "web_acls": [], "cloudfront_distributions": [distribution("arn:aws:wafv2:us-east-1:111122223333:global/webacl/cf/2")]}
	count(results) == 0
}

test_fires_behind_cloudfront_without_acl if {
	results := rule.deny with input as {"load_balancers": [alb("internet-facing")], "web_acls": [], "cloudfront_distributions": [distribution("")]}
	some r in results
	r.evidence.fronting_distributions == ["E1"]
}

test_quiet_on_internal_alb if {
	results := rule.deny with input as {"load_balancers": [alb("internal")], "web_acls": [], "cloudfront_distributions": []}
	count(results) == 0
}

rest_api(types, acl) := {
	"arn": "arn:aws:apigateway:eu-west-1::/restapis/a1", "id": "a1", "name": "partner", "region": "eu-west-1", "endpoint_types": types,
	"stages": [{"arn": "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod", "name": "prod", "web_acl_arn": acl}],
}

test_fires_on_public_rest_stage if {
	results := rule.deny with input as {"rest_apis": [rest_api(["EDGE"], "")], "web_acls": [], "cloudfront_distributions": [], "domain_names": []}
	some r in results
	r.resource == "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod"
}

test_quiet_on_rest_stage_with_acl if {
	results := rule.deny with input as {"rest_apis": [rest_api(["REGIONAL"], "arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/api/3")], "web_acls": [], "cloudfront_distributions": [], "domain_names": []}
	count(results) == 0
}

test_quiet_on_private_rest_api if {
	results := rule.deny with input as {"rest_apis": [rest_api(["PRIVATE"], "")], "web_acls": [], "cloudfront_distributions": [], "domain_names": []}
	count(results) == 0
}

test_quiet_on_rest_api_behind_cloudfront_with_acl if {
	results := rule.deny with input as {"rest_apis": [rest_api(["REGIONAL"], "")], "web_acls": [], "domain_names": [], "cloudfront_distributions": [distribution("arn:aws:wafv2:us-east-1:111122223333:global/webacl/cf/2")]}
	count(results) == 0
}

http_api(disabled) := {
	"arn": "arn:aws:apigateway:eu-west-1::/apis/h1", "account": "111122223333", "id": "h1", "name": "mobile", "region": "eu-west-1", "protocol_type": "HTTP",
	"disable_execute_api_endpoint": disabled,
	"stages": [{"arn": "arn:aws:apigateway:eu-west-1::/apis/h1/stages/$default", "name": "$default"}],
}

test_fires_on_http_api if {
	results := rule.deny with input as {"v2_apis": [http_api(false)], "web_acls": [], "cloudfront_distributions": [], "domain_names": []}
	count(results) == 1
}

test_quiet_on_unreachable_http_api if {
	results := rule.deny with input as {"v2_apis": [http_api(true)], "web_acls": [], "cloudfront_distributions": [], "domain_names": []}
	count(results) == 0
}

test_quiet_on_http_api_behind_cloudfront_custom_domain if {
	domain := fx.domain_name("mobile.example.com", [["", "h1", "$default"]])
	dist := json.patch(distribution("arn:aws:wafv2:us-east-1:111122223333:global/webacl/cf/2"), [{"op": "replace", "path": "/origins", "value": [{"id": "m", "domain_name": "mobile.example.com"}]}])
	results := rule.deny with input as {"v2_apis": [http_api(true)], "web_acls": [], "cloudfront_distributions": [dist], "domain_names": [domain]}
	count(results) == 0
}

sg(cidr) := {"account": "111122223333", "region": "eu-west-1", "id": "sg-1", "ingress": [{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidrs": [cidr]}]}

reachable_alb := object.union(alb("internet-facing"), {"account": "111122223333", "region": "eu-west-1", "security_groups": ["sg-1"]})

test_quiet_on_internet_facing_alb_open_only_to_private_ranges if {
	results := rule.deny with input as {"load_balancers": [reachable_alb], "security_groups": [sg("10.0.0.0/8")], "web_acls": [], "cloudfront_distributions": []}
	count(results) == 0
}

test_fires_on_alb_open_to_the_internet if {
	results := rule.deny with input as {"load_balancers": [reachable_alb], "security_groups": [sg("0.0.0.0/0")], "web_acls": [], "cloudfront_distributions": []}
	count(results) == 1
}

test_fires_when_security_group_is_not_in_the_snapshot if {
	results := rule.deny with input as {"load_balancers": [reachable_alb], "security_groups": [], "web_acls": [], "cloudfront_distributions": []}
	count(results) == 1
}

# Two stages of one API behind a distribution with a web ACL whose origin
# path is /prod: CloudFront sends every request to /prod/..., so only
# stage prod is behind it.
two_stage_api := fx.rest_api("a2", {
	"name": "orders",
	"stages": [fx.rest_stage("a2", "prod", {}), fx.rest_stage("a2", "test", {})],
})

waf_dist(origin) := fx.distribution("E7", [origin], {"web_acl_id": fx.cloudfront_acl_arn("edge")})

test_fires_on_stage_the_origin_path_does_not_select if {
	d := waf_dist(fx.origin(fx.execute_api_domain("a2"), "/prod"))
	results := rule.deny with input as {"rest_apis": [two_stage_api], "web_acls": [], "domain_names": [], "cloudfront_distributions": [d]}
	results == {{
		"resource": "arn:aws:apigateway:eu-west-1::/restapis/a2/stages/test",
		"message": "stage test of public REST API orders (REGIONAL) has no web ACL and no CloudFront distribution with one in front of it; distribution E7 reaches only other stages of the API (its origin path selects them)",
		"evidence": {
			"web_acls": [],
			"reachable_as": ["a2.execute-api.eu-west-1.amazonaws.com"],
			"fronting_distributions": [],
			"waf_distributions_for_other_stages": ["E7"],
			"endpoint_types": ["REGIONAL"],
		},
	}}
}

test_quiet_on_every_stage_without_origin_path if {
	d := waf_dist(fx.origin(fx.execute_api_domain("a2"), ""))
	results := rule.deny with input as {"rest_apis": [two_stage_api], "web_acls": [], "domain_names": [], "cloudfront_distributions": [d]}
	count(results) == 0
}

test_custom_domain_origin_path_selects_its_base_path_mapping if {
	dn := fx.domain_name("api.example.com", [["v1", "a2", "prod"], ["beta", "a2", "test"]])
	d := waf_dist(fx.origin("api.example.com", "/v1"))
	results := rule.deny with input as {"rest_apis": [two_stage_api], "web_acls": [], "domain_names": [dn], "cloudfront_distributions": [d]}
	{r.resource | some r in results} == {"arn:aws:apigateway:eu-west-1::/restapis/a2/stages/test"}
}

test_custom_domain_origin_path_without_mapping_reaches_the_root_mapping if {
	dn := fx.domain_name("api.example.com", [["", "a2", "prod"], ["beta", "a2", "test"]])
	d := waf_dist(fx.origin("api.example.com", "/orders"))
	results := rule.deny with input as {"rest_apis": [two_stage_api], "web_acls": [], "domain_names": [dn], "cloudfront_distributions": [d]}
	{r.resource | some r in results} == {"arn:aws:apigateway:eu-west-1::/restapis/a2/stages/test"}
}

test_http_api_origin_path_selects_its_stage if {
	api := fx.http_api("h2", {"name": "mobile", "stages": [fx.v2_stage("h2", "$default", {}), fx.v2_stage("h2", "beta", {})]})
	d := waf_dist(fx.origin(fx.execute_api_domain("h2"), "/beta"))
	results := rule.deny with input as {"v2_apis": [api], "web_acls": [], "domain_names": [], "cloudfront_distributions": [d]}
	{r.resource | some r in results} == {"arn:aws:apigateway:eu-west-1::/apis/h2/stages/$default"}
}

test_http_api_origin_path_naming_no_stage_reaches_default if {
	api := fx.http_api("h2", {"name": "mobile", "stages": [fx.v2_stage("h2", "$default", {}), fx.v2_stage("h2", "beta", {})]})
	d := waf_dist(fx.origin(fx.execute_api_domain("h2"), "/feed"))
	results := rule.deny with input as {"v2_apis": [api], "web_acls": [], "domain_names": [], "cloudfront_distributions": [d]}
	{r.resource | some r in results} == {"arn:aws:apigateway:eu-west-1::/apis/h2/stages/beta"}
}

# CloudFront origins are often written with ELB's dualstack name and a
# trailing dot; they still reach the ALB.
test_quiet_behind_cloudfront_with_acl_by_dualstack_name if {
	d := json.patch(distribution("arn:aws:wafv2:us-east-1:111122223333:global/webacl/cf/2"), [{"op": "replace", "path": "/origins/0/domain_name", "value": "dualstack.web-1.eu-west-1.elb.amazonaws.com."}])
	results := rule.deny with input as {"load_balancers": [alb("internet-facing")], "web_acls": [], "cloudfront_distributions": [d]}
	count(results) == 0
}

# Near miss: a dualstack name of another load balancer fronts nothing here.
test_fires_when_dualstack_origin_names_another_alb if {
	d := json.patch(distribution("arn:aws:wafv2:us-east-1:111122223333:global/webacl/cf/2"), [{"op": "replace", "path": "/origins/0/domain_name", "value": "dualstack.web-2.eu-west-1.elb.amazonaws.com"}])
	results := rule.deny with input as {"load_balancers": [alb("internet-facing")], "web_acls": [], "cloudfront_distributions": [d]}
	{r.resource | some r in results} == {alb_arn}
}

# A REST API whose default endpoint is disabled answers 403 Forbidden on
# it for every stage: only a custom domain mapping reaches a stage.
closed_api := fx.rest_api("a3", {
	"name": "billing", "disable_execute_api_endpoint": true,
	"stages": [fx.rest_stage("a3", "prod", {}), fx.rest_stage("a3", "test", {})],
})

test_quiet_on_rest_api_with_default_endpoint_disabled_and_no_domain if {
	results := rule.deny with input as {"rest_apis": [closed_api], "web_acls": [], "domain_names": [], "cloudfront_distributions": []}
	count(results) == 0
}

test_fires_only_on_the_stage_a_custom_domain_maps if {
	domain := fx.domain_name("billing.example.com", [["v1", "a3", "prod"]])
	results := rule.deny with input as {"rest_apis": [closed_api], "web_acls": [], "domain_names": [domain], "cloudfront_distributions": []}
	{[r.resource, r.evidence.reachable_as] | some r in results} == {["arn:aws:apigateway:eu-west-1::/restapis/a3/stages/prod", ["billing.example.com"]]}
}

test_fires_on_every_stage_a_mapping_without_stage_reaches if {
	domain := fx.domain_name("billing.example.com", [["", "a3", ""]])
	results := rule.deny with input as {"rest_apis": [closed_api], "web_acls": [], "domain_names": [domain], "cloudfront_distributions": []}
	count(results) == 2
}

test_quiet_on_http_api_stage_no_domain_maps if {
	api := object.union(http_api(true), {"stages": [
		{"arn": "arn:aws:apigateway:eu-west-1::/apis/h1/stages/$default", "name": "$default"},
		{"arn": "arn:aws:apigateway:eu-west-1::/apis/h1/stages/beta", "name": "beta"},
	]})
	domain := fx.domain_name("mobile.example.com", [["", "h1", "$default"]])
	results := rule.deny with input as {"v2_apis": [api], "web_acls": [], "cloudfront_distributions": [], "domain_names": [domain]}
	{r.resource | some r in results} == {"arn:aws:apigateway:eu-west-1::/apis/h1/stages/$default"}
}

# An ALB answers on its listener ports alone: a security group open to the
# world on port 22 does not expose its HTTPS listener.
listening_alb := object.union(reachable_alb, {"listeners": [{"arn": "l1", "protocol": "HTTPS", "port": 443}]})

ssh_open(https_cidr) := {"account": "111122223333", "region": "eu-west-1", "id": "sg-1", "ingress": [
	{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidrs": [https_cidr]},
	{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidrs": ["0.0.0.0/0"]},
]}

test_quiet_when_only_another_port_is_open_to_the_internet if {
	results := rule.deny with input as {"load_balancers": [listening_alb], "security_groups": [ssh_open("10.0.0.0/8")], "web_acls": [], "cloudfront_distributions": []}
	count(results) == 0
}

test_fires_when_a_port_range_covers_the_listener if {
	sg := json.patch(ssh_open("10.0.0.0/8"), [{"op": "replace", "path": "/ingress/1", "value": {"protocol": "tcp", "from_port": 0, "to_port": 65535, "cidrs": ["0.0.0.0/0"]}}])
	results := rule.deny with input as {"load_balancers": [listening_alb], "security_groups": [sg], "web_acls": [], "cloudfront_distributions": []}
	count(results) == 1
}

# WebSocket APIs cannot carry a web ACL either.
test_fires_on_websocket_api if {
	api := object.union(http_api(false), {"protocol_type": "WEBSOCKET"})
	results := rule.deny with input as {"v2_apis": [api], "web_acls": [], "cloudfront_distributions": [], "domain_names": []}
	{r.evidence.protocol_type | some r in results} == {"WEBSOCKET"}
}
