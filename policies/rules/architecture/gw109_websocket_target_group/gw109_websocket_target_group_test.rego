package gatewatch.rules.gw109_websocket_target_group_test

import data.gatewatch.rules.gw109_websocket_target_group as rule
import rego.v1

alb_arn := "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/chat/1"

tg_arn := "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/chat-ws/2"

upgrade_rule := {
	"arn": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener-rule/app/chat/1/l/r1", "priority": "10", "is_default": false,
	"conditions": [{"field": "http-header", "header_name": "Upgrade", "values": ["WebSocket"]}],
	"actions": [{"type": "forward", "target_group_arns": [tg_arn]}],
}

alb(idle, rules, tags) := {
	"arn": alb_arn, "name": "chat", "type": "application", "scheme": "internet-facing", "dns_name": "chat-1.elb.amazonaws.com",
	"attributes": {"idle_timeout.timeout_seconds": idle}, "tags": tags,
	"listeners": [{"arn": "l", "protocol": "HTTPS", "port": 443, "rules": rules}],
}

tg(dereg, tags) := {
	"arn": tg_arn, "name": "chat-ws", "target_type": "ip", "load_balancer_arns": [alb_arn], "tags": tags,
	"attributes": {"deregistration_delay.timeout_seconds": dereg, "stickiness.enabled": "true", "slow_start.duration_seconds": "30"},
}

test_fires_on_alb_idle_timeout_for_upgrade_rule if {
	results := rule.deny with input as {"load_balancers": [alb("60", [upgrade_rule], {})], "target_groups": [tg("300", {})]}
	results == {
		{
			"evidence": {
				"idle_timeout_seconds": 60,
				"websocket_target_groups": [
					"chat-ws",
				],
			},
			"message": "ALB chat carries WebSockets (chat-ws) but closes connections idle for 60 s (at least 300 s wanted)",
			"resource": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/chat/1",
		},
	}
	count(results) == 1
	some r in results
	r.resource == alb_arn
	r.evidence == {"idle_timeout_seconds": 60, "websocket_target_groups": ["chat-ws"]}
}

test_fires_on_short_deregistration_delay_of_tagged_target_group if {
	results := rule.deny with input as {"load_balancers": [alb("600", [], {})], "target_groups": [tg("10", {"gatewatch:websocket": "true"})]}
	count(results) == 1
	some r in results
	r.resource == tg_arn
	r.evidence.deregistration_delay_seconds == 10
	r.evidence.stickiness_enabled == true
	r.evidence.slow_start_seconds == 30
}

test_fires_on_both_when_both_short if {
	results := rule.deny with input as {"load_balancers": [alb("60", [upgrade_rule], {})], "target_groups": [tg("5", {})]}
	{r.resource | some r in results} == {alb_arn, tg_arn}
}

test_fires_when_load_balancer_is_tagged if {
	results := rule.deny with input as {"load_balancers": [alb("60", [], {"gatewatch:websocket": "TRUE"})], "target_groups": [tg("300", {})]}
	count(results) == 1
}

test_quiet_when_sized_for_websockets if {
	results := rule.deny with input as {"load_balancers": [alb("3600", [upgrade_rule], {})], "target_groups": [tg("120", {})]}
	count(results) == 0
}

test_quiet_without_websocket_signal if {
	other := json.patch(upgrade_rule, [{"op": "replace", "path": "/conditions/0/header_name", "value": "X-Upgrade-Plan"}])
	results := rule.deny with input as {"load_balancers": [alb("60", [other], {})], "target_groups": [tg("10", {"gatewatch:websocket": "false"})]}
	count(results) == 0
}

test_thresholds_come_from_config if {
	cfg := {"websocket_tag": "ws", "thresholds": {"websocket_min_idle_timeout_seconds": 30, "websocket_min_deregistration_delay_seconds": 5}}
	results := rule.deny with input as {"load_balancers": [alb("60", [upgrade_rule], {})], "target_groups": [tg("10", {})]} with data.gatewatch.config as cfg
	count(results) == 0
}
