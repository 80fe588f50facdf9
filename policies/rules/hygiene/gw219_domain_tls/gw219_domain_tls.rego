# METADATA
# title: API custom domain accepts TLS below 1.2
# description: |
#   A custom domain name of API Gateway uses a security policy that still
#   negotiates TLS 1.0 or 1.1 (TLS_1_0). Those protocol versions are
#   deprecated, fail PCI DSS, and let an attacker on the path force weak
#   ciphers on clients that support better.
# custom:
#   inputs: [domain_names]
#   id: GW219
#   severity: high
#   resource_types:
#     - AWS::ApiGateway::DomainName
#   controls:
#     - Trivy:AVD-AWS-0005
#     - ControlTower:CT.APIGATEWAY.PR.6
#   remediation: |
#     Switch the domain's security policy to TLS_1_2 or one of the enhanced
#     TLS 1.3 policies (SecurityPolicy_TLS13_1_3_2025_09 and related).
#   details: |
#     **Why it matters.** Modern clients all speak TLS 1.2; keeping 1.0 and
#     1.1 helps no legitimate caller and widens the attack surface of the
#     API's public name.
#
#     **What triggers it.** A REST or v2 custom domain whose
#     `security_policy` has a minimum version below TLS 1.2: `TLS_1_0`, or
#     an enhanced policy named `..._TLS1x_1_0_...` / `..._TLS1x_1_1_...`.
#     Domains with no policy recorded are not reported.
#
#     **Evidence.** `security_policy`, `minimum_tls`, `endpoint_type`.
#
#     **Fix.**
#     ```sh
#     aws apigateway update-domain-name --domain-name api.example.com \
#       --patch-operations op=replace,path=/securityPolicy,value=TLS_1_2
#     ```
#     In Terraform:
#     ```hcl
#     resource "aws_api_gateway_domain_name" "api" {
#       security_policy = "TLS_1_2"
#     }
#     ```
package gatewatch.rules.gw219_domain_tls

import data.gatewatch.lib
import rego.v1

# The minimum TLS minor version a policy name allows: TLS_1_0 style names
# or enhanced TLS1x_1_y names (x the maximum, y the minimum).
minimum_minor(policy) := to_number(m[0][1]) if {
	m := regex.find_all_string_submatch_n(`(?i)TLS1[0-9]_1_([0-9])`, policy, 1)
	count(m) > 0
} else := to_number(m[0][1]) if {
	m := regex.find_all_string_submatch_n(`(?i)TLS_1_([0-9])`, policy, 1)
	count(m) > 0
}

deny contains result if {
	some dn in input.domain_names
	policy := object.get(dn, "security_policy", "")
	minor := minimum_minor(policy)
	minor < 2
	result := lib.result(
		dn.arn,
		sprintf("custom domain %s uses security policy %s, which accepts TLS 1.%d", [dn.name, policy, minor]),
		{"security_policy": policy, "minimum_tls": sprintf("1.%d", [minor]), "endpoint_type": object.get(dn, "endpoint_type", "")},
	)
}
