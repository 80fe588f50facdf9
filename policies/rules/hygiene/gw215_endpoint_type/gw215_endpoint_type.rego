# METADATA
# title: REST API endpoint type not allowed by policy
# description: |
#   A REST API uses an endpoint type the organisation does not allow
#   (allowed_endpoint_types in the configuration; by default REGIONAL and
#   PRIVATE). EDGE endpoints route through a CloudFront distribution that
#   AWS manages: you cannot attach your own cache behaviours, web ACL or
#   Shield Advanced protection to it, nor see its logs.
# custom:
#   inputs: [rest_apis]
#   id: GW215
#   severity: low
#   resource_types:
#     - AWS::ApiGateway::RestApi
#   controls:
#     - AWSConfig:api-gw-endpoint-type-check
#     - Prowler:apigateway_restapi_public
#   remediation: |
#     Switch the API to an allowed endpoint type: REGIONAL behind a
#     CloudFront distribution you own for public APIs, PRIVATE for APIs only
#     VPC clients use. Move custom domains to the same endpoint type.
#   details: |
#     **Why it matters.** The endpoint type decides where the API can be
#     reached from and which edge controls are possible. AWS Config's
#     api-gw-endpoint-type-check compares it with a list you choose.
#
#     **What triggers it.** A REST API with an endpoint type not in
#     `allowed_endpoint_types`.
#
#     **Evidence.** `endpoint_types`, `allowed_endpoint_types`.
#
#     **Fix.**
#     ```sh
#     aws apigateway update-rest-api --rest-api-id ID --patch-operations \
#       op=replace,path=/endpointConfiguration/types/EDGE,value=REGIONAL
#     ```
#     In Terraform:
#     ```hcl
#     resource "aws_api_gateway_rest_api" "api" {
#       endpoint_configuration { types = ["REGIONAL"] }
#     }
#     ```
package gatewatch.rules.gw215_endpoint_type

import data.gatewatch.lib
import rego.v1

deny contains result if {
	some api in input.rest_apis
	allowed := {t | some t in lib.config.allowed_endpoint_types}
	bad := [t | some t in api.endpoint_types; not t in allowed]
	count(bad) > 0
	result := lib.result(
		api.arn,
		sprintf("REST API %s has endpoint type %s, which is not allowed (%s)", [api.name, concat("/", bad), concat(", ", sort(allowed))]),
		{"endpoint_types": api.endpoint_types, "allowed_endpoint_types": sort(allowed)},
	)
}
