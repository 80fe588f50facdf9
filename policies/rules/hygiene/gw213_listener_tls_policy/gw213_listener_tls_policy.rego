# METADATA
# title: Load balancer listener on a TLS policy that is not recommended
# description: |
#   An HTTPS listener of an ALB or a TLS listener of an NLB negotiates with a
#   security policy outside the recommended TLS 1.3 families, typically
#   ELBSecurityPolicy-2016-08 (the default for listeners created from the
#   CLI or infrastructure as code), which still offers TLS 1.0 and 1.1 and
#   weak CBC ciphers.
# custom:
#   inputs: [listeners, load_balancers]
#   id: GW213
#   severity: medium
#   resource_types:
#     - AWS::ElasticLoadBalancingV2::Listener
#   controls:
#     - SecurityHub:ELB.17
#     - AWSConfig:elbv2-predefined-security-policy-ssl-check
#     - Prowler:elbv2_insecure_ssl_ciphers
#   remediation: |
#     Move the listener to ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09 (AWS's
#     recommendation, which accepts TLS 1.2 clients) or another TLS 1.3
#     policy with a TLS 1.2 floor (FIPS, RFC 9151 or post-quantum
#     variants); the change applies to new handshakes without downtime.
#   details: |
#     **Why it matters.** TLS 1.0 and 1.1 are deprecated and their cipher
#     suites allow downgrade attacks; the TLS13-1-2 policies still accept every
#     TLS 1.2 client.
#
#     **What triggers it.** An ALB listener with protocol HTTPS or an NLB
#     listener with protocol TLS whose `ssl_policy` is not in
#     `recommended_ssl_policies` (configuration). By default that is every
#     ELBSecurityPolicy-TLS13-1-2-* and -TLS13-1-3-* policy of the 2021-06,
#     FIPS 2023-04, RFC 9151 FIPS 2023-07, post-quantum 2025-09 and FIPS
#     post-quantum 2025-09 families: TLS 1.3 offered, nothing below TLS 1.2.
#     The TLS13-1-0 and TLS13-1-1 members of those families (TLS 1.0 or 1.1
#     still offered) and the TLS 1.2-only policies fire. Security Hub ELB.17
#     is stricter and accepts only the Res and TLS 1.3-only members; list
#     those in `recommended_ssl_policies` for ELB.17 parity.
#
#     **Evidence.** `protocol`, `port`, `ssl_policy`.
#
#     **Fix.**
#     ```sh
#     aws elbv2 modify-listener --listener-arn LISTENER_ARN --ssl-policy ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09
#     ```
#     In Terraform:
#     ```hcl
#     resource "aws_lb_listener" "https" {
#       ssl_policy = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"
#     }
#     ```
package gatewatch.rules.gw213_listener_tls_policy

import data.gatewatch.lib
import rego.v1

deny contains result if {
	some lb in input.load_balancers
	some l in lb.listeners
	l.protocol in {"HTTPS", "TLS"}
	policy := object.get(l, "ssl_policy", "")
	not policy in {p | some p in lib.config.recommended_ssl_policies}
	result := lib.result(
		l.arn,
		sprintf("listener %s:%d of %s uses security policy %s, not a recommended TLS 1.3 policy", [l.protocol, l.port, lb.name, policy]),
		{"protocol": l.protocol, "port": l.port, "ssl_policy": policy},
	)
}
