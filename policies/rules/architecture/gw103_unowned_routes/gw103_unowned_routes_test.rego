package gatewatch.rules.gw103_unowned_routes_test

import data.gatewatch.rules.gw103_unowned_routes as rule
import rego.v1

cfg := {"required_tags": ["owner", "team"]}

alb(rule_tags) := {
	"arn": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/web/1", "name": "web", "type": "application",
	"listeners": [{"arn": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/web/1/2", "protocol": "HTTPS", "port": 443, "rules": [
		{"arn": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener-rule/app/web/1/2/3", "priority": "10", "is_default": false, "conditions": [{"field": "path-pattern", "values": ["/orders/*"]}], "tags": rule_tags},
		{"arn": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener-rule/app/web/1/2/4", "priority": "default", "is_default": true, "conditions": [], "tags": {}},
	]}],
}

test_fires_on_untagged_listener_rule if {
	results := rule.deny with input as {"load_balancers": [alb({})]} with data.gatewatch.config as cfg
	count(results) == 1
	some r in results
	r.resource == "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener-rule/app/web/1/2/3"
	r.evidence.missing_tags == ["owner", "team"]
}

test_fires_on_partly_tagged_rule_and_empty_value if {
	results := rule.deny with input as {"load_balancers": [alb({"Owner": "payments", "team": " "})]} with data.gatewatch.config as cfg
	some r in results
	r.evidence.missing_tags == ["team"]
}

test_quiet_on_tagged_rule_any_key_case if {
	results := rule.deny with input as {"load_balancers": [alb({"Owner": "payments", "Team": "payments-api"})]} with data.gatewatch.config as cfg
	count(results) == 0
}

test_required_keys_come_from_config if {
	results := rule.deny with input as {"load_balancers": [alb({"owner": "payments", "team": "x"})]} with data.gatewatch.config as {"required_tags": ["cost-center"]}
	some r in results
	r.evidence.missing_tags == ["cost-center"]
}

rest_api(api_tags, stage_tags) := {
	"arn": "arn:aws:apigateway:eu-west-1::/restapis/a1", "id": "a1", "name": "partner", "tags": api_tags,
	"stages": [{"arn": "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod", "name": "prod", "tags": stage_tags}],
}

test_fires_on_untagged_rest_stage if {
	results := rule.deny with input as {"rest_apis": [rest_api({}, {"owner": "x"})]} with data.gatewatch.config as cfg
	some r in results
	r.resource == "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod"
	r.evidence.missing_tags == ["team"]
}

test_quiet_when_stage_inherits_api_tags if {
	results := rule.deny with input as {"rest_apis": [rest_api({"owner": "x", "team": "y"}, {})]} with data.gatewatch.config as cfg
	count(results) == 0
}

test_fires_on_untagged_v2_stage if {
	api := object.union(rest_api({}, {}), {"arn": "arn:aws:apigateway:eu-west-1::/apis/h1", "protocol_type": "WEBSOCKET"})
	results := rule.deny with input as {"v2_apis": [api]} with data.gatewatch.config as cfg
	count(results) == 1
}
