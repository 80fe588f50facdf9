# METADATA
# title: Private traffic served from a public entry point
# description: |
#   An entry point that only private clients may use is exposed on the
#   internet anyway: a REST API whose resource policy admits requests only
#   from given VPCs or VPC endpoints (aws:SourceVpc, aws:SourceVpce) but whose
#   endpoint type is not PRIVATE, or an internet-facing ALB whose security
#   groups admit only private address ranges or other security groups. The public DNS name and address invite scanning and DDoS
#   traffic the policy then has to refuse, and one policy or security group
#   edit away the service is open to the internet.
# custom:
#   inputs:
#     AWS::ApiGateway::RestApi: [domain_mappings, domain_names, rest_apis]
#     AWS::ElasticLoadBalancingV2::LoadBalancer: [cloudfront_distributions, listeners, load_balancers, security_groups]
#   id: GW108
#   severity: medium
#   resource_types:
#     - AWS::ApiGateway::RestApi
#     - AWS::ElasticLoadBalancingV2::LoadBalancer
#   controls: []
#   remediation: |
#     Make the entry point private: switch the REST API's endpoint type to
#     PRIVATE and reach it through an execute-api interface VPC endpoint;
#     recreate the ALB with the internal scheme (the scheme cannot be
#     changed in place) and move its DNS record.
#   details: |
#     **Why it matters.** A public endpoint that refuses everyone outside
#     the VPC still resolves on the internet, still answers TLS handshakes,
#     still counts (and bills) refused requests, and is protected only by a
#     policy condition or a security group rule that the next change may
#     loosen. An internal scheme or a PRIVATE endpoint makes the boundary
#     structural.
#
#     **What triggers it.**
#     - A REST API with endpoint type EDGE or REGIONAL whose resource policy
#       either conditions every Allow statement on `aws:SourceVpc` or
#       `aws:SourceVpce` (a `...IfExists` operator does not count: a request
#       from the internet lacks the key, so the condition holds), or denies
#       every principal invoking any method of any stage (`execute-api:/*`)
#       when its `aws:SourceVpc(e)` is not a listed value. A Deny on some
#       paths leaves the others public and does not count.
#     - An internet-facing ALB, not an origin of a CloudFront distribution
#       (CloudFront needs a public origin), whose every security group is in
#       the inventory and whose ingress to its listener ports admits only
#       private ranges (RFC 1918, carrier-grade NAT, loopback, link-local,
#       IPv6 unique and link local) or other security groups. Rules for
#       other ports do not count (the ALB answers on its listener ports
#       alone). Prefix lists count as public: they may be CloudFront's or
#       hold public ranges. This is the same test GW104 uses to decide an
#       ALB is not reachable from the internet.
#
#     **Evidence.** For APIs: `endpoint_types` and `vpc_conditions` (the
#     condition keys and values that restrict it). For ALBs: `scheme`,
#     `security_groups` and the `sources` their ingress admits.
#
#     **Fix.**
#     ```sh
#     aws apigateway update-rest-api --rest-api-id ID --patch-operations \
#       op=replace,path=/endpointConfiguration/types/REGIONAL,value=PRIVATE
#     ```
#     For an ALB, create an internal one and move listeners and DNS:
#     ```hcl
#     resource "aws_lb" "orders" {
#       internal = true
#     }
#     ```
package gatewatch.rules.gw108_private_traffic_public_endpoint

import data.gatewatch.lib
import rego.v1

vpc_keys := {"aws:sourcevpc", "aws:sourcevpce"}

statements(policy) := policy.Statement if is_array(policy.Statement)

statements(policy) := [policy.Statement] if is_object(policy.Statement)

# The aws:SourceVpc(e) conditions of a statement that refuse a request
# from the internet, which carries neither key, keyed "operator key":
# positive ones (StringEquals...) in an Allow, negated ones
# (StringNotEquals...) in a Deny. IAM evaluates a condition on a missing
# key as false, a negated one as true, and any ...IfExists one as true: a
# positive ...IfExists condition admits the internet, a negated one still
# refuses it.
vpc_conditions(stmt, negated) := {sprintf("%s %s", [op, key]): value |
	some op, kv in object.get(stmt, "Condition", {})
	contains(lower(op), "not") == negated
	refuses_missing_key(op, negated)
	some key, value in kv
	lower(key) in vpc_keys
}

refuses_missing_key(_, true)

refuses_missing_key(op, false) if not endswith(lower(op), "ifexists")

vpc_only(policy) := conds if {
	allows := [s | some s in statements(policy); s.Effect == "Allow"]
	count(allows) > 0
	every s in allows {
		count(vpc_conditions(s, false)) > 0
	}
	conds := object.union_n([vpc_conditions(s, false) | some s in allows])
} else := conds if {
	some s in statements(policy)
	s.Effect == "Deny"
	denies_every_caller_everything(s)
	conds := vpc_conditions(s, true)
	count(conds) > 0
}

# A Deny that applies to every principal, to invoking, and to every method
# of every stage: a Deny on some paths leaves the others public.
denies_every_caller_everything(s) if {
	everyone(s.Principal)
	some action in as_list(object.get(s, "Action", []))
	lower(action) in {"*", "execute-api:*", "execute-api:invoke"}
	some resource in as_list(object.get(s, "Resource", []))
	whole_api(resource)
}

everyone("*")

everyone(p) if p.AWS == "*"

as_list(x) := x if is_array(x)

as_list(x) := [x] if is_string(x)

# A resource that names every stage, method and path of the API:
# execute-api:/*, arn:aws:execute-api:REGION:ACCOUNT:ID/*, "*", or the
# same with more /* segments.
whole_api(resource) if {
	path := regex.replace(resource, `^(arn:[^:]+:execute-api:[^:]*:[^:]*:[^/]*|execute-api:)`, "")
	regex.match(`^[/*]*$`, path)
}

deny contains result if {
	some api in input.rest_apis
	lib.public_rest_api(api)
	policy := object.get(api, "policy", null)
	is_object(policy)
	conds := vpc_only(policy)
	result := lib.result(
		api.arn,
		sprintf("REST API %s admits requests only from VPCs or VPC endpoints but is a public %s endpoint, not PRIVATE", [api.name, concat("/", api.endpoint_types)]),
		{"endpoint_types": api.endpoint_types, "vpc_conditions": conds},
	)
}

# What the load balancer's security groups admit, for the evidence.
sources(rules) := sort({s |
	some rule in rules
	some field in ["cidrs", "ipv6_cidrs", "prefix_list_ids", "source_group_ids"]
	some s in object.get(rule, field, [])
})

deny contains result if {
	some lb in input.load_balancers
	lib.internet_facing_alb(lb)
	lib.only_private_ingress(lb)
	admitted := sources(lib.listener_ingress(lb))
	count(admitted) > 0
	count(lib.fronting(lb.arn)) == 0
	result := lib.result(
		lb.arn,
		sprintf("internet-facing ALB %s admits only private sources (%s) through its security groups; it serves internal clients and should be internal", [lb.name, concat(", ", admitted)]),
		{
			"scheme": lb.scheme,
			"security_groups": lb.security_groups,
			"sources": admitted,
		},
	)
}
