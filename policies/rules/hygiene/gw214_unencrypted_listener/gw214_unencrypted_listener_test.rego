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

nlb_with(protocol, port) := fx.nlb("link", {"listeners": [fx.listener("link", protocol, port, {"default_actions": [fx.forward]})]})

# TCP:443 is how AWS documents TLS pass-through to targets that decrypt
# themselves. It still fires (ELB.18 fails it too), but the message does
# not claim the traffic is plain: the load balancer cannot tell.
test_fires_on_nlb_tcp_443_without_claiming_plain_text if {
	results := rule.deny with input as {"load_balancers": [nlb_with("TCP", 443)]}
	results == {{
		"resource": fx.listener_arn("link", 443),
		"message": "listener TCP:443 of network load balancer link does not terminate TLS (TLS expected); the load balancer passes the traffic through as sent, encrypted only if clients and targets encrypt it themselves",
		"evidence": {"protocol": "TCP", "port": 443, "redirects_to_https": false},
	}}
}

# QUIC carries TLS 1.3 itself and the NLB passes it through: nothing is in
# clear, so only ELB.18 parity reports it.
test_quiet_on_nlb_quic_listener if {
	results := rule.deny with input as {"load_balancers": [nlb_with("QUIC", 443)]}
	count(results) == 0
}

test_fires_on_nlb_quic_listener_when_strict if {
	results := rule.deny with input as {"load_balancers": [nlb_with("QUIC", 443)]} with data.gatewatch.config.strict_elb18 as true
	results == {{
		"resource": fx.listener_arn("link", 443),
		"message": "listener QUIC:443 of network load balancer link does not terminate TLS (TLS expected); QUIC is encrypted end to end and passed through, which Security Hub ELB.18 still fails (strict_elb18)",
		"evidence": {"protocol": "QUIC", "port": 443, "redirects_to_https": false},
	}}
}

# Near miss of QUIC: TCP_QUIC also takes plain TCP on the same port.
test_fires_on_nlb_tcp_quic_listener if {
	results := rule.deny with input as {"load_balancers": [nlb_with("TCP_QUIC", 443)]}
	results == {{
		"resource": fx.listener_arn("link", 443),
		"message": "listener TCP_QUIC:443 of network load balancer link does not terminate TLS (TLS expected); its QUIC traffic is encrypted, its TCP traffic only if clients and targets encrypt it themselves",
		"evidence": {"protocol": "TCP_QUIC", "port": 443, "redirects_to_https": false},
	}}
}

test_fires_on_nlb_udp_listener if {
	results := rule.deny with input as {"load_balancers": [nlb_with("UDP", 53)]}
	some r in results
	r.evidence.protocol == "UDP"
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
