# METADATA
# title: Load balancer in a single Availability Zone
# description: |
#   A load balancer is enabled in fewer than two Availability Zones, so an
#   AZ outage takes the entry point down even if its targets run elsewhere.
# custom:
#   inputs: [load_balancers]
#   id: GW212
#   severity: medium
#   resource_types:
#     - AWS::ElasticLoadBalancingV2::LoadBalancer
#   controls:
#     - SecurityHub:ELB.13
#     - AWSConfig:elbv2-multiple-az
#     - Prowler:elbv2_is_in_multiple_az
#   remediation: |
#     Add a subnet in a second (and third) Availability Zone to the load
#     balancer, and register targets in those zones.
#   details: |
#     **Why it matters.** A load balancer node lives in each enabled AZ;
#     with one AZ there is no other node to answer when that AZ fails.
#     (ALBs require two AZs at creation, but subnets can be removed later;
#     NLBs and Gateway Load Balancers accept one.)
#
#     **What triggers it.** A load balancer with fewer than two entries in
#     `availability_zones`.
#
#     **Evidence.** `availability_zones`.
#
#     **Fix.**
#     ```sh
#     aws elbv2 set-subnets --load-balancer-arn LB_ARN --subnets subnet-aaa subnet-bbb
#     ```
#     In Terraform:
#     ```hcl
#     resource "aws_lb" "web" {
#       subnets = [aws_subnet.a.id, aws_subnet.b.id]
#     }
#     ```
package gatewatch.rules.gw212_single_az

import data.gatewatch.lib
import rego.v1

deny contains result if {
	some lb in input.load_balancers
	azs := object.get(lb, "availability_zones", [])
	count(azs) < 2
	result := lib.result(
		lb.arn,
		sprintf("%s load balancer %s is enabled in %d Availability Zone(s), fewer than 2", [lb.type, lb.name, count(azs)]),
		{"availability_zones": azs},
	)
}
