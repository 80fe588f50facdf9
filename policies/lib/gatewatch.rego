# METADATA
# title: gatewatch rule library
# description: |
#   Indexes and predicates shared by the rules. Every index is a comprehension
#   over the snapshot, computed once per evaluation, so rules join by lookup
#   instead of nested iteration and evaluation time grows linearly with the
#   inventory.
package gatewatch.lib

import rego.v1

config := data.gatewatch.config

# --- indexes ---------------------------------------------------------------

load_balancers_by_arn := {lb.arn: lb | some lb in input.load_balancers}

load_balancers_by_dns := {lower(lb.dns_name): lb | some lb in input.load_balancers}

# Listener ARN -> its load balancer, for v2 private integrations whose URI
# is a listener ARN.
load_balancers_by_listener := {l.arn: lb |
	some lb in input.load_balancers
	some l in lb.listeners
}

target_groups_by_arn := {tg.arn: tg | some tg in input.target_groups}

lambda_by_arn := {f.arn: f | some f in input.lambda_functions}

web_acls_by_arn := {acl.arn: acl | some acl in input.web_acls}

vpc_links_by_id := {sprintf("%s/%s/%s", [l.account, l.region, l.id]): l | some l in input.vpc_links}

# Grouping indexes (key -> set) are object comprehensions over one
# collection of (key, value) pairs, never rules of the form
# `index[key] contains value`: OPA (v1.22) checks every element such a rule
# produces against every element produced before it, so building one is
# quadratic in its size (1 s of a 2 s evaluation at 100k resources). OPA
# indexes the inner comprehension on the outer key (comprehension
# indexing) and builds the groups in one pass, so each index is built in
# linear time, once per evaluation, and looked up by hash. Every key must
# come from the pairs the inner comprehension groups: for a key with no
# group OPA falls back to evaluating the comprehension in full.

# Protected resource ARN -> ARNs of the web ACLs associated with it, from the
# ACLs' own association lists and from REST stages that name their ACL.
web_acls_for := {arn: acls |
	some [arn, _] in web_acl_associations
	acls := {acl | some [protected, acl] in web_acl_associations; protected == arn}
}

web_acl_associations := {[arn, acl.arn] |
	some acl in input.web_acls
	some arn in acl.associated_resources
} | {[stage.arn, stage.web_acl_arn] |
	some api in input.rest_apis
	some stage in api.stages
	stage.web_acl_arn != ""
}

# Origin domain (lower case) -> enabled CloudFront distributions using it.
distributions_by_origin := {domain: distributions |
	some domain in origin_domains
	distributions := {d |
		some d in input.cloudfront_distributions
		d.enabled
		some o in d.origins
		lower(o.domain_name) == domain
	}
}

origin_domains := {lower(o.domain_name) |
	some d in input.cloudfront_distributions
	d.enabled
	some o in d.origins
}

# REST API ID -> custom domain names mapped to it.
custom_domains_for_api := {api_id: names |
	some api_id in {m.api_id | some dn in input.domain_names; some m in dn.mappings}
	names := {lower(dn.name) |
		some dn in input.domain_names
		some m in dn.mappings
		m.api_id == api_id
	}
}

# API IDs (account/region/id) covered by at least one usage plan.
apis_in_usage_plans contains sprintf("%s/%s/%s", [p.account, p.region, s.api_id]) if {
	some p in input.usage_plans
	some s in p.api_stages
}

# --- predicates ------------------------------------------------------------

# The default execute-api host name of an API Gateway API.
execute_api_domain(api) := sprintf("%s.execute-api.%s.amazonaws.com", [api.id, api.region])

# Host names under which an API can be reached (and so be a CloudFront
# origin): the execute-api name and its custom domains.
api_domains(api) := {execute_api_domain(api)} | object.get(custom_domains_for_api, api.id, set())

# True when a distribution with a web ACL fronts one of the domains.
fronted_by_waf_distribution(domains) if {
	some domain in domains
	some d in distributions_by_origin[lower(domain)]
	d.web_acl_id != ""
}

# Distributions (enabled) in front of one of the domains.
fronting_distributions(domains) := {d |
	some domain in domains
	some d in distributions_by_origin[lower(domain)]
}

has_web_acl(arn) if count(object.get(web_acls_for, arn, set())) > 0

# Required tag keys missing from a tag set. Keys match case-insensitively
# and an empty value does not count as owned.
missing_tags(tags) := {k |
	some k in config.required_tags
	not has_tag(tags, k)
}

has_tag(tags, key) if {
	some k, v in tags
	lower(k) == lower(key)
	trim_space(v) != ""
}

# A REST API reachable from the internet: any endpoint type but PRIVATE.
public_rest_api(api) if not "PRIVATE" in api.endpoint_types

# An ALB clients on the internet can reach.
internet_facing_alb(lb) if {
	lb.type == "application"
	lb.scheme == "internet-facing"
}

# Host part of an http(s) URI, lower case, port dropped.
uri_host(uri) := host if {
	rest := regex.replace(uri, `^[a-zA-Z][a-zA-Z0-9+.-]*://`, "")
	authority := split(split(rest, "/")[0], "?")[0]
	host := lower(split(authority, ":")[0])
}

# The load balancer an integration URI or listener ARN points at, if any.
target_load_balancer(uri) := lb if {
	lb := load_balancers_by_listener[uri]
} else := lb if {
	lb := load_balancers_by_dns[uri_host(uri)]
}

# Function ARN without a version or alias qualifier.
unqualified_function_arn(arn) := concat(":", array.slice(parts, 0, 7)) if {
	parts := split(arn, ":")
	count(parts) >= 7
}

# The Lambda function ARN inside an API Gateway Lambda integration URI
# (arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/ARN/invocations).
integration_function_arn(uri) := unqualified_function_arn(arn) if {
	startswith(uri, "arn:aws:lambda:")
	arn := uri
} else := unqualified_function_arn(arn) if {
	parts := regex.find_all_string_submatch_n(`functions/(arn:[^/]+)/invocations`, uri, 1)
	arn := parts[0][1]
}
