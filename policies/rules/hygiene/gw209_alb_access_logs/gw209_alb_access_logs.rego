# METADATA
# title: ALB access logs disabled
# description: |
#   An Application Load Balancer does not write access logs to S3. Each
#   request's client, path, status, target and timings are then lost, and
#   abuse, errors and latency cannot be investigated after the fact.
# custom:
#   inputs: [load_balancer_attributes, load_balancers]
#   id: GW209
#   severity: medium
#   resource_types:
#     - AWS::ElasticLoadBalancingV2::LoadBalancer
#   controls:
#     - SecurityHub:ELB.5
#     - AWSConfig:elb-logging-enabled
#     - Prowler:elbv2_logging_enabled
#   remediation: |
#     Enable access logs to an S3 bucket whose policy lets the regional
#     Elastic Load Balancing service (or logdelivery.elasticloadbalancing.amazonaws.com)
#     write, with a lifecycle rule for retention.
#   details: |
#     **Why it matters.** ALB access logs are the only per-request record of
#     traffic through the load balancer; CloudWatch metrics are aggregates.
#
#     **What triggers it.** An ALB, internal or internet-facing, whose
#     attribute `access_logs.s3.enabled` is not `true`.
#
#     **Evidence.** `access_logs.s3.enabled`.
#
#     **Fix.**
#     ```sh
#     aws elbv2 modify-load-balancer-attributes --load-balancer-arn ALB_ARN --attributes \
#       Key=access_logs.s3.enabled,Value=true Key=access_logs.s3.bucket,Value=my-alb-logs
#     ```
#     In Terraform:
#     ```hcl
#     resource "aws_lb" "web" {
#       access_logs {
#         bucket  = "my-alb-logs"
#         enabled = true
#       }
#     }
#     ```
package gatewatch.rules.gw209_alb_access_logs

import data.gatewatch.lib
import rego.v1

key := "access_logs.s3.enabled"

deny contains result if {
	some lb in input.load_balancers
	lb.type == "application"
	value := lib.lb_attribute(lb, key, "false")
	value != "true"
	result := lib.result(
		lb.arn,
		sprintf("ALB %s (%s) writes no access logs", [lb.name, lb.scheme]),
		{key: value},
	)
}
