# METADATA
# title: Mutating REST methods without request body validation
# description: |
#   POST, PUT and PATCH methods of a REST API pass request bodies to the
#   backend without API Gateway validating them against a model. Malformed
#   and oversized-by-design payloads reach the backend (and are billed to
#   it), when API Gateway could reject them with a 400 for free.
# custom:
#   inputs: [rest_apis, rest_request_validators, rest_resources]
#   id: GW218
#   severity: low
#   resource_types:
#     - AWS::ApiGateway::RestApi
#   controls:
#     - CWE:CWE-20
#   remediation: |
#     Define a JSON Schema model for each write method's body and attach a
#     request validator that validates the body (and parameters) to the
#     method.
#   details: |
#     **Why it matters.** Validation at the edge keeps junk out of the
#     backend, gives clients consistent errors, and documents the contract.
#     It is one of the things API Gateway is there for (see GW101).
#
#     **What triggers it.** A POST, PUT or PATCH method with an integration
#     other than MOCK that has no `request_validator_id`, or whose validator
#     has `validate_body` false. One finding per API lists the methods.
#
#     **Evidence.** `methods` (method to the validator name, or null).
#
#     **Fix.**
#     ```sh
#     VALIDATOR=$(aws apigateway create-request-validator --rest-api-id ID --name body \
#       --validate-request-body --validate-request-parameters --query id --output text)
#     aws apigateway update-method --rest-api-id ID --resource-id RES_ID --http-method POST \
#       --patch-operations op=replace,path=/requestValidatorId,value=$VALIDATOR
#     ```
#     In Terraform:
#     ```hcl
#     resource "aws_api_gateway_method" "create_order" {
#       request_validator_id = aws_api_gateway_request_validator.body.id
#       request_models       = { "application/json" = aws_api_gateway_model.order.name }
#     }
#     ```
package gatewatch.rules.gw218_unvalidated_writes

import data.gatewatch.lib
import rego.v1

writes := {"POST", "PUT", "PATCH"}

validator_name(validators, id) := v.name if {
	v := validators[id]
} else := null

deny contains result if {
	some api in input.rest_apis
	validators := {v.id: v | some v in object.get(api, "request_validators", [])}
	unvalidated := {sprintf("%s %s", [m.http_method, r.path]): validator_name(validators, id) |
		some r in api.resources
		some m in r.methods
		m.http_method in writes
		object.get(object.get(m, "integration", {}), "type", "") != "MOCK"
		id := object.get(m, "request_validator_id", "")
		not object.get(validators, id, {}).validate_body
	}
	count(unvalidated) > 0
	result := lib.result(
		api.arn,
		sprintf("REST API %s does not validate request bodies of %s", [api.name, concat(", ", sort(object.keys(unvalidated)))]),
		{"methods": unvalidated},
	)
}
