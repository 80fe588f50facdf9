package gatewatch.rules.gw103_unowned_routes_test

import data.gatewatch.fixtures as fx
import data.gatewatch.rules.gw103_unowned_routes as rule
import rego.v1

cfg := {"owner_tags": ["owner", "team"]}

rule_arn := "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener-rule/app/web/1/443/10"

# An ALB whose HTTPS listener has rule 10 (path /orders/*) and a default
# rule; tags given for the rule, the listener and the load balancer.
alb(rule_tags, listener_tags, lb_tags) := fx.alb("web", {
	"tags": lb_tags,
	"listeners": [fx.listener("web", "HTTPS", 443, {
		"tags": listener_tags,
		"rules": [
			fx.listener_rule("web", 443, "10", {"conditions": [{"field": "path-pattern", "values": ["/orders/*"]}], "tags": rule_tags}),
			fx.listener_rule("web", 443, "default", {"is_default": true}),
		],
	})],
})

test_fires_on_untagged_listener_rule if {
	results := rule.deny with input as {"load_balancers": [alb({}, {}, {"Name": "web"})]} with data.gatewatch.config as cfg
	results == {{
		"resource": rule_arn,
		"message": "listener rule 10 on HTTPS:443 of web has no owner tag (owner or team) on the rule, its listener or its load balancer",
		"evidence": {
			"owner_tags": ["owner", "team"],
			"load_balancer": "web",
			"listener_port": 443,
			"conditions": [{"field": "path-pattern", "values": ["/orders/*"]}],
		},
	}}
}

test_fires_when_owner_tag_is_blank if {
	results := rule.deny with input as {"load_balancers": [alb({"Owner": " "}, {}, {})]} with data.gatewatch.config as cfg
	count(results) == 1
}

# Any one ownership key owns the route: requiring all of them is GW216's.
test_quiet_with_one_owner_key_any_case if {
	results := rule.deny with input as {"load_balancers": [alb({"Owner": "payments"}, {}, {})]} with data.gatewatch.config as cfg
	count(results) == 0
}

test_quiet_when_rule_inherits_listener_owner if {
	results := rule.deny with input as {"load_balancers": [alb({}, {"team": "web-platform"}, {})]} with data.gatewatch.config as cfg
	count(results) == 0
}

test_quiet_when_rule_inherits_load_balancer_owner if {
	results := rule.deny with input as {"load_balancers": [alb({}, {}, {"owner": "storefront"})]} with data.gatewatch.config as cfg
	count(results) == 0
}

test_ownership_keys_come_from_config if {
	results := rule.deny with input as {"load_balancers": [alb({"owner": "payments", "team": "x"}, {}, {})]} with data.gatewatch.config as {"owner_tags": ["squad"]}
	some r in results
	r.evidence.owner_tags == ["squad"]
}

stage_arn := "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod"

rest_api(api_tags, stage_tags) := fx.rest_api("a1", {"name": "partner", "tags": api_tags, "stages": [fx.rest_stage("a1", "prod", {"tags": stage_tags})]})

test_fires_on_untagged_rest_stage if {
	results := rule.deny with input as {"rest_apis": [rest_api({"environment": "prod"}, {"gatewatch:latency-slo-ms": "50"})]} with data.gatewatch.config as cfg
	results == {{
		"resource": stage_arn,
		"message": "stage prod of REST API partner has no owner tag (owner or team) on the stage or the API",
		"evidence": {"owner_tags": ["owner", "team"], "api": "partner", "stage_tags": ["gatewatch:latency-slo-ms"], "api_tags": ["environment"]},
	}}
}

# The title says "no owner": a stage tagged owner=team-orders has one.
test_quiet_on_stage_with_owner_only if {
	results := rule.deny with input as {"rest_apis": [rest_api({}, {"owner": "team-orders"})]} with data.gatewatch.config as cfg
	count(results) == 0
}

test_quiet_when_stage_inherits_api_tags if {
	results := rule.deny with input as {"rest_apis": [rest_api({"team": "y"}, {})]} with data.gatewatch.config as cfg
	count(results) == 0
}

test_fires_on_untagged_v2_stage if {
	api := fx.http_api("h1", {"protocol_type": "WEBSOCKET", "stages": [fx.v2_stage("h1", "prod", {})]})
	results := rule.deny with input as {"v2_apis": [api]} with data.gatewatch.config as cfg
	count(results) == 1
}
