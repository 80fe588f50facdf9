# METADATA
# title: API Gateway overhead above the declared latency SLO
# description: |
#   The time API Gateway itself adds to requests (p99 Latency minus p99
#   IntegrationLatency: authorizers, mapping templates, validation, and the
#   hop itself) exceeds the latency budget the API's owner declared for it.
#   The backend may be fast and the API still miss its objective.
# custom:
#   inputs:
#     AWS::ApiGateway::Stage: [metrics, rest_apis, rest_stages]
#     AWS::ApiGatewayV2::Stage: [metrics, v2_apis, v2_stages]
#   id: GW114
#   severity: low
#   resource_types:
#     - AWS::ApiGateway::Stage
#     - AWS::ApiGatewayV2::Stage
#   controls: []
#   remediation: |
#     Find where the overhead comes from: cache Lambda authorizer results
#     (authorizer TTL) or switch to JWT/Cognito authorizers, simplify mapping
#     templates, use a REGIONAL endpoint close to the callers (or CloudFront
#     in front), move to an HTTP API, or route latency-critical paths through
#     an ALB. If the budget was unrealistic, update the tag.
#   details: |
#     **Why it matters.** API Gateway adds its own time to every request.
#     Lambda authorizers without caching, heavy mapping templates and
#     edge-optimized endpoints far from the backend are the usual causes, and
#     none of them shows in the backend's own metrics.
#
#     **Where the SLO comes from.** The owner declares it in milliseconds
#     with the tag named by `latency_slo_tag` (default
#     `gatewatch:latency-slo-ms`) on the stage or, for all its stages, on
#     the API. Without a tag, `thresholds.latency_overhead_p99_ms` applies
#     when it is above 0 (default 0: only declared SLOs are checked).
#
#     **What triggers it.** `AWS/ApiGateway` `Latency` p99 minus
#     `IntegrationLatency` p99 of the stage (from `input.metrics`, longest
#     window collected) above the SLO. The difference of two p99s
#     approximates the p99 of the overhead; it is what CloudWatch offers
#     without per-request logs.
#
#     **Evidence.** `latency_p99_ms`, `integration_latency_p99_ms`,
#     `overhead_p99_ms`, `slo_ms`, `slo_source`, `window_seconds`.
#
#     **Fix.** Cache authorizer results, for example:
#     ```sh
#     aws apigateway update-authorizer --rest-api-id ID --authorizer-id AUTH_ID \
#       --patch-operations op=replace,path=/authorizerResultTtlInSeconds,value=300
#     ```
#     Declare or adjust the budget in Terraform:
#     ```hcl
#     resource "aws_api_gateway_stage" "prod" {
#       tags = { "gatewatch:latency-slo-ms" = "50" }
#     }
#     ```
package gatewatch.rules.gw114_latency_slo

import data.gatewatch.lib
import rego.v1

tag := lib.config.latency_slo_tag

# The declared budget in ms and where it was found: stage tag, API tag,
# configuration default.
slo(api, stage) := {"ms": to_number(v), "source": sprintf("tag %s on the stage", [tag])} if {
	v := trim_space(lib.tag_value(object.get(stage, "tags", {}), tag))
	regex.match(`^[0-9]+(\.[0-9]+)?$`, v)
} else := {"ms": to_number(v), "source": sprintf("tag %s on the API", [tag])} if {
	v := trim_space(lib.tag_value(object.get(api, "tags", {}), tag))
	regex.match(`^[0-9]+(\.[0-9]+)?$`, v)
} else := {"ms": ms, "source": "thresholds.latency_overhead_p99_ms"} if {
	ms := lib.config.thresholds.latency_overhead_p99_ms
	ms > 0
}

deny contains result if {
	some [api, stage, kind] in lib.api_stages
	budget := slo(api, stage)
	latency := lib.metric_summary(stage.arn, "AWS/ApiGateway", "Latency", "p99")
	integration := lib.metric_summary(stage.arn, "AWS/ApiGateway", "IntegrationLatency", "p99")
	overhead := latency.value - integration.value
	overhead > budget.ms
	result := lib.result(
		stage.arn,
		sprintf("stage %s of %s %s adds %v ms at p99 on top of its backend, over the %v ms budget (%s)", [stage.name, kind, api.name, overhead, budget.ms, budget.source]),
		{
			"latency_p99_ms": latency.value,
			"integration_latency_p99_ms": integration.value,
			"overhead_p99_ms": overhead,
			"slo_ms": budget.ms,
			"slo_source": budget.source,
			"window_seconds": latency.period_seconds,
		},
	)
}
