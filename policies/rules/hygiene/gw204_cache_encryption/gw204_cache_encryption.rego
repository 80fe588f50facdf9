# METADATA
# title: REST API cache data not encrypted at rest
# description: |
#   A REST API stage caches responses for some methods without encrypting
#   the cache. Cached responses hold whatever the backend returned (personal
#   data, tokens, prices) in plain form on the cache cluster.
# custom:
#   inputs: [rest_apis, rest_stages]
#   id: GW204
#   severity: medium
#   resource_types:
#     - AWS::ApiGateway::Stage
#   controls:
#     - SecurityHub:APIGateway.5
#     - AWSConfig:api-gw-cache-enabled-and-encrypted
#     - Trivy:AVD-AWS-0002
#   remediation: |
#     Turn on cache data encryption for every method that caches (the
#     stage-wide "*/*" setting and any per-method override).
#   details: |
#     **Why it matters.** The API Gateway cache stores full responses.
#     Encrypting it at rest is a checkbox with no functional cost.
#
#     **What triggers it.** A REST API stage where a method setting (the
#     stage-wide `*/*` or a per-method override) has `caching_enabled`
#     true and `cache_data_encrypted` false.
#
#     **Evidence.** `cache_cluster_enabled`, `unencrypted_methods` (the
#     method-setting keys that cache without encryption).
#
#     **Fix.**
#     ```sh
#     aws apigateway update-stage --rest-api-id ID --stage-name prod \
#       --patch-operations op=replace,path=/*/*/caching/dataEncrypted,value=true
#     ```
#     In Terraform:
#     ```hcl
#     resource "aws_api_gateway_method_settings" "all" {
#       method_path = "*/*"
#       settings {
#         caching_enabled      = true
#         cache_data_encrypted = true
#       }
#     }
#     ```
package gatewatch.rules.gw204_cache_encryption

import data.gatewatch.lib
import rego.v1

deny contains result if {
	some api in input.rest_apis
	some stage in api.stages
	unencrypted := sort([k |
		some k, s in object.get(stage, "method_settings", {})
		s.caching_enabled
		not s.cache_data_encrypted
	])
	count(unencrypted) > 0
	result := lib.result(
		stage.arn,
		sprintf("stage %s of REST API %s caches %s without encrypting the cache", [stage.name, api.name, concat(", ", unencrypted)]),
		{"cache_cluster_enabled": object.get(stage, "cache_cluster_enabled", false), "unencrypted_methods": unencrypted},
	)
}
