# METADATA
# title: Entry point without the required tags
# description: |
#   A load balancer, API or CloudFront distribution lacks the tags the
#   organisation requires (required_tags in the configuration; by default
#   owner and team). Untagged entry points have nobody to ask before a
#   change, nobody paged when they are attacked, and nobody to bill.
# custom:
#   inputs:
#     AWS::ApiGateway::RestApi: [rest_apis]
#     AWS::ApiGatewayV2::Api: [v2_apis]
#     AWS::CloudFront::Distribution: [cloudfront_distributions, distribution_tags]
#     AWS::ElasticLoadBalancingV2::LoadBalancer: [elb_tags, load_balancers]
#   id: GW216
#   severity: low
#   resource_types:
#     - AWS::ElasticLoadBalancingV2::LoadBalancer
#     - AWS::ApiGateway::RestApi
#     - AWS::ApiGatewayV2::Api
#     - AWS::CloudFront::Distribution
#   controls:
#     - AWSConfig:required-tags
#   remediation: |
#     Tag the resource with every required key and enforce the keys with a
#     tag policy, an SCP on create calls, or AWS Config required-tags.
#   details: |
#     **Why it matters.** Ownership is the first question of every finding
#     and every incident; tags are where tools (this one included) look for
#     the answer. GW103 checks the routes on shared entry points (listener
#     rules, API stages); this rule checks the entry points themselves.
#
#     **What triggers it.** A load balancer, REST API, HTTP or WebSocket API,
#     or CloudFront distribution missing a `required_tags` key or carrying
#     it with an empty value (keys match case-insensitively).
#
#     **Evidence.** `missing_tags`, `tags` (the keys present).
#
#     **Fix.**
#     ```sh
#     aws elbv2 add-tags --resource-arns LB_ARN --tags Key=owner,Value=payments Key=team,Value=payments-api
#     aws apigateway tag-resource --resource-arn API_ARN --tags owner=payments,team=payments-api
#     ```
#     In Terraform, set them once for every resource:
#     ```hcl
#     provider "aws" {
#       default_tags { tags = { owner = "payments", team = "payments-api" } }
#     }
#     ```
package gatewatch.rules.gw216_entry_point_tags

import data.gatewatch.lib
import rego.v1

entry_points contains {"arn": lb.arn, "kind": sprintf("%s load balancer", [lb.type]), "name": lb.name, "tags": object.get(lb, "tags", {})} if some lb in input.load_balancers

entry_points contains {"arn": api.arn, "kind": "REST API", "name": api.name, "tags": object.get(api, "tags", {})} if some api in input.rest_apis

entry_points contains {"arn": api.arn, "kind": sprintf("%s API", [api.protocol_type]), "name": api.name, "tags": object.get(api, "tags", {})} if some api in input.v2_apis

entry_points contains {"arn": d.arn, "kind": "CloudFront distribution", "name": d.id, "tags": object.get(d, "tags", {})} if some d in input.cloudfront_distributions

deny contains result if {
	some e in entry_points
	missing := lib.missing_tags(e.tags)
	count(missing) > 0
	result := lib.result(
		e.arn,
		sprintf("%s %s has no %s tag", [e.kind, e.name, concat(" or ", sort(missing))]),
		{"missing_tags": sort(missing), "tags": sort(object.keys(e.tags))},
	)
}
