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

target_groups_by_arn := {tg.arn: tg | some tg in input.target_groups}

lambda_by_arn := {f.arn: f | some f in input.lambda_functions}

web_acls_by_arn := {acl.arn: acl | some acl in input.web_acls}

vpc_links_by_id := {sprintf("%s/%s/%s", [l.account, l.region, l.id]): l | some l in input.vpc_links}

# The VPC links an integration of api goes through: the one its
# connection_id names, or, when that is "${stageVariables.NAME}" (the way a
# REST API points its stages at different links, as API Gateway documents),
# the link each stage's variable NAME names. The request graph expands the
# same way (snapshot.Graph).
vpc_links_of(api, integration) := {link |
	integration.connection_type == "VPC_LINK"
	some id in connection_ids(api, integration.connection_id)
	link := vpc_links_by_id[sprintf("%s/%s/%s", [api.account, api.region, id])]
}

connection_ids(api, id) := {value |
	some stage in api.stages
	value := stage.variables[stage_variable(id)]
} if {
	startswith(id, "${stageVariables.")
} else := {id}

stage_variable(ref) := trim_suffix(trim_prefix(ref, "${stageVariables."), "}")

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

# --- the request graph -----------------------------------------------------

# The request path of the snapshot (CloudFront -> custom domain or
# execute-api -> stage -> integration -> load balancer -> target group ->
# Lambda), derived once in Go (snapshot.Graph) with one host-name
# normaliser (case, trailing dot, dualstack.) and one ARN parser for every
# partition. The pictures draw the same edges. Fields: edges ({from, to,
# kind}), fronts (load balancer or stage ARN -> distribution ARNs in front
# of it, origin path and custom domains resolved) and targets
# (integration URI -> load balancer or unqualified function ARNs).
graph := gatewatch.request_graph(input)

distributions_by_arn := {d.arn: d | some d in input.cloudfront_distributions}

# Enabled distributions in front of a load balancer or API stage.
fronting(arn) := {distributions_by_arn[d] | some d in object.get(graph.fronts, arn, [])}

# True when a distribution with a web ACL is in front of the resource.
fronted_by_waf(arn) if {
	some d in fronting(arn)
	d.web_acl_id != ""
}

# Distribution ARN -> the load balancers and stages it is in front of.
fronted_by_distribution := {k: vs |
	some [k, _] in fronted_pairs
	vs := {v | some [x, v] in fronted_pairs; x == k}
}

fronted_pairs contains [d, arn] if {
	some arn, ds in graph.fronts
	some d in ds
}

# The load balancer an integration URI names (by listener ARN or host
# name), if any.
target_load_balancer(uri) := lb if {
	some arn in object.get(graph.targets, uri, [])
	lb := load_balancers_by_arn[arn]
}

# The unqualified Lambda function ARN an integration URI names, if any.
integration_function_arn(uri) := arn if {
	some arn in object.get(graph.targets, uri, [])
	contains(arn, ":lambda:")
}

# Target group ARN -> the unqualified ARNs of the Lambda functions it
# sends to.
target_functions := {k: vs |
	some [k, _] in target_function_pairs
	vs := {v | some [x, v] in target_function_pairs; x == k}
}

target_function_pairs contains [e.from, e.to] if {
	some e in graph.edges
	e.kind == "target"
	contains(e.to, ":lambda:")
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
# alarm over every stage. Only alarms that notify count: actions enabled
# and at least one alarm action (an alarm without them changes state
# where nobody looks).
alarm_kinds := {k: vs |
	some [k, _] in alarm_kinds_pairs
	vs := {v | some [x, v] in alarm_kinds_pairs; x == k}
}

alarm_kinds_pairs contains [key, kind] if {
	some a in input.alarms
	a.actions_enabled
	count(object.get(a, "alarm_actions", [])) > 0
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

# Host names under which an API (REST, HTTP or WebSocket) answers: its
# execute-api endpoint unless disabled, and any custom domain mapped to
# it. A disabled execute-api endpoint still accepts connections but
# answers every request with 403 Forbidden, for every stage.
reachable_domains(api) := api_domains(api) if {
	not api.disable_execute_api_endpoint
} else := object.get(custom_domains_for_api, api.id, set())

# A stage clients can call: through the execute-api endpoint unless it is
# disabled, or through a custom domain whose mapping names the stage (a
# REST mapping without a stage lets the caller name any stage in the
# path).
reachable_stage(api, _) if not api.disable_execute_api_endpoint

reachable_stage(api, stage) if {
	some name in [stage.name, ""]
	mapped_stages[sprintf("%s/%s", [api.id, name])]
}

# "API ID/stage name" of every custom domain mapping ("" for a mapping
# without a stage).
mapped_stages := {sprintf("%s/%s", [m.api_id, object.get(m, "stage", "")]) |
	some dn in input.domain_names
	some m in dn.mappings
}

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

# A REST API reachable from the internet: any endpoint type but PRIVATE,
# with a host name that answers (reachable_domains).
public_rest_api(api) if {
	not "PRIVATE" in api.endpoint_types
	count(reachable_domains(api)) > 0
}

# An ALB clients on the internet can reach.
internet_facing_alb(lb) if {
	lb.type == "application"
	lb.scheme == "internet-facing"
}

# True when a tag set names an owner: any one of config.owner_tags with a
# non-empty value (GW103). Requiring every key of a list is GW216's job
# (config.required_tags).
owned(tags) if {
	some k in config.owner_tags
	has_tag(tags, k)
}

# A WAF rule that limits request rates: rate-based with an action that
# stops requests over the limit (BLOCK, CAPTCHA, CHALLENGE). A rate-based
# rule applies its action to those requests: COUNT only counts them and
# ALLOW forwards them, so neither limits anything.
rate_limiting_rule(rule) if {
	rule.statement_type == "rate_based"
	upper(rule.action) in {"BLOCK", "CAPTCHA", "CHALLENGE"}
}
