# METADATA
# title: Entry point on the expensive side of the API Gateway / ALB cost crossover
# description: |
#   Measured traffic says the entry point would cost markedly less the other
#   way: an API stage carrying steady traffic pays API Gateway's per-request
#   price where an ALB's hourly plus LCU price would be far lower, or an ALB
#   with almost no traffic pays its hourly floor where per-request pricing
#   would cost next to nothing. Estimated from CloudWatch request counts and
#   the price table in the configuration.
# custom:
#   inputs:
#     AWS::ApiGateway::Stage: [metrics, rest_apis, rest_stages]
#     AWS::ApiGatewayV2::Stage: [metrics, v2_apis, v2_stages]
#     AWS::ElasticLoadBalancingV2::LoadBalancer: [load_balancers, metrics]
#   id: GW113
#   severity: low
#   resource_types:
#     - AWS::ApiGateway::Stage
#     - AWS::ApiGatewayV2::Stage
#     - AWS::ElasticLoadBalancingV2::LoadBalancer
#   controls: []
#   remediation: |
#     For a busy API that uses none of API Gateway's per-request features
#     (keys, usage plans, validation, transformation), route the traffic
#     through an ALB (with a web ACL) instead; keep API Gateway for the
#     routes that need it. For an idle ALB, move its few routes to an HTTP
#     API (or Lambda function URLs) or onto a shared ALB, and delete it.
#   details: |
#     **Why it matters.** API Gateway has no idle cost but charges every
#     request; an ALB costs about $16 a month before it serves anything,
#     then little per request. Which is cheaper depends on steady traffic,
#     and entry points drift to the wrong side as traffic grows or dies.
#
#     **How it is estimated.** From `input.metrics` (the longest window
#     collected):
#     - request rate: `AWS/ApiGateway` `Count` Sum of a stage, or
#       `AWS/ApplicationELB` `RequestCount` Sum of an ALB, divided by the
#       window;
#     - API Gateway cost per month: rate x 2,628,000 s x the per-million
#       price (`pricing.apigw_rest_per_million` for REST stages and internal
#       ALBs, which would need a private REST API;
#       `pricing.apigw_http_per_million` for HTTP stages and internet-facing
#       ALBs), first tier only, so large volumes are overestimated;
#     - ALB cost per month: 730 h x (`pricing.alb_hourly` +
#       `pricing.alb_lcu_hourly` x LCUs), LCUs from the ALB's
#       `ConsumedLCUs` Average when collected, else rate /
#       `pricing.alb_requests_per_second_per_lcu` (25: one new connection
#       per request, the tightest LCU dimension).
#
#     **What triggers it.** The other option is cheaper by at least
#     `thresholds.cost_min_monthly_savings` (default 10 USD a month).
#     WebSocket stages (priced per message and connection minute) are not
#     estimated.
#
#     **Evidence.** `requests_per_second`, `window_seconds`,
#     `apigateway_monthly_usd`, `alb_monthly_usd`, `monthly_savings_usd`,
#     `direction`.
#
#     **Fix.** Point the busy path at an ALB:
#     ```sh
#     aws elbv2 create-rule --listener-arn LISTENER_ARN --priority 10 \
#       --conditions Field=path-pattern,Values='/orders/*' \
#       --actions Type=forward,TargetGroupArn=TG_ARN
#     ```
#     or retire an idle ALB behind an HTTP API:
#     ```hcl
#     resource "aws_apigatewayv2_api" "ops" {
#       name          = "ops-dashboard"
#       protocol_type = "HTTP"
#     }
#     ```
package gatewatch.rules.gw113_cost_crossover

import data.gatewatch.lib
import rego.v1

pricing := lib.config.pricing

seconds_per_month := 2628000

hours_per_month := 730

min_savings := lib.config.thresholds.cost_min_monthly_savings

# Requests per second over the longest window collected.
rate(resource, namespace, name) := {"rps": m.value / m.period_seconds, "window": m.period_seconds} if {
	m := lib.metric_summary(resource, namespace, name, "Sum")
}

apigw_cost(rps, per_million) := ((rps * seconds_per_month) / 1000000) * per_million

alb_cost(lcus) := hours_per_month * (pricing.alb_hourly + (pricing.alb_lcu_hourly * lcus))

estimated_lcus(rps) := rps / pricing.alb_requests_per_second_per_lcu

round2(x) := round(x * 100) / 100

evidence(r, api_usd, alb_usd, direction) := {
	"requests_per_second": round(r.rps * 1000) / 1000,
	"window_seconds": r.window,
	"apigateway_monthly_usd": round2(api_usd),
	"alb_monthly_usd": round2(alb_usd),
	"monthly_savings_usd": round2(abs(api_usd - alb_usd)),
	"direction": direction,
}

api_stage_result(stage, kind, per_million) := result if {
	r := rate(stage.arn, "AWS/ApiGateway", "Count")
	api_usd := apigw_cost(r.rps, per_million)
	alb_usd := alb_cost(estimated_lcus(r.rps))
	api_usd - alb_usd >= min_savings
	result := lib.result(
		stage.arn,
		sprintf("stage %s of %s carries %v requests/s: about $%v a month on API Gateway against $%v on an ALB", [stage.name, kind, round2(r.rps), round(api_usd), round(alb_usd)]),
		evidence(r, api_usd, alb_usd, "apigateway-to-alb"),
	)
}

deny contains result if {
	some api in input.rest_apis
	some stage in api.stages
	result := api_stage_result(stage, sprintf("REST API %s", [api.name]), pricing.apigw_rest_per_million)
}

deny contains result if {
	some api in input.v2_apis
	api.protocol_type == "HTTP"
	some stage in api.stages
	result := api_stage_result(stage, sprintf("HTTP API %s", [api.name]), pricing.apigw_http_per_million)
}

# An internet-facing ALB compares with an HTTP API; an internal one would
# need a private REST API.
replacement_price(lb) := pricing.apigw_http_per_million if {
	lb.scheme == "internet-facing"
} else := pricing.apigw_rest_per_million

alb_lcus(lb, r) := m.value if {
	m := lib.metric_summary(lb.arn, "AWS/ApplicationELB", "ConsumedLCUs", "Average")
} else := estimated_lcus(r.rps)

deny contains result if {
	some lb in input.load_balancers
	lb.type == "application"
	r := rate(lb.arn, "AWS/ApplicationELB", "RequestCount")
	alb_usd := alb_cost(alb_lcus(lb, r))
	api_usd := apigw_cost(r.rps, replacement_price(lb))
	alb_usd - api_usd >= min_savings
	result := lib.result(
		lb.arn,
		sprintf("ALB %s carries %v requests/s: about $%v a month, where per-request pricing would cost $%v", [lb.name, round2(r.rps), round2(alb_usd), round2(api_usd)]),
		evidence(r, api_usd, alb_usd, "alb-to-apigateway"),
	)
}
