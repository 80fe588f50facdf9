# METADATA
# title: Load balancer without deletion protection (team rule)
# description: Our platform team requires deletion protection on every load balancer.
# custom:
#   id: ACME001
#   severity: low
#   resource_types: [AWS::ElasticLoadBalancingV2::LoadBalancer]
#   remediation: Set deletion_protection.enabled to true.
package gatewatch.rules.acme_deletion_protection

import rego.v1

deny contains {
	"resource": lb.arn,
	"message": sprintf("load balancer %s can be deleted by one API call", [lb.name]),
	"evidence": {"deletion_protection.enabled": object.get(lb.attributes, "deletion_protection.enabled", "unset")},
} if {
	some lb in input.load_balancers
	object.get(lb.attributes, "deletion_protection.enabled", "false") != "true"
}
