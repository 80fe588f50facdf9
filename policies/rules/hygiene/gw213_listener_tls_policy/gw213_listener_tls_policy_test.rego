package gatewatch.rules.gw213_listener_tls_policy_test

import data.gatewatch.rules.gw213_listener_tls_policy as rule
import rego.v1

lb(protocol, policy) := {"arn": "lb", "name": "web", "type": "application", "listeners": [{"arn": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/web/1/2", "protocol": protocol, "port": 443, "ssl_policy": policy}]}

test_fires_on_2016_policy if {
	results := rule.deny with input as {"load_balancers": [lb("HTTPS", "ELBSecurityPolicy-2016-08")]}
	results == {
		{
			"evidence": {
				"port": 443,
				"protocol": "HTTPS",
				"ssl_policy": "ELBSecurityPolicy-2016-08",
			},
			"message": "listener HTTPS:443 of web uses security policy ELBSecurityPolicy-2016-08, not a recommended TLS 1.3 policy",
			"resource": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/web/1/2",
		},
	}
	some r in results
	r.resource == "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/web/1/2"
	r.evidence.ssl_policy == "ELBSecurityPolicy-2016-08"
}

test_fires_on_nlb_tls_listener_with_tls12_only_policy if {
	results := rule.deny with input as {"load_balancers": [lb("TLS", "ELBSecurityPolicy-TLS-1-2-2017-01")]}
	count(results) == 1
}

test_quiet_on_recommended_policy if {
	results := rule.deny with input as {"load_balancers": [lb("HTTPS", "ELBSecurityPolicy-TLS13-1-2-2021-06")]}
	count(results) == 0
}

# The 2025-09 FIPS post-quantum policies with a TLS 1.2 floor, once reported
# by mistake; AWS recommends the PQ family.
test_quiet_on_fips_post_quantum_policies if {
	every policy in ["ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-PQ-2025-09", "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-PQ-2025-09", "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-PQ-2025-09"] {
		count(rule.deny) == 0 with input as {"load_balancers": [lb("TLS", policy)]}
	}
}

test_quiet_on_rfc9151_policy if {
	results := rule.deny with input as {"load_balancers": [lb("HTTPS", "ELBSecurityPolicy-TLS13-1-2-RFC9151-INTEROP4-FIPS-2023-07")]}
	count(results) == 0
}

# Near miss: the same 2025-09 FIPS post-quantum family, but the member that
# still offers TLS 1.0 and 1.1.
test_fires_on_fips_post_quantum_policy_with_tls10 if {
	results := rule.deny with input as {"load_balancers": [lb("HTTPS", "ELBSecurityPolicy-TLS13-1-0-FIPS-PQ-2025-09")]}
	some r in results
	r.evidence.ssl_policy == "ELBSecurityPolicy-TLS13-1-0-FIPS-PQ-2025-09"
	count(results) == 1
}

test_quiet_on_plain_http_listener if {
	results := rule.deny with input as {"load_balancers": [lb("HTTP", "")]}
	count(results) == 0
}

test_policies_come_from_config if {
	results := rule.deny with input as {"load_balancers": [lb("HTTPS", "ELBSecurityPolicy-2016-08")]} with data.gatewatch.config.recommended_ssl_policies as ["ELBSecurityPolicy-2016-08"]
	count(results) == 0
}
