# METADATA
# title: ALB forwards invalid HTTP header fields
# description: |
#   An Application Load Balancer passes header fields with invalid names on
#   to its targets instead of dropping them. Malformed headers are a vector
#   for request smuggling and for exploiting header parsing differences
#   between the load balancer and the application.
# custom:
#   inputs: [load_balancer_attributes, load_balancers]
#   id: GW208
#   severity: medium
#   resource_types:
#     - AWS::ElasticLoadBalancingV2::LoadBalancer
#   controls:
#     - SecurityHub:ELB.4
#     - AWSConfig:alb-http-drop-invalid-header-enabled
#     - Trivy:AVD-AWS-0052
#     - Prowler:elbv2_alb_drop_invalid_header_fields_enabled
#   remediation: |
#     Set the load balancer attribute
#     routing.http.drop_invalid_header_fields.enabled to true.
#   details: |
#     **Why it matters.** Header names that do not match the HTTP grammar
#     have no legitimate use; applications and proxies disagree on how to
#     parse them, which is what smuggling attacks exploit.
#
#     **What triggers it.** An ALB whose attribute
#     `routing.http.drop_invalid_header_fields.enabled` is not `true` (it is
#     false by default).
#
#     **Evidence.** `routing.http.drop_invalid_header_fields.enabled`.
#
#     **Fix.**
#     ```sh
#     aws elbv2 modify-load-balancer-attributes --load-balancer-arn ALB_ARN \
#       --attributes Key=routing.http.drop_invalid_header_fields.enabled,Value=true
#     ```
#     In Terraform:
#     ```hcl
#     resource "aws_lb" "web" {
#       drop_invalid_header_fields = true
#     }
#     ```
package gatewatch.rules.gw208_drop_invalid_headers

import data.gatewatch.lib
import rego.v1

key := "routing.http.drop_invalid_header_fields.enabled"

deny contains result if {
	some lb in input.load_balancers
	lb.type == "application"
	value := lib.lb_attribute(lb, key, "false")
	value != "true"
	result := lib.result(
		lb.arn,
		sprintf("ALB %s forwards invalid HTTP header fields to its targets instead of dropping them", [lb.name]),
		{key: value},
	)
}
