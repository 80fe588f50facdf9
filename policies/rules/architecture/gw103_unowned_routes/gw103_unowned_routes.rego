# METADATA
# title: Route with no owner
# description: |
#   A listener rule on a load balancer, or an API stage, lacks the ownership
#   tags the organisation requires. Shared ALBs and API Gateways collect
#   routes from many teams; a route nobody owns is never reviewed, never
#   retired, and nobody is paged when it breaks or is abused. Listener rules
#   are checked on their own tags (the load balancer's owner is usually a
#   platform team, not the route's); API stages may inherit the API's tags.
# custom:
#   id: GW103
#   severity: low
#   resource_types:
#     - AWS::ElasticLoadBalancingV2::ListenerRule
#     - AWS::ApiGateway::Stage
#     - AWS::ApiGatewayV2::Stage
#   controls:
#     - AWSConfig:required-tags
#   remediation: |
#     Tag the route with the required keys (see required_tags in the
#     configuration; default owner and team), for example
#     `aws elbv2 add-tags --resource-arns RULE_ARN --tags Key=owner,Value=payments Key=team,Value=payments-api`
#     or `aws apigateway tag-resource --resource-arn STAGE_ARN --tags owner=payments,team=payments-api`,
#     and enforce the keys with a tag policy or AWS Config required-tags.
#   details: |
#     **Why it matters.** On a shared ALB or API, each listener rule or
#     stage is somebody's route. Without an owner tag nobody reviews it,
#     retires it, or answers for it when it breaks or is abused, and
#     findings about it have nowhere to go.
#
#     **What triggers it.**
#     - A non-default listener rule of an ALB missing a `required_tags` key
#       (default `owner` and `team`) or carrying it with an empty value. The
#       load balancer's own tags do not count: its owner is usually the
#       platform team, not the route's.
#     - A REST, HTTP or WebSocket API stage missing a required key on both
#       the stage and its API (stages inherit the API's tags).
#
#     Keys match case-insensitively.
#
#     **Evidence.** `missing_tags`; for rules `load_balancer`,
#     `listener_port`, `conditions`; for stages `api`, `stage_tags`,
#     `api_tags`.
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
	missing := lib.missing_tags(rule.tags)
	count(missing) > 0
	result := lib.result(
		rule.arn,
		sprintf("listener rule %s on %s:%d of %s has no %s tag", [rule.priority, listener.protocol, listener.port, lb.name, concat(" or ", sort(missing))]),
		{
			"missing_tags": sort(missing),
			"load_balancer": lb.name,
			"listener_port": listener.port,
			"conditions": rule.conditions,
		},
	)
}

deny contains result if {
	some api in input.rest_apis
	some stage in api.stages
	result := stage_result(api, stage, "REST API")
}

deny contains result if {
	some api in input.v2_apis
	some stage in api.stages
	result := stage_result(api, stage, sprintf("%s API", [api.protocol_type]))
}

stage_result(api, stage, kind) := result if {
	missing := lib.missing_tags(object.union(api.tags, stage.tags))
	count(missing) > 0
	result := lib.result(
		stage.arn,
		sprintf("stage %s of %s %s has no %s tag, on the stage or the API", [stage.name, kind, api.name, concat(" or ", sort(missing))]),
		{
			"missing_tags": sort(missing),
			"api": api.name,
			"stage_tags": object.keys(stage.tags),
			"api_tags": object.keys(api.tags),
		},
	)
}
