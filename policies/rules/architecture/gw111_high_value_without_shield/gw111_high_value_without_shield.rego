# METADATA
# title: High-value entry point without Shield Advanced
# description: |
#   An entry point tagged high-value has no AWS Shield Advanced protection on
#   the resource that takes its traffic. Shield Advanced protects CloudFront
#   distributions and load balancers, not API Gateway: an API is covered only
#   through a protected CloudFront distribution of your own in front of it
#   (the AWS-managed distribution of an EDGE endpoint cannot be protected).
#   Without it there is no DDoS response team, no cost protection for scaling
#   charges caused by an attack, and no automatic application-layer
#   mitigation.
# custom:
#   inputs:
#     AWS::ApiGateway::RestApi: [cloudfront_distributions, domain_mappings, domain_names, rest_apis, rest_stages, shield_protections, shield_subscription]
#     AWS::ApiGatewayV2::Api: [cloudfront_distributions, domain_mappings, domain_names, shield_protections, shield_subscription, v2_apis, v2_stages]
#     AWS::CloudFront::Distribution: [cloudfront_distributions, distribution_tags, shield_protections, shield_subscription]
#     AWS::ElasticLoadBalancingV2::LoadBalancer: [cloudfront_distributions, elb_tags, load_balancers, security_groups, shield_protections, shield_subscription]
#   id: GW111
#   severity: medium
#   resource_types:
#     - AWS::ApiGateway::RestApi
#     - AWS::ApiGatewayV2::Api
#     - AWS::ElasticLoadBalancingV2::LoadBalancer
#     - AWS::CloudFront::Distribution
#   controls: []
#   remediation: |
#     Subscribe the account to Shield Advanced and protect the resource that
#     takes the traffic: the ALB or the CloudFront distribution in front of it,
#     and for APIs a CloudFront distribution of your own in front of a
#     REGIONAL endpoint. Associate a web ACL so automatic application-layer
#     DDoS mitigation can act, and add the resource to a protection group.
#   details: |
#     **Why it matters.** Shield Standard absorbs common network floods.
#     Shield Advanced adds application-layer detection and automatic WAF
#     mitigation, the Shield Response Team, and credits for scaling charges
#     an attack causes: what a high-value public entry point needs.
#
#     **What triggers it.** A resource carrying the tag named by
#     `high_value_tag` (default `gatewatch:high-value`) with value `true`:
#     - an internet-facing ALB whose security groups admit the internet, not
#       protected itself and with no protected CloudFront distribution in
#       front;
#     - a public REST API or an HTTP/WebSocket API with a reachable
#       (execute-api endpoint not disabled, or a custom domain mapped to it)
#       high-value stage (every stage when the API is tagged, else the
#       tagged stages) that no protected CloudFront distribution reaches. A
#       distribution reaches a stage only through an origin that selects
#       it: an origin path (`/prod`) selects one stage or custom-domain
#       base path mapping, not the API's other stages;
#     - a CloudFront distribution that is not protected.
#
#     **Evidence.** `shield_advanced_subscription` (of the account, when
#     collected), `fronting_distributions` (the resources through which
#     protection would apply), `protected` (empty) and, for APIs,
#     `unprotected_stages`.
#
#     **Fix.**
#     ```sh
#     aws shield create-protection --name web-alb --resource-arn ALB_OR_DISTRIBUTION_ARN
#     ```
#     In Terraform:
#     ```hcl
#     resource "aws_shield_protection" "edge" {
#       name         = "partner-api-edge"
#       resource_arn = aws_cloudfront_distribution.api.arn
#     }
#     ```
package gatewatch.rules.gw111_high_value_without_shield

import data.gatewatch.lib
import rego.v1

high_value(tags) if lib.tagged_true(tags, lib.config.high_value_tag)

subscription(account) := object.get(object.get(lib.accounts_by_id, account, {}), "shield_advanced", null)

protected(arns) if {
	some arn in arns
	arn in lib.shield_protected
}

evidence(account, distributions) := {
	"shield_advanced_subscription": subscription(account),
	"fronting_distributions": sort([d.arn | some d in distributions]),
	"protected": [],
}

deny contains result if {
	some lb in input.load_balancers
	lib.internet_reachable_alb(lb)
	high_value(lb.tags)
	dists := lib.fronting(lb.arn)
	not protected({lb.arn} | {d.arn | some d in dists})
	result := lib.result(
		lb.arn,
		sprintf("high-value ALB %s has no Shield Advanced protection, on itself or on a CloudFront distribution in front", [lb.name]),
		evidence(lb.account, dists),
	)
}

# The stages of an API that are high-value: every stage when the API is
# tagged, else the stages tagged themselves.
high_value_stages(api) := api.stages if {
	high_value(api.tags)
} else := [s | some s in api.stages; high_value(s.tags)]

# High-value stages that no Shield-protected distribution reaches. An
# origin with an origin path reaches only the stage (or base path mapping)
# it names, so a protected distribution in front of /prod does not cover
# the API's other stages.
unprotected_stages(api) := [s |
	some s in high_value_stages(api)
	lib.reachable_stage(api, s)
	not protected({d.arn | some d in lib.fronting(s.arn)})
]

api_distributions(stages) := {d | some s in stages; some d in lib.fronting(s.arn)}

deny contains result if {
	some api in input.rest_apis
	lib.public_rest_api(api)
	bare := unprotected_stages(api)
	count(bare) > 0
	result := lib.result(
		api.arn,
		sprintf("high-value REST API %s (%s) has no Shield Advanced protection on stage %s: API Gateway cannot be protected itself and no protected CloudFront distribution fronts it", [api.name, concat("/", api.endpoint_types), concat(", ", sort([s.name | some s in bare]))]),
		object.union(evidence(api.account, api_distributions(bare)), {"unprotected_stages": sort([s.name | some s in bare])}),
	)
}

deny contains result if {
	some api in input.v2_apis
	count(lib.reachable_domains(api)) > 0
	bare := unprotected_stages(api)
	count(bare) > 0
	result := lib.result(
		api.arn,
		sprintf("high-value %s API %s has no Shield Advanced protection on stage %s: API Gateway cannot be protected itself and no protected CloudFront distribution fronts it", [api.protocol_type, api.name, concat(", ", sort([s.name | some s in bare]))]),
		object.union(evidence(api.account, api_distributions(bare)), {"unprotected_stages": sort([s.name | some s in bare])}),
	)
}

deny contains result if {
	some d in input.cloudfront_distributions
	d.enabled
	high_value(d.tags)
	not d.arn in lib.shield_protected
	result := lib.result(
		d.arn,
		sprintf("high-value CloudFront distribution %s has no Shield Advanced protection", [d.id]),
		evidence(d.account, {d}),
	)
}
