# METADATA
# title: HTTP or WebSocket API stage without access logging
# description: |
#   A stage of an HTTP or WebSocket API writes no access logs. There is then
#   no record of who called which route, from where, with what result:
#   nothing to investigate abuse, bill partners or answer an auditor with.
# custom:
#   inputs: [v2_apis, v2_stages]
#   id: GW206
#   severity: medium
#   resource_types:
#     - AWS::ApiGatewayV2::Stage
#   controls:
#     - SecurityHub:APIGateway.9
#     - AWSConfig:api-gwv2-access-logs-enabled
#     - Trivy:AVD-AWS-0001
#     - Prowler:apigatewayv2_api_access_logging_enabled
#   remediation: |
#     Configure access logging on the stage: a CloudWatch Logs log group (or
#     Firehose stream) as destination and a JSON format with at least
#     requestId, sourceIp, routeKey, status, and for authorized routes the
#     caller's identity.
#   details: |
#     **Why it matters.** For HTTP APIs, access logs are the only request
#     log there is (they have no execution logs).
#
#     **What triggers it.** A v2 (HTTP or WebSocket) API stage with no
#     `access_log_destination`. REST stages are covered by GW112.
#
#     **Evidence.** `protocol_type`, `access_log_destination` (empty).
#
#     **Fix.**
#     ```sh
#     aws apigatewayv2 update-stage --api-id ID --stage-name '$default' \
#       --access-log-settings DestinationArn=LOG_GROUP_ARN,Format='{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","routeKey":"$context.routeKey","status":"$context.status"}'
#     ```
#     In Terraform:
#     ```hcl
#     resource "aws_apigatewayv2_stage" "default" {
#       access_log_settings {
#         destination_arn = aws_cloudwatch_log_group.api.arn
#         format          = jsonencode({ requestId = "$context.requestId", status = "$context.status" })
#       }
#     }
#     ```
package gatewatch.rules.gw206_v2_access_logging

import data.gatewatch.lib
import rego.v1

deny contains result if {
	some api in input.v2_apis
	some stage in api.stages
	object.get(stage, "access_log_destination", "") == ""
	result := lib.result(
		stage.arn,
		sprintf("stage %s of %s API %s has no access logging", [stage.name, api.protocol_type, api.name]),
		{"protocol_type": api.protocol_type, "access_log_destination": ""},
	)
}
