# METADATA
# title: Entry point without access logs, detailed metrics or alarms
# description: |
#   An API stage or internet-facing ALB is missing part of the minimum
#   instrumentation an entry point needs: access logs (who called what, with
#   which result), detailed per-method or per-route metrics (API stages),
#   and CloudWatch alarms on server errors and on latency. Without them an
#   outage or an abuse is noticed by customers first and cannot be
#   investigated afterwards.
# custom:
#   inputs:
#     AWS::ApiGateway::Stage: [alarms, rest_apis, rest_stages]
#     AWS::ApiGatewayV2::Stage: [alarms, v2_apis, v2_stages]
#     AWS::ElasticLoadBalancingV2::LoadBalancer: [alarms, load_balancer_attributes, load_balancers]
#   id: GW112
#   severity: low
#   resource_types:
#     - AWS::ApiGateway::Stage
#     - AWS::ApiGatewayV2::Stage
#     - AWS::ElasticLoadBalancingV2::LoadBalancer
#   controls: []
#   remediation: |
#     Turn on access logging (stage access log settings, ALB
#     access_logs.s3.enabled), detailed metrics on the stage, and create
#     CloudWatch alarms on 5XX errors and on p99 latency for every stage and
#     ALB that serves traffic, with actions that page the owner.
#   details: |
#     **Why it matters.** Access logs and metrics are what an incident
#     review, a capacity plan or an abuse investigation starts from; alarms
#     are how the owner hears of a problem before the customers do. All
#     three must be set up before they are needed: logs and per-method
#     metrics cannot be recovered for the past.
#
#     **What triggers it.** Any of these missing:
#     - `access_logs`: REST or v2 stage `access_log_destination`, ALB
#       attribute `access_logs.s3.enabled`;
#     - `detailed_metrics` (API stages): REST `method_settings["*/*"].metrics_enabled`,
#       v2 `default_route_settings.detailed_metrics_enabled`;
#     - `errors_alarm` and `latency_alarm`: a CloudWatch alarm on
#       `AWS/ApiGateway` 5XXError / 5xx / IntegrationError / ExecutionError
#       and Latency / IntegrationLatency with dimension `ApiName` (REST) or
#       `ApiId` (v2) and, if present, `Stage` equal to the stage; or on
#       `AWS/ApplicationELB` HTTPCode_ELB_5XX_Count / HTTPCode_Target_5XX_Count
#       and TargetResponseTime with dimension `LoadBalancer` = `app/NAME/ID`.
#       An alarm counts only when it notifies: its actions are enabled and
#       it has at least one alarm action (an alarm without them changes
#       state in the console and tells nobody).
#
#     Internal ALBs are left out: they are usually instrumented through the
#     services behind them.
#
#     **Evidence.** `missing` (the list above), `access_log_destination`,
#     `alarmed` (metric kinds with an alarm).
#
#     **Fix.**
#     ```sh
#     aws apigateway update-stage --rest-api-id ID --stage-name prod --patch-operations \
#       op=replace,path=/accessLogSettings/destinationArn,value=LOG_GROUP_ARN \
#       op=replace,path=/*/*/metrics/enabled,value=true
#     aws cloudwatch put-metric-alarm --alarm-name partner-prod-5xx --namespace AWS/ApiGateway \
#       --metric-name 5XXError --dimensions Name=ApiName,Value=partner Name=Stage,Value=prod \
#       --statistic Sum --period 60 --evaluation-periods 5 --threshold 1 \
#       --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions SNS_TOPIC_ARN
#     ```
#     In Terraform (ALB):
#     ```hcl
#     resource "aws_lb" "web" {
#       access_logs {
#         bucket  = "my-alb-logs"
#         enabled = true
#       }
#     }
#     ```
package gatewatch.rules.gw112_missing_instrumentation

import data.gatewatch.lib
import rego.v1

alarm_kinds := ["errors", "latency"]

missing_alarms(kinds) := [sprintf("%s_alarm", [k]) | some k in alarm_kinds; not k in kinds]

# How the missing pieces read in a message.
wording := {
	"access_logs": "access logs",
	"detailed_metrics": "detailed metrics",
	"errors_alarm": "alarm on 5xx errors",
	"latency_alarm": "alarm on latency",
}

said(missing) := concat(", no ", [wording[m] | some m in missing])

# [name] unless ok holds.
unless(ok, name) := [] if ok

else := [name]

deny contains result if {
	some api in input.rest_apis
	some stage in api.stages
	dest := object.get(stage, "access_log_destination", "")
	stage_wide := object.get(object.get(stage, "method_settings", {}), "*/*", {})
	kinds := lib.stage_alarm_kinds(api, "ApiName", api.name, stage.name)
	missing := array.concat(array.concat(unless(dest != "", "access_logs"), unless(object.get(stage_wide, "metrics_enabled", false), "detailed_metrics")), missing_alarms(kinds))
	count(missing) > 0
	result := lib.result(
		stage.arn,
		sprintf("stage %s of REST API %s has no %s", [stage.name, api.name, said(missing)]),
		{"missing": missing, "access_log_destination": dest, "alarmed": sort(kinds)},
	)
}

deny contains result if {
	some api in input.v2_apis
	some stage in api.stages
	dest := object.get(stage, "access_log_destination", "")
	defaults := object.get(stage, "default_route_settings", {})
	kinds := lib.stage_alarm_kinds(api, "ApiId", api.id, stage.name)
	missing := array.concat(array.concat(unless(dest != "", "access_logs"), unless(object.get(defaults, "detailed_metrics_enabled", false), "detailed_metrics")), missing_alarms(kinds))
	count(missing) > 0
	result := lib.result(
		stage.arn,
		sprintf("stage %s of %s API %s has no %s", [stage.name, api.protocol_type, api.name, said(missing)]),
		{"missing": missing, "access_log_destination": dest, "alarmed": sort(kinds)},
	)
}

deny contains result if {
	some lb in input.load_balancers
	lib.internet_facing_alb(lb)
	logs := lib.lb_attribute(lb, "access_logs.s3.enabled", "false") == "true"
	kinds := object.get(lib.alarm_kinds, sprintf("%s/%s/AWS/ApplicationELB/LoadBalancer=%s/*", [lb.account, lb.region, lib.alb_dimension(lb)]), set())
	missing := array.concat(unless(logs, "access_logs"), missing_alarms(kinds))
	count(missing) > 0
	result := lib.result(
		lb.arn,
		sprintf("internet-facing ALB %s has no %s", [lb.name, said(missing)]),
		{"missing": missing, "access_log_destination": lib.lb_attribute(lb, "access_logs.s3.bucket", ""), "alarmed": sort(kinds)},
	)
}
