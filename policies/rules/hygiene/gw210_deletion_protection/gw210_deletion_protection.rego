# METADATA
# title: Load balancer without deletion protection
# description: |
#   An Application, Network or Gateway Load Balancer can be deleted in one
#   call. Deleting an entry point drops its DNS name and every listener and
#   rule with it; recreating it gives a new name that clients, CloudFront
#   origins and API Gateway integrations do not know.
# custom:
#   inputs: [load_balancer_attributes, load_balancers]
#   id: GW210
#   severity: low
#   resource_types:
#     - AWS::ElasticLoadBalancingV2::LoadBalancer
#   controls:
#     - SecurityHub:ELB.6
#     - AWSConfig:elb-deletion-protection-enabled
#     - Prowler:elbv2_deletion_protection
#   remediation: |
#     Set the load balancer attribute deletion_protection.enabled to true;
#     infrastructure-as-code pipelines turn it off explicitly when a
#     deletion is intended.
#   details: |
#     **Why it matters.** Mistaken deletions (a wrong stack, a cleanup
#     script) of a load balancer are an outage that cannot be undone: the
#     DNS name is gone for good.
#
#     **What triggers it.** A load balancer of any type whose attribute
#     `deletion_protection.enabled` is not `true`.
#
#     **Evidence.** `type`, `deletion_protection.enabled`.
#
#     **Fix.**
#     ```sh
#     aws elbv2 modify-load-balancer-attributes --load-balancer-arn LB_ARN \
#       --attributes Key=deletion_protection.enabled,Value=true
#     ```
#     In Terraform:
#     ```hcl
#     resource "aws_lb" "web" {
#       enable_deletion_protection = true
#     }
#     ```
package gatewatch.rules.gw210_deletion_protection

import data.gatewatch.lib
import rego.v1

key := "deletion_protection.enabled"

deny contains result if {
	some lb in input.load_balancers
	value := lib.lb_attribute(lb, key, "false")
	value != "true"
	result := lib.result(
		lb.arn,
		sprintf("%s load balancer %s has no deletion protection", [lb.type, lb.name]),
		{"type": lb.type, key: value},
	)
}
