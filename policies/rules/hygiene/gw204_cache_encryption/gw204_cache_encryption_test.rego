package gatewatch.rules.gw204_cache_encryption_test

import data.gatewatch.fixtures as fx
import data.gatewatch.rules.gw204_cache_encryption as rule
import rego.v1

api(settings) := fx.rest_api("a1", {"name": "catalog", "stages": [fx.rest_stage("a1", "prod", {"cache_cluster_enabled": true, "method_settings": settings})]})

test_fires_on_unencrypted_stage_cache if {
	results := rule.deny with input as {"rest_apis": [api({"*/*": {"caching_enabled": true, "cache_data_encrypted": false}})]}
	results == {
		{
			"evidence": {
				"cache_cluster_enabled": true,
				"unencrypted_methods": [
					"*/*",
				],
			},
			"message": "stage prod of REST API catalog caches */* without encrypting the cache",
			"resource": "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod",
		},
	}
	some r in results
	r.evidence.unencrypted_methods == ["*/*"]
}

test_fires_on_unencrypted_method_override if {
	settings := {"*/*": {"caching_enabled": true, "cache_data_encrypted": true}, "products/GET": {"caching_enabled": true}}
	results := rule.deny with input as {"rest_apis": [api(settings)]}
	some r in results
	r.evidence.unencrypted_methods == ["products/GET"]
}

test_quiet_when_encrypted if {
	results := rule.deny with input as {"rest_apis": [api({"*/*": {"caching_enabled": true, "cache_data_encrypted": true}})]}
	count(results) == 0
}

test_quiet_when_not_caching if {
	results := rule.deny with input as {"rest_apis": [api({"*/*": {"caching_enabled": false, "cache_data_encrypted": false}})]}
	count(results) == 0
}
