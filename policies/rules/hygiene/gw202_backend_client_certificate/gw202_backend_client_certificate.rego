# METADATA
# title: REST API stage without a client certificate for backend authentication
# description: |
#   A REST API stage has no client certificate, so its HTTP backends cannot
#   verify that a request really comes from API Gateway. Anyone who finds
#   the backend's address can call it directly and skip the API's
#   authorizers, keys, throttles and web ACL.
# custom:
#   inputs: [rest_apis, rest_resources, rest_stages]
#   id: GW202
#   severity: medium
#   resource_types:
#     - AWS::ApiGateway::Stage
#   controls:
#     - SecurityHub:APIGateway.2
#     - AWSConfig:api-gw-ssl-enabled
#     - Prowler:apigateway_restapi_client_certificate_enabled
#   remediation: |
#     Generate a client certificate in API Gateway, attach it to the stage,
#     and have the backend require it (mutual TLS on the backend, or verify
#     the certificate at the load balancer or proxy in front of it).
#   details: |
#     **Why it matters.** An HTTP backend behind API Gateway is usually
#     reachable on its own. The stage's client certificate lets the backend
#     accept only calls that went through API Gateway and its controls.
#
#     **What triggers it.** A REST API stage with no
#     `client_certificate_id`, as Security Hub APIGateway.2 and AWS Config
#     api-gw-ssl-enabled check. The check applies to every stage, including
#     stages whose methods only call Lambda or AWS services, where the
#     certificate has nothing to authenticate: suppress those if you accept
#     that.
#
#     **Evidence.** `client_certificate_id` (empty) and `http_integrations`
#     (how many methods call an HTTP backend).
#
#     **Fix.**
#     ```sh
#     CERT=$(aws apigateway generate-client-certificate --description partner-prod --query clientCertificateId --output text)
#     aws apigateway update-stage --rest-api-id ID --stage-name prod \
#       --patch-operations op=replace,path=/clientCertificateId,value=$CERT
#     ```
#     In Terraform:
#     ```hcl
#     resource "aws_api_gateway_client_certificate" "backend" {}
#     resource "aws_api_gateway_stage" "prod" {
#       client_certificate_id = aws_api_gateway_client_certificate.backend.id
#     }
#     ```
package gatewatch.rules.gw202_backend_client_certificate

import data.gatewatch.lib
import rego.v1

deny contains result if {
	some api in input.rest_apis
	some stage in api.stages
	object.get(stage, "client_certificate_id", "") == ""
	http := count([m |
		some r in api.resources
		some m in r.methods
		object.get(object.get(m, "integration", {}), "type", "") in {"HTTP", "HTTP_PROXY"}
	])
	result := lib.result(
		stage.arn,
		sprintf("stage %s of REST API %s has no client certificate, so its backends cannot tell API Gateway's calls from anyone else's", [stage.name, api.name]),
		{"client_certificate_id": "", "http_integrations": http},
	)
}
