package gatewatch.rules.gw220_default_endpoint_enabled_test

import data.gatewatch.fixtures as fx
import data.gatewatch.rules.gw220_default_endpoint_enabled as rule
import rego.v1

api(disabled) := fx.rest_api("a1", {"name": "partner", "disable_execute_api_endpoint": disabled})

domain(mtls) := {"name": "API.example.com", "mutual_tls": mtls, "mappings": [{"api_id": "a1", "stage": "prod", "base_path": "v1"}]}

test_fires_when_default_endpoint_enabled_behind_custom_domain if {
	results := rule.deny with input as {"rest_apis": [api(false)], "v2_apis": [], "domain_names": [domain(true)]}
	results == {
		{
			"evidence": {
				"custom_domains": [
					"api.example.com",
				],
				"execute_api_endpoint": "a1.execute-api.eu-west-1.amazonaws.com",
				"mutual_tls_domains": [
					"api.example.com",
				],
			},
			"message": "API partner is published as api.example.com but its default execute-api endpoint still answers",
			"resource": "arn:aws:apigateway:eu-west-1::/restapis/a1",
		},
	}
	some r in results
	r.evidence.custom_domains == ["api.example.com"]
	r.evidence.mutual_tls_domains == ["api.example.com"]
	r.evidence.execute_api_endpoint == "a1.execute-api.eu-west-1.amazonaws.com"
}

test_fires_on_http_api if {
	h := {"arn": "arn:aws:apigateway:eu-west-1::/apis/a1", "id": "a1", "region": "eu-west-1", "name": "mobile", "protocol_type": "HTTP", "disable_execute_api_endpoint": false}
	results := rule.deny with input as {"rest_apis": [], "v2_apis": [h], "domain_names": [domain(false)]}
	some r in results
	r.evidence.mutual_tls_domains == []
}

test_quiet_when_default_endpoint_disabled if {
	results := rule.deny with input as {"rest_apis": [api(true)], "v2_apis": [], "domain_names": [domain(false)]}
	count(results) == 0
}

test_quiet_without_custom_domain if {
	results := rule.deny with input as {"rest_apis": [api(false)], "v2_apis": [], "domain_names": []}
	count(results) == 0
}

# A snapshot writes a dataset with nothing in it (or one not read) as
# null: the APIs of the other kind are judged all the same.
test_fires_when_v2_apis_are_null if {
	results := rule.deny with input as {"rest_apis": [api(false)], "v2_apis": null, "domain_names": [domain(false)]}
	count(results) == 1
}

test_fires_on_http_api_when_rest_apis_are_null if {
	h := {"arn": "arn:aws:apigateway:eu-west-1::/apis/a1", "id": "a1", "region": "eu-west-1", "name": "mobile", "protocol_type": "HTTP", "disable_execute_api_endpoint": false}
	results := rule.deny with input as {"rest_apis": null, "v2_apis": [h], "domain_names": [domain(false)]}
	count(results) == 1
}
