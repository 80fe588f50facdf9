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

test_quiet_on_plain_http_listener if {
	results := rule.deny with input as {"load_balancers": [lb("HTTP", "")]}
	count(results) == 0
}

test_policies_come_from_config if {
	results := rule.deny with input as {"load_balancers": [lb("HTTPS", "ELBSecurityPolicy-2016-08")]} with data.gatewatch.config.recommended_ssl_policies as ["ELBSecurityPolicy-2016-08"]
	count(results) == 0
}
