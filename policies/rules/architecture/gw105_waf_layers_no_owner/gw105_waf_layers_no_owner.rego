# METADATA
# title: Web ACLs on several layers of one path with no single owner
# description: |
#   A request passes two web ACLs: one on the CloudFront distribution, one on
#   the ALB or API stage behind it, and the ACLs do not share an owner (their
#   ownership tags differ or are missing). Each team tunes its own layer:
#   a rule relaxed at the edge is assumed to be enforced at the origin and
#   the reverse, rate limits count different things, false positives are
#   debugged by whoever is paged, and you pay for every request twice.
# custom:
#   inputs: [cloudfront_distributions, domain_mappings, domain_names, load_balancers, rest_apis, rest_stages, v2_apis, v2_stages, web_acl_associations, web_acl_tags, web_acls]
#   id: GW105
#   severity: low
#   resource_types:
#     - AWS::CloudFront::Distribution
#   controls: []
#   remediation: |
#     Give the path one owner: tag every web ACL on it with the same
#     ownership tags (owner_tags in the configuration), or drop the inner
#     ACL and lock the origin to CloudFront instead (a custom origin header
#     checked by the ALB, or the CloudFront managed prefix list in the ALB's
#     security group).
#   details: |
#     **Why it matters.** Layered WAFs are fine when one team designs them
#     together. With no single owner, each layer is tuned in isolation, and
#     nobody can say which rule blocked (or let through) a request.
#
#     **What triggers it.** An enabled CloudFront distribution with a web
#     ACL whose origin is an ALB (by DNS name) or a REST API stage (by its
#     execute-api host name or a custom domain, narrowed by the origin path
#     to the stage or base path mapping it selects) that has a regional web
#     ACL of its own, where the ACLs' ownership tags (the `owner_tags` keys, default `owner` and `team`)
#     are missing on some ACL or differ between them.
#
#     **Evidence.** `layers`: each ACL on the path with the resource it
#     protects and its ownership tags; `missing_owner`: ACLs with no
#     ownership tags.
#
#     **Fix.** Tag the ACLs with one owner:
#     ```sh
#     aws wafv2 tag-resource --resource-arn ACL_ARN --tags Key=owner,Value=edge-team Key=team,Value=platform
#     ```
#     or remove the inner ACL and restrict the origin to CloudFront. In
#     Terraform:
#     ```hcl
#     resource "aws_wafv2_web_acl" "api" {
#       tags = { owner = "edge-team", team = "platform" }
#     }
#     ```
package gatewatch.rules.gw105_waf_layers_no_owner

import data.gatewatch.lib
import rego.v1

# Resources behind a distribution that carry web ACLs: the ALBs and the API
# stages its origins reach (an origin path selects the stage or base path
# mapping; the request graph resolves it).
layers_behind(d) := {{"resource": arn, "kind": layer_kind(arn), "web_acl": acl} |
	some arn in object.get(lib.fronted_by_distribution, d.arn, set())
	some acl in object.get(lib.web_acls_for, arn, set())
}

layer_kind(arn) := "alb" if lib.load_balancers_by_arn[arn]

else := "api-stage"

# The ownership tags of a web ACL: the owner_tags keys it carries.
owner(acl_arn) := {lower(k): v |
	acl := lib.web_acls_by_arn[acl_arn]
	some k in lib.config.owner_tags
	v := lib.tag_value(acl.tags, k)
	trim_space(v) != ""
}

acl_name(arn) := lib.web_acls_by_arn[arn].name if {
	lib.web_acls_by_arn[arn]
} else := arn

deny contains result if {
	some d in input.cloudfront_distributions
	d.enabled
	object.get(d, "web_acl_id", "") != ""
	inner := layers_behind(d)
	count(inner) > 0
	layers := {{"resource": d.arn, "kind": "cloudfront", "web_acl": d.web_acl_id}} | inner
	owners := {owner(l.web_acl) | some l in layers}
	missing := {acl_name(l.web_acl) | some l in layers; count(owner(l.web_acl)) == 0}
	any_problem(owners, missing)
	result := lib.result(
		d.arn,
		sprintf("distribution %s filters requests with web ACL %s and again with %s behind it, and no single owner holds them (%s)", [d.id, acl_name(d.web_acl_id), concat(", ", sort({acl_name(l.web_acl) | some l in inner})), problem(owners, missing)]),
		{
			"layers": sort([object.union(l, {"web_acl_name": acl_name(l.web_acl), "owner_tags": owner(l.web_acl)}) | some l in layers]),
			"missing_owner": sort(missing),
		},
	)
}

any_problem(_, missing) if count(missing) > 0

any_problem(owners, _) if count(owners) > 1

problem(_, missing) := sprintf("no ownership tags on %s", [concat(", ", sort(missing))]) if {
	count(missing) > 0
} else := "their ownership tags differ"
