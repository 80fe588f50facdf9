# METADATA
# title: ALB desync mitigation mode weaker than defensive
# description: |
#   An Application Load Balancer runs HTTP desync mitigation in monitor
#   mode, which forwards ambiguous requests (conflicting Content-Length and
#   Transfer-Encoding, malformed framing) to the targets. Those are the
#   requests HTTP request smuggling is made of.
# custom:
#   inputs: [load_balancer_attributes, load_balancers]
#   id: GW211
#   severity: medium
#   resource_types:
#     - AWS::ElasticLoadBalancingV2::LoadBalancer
#   controls:
#     - SecurityHub:ELB.12
#     - AWSConfig:alb-desync-mode-check
#     - Prowler:elbv2_desync_mitigation_mode
#   remediation: |
#     Set routing.http.desync_mitigation_mode to defensive (the default) or
#     strictest.
#   details: |
#     **Why it matters.** In defensive mode the ALB blocks requests that are
#     dangerous to forward and normalises the rest; monitor mode only
#     records them.
#
#     **What triggers it.** An ALB whose attribute
#     `routing.http.desync_mitigation_mode` is set to something other than
#     `defensive` or `strictest` (unset means the default, defensive).
#
#     **Evidence.** `routing.http.desync_mitigation_mode`.
#
#     **Fix.**
#     ```sh
#     aws elbv2 modify-load-balancer-attributes --load-balancer-arn ALB_ARN \
#       --attributes Key=routing.http.desync_mitigation_mode,Value=defensive
#     ```
#     In Terraform:
#     ```hcl
#     resource "aws_lb" "web" {
#       desync_mitigation_mode = "defensive"
#     }
#     ```
package gatewatch.rules.gw211_desync_mitigation

import data.gatewatch.lib
import rego.v1

key := "routing.http.desync_mitigation_mode"

deny contains result if {
	some lb in input.load_balancers
	lb.type == "application"
	mode := lib.lb_attribute(lb, key, "defensive")
	not lower(mode) in {"defensive", "strictest"}
	result := lib.result(
		lb.arn,
		sprintf("ALB %s runs desync mitigation in %s mode and forwards ambiguous requests", [lb.name, mode]),
		{key: mode},
	)
}
