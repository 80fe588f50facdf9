package gatewatch.rules.gw214_unencrypted_listener_test

import data.gatewatch.rules.gw214_unencrypted_listener as rule
import rego.v1

listener_arn := "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/web/1/2"

lb(type, protocol, action) := {"arn": "lb", "name": "web", "type": type, "listeners": [{"arn": listener_arn, "protocol": protocol, "port": 80, "default_actions": [action], "rules": []}]}

test_fires_on_forwarding_http_listener if {
	results := rule.deny with input as {"load_balancers": [lb("application", "HTTP", {"type": "forward"})]}
	some r in results
	r.resource == listener_arn
	r.evidence.redirects_to_https == false
}

test_fires_on_redirect_only_http_listener if {
	a := {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}}
	results := rule.deny with input as {"load_balancers": [lb("application", "HTTP", a)]}
	some r in results
	r.evidence.redirects_to_https == true
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
