package gatewatch.rules.gw216_entry_point_tags_test

import data.gatewatch.fixtures as fx
import data.gatewatch.rules.gw216_entry_point_tags as rule
import rego.v1

lb(tags) := fx.alb("web", {"tags": tags})

test_fires_on_untagged_load_balancer if {
	results := rule.deny with input as {"load_balancers": [lb({"Name": "web"})]}
	results == {
		{
			"evidence": {
				"missing_tags": [
					"owner",
					"team",
				],
				"tags": [
					"Name",
				],
			},
			"message": "application load balancer web has no owner or team tag",
			"resource": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/web/1",
		},
	}
	some r in results
	r.evidence.missing_tags == ["owner", "team"]
	r.evidence.tags == ["Name"]
}

test_fires_on_empty_owner_of_distribution if {
	d := {"arn": "arn:aws:cloudfront::111122223333:distribution/E1", "id": "E1", "tags": {"owner": "", "team": "web"}}
	results := rule.deny with input as {"cloudfront_distributions": [d]}
	some r in results
	r.evidence.missing_tags == ["owner"]
}

test_fires_on_untagged_http_api if {
	api := {"arn": "arn:aws:apigateway:eu-west-1::/apis/h1", "name": "mobile", "protocol_type": "HTTP", "tags": {}}
	results := rule.deny with input as {"v2_apis": [api]}
	count(results) == 1
}

test_quiet_when_tagged_in_any_case if {
	results := rule.deny with input as {"load_balancers": [lb({"Owner": "payments", "TEAM": "payments-api"})]}
	count(results) == 0
}
