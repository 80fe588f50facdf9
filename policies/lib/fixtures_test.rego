# Fixture builders shared by the rule tests: one place that knows what a
# snapshot resource looks like, so a test names only what it is about.
# Each builder takes the resource's name or ID and an object merged over
# the defaults (object.union: nested objects merge, lists are replaced).
# The file ends in _test.rego, so it is loaded with the tests and never
# into the engine.
package gatewatch.fixtures

import rego.v1

account := "111122223333"

region := "eu-west-1"

# --- load balancers ----------------------------------------------------------

alb_arn(name) := sprintf("arn:aws:elasticloadbalancing:%s:%s:loadbalancer/app/%s/1", [region, account, name])

# An internet-facing ALB with no listeners, security groups or attributes.
alb(name, extra) := object.union(
	{
		"arn": alb_arn(name), "account": account, "region": region, "name": name,
		"type": "application", "scheme": "internet-facing",
		"dns_name": sprintf("%s-1.%s.elb.amazonaws.com", [name, region]),
		"listeners": [], "security_groups": [], "attributes": {}, "tags": {},
	},
	extra,
)

nlb_arn(name) := sprintf("arn:aws:elasticloadbalancing:%s:%s:loadbalancer/net/%s/1", [region, account, name])

# An internal network load balancer with no listeners or attributes.
nlb(name, extra) := object.union(
	{
		"arn": nlb_arn(name), "account": account, "region": region, "name": name,
		"type": "network", "scheme": "internal",
		"dns_name": sprintf("%s-1.elb.%s.amazonaws.com", [name, region]),
		"listeners": [], "attributes": {}, "tags": {},
	},
	extra,
)

listener_arn(lb_name, port) := sprintf("arn:aws:elasticloadbalancing:%s:%s:listener/app/%s/1/%d", [region, account, lb_name, port])

# A listener of the ALB lb_name with no actions and no rules.
listener(lb_name, protocol, port, extra) := object.union(
	{
		"arn": listener_arn(lb_name, port), "protocol": protocol, "port": port,
		"default_actions": [], "rules": [], "tags": {},
	},
	extra,
)

# A non-default listener rule of listener (lb_name, port) with no
# conditions, actions or tags.
listener_rule(lb_name, port, priority, extra) := object.union(
	{
		"arn": sprintf("arn:aws:elasticloadbalancing:%s:%s:listener-rule/app/%s/1/%d/%s", [region, account, lb_name, port, priority]),
		"priority": priority, "is_default": false, "conditions": [], "actions": [], "tags": {},
	},
	extra,
)

# Listener actions.
forward := {"type": "forward"}

https_redirect := {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}}

# --- API Gateway -------------------------------------------------------------

rest_api_arn(id) := sprintf("arn:aws:apigateway:%s::/restapis/%s", [region, id])

# A REGIONAL REST API named after its ID, with nothing in it.
rest_api(id, extra) := object.union(
	{
		"arn": rest_api_arn(id), "account": account, "region": region, "id": id, "name": id,
		"endpoint_types": ["REGIONAL"], "disable_execute_api_endpoint": false, "tags": {},
		"resources": [], "stages": [], "authorizers": [], "request_validators": [],
	},
	extra,
)

# A stage of REST API api_id with no settings.
rest_stage(api_id, name, extra) := object.union(
	{"arn": sprintf("%s/stages/%s", [rest_api_arn(api_id), name]), "name": name, "tags": {}, "method_settings": {}, "web_acl_arn": ""},
	extra,
)

# A resource (path) with its methods.
rest_resource(path, methods) := {"id": path, "path": path, "methods": methods}

# A method open to anyone: authorization NONE, no API key, a MOCK
# integration.
rest_method(http_method, extra) := object.union(
	{
		"http_method": http_method, "authorization_type": "NONE", "api_key_required": false,
		"integration": {"type": "MOCK", "uri": "", "connection_type": "INTERNET", "timeout_millis": 29000},
	},
	extra,
)

v2_api_arn(id) := sprintf("arn:aws:apigateway:%s::/apis/%s", [region, id])

# An HTTP API named after its ID, with nothing in it.
http_api(id, extra) := object.union(
	{
		"arn": v2_api_arn(id), "account": account, "region": region, "id": id, "name": id,
		"protocol_type": "HTTP", "disable_execute_api_endpoint": false, "tags": {},
		"routes": [], "integrations": [], "stages": [], "authorizers": [],
	},
	extra,
)

# A stage of HTTP or WebSocket API api_id with no settings.
v2_stage(api_id, name, extra) := object.union(
	{"arn": sprintf("%s/stages/%s", [v2_api_arn(api_id), name]), "name": name, "tags": {}},
	extra,
)

execute_api_domain(id) := sprintf("%s.execute-api.%s.amazonaws.com", [id, region])

# A custom domain name with base path mappings [[base_path, api_id, stage]].
domain_name(name, mappings) := {
	"arn": sprintf("arn:aws:apigateway:%s::/domainnames/%s", [region, name]),
	"account": account, "region": region, "name": name,
	"mappings": [{"base_path": bp, "api_id": id, "stage": stage} | some [bp, id, stage] in mappings],
	"tags": {},
}

# A usage plan over stages [[api_id, stage]], without throttle or quota.
usage_plan(id, stages, extra) := object.union(
	{
		"arn": sprintf("arn:aws:apigateway:%s::/usageplans/%s", [region, id]),
		"account": account, "region": region, "id": id, "name": id,
		"api_stages": [{"api_id": api_id, "stage": stage} | some [api_id, stage] in stages],
		"tags": {},
	},
	extra,
)

# --- edge --------------------------------------------------------------------

distribution_arn(id) := sprintf("arn:aws:cloudfront::%s:distribution/%s", [account, id])

# An enabled distribution without a web ACL.
distribution(id, origins, extra) := object.union(
	{"arn": distribution_arn(id), "account": account, "id": id, "enabled": true, "web_acl_id": "", "origins": origins, "tags": {}},
	extra,
)

# A CloudFront origin; path "" for none.
origin(domain, path) := {"id": domain, "domain_name": domain, "origin_path": path}

cloudfront_acl_arn(name) := sprintf("arn:aws:wafv2:us-east-1:%s:global/webacl/%s/1", [account, name])

regional_acl_arn(name) := sprintf("arn:aws:wafv2:%s:%s:regional/webacl/%s/1", [region, account, name])

# A REGIONAL web ACL associated with the given resource ARNs.
web_acl(name, associated, rules) := {
	"arn": regional_acl_arn(name), "account": account, "region": region, "name": name, "scope": "REGIONAL",
	"default_action": "ALLOW", "rules": rules, "associated_resources": associated, "tags": {},
}

# A rate-based WAF rule limiting each IP to limit requests per 5 minutes.
rate_rule(name, action) := {"name": name, "priority": 0, "action": action, "statement_type": "rate_based", "rate_limit": 2000, "aggregate_key_type": "IP"}
