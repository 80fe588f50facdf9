# METADATA
# title: Default execute-api endpoint left enabled behind a custom domain
# description: |
#   An API is published under a custom domain but its default
#   https://ID.execute-api.REGION.amazonaws.com endpoint still answers. Callers
#   can reach the API around whatever the custom domain adds: mutual TLS,
#   its TLS security policy, the CloudFront distribution and web ACL in
#   front of the domain, and the base-path routing clients were told about.
# custom:
#   inputs:
#     AWS::ApiGateway::RestApi: [domain_mappings, domain_names, rest_apis]
#     AWS::ApiGatewayV2::Api: [domain_mappings, domain_names, v2_apis]
#   id: GW220
#   severity: medium
#   resource_types:
#     - AWS::ApiGateway::RestApi
#     - AWS::ApiGatewayV2::Api
#   controls:
#     - CWE:CWE-288
#   remediation: |
#     Disable the default endpoint (disableExecuteApiEndpoint) once every
#     client uses the custom domain, and redeploy REST APIs for the change
#     to take effect.
#   details: |
#     **Why it matters.** Controls attached to the custom domain or to the
#     distribution in front of it protect only traffic that uses that name.
#     The execute-api name is guessable from the API ID, which appears in
#     logs, error messages and client code.
#
#     **What triggers it.** A REST, HTTP or WebSocket API mapped under at
#     least one custom domain name whose `disable_execute_api_endpoint` is
#     false.
#
#     **Evidence.** `custom_domains`, `mutual_tls_domains` (custom domains
#     whose mutual TLS the default endpoint bypasses), `execute_api_endpoint`.
#
#     **Fix.**
#     ```sh
#     aws apigateway update-rest-api --rest-api-id ID \
#       --patch-operations op=replace,path=/disableExecuteApiEndpoint,value='True'
#     aws apigateway create-deployment --rest-api-id ID --stage-name prod
#     aws apigatewayv2 update-api --api-id ID --disable-execute-api-endpoint
#     ```
#     In Terraform:
#     ```hcl
#     resource "aws_api_gateway_rest_api" "api" {
#       disable_execute_api_endpoint = true
#     }
#     ```
package gatewatch.rules.gw220_default_endpoint_enabled

import data.gatewatch.lib
import rego.v1

# Custom domains (lower case) with mutual TLS, by the API IDs mapped under
# them.
mtls_domains_for_api := {k: vs |
	some [k, _] in mtls_domains_for_api_pairs
	vs := {v | some [x, v] in mtls_domains_for_api_pairs; x == k}
}

mtls_domains_for_api_pairs contains [m.api_id, lower(dn.name)] if {
	some dn in input.domain_names
	dn.mutual_tls
	some m in dn.mappings
}

# REST APIs and HTTP or WebSocket APIs alike, each kind by its own deny
# body: a kind with no APIs (null in the snapshot) leaves the other judged.
deny contains result if {
	some api in input.rest_apis
	result := published_with_default_endpoint(api)
}

deny contains result if {
	some api in input.v2_apis
	result := published_with_default_endpoint(api)
}

published_with_default_endpoint(api) := lib.result(
	api.arn,
	sprintf("API %s is published as %s but its default execute-api endpoint still answers", [api.name, concat(", ", sort(domains))]),
	{
		"custom_domains": sort(domains),
		"mutual_tls_domains": sort(object.get(mtls_domains_for_api, api.id, set())),
		"execute_api_endpoint": lib.execute_api_domain(api),
	},
) if {
	not api.disable_execute_api_endpoint
	domains := object.get(lib.custom_domains_for_api, api.id, set())
	count(domains) > 0
}
