# METADATA
# title: Public REST API methods with no authorization and no API key
# description: |
#   Methods of a public REST API require neither an authorizer (IAM,
#   Cognito, Lambda) nor an API key: anyone on the internet who finds the
#   URL can call them, and nothing identifies who did.
# custom:
#   inputs: [domain_mappings, domain_names, rest_apis, rest_authorizers, rest_resources]
#   id: GW217
#   severity: high
#   resource_types:
#     - AWS::ApiGateway::RestApi
#   controls:
#     - Trivy:AVD-AWS-0004
#     - Prowler:apigateway_restapi_public_with_authorizer
#     - Prowler:apigateway_restapi_authorizers_enabled
#   remediation: |
#     Protect each method with an authorizer (AWS_IAM, COGNITO_USER_POOLS or
#     a Lambda authorizer); for partner APIs add API keys in usage plans on
#     top. Methods that are public on purpose should be listed in a
#     suppression with the reason.
#   details: |
#     **Why it matters.** An API key identifies a caller but is not
#     authentication; an authorizer is. A method with neither is an open
#     door, and its callers cannot be told apart, throttled or blocked
#     individually.
#
#     **What triggers it.** A REST API that is not PRIVATE, reachable by its
#     execute-api endpoint (unless disabled: it then answers 403 Forbidden)
#     or a custom domain, with methods
#     other than OPTIONS (CORS preflight needs no authorization) whose
#     `authorization_type` is NONE and `api_key_required` is false. One
#     finding per API lists the methods.
#
#     **Evidence.** `methods`, `endpoint_types`, `authorizers` (how many
#     the API defines), `has_resource_policy`.
#
#     **Fix.**
#     ```sh
#     aws apigateway update-method --rest-api-id ID --resource-id RES_ID --http-method GET \
#       --patch-operations op=replace,path=/authorizationType,value=COGNITO_USER_POOLS \
#       op=replace,path=/authorizerId,value=AUTHORIZER_ID
#     ```
#     In Terraform:
#     ```hcl
#     resource "aws_api_gateway_method" "get_orders" {
#       authorization = "COGNITO_USER_POOLS"
#       authorizer_id = aws_api_gateway_authorizer.cognito.id
#     }
#     ```
package gatewatch.rules.gw217_public_method_no_auth

import data.gatewatch.lib
import rego.v1

deny contains result if {
	some api in input.rest_apis
	lib.public_rest_api(api)
	open := sort([sprintf("%s %s", [m.http_method, r.path]) |
		some r in api.resources
		some m in r.methods
		m.http_method != "OPTIONS"
		upper(object.get(m, "authorization_type", "NONE")) == "NONE"
		not m.api_key_required
	])
	count(open) > 0
	result := lib.result(
		api.arn,
		sprintf("public REST API %s lets anyone call %s: no authorizer and no API key", [api.name, concat(", ", open)]),
		{
			"methods": open,
			"endpoint_types": api.endpoint_types,
			"authorizers": count(object.get(api, "authorizers", [])),
			"has_resource_policy": object.get(api, "policy", null) != null,
		},
	)
}
