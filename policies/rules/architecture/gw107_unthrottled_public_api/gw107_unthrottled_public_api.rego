# METADATA
# title: Public API with no usage plan, per-key or stage throttling
# description: |
#   A public API stage leaves methods with no throttle of their own: the
#   stage-wide default (REST "*/*", HTTP default route settings) sets no
#   rate or burst limit, the method has no method-level throttle, and no
#   usage plan throttles its callers (a plan throttles only requests that
#   carry an API key, so it protects only methods that require one). The
#   only limit left on those methods is the account-wide regional quota
#   (10,000 requests/s by default) shared with every other API in the
#   region, so one noisy partner or one scraper can starve all of them.
# custom:
#   inputs:
#     AWS::ApiGateway::Stage: [apigateway_accounts, domain_mappings, domain_names, rest_apis, rest_resources, rest_stages, usage_plans]
#     AWS::ApiGatewayV2::Stage: [apigateway_accounts, domain_mappings, domain_names, v2_apis, v2_routes, v2_stages]
#   id: GW107
#   severity: medium
#   resource_types:
#     - AWS::ApiGateway::Stage
#     - AWS::ApiGatewayV2::Stage
#   controls: []
#   remediation: |
#     Set stage-level throttling on "*/*" (REST) or the default route
#     settings (HTTP APIs) to what the backend can take, or give each
#     method its own limit. For partner APIs issue API keys in usage plans
#     with per-key rate, burst and quota, and require the key on every
#     method (`api_key_required`): a plan throttles keyed requests only.
#   details: |
#     **Why it matters.** Without stage or per-key limits, API Gateway lets
#     a single caller use the whole account quota for the region: the
#     backend takes the load, other APIs in the region are throttled with
#     429s, and nobody can tell partners apart in the metrics.
#
#     **What triggers it.** A reachable stage (by the execute-api endpoint
#     unless disabled, or by a custom domain mapped to it) of a REST API
#     that is not PRIVATE, or of an HTTP API, whose stage-wide setting has neither
#     `throttling_rate_limit` nor `throttling_burst_limit` (REST
#     `method_settings["*/*"]`, HTTP `default_route_settings`), with at
#     least one method or route that nothing else throttles:
#     - a method-level setting (REST `method_settings` keyed
#       `/{resource}/{METHOD}`, e.g. `~1items/GET`; HTTP `route_settings`
#       keyed by route) with a limit overrides the stage-wide one, so a
#       stage whose every method has its own throttle is throttled;
#     - a usage plan listing the stage, with a plan-wide or per-method
#       throttle, throttles a REST method only when the method has
#       `api_key_required`: usage plans identify, meter and throttle
#       callers by API key, and requests to a method that needs no key are
#       never counted against any plan.
#
#     A REST API with no methods is left alone: API Gateway deploys no
#     stage for it.
#
#     **Evidence.** `unthrottled_methods` (methods or routes left to the
#     account limit), `keyless_methods` (those of them that need no API
#     key, so no plan can help), `usage_plans` and `throttled_usage_plans`
#     (plans listing the stage), `stage_throttle` (null),
#     `methods_throttled` (method settings with their own limits),
#     `account_throttle` (the regional account limit actually in force,
#     when collected). The message says which of these is configured.
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

# The regional account-wide limit, when the account settings were collected.
account_throttle(api) := t if {
	a := lib.apigateway_accounts_by_region[sprintf("%s/%s", [api.account, api.region])]
	t := {"rate_limit": object.get(a, "throttle_rate_limit", null), "burst_limit": object.get(a, "throttle_burst_limit", null)}
} else := null

# A method settings or usage plan throttle key as [path, METHOD]: "*/*",
# "~1items/GET" (AWS escapes the resource path's slashes as "~1") or
# "/items/GET". The path loses its outer slashes; "*" stands for any.
throttle_key(key) := [trim(m[1], "/"), upper(m[2])] if {
	m := regex.find_all_string_submatch_n(`^(.*)/([^/]+)$`, replace(key, "~1", "/"), 1)[0]
}

# True when the throttle key applies to the method at path.
covers(key, path, method) if {
	[p, m] := throttle_key(key)
	p in {"*", trim(path, "/")}
	m in {"*", upper(method)}
}

# Every method of a REST API: what it is called in messages, its path and
# HTTP method, and whether callers must send an API key.
rest_methods(api) := {{"name": sprintf("%s %s", [m.http_method, r.path]), "path": r.path, "method": m.http_method, "keyed": object.get(m, "api_key_required", false)} |
	some r in api.resources
	some m in r.methods
}

# A method has its own throttle: a method setting other than "*/*" with a
# limit. It overrides the stage-wide "*/*" for that method.
own_throttle(settings, m) if {
	some key, s in settings
	key != "*/*"
	throttled(s)
	covers(key, m.path, m.method)
}

# A usage plan throttles the method's callers: only requests that carry an
# API key are identified, metered and throttled by a plan, so the method
# must require one.
plan_throttle(plans, m) if {
	m.keyed
	some p in plans
	plan_limits(p, m)
}

plan_limits(plan, _) if plan.throttle != null

throttling_plan(plan) if plan.throttle != null

throttling_plan(plan) if count(plan.method_throttles) > 0

plan_limits(plan, m) if {
	some key, _ in plan.method_throttles
	covers(key, m.path, m.method)
}

deny contains result if {
	some api in input.rest_apis
	lib.public_rest_api(api)
	some stage in api.stages
	lib.reachable_stage(api, stage)
	settings := object.get(stage, "method_settings", {})
	not throttled(object.get(settings, "*/*", {}))
	plans := object.get(lib.usage_plans_for, sprintf("%s/%s/%s/%s", [api.account, api.region, api.id, stage.name]), set())
	methods := rest_methods(api)
	open := {m | some m in methods; not own_throttle(settings, m); not plan_throttle(plans, m)}
	count(open) > 0
	result := lib.result(
		stage.arn,
		sprintf("stage %s of public REST API %s leaves %s unthrottled: %s; only the account-wide limit applies", [stage.name, api.name, names(open), concat("; ", rest_configured(methods, settings, plans, open))]),
		{
			"unthrottled_methods": sort([m.name | some m in open]),
			"keyless_methods": sort([m.name | some m in open; not m.keyed]),
			"usage_plans": sort([p.name | some p in plans]),
			"throttled_usage_plans": sort([p.name | some p in plans; throttling_plan(p)]),
			"stage_throttle": null,
			"methods_throttled": sort([k | some k, s in settings; k != "*/*"; throttled(s)]),
			"account_throttle": account_throttle(api),
		},
	)
}

names(methods) := concat(", ", sort([m.name | some m in methods]))

# What is configured, in words, for the message.
rest_configured(methods, settings, plans, open) := array.concat(
	["no stage-wide */* throttle"],
	array.concat(plan_words(plans, open), own_words(settings, methods)),
)

plan_words(plans, open) := ["no usage plan"] if {
	count(plans) == 0
} else := [sprintf("usage plan %s throttles only requests with an API key, %s", [concat(", ", sort([p.name | some p in throttling])), keyless_words(open, keyless)])] if {
	throttling := {p | some p in plans; some m in open; plan_limits(p, m)}
	count(throttling) > 0
	keyless := {m | some m in open; not m.keyed}
	count(keyless) > 0
} else := [sprintf("usage plan %s sets no throttle for them", [concat(", ", sort([p.name | some p in plans]))])]

keyless_words(open, keyless) := "which none of them requires" if {
	count(keyless) == count(open)
} else := sprintf("which %s do not require", [names(keyless)])

own_words(settings, methods) := [sprintf("method throttles cover %s only", [names(covered)])] if {
	covered := {m | some m in methods; own_throttle(settings, m)}
	count(covered) > 0
} else := []

deny contains result if {
	some api in input.v2_apis
	api.protocol_type == "HTTP"
	some stage in api.stages
	lib.reachable_stage(api, stage)
	not throttled(object.get(stage, "default_route_settings", {}))
	settings := object.get(stage, "route_settings", {})
	open := {r.route_key | some r in api.routes; not throttled(object.get(settings, r.route_key, {}))}
	count(open) > 0
	covered := {r.route_key | some r in api.routes; throttled(object.get(settings, r.route_key, {}))}
	result := lib.result(
		stage.arn,
		sprintf("stage %s of HTTP API %s leaves %s unthrottled: %s; only the account-wide limit applies", [stage.name, api.name, concat(", ", sort(open)), concat("; ", array.concat(["no default route throttle"], route_words(covered)))]),
		{
			"unthrottled_methods": sort(open),
			"usage_plans": [],
			"stage_throttle": null,
			"methods_throttled": sort([k | some k, s in settings; throttled(s)]),
			"account_throttle": account_throttle(api),
		},
	)
}

route_words(covered) := [sprintf("route throttles cover %s only", [concat(", ", sort(covered))])] if {
	count(covered) > 0
} else := []
