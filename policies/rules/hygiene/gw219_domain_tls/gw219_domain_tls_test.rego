package gatewatch.rules.gw219_domain_tls_test

import data.gatewatch.rules.gw219_domain_tls as rule
import rego.v1

domain(policy) := {"arn": "arn:aws:apigateway:eu-west-1::/domainnames/api.example.com", "name": "api.example.com", "endpoint_type": "REGIONAL", "security_policy": policy}

test_fires_on_tls_1_0 if {
	results := rule.deny with input as {"domain_names": [domain("TLS_1_0")]}
	results == {
		{
			"evidence": {
				"endpoint_type": "REGIONAL",
				"minimum_tls": "1.0",
				"security_policy": "TLS_1_0",
			},
			"message": "custom domain api.example.com uses security policy TLS_1_0, which accepts TLS 1.0",
			"resource": "arn:aws:apigateway:eu-west-1::/domainnames/api.example.com",
		},
	}
	some r in results
	r.evidence.minimum_tls == "1.0"
}

test_fires_on_enhanced_policy_with_tls_1_0_floor if {
	results := rule.deny with input as {"domain_names": [domain("SecurityPolicy_TLS13_1_0_2025_EDGE")]}
	count(results) == 1
}

test_quiet_on_tls_1_2 if {
	results := rule.deny with input as {"domain_names": [domain("TLS_1_2")]}
	count(results) == 0
}

test_quiet_on_tls13_enhanced_policy if {
	results := rule.deny with input as {"domain_names": [domain("SecurityPolicy_TLS13_1_3_2025_09")]}
	count(results) == 0
}

test_quiet_when_policy_unknown if {
	results := rule.deny with input as {"domain_names": [domain("")]}
	count(results) == 0
}
