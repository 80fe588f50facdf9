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

# The one shape of a rule's result: the resource ARN, a message that says
# what is wrong with this resource, and the evidence (the values that
# decided it). Every rule builds its results here, so the contract the
# engine checks (policies/engine.go toFinding) is written once.
result(resource, message, evidence) := {"resource": resource, "message": message, "evidence": evidence}

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

# API key "account/region/id" -> REST API, for joins by API ID (usage
# plans, custom domain mappings and VPC links name APIs by ID only).
rest_apis_by_key := {api_key(api): api | some api in input.rest_apis}

v2_apis_by_key := {api_key(api): api | some api in input.v2_apis}

# Host name (lower case) -> REST API, for the execute-api host names.
rest_apis_by_execute_domain := {execute_api_domain(api): api | some api in input.rest_apis}

# Custom domain (lower case) -> its domain-name records (one per account
# and region that defines the name).
domain_names_by_name := {k: vs |
	some [k, _] in domain_name_pairs
	vs := {v | some [x, v] in domain_name_pairs; x == k}
}

domain_name_pairs contains [lower(dn.name), dn] if some dn in input.domain_names

# Host name (lower case) -> HTTP or WebSocket API, for the execute-api host
# names.
v2_apis_by_execute_domain := {execute_api_domain(api): api | some api in input.v2_apis}

# Stage ARN -> enabled CloudFront distributions with an origin that reaches
# that stage (see origin_stage_arns).
distributions_by_stage := {k: vs |
	some [k, _] in stage_distribution_pairs
	vs := {v | some [x, v] in stage_distribution_pairs; x == k}
}

stage_distribution_pairs contains [arn, d] if {
	some d in input.cloudfront_distributions
	d.enabled
	some o in d.origins
	some arn in origin_stage_arns(o)
}

# "account/region" -> API Gateway account settings of that region.
apigateway_accounts_by_region := {sprintf("%s/%s", [a.account, a.region]): a | some a in input.apigateway_accounts}

accounts_by_id := {a.id: a | some a in input.accounts}

# Load balancer ARN -> target groups that route to it.
target_groups_by_lb := {k: vs |
	some [k, _] in target_groups_by_lb_pairs
	vs := {v | some [x, v] in target_groups_by_lb_pairs; x == k}
}

target_groups_by_lb_pairs contains [arn, tg] if {
	some tg in input.target_groups
	some arn in tg.load_balancer_arns
}

# ARNs of resources with a Shield Advanced protection.
shield_protected := {p.resource_arn | some p in input.shield_protections}

# Usage plans covering each API stage ("account/region/api-id/stage"),
# with the throttles that apply to its keys.
usage_plans_for := {k: vs |
	some [k, _] in usage_plans_for_pairs
	vs := {v | some [x, v] in usage_plans_for_pairs; x == k}
}

usage_plans_for_pairs contains [sprintf("%s/%s/%s/%s", [p.account, p.region, s.api_id, s.stage]), plan] if {
	some p in input.usage_plans
	some s in p.api_stages
	plan := {
		"name": p.name,
		"throttle": object.get(p, "throttle", null),
		"method_throttles": object.get(s, "throttle", {}),
	}
}

# CloudWatch metrics an alarm can watch, by what they tell: 5xx errors or
# latency.
alarm_metric_kinds := {
	"AWS/ApiGateway": {
		"5XXError": "errors", "5xx": "errors", "IntegrationError": "errors", "ExecutionError": "errors",
		"Latency": "latency", "IntegrationLatency": "latency",
	},
	"AWS/ApplicationELB": {
		"HTTPCode_ELB_5XX_Count": "errors", "HTTPCode_Target_5XX_Count": "errors",
		"TargetResponseTime": "latency",
	},
}

# "account/region/namespace/Dimension=value/stage" -> kinds of alarmed
# metrics. The resource dimension is ApiName (REST), ApiId (v2) or
# LoadBalancer (app/NAME/ID); stage is the Stage dimension or "*" for an
# alarm over every stage.
alarm_kinds := {k: vs |
	some [k, _] in alarm_kinds_pairs
	vs := {v | some [x, v] in alarm_kinds_pairs; x == k}
}

alarm_kinds_pairs contains [key, kind] if {
	some a in input.alarms
	some m in a.metrics
	kind := alarm_metric_kinds[m.namespace][m.name]
	dims := object.get(m, "dimensions", {})
	some name, value in dims
	name in {"ApiName", "ApiId", "LoadBalancer"}
	key := sprintf("%s/%s/%s/%s=%s/%s", [a.account, a.region, m.namespace, name, value, object.get(dims, "Stage", "*")])
}

# Resource ARN -> its metric summaries.
metrics_by_resource := {r: ms |
	some r in {m.resource | some m in input.metrics}
	ms := {m | some m in input.metrics; m.resource == r}
}

# Every API stage with its API and what kind of API it is ("REST API",
# "HTTP API", "WEBSOCKET API"), for rules that treat all stages alike.
api_stages contains [api, stage, "REST API"] if {
	some api in input.rest_apis
	some stage in api.stages
}

api_stages contains [api, stage, sprintf("%s API", [api.protocol_type])] if {
	some api in input.v2_apis
	some stage in api.stages
}

# --- predicates ------------------------------------------------------------

# The default execute-api host name of an API Gateway API.
execute_api_domain(api) := sprintf("%s.execute-api.%s.amazonaws.com", [api.id, api.region])

# Host names under which an API can be reached (and so be a CloudFront
# origin): the execute-api name and its custom domains.
api_domains(api) := {execute_api_domain(api)} | object.get(custom_domains_for_api, api.id, set())

# Host names under which an HTTP or WebSocket API answers: its execute-api
# endpoint unless disabled, and any custom domain mapped to it.
reachable_v2_domains(api) := api_domains(api) if {
	not api.disable_execute_api_endpoint
} else := object.get(custom_domains_for_api, api.id, set())

# True when a distribution with a web ACL fronts one of the domains.
fronted_by_waf_distribution(domains) if {
	some d in fronting_distributions(domains)
	d.web_acl_id != ""
}

# Distributions (enabled) in front of one of the domains. The index is read
# whole (computed once per evaluation) and then looked up: indexing the
# partial set with a key, distributions_by_origin[domain], would re-run its
# body over every distribution for each new domain, quadratic at scale.
fronting_distributions(domains) := {d |
	some domain in domains
	some d in object.get(distributions_by_origin, lower(domain), set())
}

# Enabled distributions with an origin that reaches the API stage.
stage_distributions(stage_arn) := object.get(distributions_by_stage, stage_arn, set())

# True when a distribution with a web ACL reaches the API stage.
stage_fronted_by_waf(stage_arn) if {
	some d in stage_distributions(stage_arn)
	d.web_acl_id != ""
}

# ARNs of the API stages a CloudFront origin reaches. CloudFront puts the
# origin path in front of every viewer path, so API Gateway routes on it
# first:
# - an execute-api origin without a path lets the viewer name any stage;
#   with one, its first segment names the stage (an HTTP API's $default
#   stage takes a path that names no stage); a disabled execute-api
#   endpoint reaches nothing;
# - a custom-domain origin without a path reaches every mapped stage; with
#   one, the mapping whose base path prefixes it, else the mapping with an
#   empty base path.
origin_stage_arns(origin) := execute_api_origin_stages(origin) | custom_domain_origin_stages(origin)

execute_api_origin_stages(origin) := {stage.arn |
	domain := lower(origin.domain_name)
	some api in array.concat([a | a := rest_apis_by_execute_domain[domain]], [a | a := v2_apis_by_execute_domain[domain]])
	not object.get(api, "disable_execute_api_endpoint", false)
	some stage in api.stages
	stage_selected(api, stage, origin_path(origin))
}

stage_selected(_, _, path) if path == ""

stage_selected(_, stage, path) if split(path, "/")[0] == stage.name

stage_selected(api, stage, path) if {
	path != ""
	stage.name == "$default"
	not split(path, "/")[0] in {s.name | some s in api.stages}
}

custom_domain_origin_stages(origin) := {stage.arn |
	some dn in object.get(domain_names_by_name, lower(origin.domain_name), set())
	some m in selected_mappings(dn, origin_path(origin))
	key := sprintf("%s/%s/%s", [dn.account, dn.region, m.api_id])
	some api in array.concat([a | a := rest_apis_by_key[key]], [a | a := v2_apis_by_key[key]])
	some stage in api.stages
	stage.name == m.stage
}

selected_mappings(dn, path) := dn.mappings if {
	path == ""
} else := ms if {
	ms := [m | some m in dn.mappings; base_path_prefixes(base_path(m), path)]
	count(ms) > 0
} else := [m | some m in dn.mappings; base_path(m) == ""]

# A mapping's base path without slashes; "" for the root ("(none)" in the
# console).
base_path(m) := "" if {
	trim(object.get(m, "base_path", ""), "/") in {"", "(none)"}
} else := trim(m.base_path, "/")

base_path_prefixes(bp, path) if {
	bp != ""
	path == bp
}

base_path_prefixes(bp, path) if {
	bp != ""
	startswith(path, concat("", [bp, "/"]))
}

# An origin's path without the leading and trailing slashes; "" when none.
origin_path(origin) := trim(object.get(origin, "origin_path", ""), "/")

# The account/region/id key API indexes use.
api_key(api) := sprintf("%s/%s/%s", [api.account, api.region, api.id])

# Alarmed metric kinds ("errors", "latency") of an API stage: alarms on the
# stage and alarms on the whole API.
stage_alarm_kinds(api, dimension, value, stage_name) := object.get(alarm_kinds, sprintf("%s/%s/AWS/ApiGateway/%s=%s/%s", [api.account, api.region, dimension, value, stage_name]), set()) | object.get(alarm_kinds, sprintf("%s/%s/AWS/ApiGateway/%s=%s/*", [api.account, api.region, dimension, value]), set())

# One metric summary of a resource: the one over the longest window when
# the same metric comes at several periods. Undefined when not collected.
metric_summary(resource, namespace, name, statistic) := ms[0] if {
	found := [m |
		some m in object.get(metrics_by_resource, resource, set())
		m.namespace == namespace
		m.name == name
		m.statistic == statistic
		m.period_seconds > 0
	]
	longest := max([m.period_seconds | some m in found])
	ms := [m | some m in found; m.period_seconds == longest]
}

# The LoadBalancer dimension CloudWatch uses for an ALB: app/NAME/ID.
alb_dimension(lb) := split(lb.arn, ":loadbalancer/")[1]

# A load balancer attribute (AWS returns them all as strings), or def.
lb_attribute(lb, key, def) := object.get(object.get(lb, "attributes", {}), key, def)

# A tag's value by case-insensitive key; undefined when absent.
tag_value(tags, key) := v if {
	some k, v in tags
	lower(k) == lower(key)
}

# True when the resource's tags say it is high-value (config.high_value_tag).
tagged_true(tags, key) if lower(trim_space(tag_value(tags, key))) == "true"

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

# True when a tag set names an owner: any one of config.owner_tags with a
# non-empty value (GW103). Requiring every key of a list is GW216's job
# (config.required_tags).
owned(tags) if {
	some k in config.owner_tags
	has_tag(tags, k)
}

# A WAF rule that limits request rates: rate-based with an action that
# acts on requests over the limit (BLOCK, CAPTCHA, CHALLENGE). A COUNT
# action only counts them and lets every request through.
rate_limiting_rule(rule) if {
	rule.statement_type == "rate_based"
	upper(rule.action) != "COUNT"
}
