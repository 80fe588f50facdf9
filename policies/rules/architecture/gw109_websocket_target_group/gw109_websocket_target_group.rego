# METADATA
# title: WebSockets on an ALB not sized for long-lived connections
# description: |
#   A target group behind an ALB carries WebSockets (or other long-lived
#   connections) but the ALB's idle timeout is shorter than the configured
#   minimum, so quiet connections are cut and clients reconnect in storms,
#   or the target group's deregistration delay is too short for open
#   connections to drain during deploys, so every deploy drops them.
# custom:
#   inputs:
#     AWS::ElasticLoadBalancingV2::LoadBalancer: [elb_tags, listener_rules, listeners, load_balancer_attributes, load_balancers, target_groups]
#     AWS::ElasticLoadBalancingV2::TargetGroup: [elb_tags, listener_rules, listeners, load_balancers, target_group_attributes, target_groups]
#   id: GW109
#   severity: medium
#   resource_types:
#     - AWS::ElasticLoadBalancingV2::TargetGroup
#     - AWS::ElasticLoadBalancingV2::LoadBalancer
#   controls: []
#   remediation: |
#     Raise the ALB's idle_timeout.timeout_seconds above the application's
#     ping interval (thresholds.websocket_min_idle_timeout_seconds) and the
#     target group's deregistration_delay.timeout_seconds to the time
#     clients need to reconnect elsewhere
#     (thresholds.websocket_min_deregistration_delay_seconds). Keep
#     application-level pings shorter than the idle timeout.
#   details: |
#     **Why it matters.** An ALB closes a connection that carries no data for
#     the idle timeout (60 s by default), WebSockets included. On deploys it
#     waits only the deregistration delay before cutting the connections of
#     a draining target. Both are tuned for short HTTP requests by default.
#
#     **How WebSocket use is detected.** The snapshot cannot see traffic, so
#     a target group counts as carrying WebSockets when
#     - a listener rule forwarding to it matches the `Upgrade` header with a
#       value containing `websocket` (`http-header` condition), or
#     - it, or its load balancer, carries the tag named by `websocket_tag`
#       (default `gatewatch:websocket`) with value `true`; tag target groups
#       that serve WebSockets from the default rule this way.
#
#     **What triggers it.** Each finding is on the resource whose setting is
#     short:
#     - the target group, when its `deregistration_delay.timeout_seconds`
#       (300 when unset) is below
#       `thresholds.websocket_min_deregistration_delay_seconds` (default 60);
#     - the ALB, when it routes to such a target group and its
#       `idle_timeout.timeout_seconds` (60 when unset) is below
#       `thresholds.websocket_min_idle_timeout_seconds` (default 300).
#
#     **Evidence.** On target groups: `detected_by`,
#     `deregistration_delay_seconds`, and for context
#     `slow_start_seconds` (slow start only ramps new requests, so it does
#     little for long-lived connections), `stickiness_enabled` (needed by
#     libraries that fall back to long polling) and
#     `load_balancing_algorithm`. On ALBs: `idle_timeout_seconds`,
#     `websocket_target_groups`.
#
#     **Fix.**
#     ```sh
#     aws elbv2 modify-load-balancer-attributes --load-balancer-arn ALB_ARN \
#       --attributes Key=idle_timeout.timeout_seconds,Value=300
#     aws elbv2 modify-target-group-attributes --target-group-arn TG_ARN \
#       --attributes Key=deregistration_delay.timeout_seconds,Value=120
#     ```
#     In Terraform:
#     ```hcl
#     resource "aws_lb" "ws" { idle_timeout = 300 }
#     resource "aws_lb_target_group" "ws" { deregistration_delay = 120 }
#     ```
package gatewatch.rules.gw109_websocket_target_group

import data.gatewatch.lib
import rego.v1

thresholds := lib.config.thresholds

# Target groups that listener rules send WebSocket upgrades to.
upgrade_targets contains arn if {
	some lb in input.load_balancers
	lb.type == "application"
	some l in lb.listeners
	some r in l.rules
	some c in r.conditions
	c.field == "http-header"
	lower(object.get(c, "header_name", "")) == "upgrade"
	some v in c.values
	contains(lower(v), "websocket")
	some a in r.actions
	a.type == "forward"
	some arn in object.get(a, "target_group_arns", [])
}

detected_by(tg) := "listener rule on the Upgrade header" if {
	tg.arn in upgrade_targets
} else := sprintf("tag %s on the target group", [lib.config.websocket_tag]) if {
	lib.tagged_true(tg.tags, lib.config.websocket_tag)
} else := sprintf("tag %s on its load balancer", [lib.config.websocket_tag]) if {
	some arn in tg.load_balancer_arns
	lib.tagged_true(lib.load_balancers_by_arn[arn].tags, lib.config.websocket_tag)
}

tg_attribute(tg, key, def) := object.get(object.get(tg, "attributes", {}), key, def)

# WebSocket target groups on ALBs, with how their use was detected.
websocket_tgs := {tg.arn: how |
	some tg in input.target_groups
	how := detected_by(tg)
	some arn in tg.load_balancer_arns
	lib.load_balancers_by_arn[arn].type == "application"
}

# A target group drains open connections for its deregistration delay.
deny contains result if {
	some tg in input.target_groups
	how := websocket_tgs[tg.arn]
	dereg := to_number(tg_attribute(tg, "deregistration_delay.timeout_seconds", "300"))
	dereg < thresholds.websocket_min_deregistration_delay_seconds
	result := lib.result(
		tg.arn,
		sprintf("target group %s carries WebSockets (%s) but drains connections for only %d s on deploys (at least %d s wanted)", [tg.name, how, dereg, thresholds.websocket_min_deregistration_delay_seconds]),
		{
			"detected_by": how,
			"deregistration_delay_seconds": dereg,
			"slow_start_seconds": to_number(tg_attribute(tg, "slow_start.duration_seconds", "0")),
			"stickiness_enabled": tg_attribute(tg, "stickiness.enabled", "false") == "true",
			"load_balancing_algorithm": tg_attribute(tg, "load_balancing.algorithm.type", "round_robin"),
		},
	)
}

# The idle timeout is the load balancer's, shared by all its target groups,
# so the finding goes on the ALB.
deny contains result if {
	some lb in input.load_balancers
	lb.type == "application"
	idle := to_number(lib.lb_attribute(lb, "idle_timeout.timeout_seconds", "60"))
	idle < thresholds.websocket_min_idle_timeout_seconds
	tgs := {tg.name |
		some tg in object.get(lib.target_groups_by_lb, lb.arn, set())
		websocket_tgs[tg.arn]
	}
	count(tgs) > 0
	result := lib.result(
		lb.arn,
		sprintf("ALB %s carries WebSockets (%s) but closes connections idle for %d s (at least %d s wanted)", [lb.name, concat(", ", sort(tgs)), idle, thresholds.websocket_min_idle_timeout_seconds]),
		{"idle_timeout_seconds": idle, "websocket_target_groups": sort(tgs)},
	)
}
