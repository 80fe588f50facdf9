package gatewatch.rules.gw214_unencrypted_listener_test

import data.gatewatch.fixtures as fx
import data.gatewatch.rules.gw214_unencrypted_listener as rule
import rego.v1

listener_arn := "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/web/1/2"

lb(type, protocol, action) := {"arn": "lb", "name": "web", "type": type, "listeners": [{"arn": listener_arn, "protocol": protocol, "port": 80, "default_actions": [action], "rules": []}]}

test_fires_on_forwarding_http_listener if {
	results := rule.deny with input as {"load_balancers": [lb("application", "HTTP", {"type": "forward"})]}
	results == {{
		"resource": listener_arn,
		"message": "listener HTTP:80 of application load balancer web is not encrypted (HTTPS expected)",
		"evidence": {"protocol": "HTTP", "port": 80, "redirects_to_https": false},
	}}
}

# Redirecting every request to HTTPS is the fix GW207 recommends.
test_quiet_on_redirect_only_http_listener if {
	results := rule.deny with input as {"load_balancers": [lb("application", "HTTP", fx.https_redirect)]}
	count(results) == 0
}

test_fires_when_a_rule_forwards_beside_the_redirect if {
	l := fx.listener("web", "HTTP", 80, {"default_actions": [fx.https_redirect], "rules": [fx.listener_rule("web", 80, "5", {"actions": [fx.forward]})]})
	results := rule.deny with input as {"load_balancers": [fx.alb("web", {"listeners": [l]})]}
	some r in results
	r.evidence.redirects_to_https == false
}

# strict_elb18: Security Hub ELB.18 fails redirect-only listeners too.
test_fires_on_redirect_only_http_listener_when_strict if {
	results := rule.deny with input as {"load_balancers": [lb("application", "HTTP", fx.https_redirect)]} with data.gatewatch.config.strict_elb18 as true
	results == {{
		"resource": listener_arn,
		"message": "listener HTTP:80 of application load balancer web is not encrypted (HTTPS expected); it only redirects to HTTPS, which Security Hub ELB.18 still fails (strict_elb18)",
		"evidence": {"protocol": "HTTP", "port": 80, "redirects_to_https": true},
	}}
}

test_fires_on_nlb_tcp_listener if {
	results := rule.deny with input as {"load_balancers": [lb("network", "TCP", {"type": "forward"})]}
	count(results) == 1
}

test_quiet_on_https_listener if {
	results := rule.deny with input as {"load_balancers": [lb("application", "HTTPS", {"type": "forward"})]}
	count(results) == 0
}

test_quiet_on_nlb_tls_listener if {
	results := rule.deny with input as {"load_balancers": [lb("network", "TLS", {"type": "forward"})]}
	count(results) == 0
}

test_quiet_on_gateway_load_balancer if {
	results := rule.deny with input as {"load_balancers": [lb("gateway", "GENEVE", {"type": "forward"})]}
	count(results) == 0
}
