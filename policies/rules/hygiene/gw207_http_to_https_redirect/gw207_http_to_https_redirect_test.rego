package gatewatch.rules.gw207_http_to_https_redirect_test

import data.gatewatch.fixtures as fx
import data.gatewatch.rules.gw207_http_to_https_redirect as rule
import rego.v1

redirect(protocol) := {"type": "redirect", "redirect": {"protocol": protocol, "port": "443", "status_code": "HTTP_301"}}

alb(listener) := fx.alb("web", {"listeners": [listener]})

http_listener(action, rules) := {"arn": "l", "protocol": "HTTP", "port": 80, "default_actions": [action], "rules": rules}

test_fires_on_forwarding_http_listener if {
	results := rule.deny with input as {"load_balancers": [alb(http_listener({"type": "forward"}, []))]}
	results == {
		{
			"evidence": {
				"listeners": {
					"HTTP:80": [
						"default action forward",
					],
				},
			},
			"message": "ALB web serves plain HTTP on HTTP:80 instead of redirecting to HTTPS",
			"resource": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/web/1",
		},
	}
	some r in results
	r.evidence.listeners == {"HTTP:80": ["default action forward"]}
}

test_fires_on_rule_forwarding_plain_http if {
	rules := [{"priority": "5", "is_default": false, "actions": [{"type": "forward"}]}]
	results := rule.deny with input as {"load_balancers": [alb(http_listener(redirect("HTTPS"), rules))]}
	some r in results
	r.evidence.listeners == {"HTTP:80": ["rule 5 forward"]}
}

test_fires_on_redirect_keeping_protocol if {
	results := rule.deny with input as {"load_balancers": [alb(http_listener(redirect("#{protocol}"), []))]}
	count(results) == 1
}

test_quiet_on_https_redirect if {
	rules := [{"priority": "1", "is_default": false, "actions": [{"type": "fixed-response"}]}, {"priority": "default", "is_default": true, "actions": [redirect("HTTPS")]}]
	results := rule.deny with input as {"load_balancers": [alb(http_listener(redirect("HTTPS"), rules))]}
	count(results) == 0
}

test_quiet_on_https_listener if {
	l := {"arn": "l", "protocol": "HTTPS", "port": 443, "default_actions": [{"type": "forward"}], "rules": []}
	results := rule.deny with input as {"load_balancers": [alb(l)]}
	count(results) == 0
}
