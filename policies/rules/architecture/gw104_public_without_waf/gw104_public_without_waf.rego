# METADATA
# title: Public entry point without a WAF web ACL
# description: |
#   An internet-facing ALB (whose security groups admit the internet) or a
#   public API stage has no AWS WAF web ACL, and
#   no CloudFront distribution with a web ACL fronts it. Nothing then filters
#   injection attempts, bad bots or request floods before they reach the
#   backend. HTTP and WebSocket APIs cannot carry a web ACL at all; the only
#   protection for them is a CloudFront distribution with one.
# custom:
#   inputs:
#     AWS::ApiGateway::Stage: [cloudfront_distributions, domain_mappings, domain_names, rest_apis, rest_stages, web_acl_associations, web_acls]
#     AWS::ApiGatewayV2::Stage: [cloudfront_distributions, domain_mappings, domain_names, v2_apis, v2_stages]
#     AWS::ElasticLoadBalancingV2::LoadBalancer: [cloudfront_distributions, listeners, load_balancers, rest_apis, rest_stages, security_groups, web_acl_associations, web_acls]
#   id: GW104
#   severity: high
#   resource_types:
#     - AWS::ElasticLoadBalancingV2::LoadBalancer
#     - AWS::ApiGateway::Stage
#     - AWS::ApiGatewayV2::Stage
#   controls:
#     - SecurityHub:APIGateway.4
#     - SecurityHub:ELB.16
#   remediation: |
#     Associate a regional web ACL with the AWS managed rule groups
#     (AWSManagedRulesCommonRuleSet, KnownBadInputs) and a rate-based rule:
#     `aws wafv2 associate-web-acl --web-acl-arn ACL_ARN --resource-arn RESOURCE_ARN`.
#     For HTTP and WebSocket APIs, put a CloudFront distribution with a web
#     ACL in front and disable the default execute-api endpoint.
#   details: |
#     **Why it matters.** A web ACL is where managed rules (common exploits,
#     known bad inputs, IP reputation) and rate-based rules stop abuse
#     before it costs backend capacity. One on a CloudFront distribution in
#     front covers the origin too.
#
#     **What triggers it.**
#     - An internet-facing ALB whose security groups admit the internet,
#       with no web ACL and no CloudFront distribution with a web ACL whose
#       origin is its DNS name;
#     - a stage of a REST API that is not PRIVATE, with no web ACL and not
#       behind such a distribution (by execute-api name or custom domain);
#     - a stage of an HTTP or WebSocket API not behind such a distribution
#       (these APIs cannot carry a web ACL themselves).
#
#     A stage counts when clients can reach it: by the execute-api
#     endpoint, unless the API disables it (it then answers 403 Forbidden
#     on every stage), or by a custom domain whose base path mapping names
#     the stage (or no stage).
#
#     A distribution fronts a stage only when one of its origins reaches
#     that stage. CloudFront puts an origin's `origin_path` in front of
#     every request path, so an execute-api origin with path `/prod`
#     reaches stage prod only, and a custom-domain origin with a path
#     reaches only the base path mapping that path selects (or the empty
#     one); the other stages of the same API are not behind it.
#
#     **Evidence.** `web_acls` (empty), `reachable_as`,
#     `fronting_distributions` (distributions in front of this stage or
#     ALB, without a web ACL), `waf_distributions_for_other_stages`
#     (distributions with a web ACL whose origin path selects other stages
#     of the API), `endpoint_types` or `protocol_type`.
#
#     **Fix.**
#     ```sh
#     aws wafv2 associate-web-acl --web-acl-arn ACL_ARN --resource-arn ALB_OR_STAGE_ARN
#     ```
#     In Terraform:
#     ```hcl
#     resource "aws_wafv2_web_acl_association" "api" {
#       resource_arn = aws_api_gateway_stage.prod.arn
#       web_acl_arn  = aws_wafv2_web_acl.regional.arn
#     }
#     ```
package gatewatch.rules.gw104_public_without_waf

import data.gatewatch.lib
import rego.v1

deny contains result if {
	some lb in input.load_balancers
	lib.internet_reachable_alb(lb)
	not lib.has_web_acl(lb.arn)
	not lib.fronted_by_waf(lb.arn)
	result := lib.result(
		lb.arn,
		sprintf("internet-facing ALB %s has no web ACL and no CloudFront distribution with one in front of it", [lb.name]),
		evidence(lb),
	)
}

deny contains result if {
	some api in input.rest_apis
	lib.public_rest_api(api)
	some stage in api.stages
	lib.reachable_stage(api, stage)
	not lib.has_web_acl(stage.arn)
	not lib.fronted_by_waf(stage.arn)
	elsewhere := waf_elsewhere(api, stage)
	result := lib.result(
		stage.arn,
		sprintf("stage %s of public REST API %s (%s) has no web ACL and no CloudFront distribution with one in front of it%s", [stage.name, api.name, concat(", ", api.endpoint_types), elsewhere_note(elsewhere)]),
		object.union(stage_evidence(lib.reachable_domains(api), stage, elsewhere), {"endpoint_types": api.endpoint_types}),
	)
}

deny contains result if {
	some api in input.v2_apis
	some stage in api.stages
	lib.reachable_stage(api, stage)
	domains := lib.reachable_domains(api)
	not lib.fronted_by_waf(stage.arn)
	elsewhere := waf_elsewhere(api, stage)
	result := lib.result(
		stage.arn,
		sprintf("stage %s of %s API %s is public and no CloudFront distribution with a web ACL fronts it (%s APIs cannot carry a web ACL themselves)%s", [stage.name, api.protocol_type, api.name, api.protocol_type, elsewhere_note(elsewhere)]),
		object.union(stage_evidence(domains, stage, elsewhere), {"protocol_type": api.protocol_type}),
	)
}

evidence(lb) := {
	"web_acls": [],
	"reachable_as": [lb.dns_name],
	"fronting_distributions": sort([d.id | some d in lib.fronting(lb.arn)]),
}

stage_evidence(domains, stage, elsewhere) := {
	"web_acls": [],
	"reachable_as": sort(domains),
	"fronting_distributions": sort([d.id | some d in lib.fronting(stage.arn)]),
	"waf_distributions_for_other_stages": elsewhere,
}

# Distributions with a web ACL in front of other stages of the API but not
# this one: their origin path selects another stage.
waf_elsewhere(api, stage) := sort({d.id |
	some other in api.stages
	other.name != stage.name
	some d in lib.fronting(other.arn)
	d.web_acl_id != ""
})

elsewhere_note(ids) := "" if {
	count(ids) == 0
} else := sprintf("; distribution %s reaches only other stages of the API (its origin path selects them)", [concat(", ", ids)])
