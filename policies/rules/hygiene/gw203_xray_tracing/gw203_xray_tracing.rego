# METADATA
# title: REST API stage without X-Ray tracing
# description: |
#   A REST API stage has AWS X-Ray tracing turned off, so requests cannot be
#   followed from API Gateway into the Lambda functions and services behind
#   it, and latency or errors cannot be attributed to a hop.
# custom:
#   inputs: [rest_apis, rest_stages]
#   id: GW203
#   severity: low
#   resource_types:
#     - AWS::ApiGateway::Stage
#   controls:
#     - SecurityHub:APIGateway.3
#     - AWSConfig:api-gw-xray-enabled
#     - Trivy:AVD-AWS-0003
#     - Prowler:apigateway_restapi_tracing_enabled
#   remediation: |
#     Enable X-Ray tracing on the stage (and active tracing on the Lambda
#     functions behind it); sample with an X-Ray sampling rule if volume
#     is a concern.
#   details: |
#     **Why it matters.** With tracing, one trace shows how long API Gateway,
#     the authorizer and each backend took for a request; without it, slow
#     or failing requests are guessed at from separate logs.
#
#     **What triggers it.** A REST API stage with `tracing_enabled` false
#     (HTTP and WebSocket APIs do not support X-Ray and are not checked).
#
#     **Evidence.** `tracing_enabled`.
#
#     **Fix.**
#     ```sh
#     aws apigateway update-stage --rest-api-id ID --stage-name prod \
#       --patch-operations op=replace,path=/tracingEnabled,value=true
#     ```
#     In Terraform:
#     ```hcl
#     resource "aws_api_gateway_stage" "prod" {
#       xray_tracing_enabled = true
#     }
#     ```
package gatewatch.rules.gw203_xray_tracing

import data.gatewatch.lib
import rego.v1

deny contains result if {
	some api in input.rest_apis
	some stage in api.stages
	not stage.tracing_enabled
	result := lib.result(
		stage.arn,
		sprintf("stage %s of REST API %s has X-Ray tracing turned off", [stage.name, api.name]),
		{"tracing_enabled": false},
	)
}
