package gatewatch.rules.gw111_high_value_without_shield_test

import data.gatewatch.fixtures as fx
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
	results == {{
		"resource": "arn:aws:apigateway:eu-west-1::/restapis/a1",
		"message": "high-value REST API payments (EDGE) has no Shield Advanced protection on stage prod: API Gateway cannot be protected itself and no protected CloudFront distribution fronts it",
		"evidence": {"shield_advanced_subscription": null, "fronting_distributions": [], "protected": [], "unprotected_stages": ["prod"]},
	}}
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
	h := fx.http_api("h1", {"name": "checkout", "tags": hv, "stages": [fx.v2_stage("h1", "$default", {})]})
	results := rule.deny with input as {"v2_apis": [h], "cloudfront_distributions": [], "shield_protections": [], "domain_names": []}
	count(results) == 1
}

# A protected distribution whose origin path is /prod fronts stage prod
# only: the API's other stages are not behind it.
two_stages := fx.rest_api("a3", {"name": "ledger", "tags": hv, "stages": [fx.rest_stage("a3", "prod", {}), fx.rest_stage("a3", "test", {})]})

protected_dist(path) := fx.distribution("E3", [fx.origin(fx.execute_api_domain("a3"), path)], {})

test_fires_on_stage_outside_the_origin_path if {
	results := rule.deny with input as {"rest_apis": [two_stages], "cloudfront_distributions": [protected_dist("/prod")], "shield_protections": [shield(fx.distribution_arn("E3"))], "domain_names": []}
	some r in results
	r.evidence.unprotected_stages == ["test"]
	r.evidence.fronting_distributions == []
}

test_quiet_when_protected_origin_reaches_every_stage if {
	results := rule.deny with input as {"rest_apis": [two_stages], "cloudfront_distributions": [protected_dist("")], "shield_protections": [shield(fx.distribution_arn("E3"))], "domain_names": []}
	count(results) == 0
}

# A disabled default endpoint answers 403 Forbidden to every request; only
# a custom domain makes the API callable.
test_quiet_on_rest_api_with_default_endpoint_disabled_and_no_domain if {
	closed := object.union(api(["REGIONAL"], hv), {"disable_execute_api_endpoint": true})
	results := rule.deny with input as {"rest_apis": [closed], "cloudfront_distributions": [], "shield_protections": [], "domain_names": []}
	count(results) == 0
}

test_fires_on_rest_api_reached_by_its_custom_domain_alone if {
	closed := object.union(api(["REGIONAL"], hv), {"disable_execute_api_endpoint": true})
	domain := fx.domain_name("pay.example.com", [["", "a1", "prod"]])
	results := rule.deny with input as {"rest_apis": [closed], "cloudfront_distributions": [], "shield_protections": [], "domain_names": [domain]}
	count(results) == 1
}
