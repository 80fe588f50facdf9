# METADATA
# title: Public API with no usage plan, per-key or stage throttling
# description: |
#   A public API stage has no throttle of its own: no usage plan with a
#   throttle covers it (so no per-key rate limits), and the stage's default
#   method settings (REST "*/*", HTTP default route settings) set no rate
#   or burst limit. The only limit left is the account-wide regional quota
#   (10,000 requests/s by default) shared with every other API in the
#   region, so one noisy partner or one scraper can starve all of them.
# custom:
#   id: GW107
#   severity: medium
#   resource_types:
#     - AWS::ApiGateway::Stage
#     - AWS::ApiGatewayV2::Stage
#   controls: []
#   remediation: |
#     Set stage-level throttling on "*/*" (REST) or the default route
#     settings (HTTP APIs) to what the backend can take, and for partner
#     APIs issue API keys in usage plans with per-key rate, burst and quota.
#   details: |
#     **Why it matters.** Without stage or per-key limits, API Gateway lets
#     a single caller use the whole account quota for the region: the
#     backend takes the load, other APIs in the region are throttled with
#     429s, and nobody can tell partners apart in the metrics.
#
#     **What triggers it.** A stage of a REST API that is not PRIVATE, or a
#     stage of an HTTP API, where
#     - no usage plan with a throttle (plan-wide or per method) lists the
#       stage (REST only; HTTP APIs have no usage plans), and
#     - the stage-wide setting has neither `throttling_rate_limit` nor
#       `throttling_burst_limit` (REST `method_settings["*/*"]`, HTTP
#       `default_route_settings`).
#
#     **Evidence.** `usage_plans` (names of plans covering the stage, all
#     without throttles), `stage_throttle` (null), `methods_throttled`
#     (methods or routes with their own limits), `account_throttle` (the
#     regional account limit actually in force, when collected).
#
#     **Fix.**
#     ```sh
#     aws apigateway update-stage --rest-api-id ID --stage-name prod --patch-operations \
#       op=replace,path=/*/*/throttling/rateLimit,value=100 \
#       op=replace,path=/*/*/throttling/burstLimit,value=200
#     aws apigateway create-usage-plan --name partners --throttle rateLimit=50,burstLimit=100 \
#       --api-stages apiId=ID,stage=prod
#     ```
#     In Terraform:
#     ```hcl
#     resource "aws_api_gateway_method_settings" "all" {
#       rest_api_id = aws_api_gateway_rest_api.api.id
#       stage_name  = "prod"
#       method_path = "*/*"
#       settings {
#         throttling_rate_limit  = 100
#         throttling_burst_limit = 200
#       }
#     }
#     ```
package gatewatch.rules.gw107_unthrottled_public_api

import data.gatewatch.lib
import rego.v1

throttled(settings) if settings.throttling_rate_limit != null

throttled(settings) if settings.throttling_burst_limit != null

plan_throttled(plan) if plan.throttle != null

plan_throttled(plan) if count(plan.method_throttles) > 0

# The regional account-wide limit, when the account settings were collected.
account_throttle(api) := t if {
	a := lib.apigateway_accounts_by_region[sprintf("%s/%s", [api.account, api.region])]
	t := {"rate_limit": object.get(a, "throttle_rate_limit", null), "burst_limit": object.get(a, "throttle_burst_limit", null)}
} else := null

deny contains result if {
	some api in input.rest_apis
	lib.public_rest_api(api)
	some stage in api.stages
	plans := object.get(lib.usage_plans_for, sprintf("%s/%s/%s/%s", [api.account, api.region, api.id, stage.name]), set())
	not any_plan_throttled(plans)
	settings := object.get(stage, "method_settings", {})
	not throttled(object.get(settings, "*/*", {}))
	result := lib.result(
		stage.arn,
		sprintf("stage %s of public REST API %s has no usage plan throttle and no stage throttling; only the account-wide limit applies", [stage.name, api.name]),
		{
			"usage_plans": sort([p.name | some p in plans]),
			"stage_throttle": null,
			"methods_throttled": sort([k | some k, s in settings; k != "*/*"; throttled(s)]),
			"account_throttle": account_throttle(api),
		},
	)
}

any_plan_throttled(plans) if {
	some p in plans
	plan_throttled(p)
}

deny contains result if {
	some api in input.v2_apis
	api.protocol_type == "HTTP"
	some stage in api.stages
	not throttled(object.get(stage, "default_route_settings", {}))
	routes := object.get(stage, "route_settings", {})
	result := lib.result(
		stage.arn,
		sprintf("stage %s of HTTP API %s sets no default route throttling; only the account-wide limit applies", [stage.name, api.name]),
		{
			"usage_plans": [],
			"stage_throttle": null,
			"methods_throttled": sort([k | some k, s in routes; throttled(s)]),
			"account_throttle": account_throttle(api),
		},
	)
}
