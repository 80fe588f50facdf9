# METADATA
# title: Load balancers without an owner tag
# description: A user rule with a typo in the input field it reads.
# custom:
#   id: ACME002
#   severity: low
#   resource_types:
#     - AWS::ElasticLoadBalancingV2::LoadBalancer
#   remediation: Tag the load balancer.
package gatewatch.rules.acme_typo

import rego.v1

deny contains result if {
	some lb in input.load_balancer
	not lb.tags.owner
	result := {"resource": lb.arn, "message": sprintf("load balancer %s has no owner tag", [lb.name]), "evidence": {}}
}
