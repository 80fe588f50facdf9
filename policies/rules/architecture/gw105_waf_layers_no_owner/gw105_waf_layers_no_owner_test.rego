package gatewatch.rules.gw105_waf_layers_no_owner_test

import data.gatewatch.rules.gw105_waf_layers_no_owner as rule
import rego.v1

alb_arn := "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/web/1"

cf_acl_arn := "arn:aws:wafv2:us-east-1:111122223333:global/webacl/edge/1"

alb_acl_arn := "arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/web/2"

alb := {"arn": alb_arn, "name": "web", "type": "application", "scheme": "internet-facing", "dns_name": "web-1.eu-west-1.elb.amazonaws.com", "listeners": []}

acl(arn, name, associated, tags) := {"arn": arn, "name": name, "scope": "REGIONAL", "rules": [], "associated_resources": associated, "tags": tags}

dist(acl_id, origins) := {"arn": "arn:aws:cloudfront::111122223333:distribution/E1", "id": "E1", "enabled": true, "web_acl_id": acl_id, "origins": origins}

alb_origin := [{"id": "alb", "domain_name": "web-1.eu-west-1.elb.amazonaws.com"}]

world(cf_tags, alb_tags) := {
	"load_balancers": [alb],
	"web_acls": [acl(cf_acl_arn, "edge", [], cf_tags), acl(alb_acl_arn, "web", [alb_arn], alb_tags)],
	"cloudfront_distributions": [dist(cf_acl_arn, alb_origin)],
	"rest_apis": [], "domain_names": [],
}

owners := {"owner": "edge", "team": "platform"}

test_fires_when_owners_differ if {
	results := rule.deny with input as world(owners, {"owner": "web", "team": "shop"})
	results == {
		{
			"evidence": {
				"layers": [
					{
						"kind": "alb",
						"owner_tags": {
							"owner": "web",
							"team": "shop",
						},
						"resource": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/web/1",
						"web_acl": "arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/web/2",
						"web_acl_name": "web",
					},
					{
						"kind": "cloudfront",
						"owner_tags": {
							"owner": "edge",
							"team": "platform",
						},
						"resource": "arn:aws:cloudfront::111122223333:distribution/E1",
						"web_acl": "arn:aws:wafv2:us-east-1:111122223333:global/webacl/edge/1",
						"web_acl_name": "edge",
					},
				],
				"missing_owner": [],
			},
			"message": "distribution E1 filters requests with web ACL edge and again with web behind it, and no single owner holds them (their ownership tags differ)",
			"resource": "arn:aws:cloudfront::111122223333:distribution/E1",
		},
	}
	some r in results
	r.resource == "arn:aws:cloudfront::111122223333:distribution/E1"
	count(r.evidence.layers) == 2
	r.evidence.missing_owner == []
}

test_fires_when_inner_acl_untagged if {
	results := rule.deny with input as world(owners, {})
	some r in results
	r.evidence.missing_owner == ["web"]
}

test_quiet_when_one_owner_holds_both if {
	results := rule.deny with input as world(owners, {"Owner": "edge", "team": "platform"})
	count(results) == 0
}

test_quiet_with_single_layer if {
	i := json.patch(world(owners, {}), [{"op": "replace", "path": "/web_acls/1/associated_resources", "value": []}])
	results := rule.deny with input as i
	count(results) == 0
}

test_quiet_when_distribution_has_no_acl if {
	i := json.patch(world(owners, {}), [{"op": "replace", "path": "/cloudfront_distributions/0/web_acl_id", "value": ""}])
	results := rule.deny with input as i
	count(results) == 0
}

api := {
	"arn": "arn:aws:apigateway:eu-west-1::/restapis/a1", "account": "111122223333", "region": "eu-west-1", "id": "a1", "name": "partner",
	"stages": [
		{"arn": "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod", "name": "prod", "web_acl_arn": alb_acl_arn},
		{"arn": "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/test", "name": "test", "web_acl_arn": ""},
	],
}

api_input(origin_path) := {
	"load_balancers": [],
	"web_acls": [acl(cf_acl_arn, "edge", [], owners), acl(alb_acl_arn, "web", [], {})],
	"cloudfront_distributions": [dist(cf_acl_arn, [{"id": "api", "domain_name": "a1.execute-api.eu-west-1.amazonaws.com", "origin_path": origin_path}])],
	"rest_apis": [api], "domain_names": [],
}

test_fires_on_api_stage_behind_distribution if {
	results := rule.deny with input as api_input("/prod")
	some r in results
	some l in r.evidence.layers
	l.resource == "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod"
}

test_quiet_when_origin_path_selects_stage_without_acl if {
	results := rule.deny with input as api_input("/test")
	count(results) == 0
}

test_fires_on_custom_domain_origin if {
	i := json.patch(api_input(""), [
		{"op": "replace", "path": "/cloudfront_distributions/0/origins/0/domain_name", "value": "api.example.com"},
		{"op": "replace", "path": "/domain_names", "value": [{"name": "api.example.com", "account": "111122223333", "region": "eu-west-1", "mappings": [{"api_id": "a1", "stage": "prod", "base_path": ""}]}]},
	])
	results := rule.deny with input as i
	count(results) == 1
}
