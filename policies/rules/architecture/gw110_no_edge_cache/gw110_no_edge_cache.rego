# METADATA
# title: Public read-heavy entry point with no CloudFront in front
# description: |
#   A public API that mostly serves reads, or an internet-facing ALB, has no
#   CloudFront distribution in front. Every read travels to the region and
#   the backend, and pays API Gateway's per-request price or the ALB's
#   LCUs, where an edge cache would answer repeated reads close to the
#   client, absorb request floods, and carry the web ACL and Shield
#   Advanced protection for the whole path.
# custom:
#   inputs:
#     AWS::ApiGateway::RestApi: [cloudfront_distributions, domain_mappings, domain_names, rest_apis, rest_resources, rest_stages]
#     AWS::ApiGatewayV2::Api: [cloudfront_distributions, domain_mappings, domain_names, v2_apis, v2_routes, v2_stages]
#     AWS::ElasticLoadBalancingV2::LoadBalancer: [cloudfront_distributions, listener_rules, listeners, load_balancers, security_groups]
#   id: GW110
#   severity: low
#   resource_types:
#     - AWS::ApiGateway::RestApi
#     - AWS::ApiGatewayV2::Api
#     - AWS::ElasticLoadBalancingV2::LoadBalancer
#   controls: []
#   remediation: |
#     Put a CloudFront distribution in front (a cache policy that honours the
#     backend's Cache-Control, or CachingDisabled for uncacheable paths), and
#     restrict the origin to CloudFront: a REGIONAL API with a resource
#     policy or a secret origin header, the ALB's security group limited to
#     the CloudFront managed prefix list.
#   details: |
#     **Why it matters.** Reads are usually the bulk of traffic to public
#     APIs and sites. Served from the edge, they cost less, are faster for
#     distant clients, and never reach the backend during a flood. An EDGE
#     endpoint type is not an edge cache: its AWS-managed distribution does
#     not cache and cannot be configured.
#
#     **What triggers it.**
#     - A REST API that is not PRIVATE, or an HTTP API, reachable by its
#       execute-api endpoint (unless disabled: it then answers 403
#       Forbidden) or a custom domain, whose methods or routes are
#       mostly reads: more than half of them (OPTIONS aside) are GET or HEAD.
#       ANY methods and greedy proxies do not count as reads, since the
#       snapshot cannot tell what passes through them;
#     - an internet-facing ALB whose security groups admit the internet,
#       with a listener that forwards requests (not only redirects);
#
#     when no enabled CloudFront distribution has one of its host names
#     (execute-api name, custom domains, ALB DNS name) as an origin. For an
#     API it is enough that one stage has none: an origin with an
#     `origin_path` (`/prod`) reaches only the stage (or custom-domain base
#     path mapping) it names, so the API's other stages serve reads
#     uncached. An API with no stage is left alone.
#
#     **Evidence.** `get_routes` (for APIs), `reachable_as`,
#     `endpoint_types` (REST), `stage_cache_enabled` (stages with the API
#     Gateway cache, which caches in the region only), `unfronted_stages`
#     (stages no distribution reaches).
#
#     **Fix.**
#     ```sh
#     aws cloudfront create-distribution --origin-domain-name ID.execute-api.REGION.amazonaws.com \
#       --default-root-object ""
#     ```
#     In Terraform:
#     ```hcl
#     resource "aws_cloudfront_distribution" "api" {
#       origin {
#         domain_name = "${aws_api_gateway_rest_api.api.id}.execute-api.eu-west-1.amazonaws.com"
#         origin_id   = "api"
#         custom_origin_config {
#           http_port = 80
#           https_port = 443
#           origin_protocol_policy = "https-only"
#           origin_ssl_protocols = ["TLSv1.2"]
#         }
#       }
#       default_cache_behavior {
#         target_origin_id       = "api"
#         viewer_protocol_policy = "redirect-to-https"
#         allowed_methods        = ["GET", "HEAD", "OPTIONS"]
#         cached_methods         = ["GET", "HEAD"]
#         cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6" # CachingOptimized
#       }
#       # enabled, restrictions and viewer_certificate omitted
#     }
#     ```
package gatewatch.rules.gw110_no_edge_cache

import data.gatewatch.lib
import rego.v1

read_methods := {"GET", "HEAD"}

# Mostly reads: more than half of the methods (CORS preflights aside) are
# GET or HEAD. ANY and greedy proxies do not count as reads.
read_heavy(methods) := reads if {
	all_methods := [m | some m in methods; split(m, " ")[0] != "OPTIONS"]
	reads := sort([m | some m in all_methods; split(m, " ")[0] in read_methods])
	count(reads) * 2 > count(all_methods)
}

# Stages of an API with no distribution in front. A distribution fronts a
# stage only when an origin reaches it: an origin path selects one stage
# (or base path mapping) and leaves the others uncached.
unfronted_stages(api) := sort([s.name | some s in api.stages; lib.reachable_stage(api, s); count(lib.fronting(s.arn)) == 0])

# Said only when some stages are fronted and others are not.
stage_note(api, bare) := "" if {
	count(bare) == count([s | some s in api.stages; lib.reachable_stage(api, s)])
} else := sprintf(" of stage %s (the distributions' origin paths select other stages)", [concat(", ", bare)])

deny contains result if {
	some api in input.rest_apis
	lib.public_rest_api(api)
	gets := read_heavy([sprintf("%s %s", [m.http_method, r.path]) | some r in api.resources; some m in r.methods])
	domains := lib.reachable_domains(api)
	bare := unfronted_stages(api)
	count(bare) > 0
	result := lib.result(
		api.arn,
		sprintf("public REST API %s mostly serves reads (%s) with no CloudFront distribution in front%s", [api.name, concat(", ", gets), stage_note(api, bare)]),
		{
			"get_routes": gets,
			"reachable_as": sort(domains),
			"endpoint_types": api.endpoint_types,
			"stage_cache_enabled": sort([s.name | some s in api.stages; s.cache_cluster_enabled]),
			"unfronted_stages": bare,
		},
	)
}

deny contains result if {
	some api in input.v2_apis
	api.protocol_type == "HTTP"
	gets := read_heavy([r.route_key | some r in api.routes])
	domains := lib.reachable_domains(api)
	count(domains) > 0
	bare := unfronted_stages(api)
	count(bare) > 0
	result := lib.result(
		api.arn,
		sprintf("HTTP API %s mostly serves reads (%s) with no CloudFront distribution in front%s", [api.name, concat(", ", gets), stage_note(api, bare)]),
		{"get_routes": gets, "reachable_as": sort(domains), "unfronted_stages": bare},
	)
}

deny contains result if {
	some lb in input.load_balancers
	lib.internet_reachable_alb(lb)
	some l in lb.listeners
	forwards(l)
	count(lib.fronting(lb.arn)) == 0
	result := lib.result(
		lb.arn,
		sprintf("internet-facing ALB %s serves requests with no CloudFront distribution in front", [lb.name]),
		{"reachable_as": [lb.dns_name], "listeners": sort([sprintf("%s:%d", [x.protocol, x.port]) | some x in lb.listeners])},
	)
}

forwards(listener) if {
	some a in listener.default_actions
	a.type == "forward"
}

forwards(listener) if {
	some r in listener.rules
	some a in r.actions
	a.type == "forward"
}
