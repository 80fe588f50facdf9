# METADATA
# title: API Gateway execution logging disabled
# description: |
#   A REST or WebSocket API stage does not log execution at ERROR or INFO for
#   all its methods or routes, or its region has no CloudWatch Logs role for
#   API Gateway, so the logging setting writes nothing. Execution logs show
#   authorizer decisions, integration requests and backend errors; without
#   them a failing or abused API cannot be diagnosed.
# custom:
#   inputs:
#     AWS::ApiGateway::Stage: [apigateway_accounts, rest_apis, rest_stages]
#     AWS::ApiGatewayV2::Stage: [apigateway_accounts, v2_apis, v2_stages]
#   id: GW201
#   severity: medium
#   resource_types:
#     - AWS::ApiGateway::Stage
#     - AWS::ApiGatewayV2::Stage
#   controls:
#     - SecurityHub:APIGateway.1
#     - AWSConfig:api-gw-execution-logging-enabled
#     - Prowler:apigateway_restapi_logging_enabled
#   remediation: |
#     Set the stage's logging level to ERROR (or INFO) for all methods, leave
#     no method or route overridden to OFF, and set the CloudWatch Logs role
#     ARN in the API Gateway account settings of the region.
#   details: |
#     **Why it matters.** Access logs say who called; execution logs say what
#     API Gateway did with the call: authorizer results, mapping, the
#     integration request and the backend's response. Security Hub
#     APIGateway.1 requires ERROR or INFO on every stage.
#
#     **What triggers it.**
#     - A REST stage whose `method_settings["*/*"].logging_level` is not
#       ERROR or INFO, or with a method overridden to OFF;
#     - a WebSocket stage whose `default_route_settings.logging_level` is
#       not ERROR or INFO, or with a route overridden to OFF (HTTP APIs have
#       no execution logs and are not checked);
#     - a stage that does log while the region's API Gateway account
#       settings have no `cloudwatch_role_arn`: API Gateway then cannot
#       write the logs (checked when the account settings were collected).
#
#     **Evidence.** `logging_level`, `methods_off`, `cloudwatch_role_arn`.
#
#     **Fix.**
#     ```sh
#     aws apigateway update-account --patch-operations op=replace,path=/cloudwatchRoleArn,value=ROLE_ARN
#     aws apigateway update-stage --rest-api-id ID --stage-name prod \
#       --patch-operations op=replace,path=/*/*/logging/loglevel,value=ERROR
#     ```
#     In CloudFormation:
#     ```yaml
#     Stage:
#       Type: AWS::ApiGateway::Stage
#       Properties:
#         MethodSettings:
#           - ResourcePath: "/*"
#             HttpMethod: "*"
#             LoggingLevel: ERROR
#     ```
package gatewatch.rules.gw201_execution_logging

import data.gatewatch.lib
import rego.v1

enabled_levels := {"ERROR", "INFO"}

level(settings) := upper(object.get(settings, "logging_level", "OFF"))

cloudwatch_role(account, region) := object.get(object.get(lib.apigateway_accounts_by_region, sprintf("%s/%s", [account, region]), {}), "cloudwatch_role_arn", "")

account_collected(account, region) if lib.apigateway_accounts_by_region[sprintf("%s/%s", [account, region])]

stage_result(api, stage, kind, lvl, off) := lib.result(
	stage.arn,
	sprintf("stage %s of %s %s: %s", [stage.name, kind, api.name, msg]),
	{"logging_level": lvl, "methods_off": off, "cloudwatch_role_arn": cloudwatch_role(api.account, api.region)},
) if {
	msg := reason(api, lvl, off)
}

reason(api, lvl, off) := sprintf("execution logging level is %s, not ERROR or INFO", [lvl]) if {
	not lvl in enabled_levels
} else := sprintf("execution logging is turned OFF for %s", [concat(", ", off)]) if {
	count(off) > 0
} else := "execution logging is set but the region's API Gateway account settings have no CloudWatch Logs role, so nothing is written" if {
	account_collected(api.account, api.region)
	cloudwatch_role(api.account, api.region) == ""
}

deny contains result if {
	some api in input.rest_apis
	some stage in api.stages
	settings := object.get(stage, "method_settings", {})
	lvl := level(object.get(settings, "*/*", {}))
	off := sort([k | some k, s in settings; k != "*/*"; level(s) == "OFF"; object.get(s, "logging_level", "") != ""])
	result := stage_result(api, stage, "REST API", lvl, off)
}

deny contains result if {
	some api in input.v2_apis
	api.protocol_type == "WEBSOCKET"
	some stage in api.stages
	lvl := level(object.get(stage, "default_route_settings", {}))
	off := sort([k | some k, s in object.get(stage, "route_settings", {}); object.get(s, "logging_level", "") != ""; level(s) == "OFF"])
	result := stage_result(api, stage, "WebSocket API", lvl, off)
}
