# METADATA
# title: Route with no owner
# description: |
#   A listener rule on a load balancer, or an API stage, carries none of the
#   tags that name an owner (owner_tags, default owner and team), neither
#   itself nor inherited from its listener and load balancer or its API.
#   Shared ALBs and API Gateways collect routes from many teams; a route
#   nobody owns is never reviewed, never retired, and nobody is paged when
#   it breaks or is abused.
# custom:
#   inputs:
#     AWS::ApiGateway::Stage: [rest_apis, rest_stages]
#     AWS::ApiGatewayV2::Stage: [v2_apis, v2_stages]
#     AWS::ElasticLoadBalancingV2::ListenerRule: [elb_tags, listener_rules, listeners, load_balancers]
#   id: GW103
#   severity: low
#   resource_types:
#     - AWS::ElasticLoadBalancingV2::ListenerRule
#     - AWS::ApiGateway::Stage
#     - AWS::ApiGatewayV2::Stage
#   controls:
#     - AWSConfig:required-tags
#   remediation: |
#     Tag the route with an ownership key (owner_tags in the configuration;
#     default owner or team), for example
#     `aws elbv2 add-tags --resource-arns RULE_ARN --tags Key=owner,Value=payments Key=team,Value=payments-api`
#     or `aws apigateway tag-resource --resource-arn STAGE_ARN --tags owner=payments,team=payments-api`,
#     and enforce the keys with a tag policy or AWS Config required-tags.
#   details: |
#     **Why it matters.** On a shared ALB or API, each listener rule or
#     stage is somebody's route. Without an owner tag nobody reviews it,
#     retires it, or answers for it when it breaks or is abused, and
#     findings about it have nowhere to go.
#
#     **What triggers it.** A route is owned when it carries any one of the
#     `owner_tags` keys (default `owner`, `team`) with a non-empty value,
#     on itself or inherited:
#     - a non-default listener rule of an ALB, from the rule, its listener
#       or its load balancer;
#     - a REST, HTTP or WebSocket API stage, from the stage or its API.
#
#     So a stage tagged only `owner=team-orders` is owned. Requiring every
#     key of a list (say `owner` and `cost-center` on each entry point) is
#     GW216's job, with `required_tags`. Keys match case-insensitively. A
#     configuration that sets `required_tags` but not `owner_tags` (written
#     when `required_tags` also decided this rule) gets its required keys
#     as ownership keys, any one of them, with a warning.
#
#     **Evidence.** `owner_tags` (the keys any one of which would own the
#     route); for rules `load_balancer`, `listener_port`, `conditions`; for
#     stages `api`, `stage_tags`, `api_tags`.
#
#     **Fix.**
#     ```sh
#     aws elbv2 add-tags --resource-arns RULE_ARN --tags Key=owner,Value=payments Key=team,Value=payments-api
#     ```
#     In Terraform:
#     ```hcl
#     resource "aws_lb_listener_rule" "promo" {
#       tags = { owner = "marketing", team = "web" }
#     }
#     ```
package gatewatch.rules.gw103_unowned_routes

import data.gatewatch.lib
import rego.v1

deny contains result if {
	some lb in input.load_balancers
	lb.type == "application"
	some listener in lb.listeners
	some rule in listener.rules
	not rule.is_default
	not lib.owned(rule.tags)
	not lib.owned(object.get(listener, "tags", {}))
	not lib.owned(object.get(lb, "tags", {}))
	result := lib.result(
		rule.arn,
		sprintf("listener rule %s on %s:%d of %s has no owner tag (%s) on the rule, its listener or its load balancer", [rule.priority, listener.protocol, listener.port, lb.name, keys_said]),
		{
			"owner_tags": lib.config.owner_tags,
			"load_balancer": lb.name,
			"listener_port": listener.port,
			"conditions": rule.conditions,
		},
	)
}

deny contains result if {
	some [api, stage, kind] in lib.api_stages
	not lib.owned(stage.tags)
	not lib.owned(api.tags)
	result := lib.result(
		stage.arn,
		sprintf("stage %s of %s %s has no owner tag (%s) on the stage or the API", [stage.name, kind, api.name, keys_said]),
		{
			"owner_tags": lib.config.owner_tags,
			"api": api.name,
			"stage_tags": sort(object.keys(stage.tags)),
			"api_tags": sort(object.keys(api.tags)),
		},
	)
}

keys_said := concat(" or ", lib.config.owner_tags)
