package gatewatch.rules.gw111_high_value_without_shield_test

import data.gatewatch.rules.gw111_high_value_without_shield as rule
import rego.v1

alb_arn := "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/pay/1"

dist_arn := "arn:aws:cloudfront::111122223333:distribution/E1"

alb(scheme, tags) := {"arn": alb_arn, "account": "111122223333", "name": "pay", "type": "application", "scheme": scheme, "dns_name": "pay-1.eu-west-1.elb.amazonaws.com", "tags": tags, "listeners": []}

dist(origin, tags) := {"arn": dist_arn, "account": "111122223333", "id": "E1", "enabled": true, "tags": tags, "origins": [{"id": "o", "domain_name": origin}]}

hv := {"gatewatch:high-value": "true"}

shield(arn) := {"arn": "arn:aws:shield::111122223333:protection/p1", "resource_arn": arn}

test_fires_on_high_value_alb_without_protection if {
	results := rule.deny with input as {"load_balancers": [alb("internet-facing", hv)], "cloudfront_distributions": [], "shield_protections": [], "accounts": [{"id": "111122223333", "shield_advanced": true}]}
	some r in results
	r.resource == alb_arn
	r.evidence.shield_advanced_subscription == true
}

test_quiet_on_protected_alb if {
	results := rule.deny with input as {"load_balancers": [alb("internet-facing", hv)], "cloudfront_distributions": [], "shield_protections": [shield(alb_arn)]}
	count(results) == 0
}

test_quiet_on_alb_behind_protected_distribution if {
	results := rule.deny with input as {"load_balancers": [alb("internet-facing", hv)], "cloudfront_distributions": [dist("pay-1.eu-west-1.elb.amazonaws.com", {})], "shield_protections": [shield(dist_arn)]}
	count(results) == 0
}

test_quiet_on_alb_not_tagged_high_value if {
	results := rule.deny with input as {"load_balancers": [alb("internet-facing", {"gatewatch:high-value": "false"})], "cloudfront_distributions": [], "shield_protections": []}
	count(results) == 0
}

api(types, stage_tags) := {
	"arn": "arn:aws:apigateway:eu-west-1::/restapis/a1", "account": "111122223333", "region": "eu-west-1", "id": "a1", "name": "payments",
	"endpoint_types": types, "tags": {},
	"stages": [{"arn": "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod", "name": "prod", "tags": stage_tags}],
}

test_fires_on_high_value_edge_api if {
	results := rule.deny with input as {"rest_apis": [api(["EDGE"], hv)], "cloudfront_distributions": [], "shield_protections": [], "domain_names": []}
	some r in results
	r.resource == "arn:aws:apigateway:eu-west-1::/restapis/a1"
	r.evidence.shield_advanced_subscription == null
}

test_fires_when_fronting_distribution_is_unprotected if {
	results := rule.deny with input as {"rest_apis": [api(["REGIONAL"], hv)], "cloudfront_distributions": [dist("a1.execute-api.eu-west-1.amazonaws.com", {})], "shield_protections": [], "domain_names": []}
	some r in results
	r.evidence.fronting_distributions == [dist_arn]
}

test_quiet_on_api_behind_protected_distribution if {
	results := rule.deny with input as {"rest_apis": [api(["REGIONAL"], hv)], "cloudfront_distributions": [dist("a1.execute-api.eu-west-1.amazonaws.com", {})], "shield_protections": [shield(dist_arn)], "domain_names": []}
	count(results) == 0
}

test_quiet_on_private_api if {
	results := rule.deny with input as {"rest_apis": [api(["PRIVATE"], hv)], "cloudfront_distributions": [], "shield_protections": [], "domain_names": []}
	count(results) == 0
}

test_fires_on_unprotected_high_value_distribution if {
	results := rule.deny with input as {"cloudfront_distributions": [dist("origin.example.com", hv)], "shield_protections": []}
	count(results) == 1
}

test_fires_on_high_value_http_api if {
	h := {"arn": "arn:aws:apigateway:eu-west-1::/apis/h1", "account": "111122223333", "region": "eu-west-1", "id": "h1", "name": "checkout", "protocol_type": "HTTP", "tags": hv, "stages": []}
	results := rule.deny with input as {"v2_apis": [h], "cloudfront_distributions": [], "shield_protections": [], "domain_names": []}
	count(results) == 1
}
