package gatewatch.rules.gw102_integration_timeout_test

import data.gatewatch.rules.gw102_integration_timeout as rule
import rego.v1

alb_arn := "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/reports/1"

nlb_arn := "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/net/link/2"

alb(idle) := {
	"arn": alb_arn, "name": "reports", "type": "application", "scheme": "internal",
	"dns_name": "internal-reports-1.eu-west-1.elb.amazonaws.com",
	"attributes": {"idle_timeout.timeout_seconds": idle},
	"listeners": [{"arn": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/reports/1/l1", "protocol": "HTTP", "port": 80, "rules": []}],
}

rest_api(integration) := {
	"arn": "arn:aws:apigateway:eu-west-1::/restapis/r1", "account": "111122223333", "region": "eu-west-1",
	"id": "r1", "name": "reports-api",
	"resources": [{"id": "x", "path": "/reports", "methods": [{"http_method": "GET", "integration": integration}]}],
}

http_integration(timeout) := {"type": "HTTP_PROXY", "uri": "http://internal-reports-1.eu-west-1.elb.amazonaws.com/reports", "connection_type": "INTERNET", "timeout_millis": timeout}

test_fires_when_alb_idle_timeout_is_longer if {
	results := rule.deny with input as {"rest_apis": [rest_api(http_integration(29000))], "load_balancers": [alb("120")]}
	results == {
		{
			"evidence": {
				"api_type": "REST",
				"integrations": {
					"GET /reports": {
						"backend": "reports",
						"backend_timeout_ms": 120000,
						"kind": "alb",
						"setting": "idle_timeout.timeout_seconds",
						"timeout_ms": 29000,
					},
				},
			},
			"message": "REST API reports-api times out before its backend on GET /reports (29000 ms, but alb reports allows 120000 ms)",
			"resource": "arn:aws:apigateway:eu-west-1::/restapis/r1",
		},
	}
	some r in results
	r.resource == "arn:aws:apigateway:eu-west-1::/restapis/r1"
	r.evidence.integrations["GET /reports"] == {"backend": "reports", "kind": "alb", "setting": "idle_timeout.timeout_seconds", "backend_timeout_ms": 120000, "timeout_ms": 29000}
}

test_fires_with_unset_integration_timeout if {
	results := rule.deny with input as {"rest_apis": [rest_api(http_integration(0))], "load_balancers": [alb("90")]}
	some r in results
	r.evidence.integrations["GET /reports"].timeout_ms == 29000
}

test_quiet_on_default_alb_idle_timeout if {
	lb := json.remove(alb("x"), ["attributes"])
	results := rule.deny with input as {"rest_apis": [rest_api(http_integration(29000))], "load_balancers": [lb]}
	count(results) == 0
}

test_quiet_when_alb_gives_up_first if {
	results := rule.deny with input as {"rest_apis": [rest_api(http_integration(29000))], "load_balancers": [alb("25")]}
	count(results) == 0
}

test_quiet_when_timeout_raised_to_match if {
	results := rule.deny with input as {"rest_apis": [rest_api(http_integration(120000))], "load_balancers": [alb("120")]}
	count(results) == 0
}

vpc_link_input(tg_type) := {
	"rest_apis": [rest_api({"type": "HTTP_PROXY", "uri": "http://link.example.internal/", "connection_type": "VPC_LINK", "connection_id": "vl1", "timeout_millis": 29000})],
	"vpc_links": [{"arn": "arn:aws:apigateway:eu-west-1::/vpclinks/vl1", "account": "111122223333", "region": "eu-west-1", "id": "vl1", "version": "v1", "target_arns": [nlb_arn]}],
	"load_balancers": [alb("300"), {"arn": nlb_arn, "name": "link", "type": "network", "scheme": "internal", "dns_name": "link-2.elb.eu-west-1.amazonaws.com", "listeners": []}],
	"target_groups": [{"arn": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/to-alb/3", "name": "to-alb", "target_type": tg_type, "load_balancer_arns": [nlb_arn], "targets": [{"id": alb_arn}]}],
}

test_fires_through_vpc_link_nlb_to_alb if {
	results := rule.deny with input as vpc_link_input("alb")
	some r in results
	r.evidence.integrations["GET /reports"].backend == "reports"
}

test_quiet_through_vpc_link_to_instances if {
	results := rule.deny with input as vpc_link_input("instance")
	count(results) == 0
}

# API Gateway documents naming a REST API's VPC link through a stage
# variable (connection_id "${stageVariables.vpcLinkId}"), so that each
# stage can reach another link: the link is the one the stage's variable
# names.
stage_variable_input(stage_variables) := object.union(vpc_link_input("alb"), {"rest_apis": [object.union(
	rest_api({"type": "HTTP_PROXY", "uri": "http://link.example.internal/", "connection_type": "VPC_LINK", "connection_id": "${stageVariables.vpcLinkId}", "timeout_millis": 29000}),
	{"stages": [{"arn": "arn:aws:apigateway:eu-west-1::/restapis/r1/stages/prod", "name": "prod", "variables": stage_variables}]},
)]})

test_fires_through_vpc_link_named_by_stage_variable if {
	results := rule.deny with input as stage_variable_input({"vpcLinkId": "vl1"})
	some r in results
	r.evidence.integrations["GET /reports"].backend == "reports"
}

test_quiet_when_stage_variable_names_no_known_link if {
	results := rule.deny with input as stage_variable_input({"vpcLinkId": "other"})
	count(results) == 0
}

test_quiet_when_stage_has_no_such_variable if {
	results := rule.deny with input as stage_variable_input({"linkId": "vl1"})
	count(results) == 0
}

fn_arn := "arn:aws:lambda:eu-west-1:111122223333:function:export"

lambda_integration := {"type": "AWS_PROXY", "uri": sprintf("arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/%s/invocations", [fn_arn]), "timeout_millis": 29000}

test_fires_on_lambda_with_longer_timeout if {
	results := rule.deny with input as {"rest_apis": [rest_api(lambda_integration)], "lambda_functions": [{"arn": fn_arn, "name": "export", "timeout_seconds": 900}]}
	some r in results
	r.evidence.integrations["GET /reports"].kind == "lambda"
	r.evidence.integrations["GET /reports"].backend_timeout_ms == 900000
}

test_quiet_on_lambda_with_short_timeout if {
	results := rule.deny with input as {"rest_apis": [rest_api(lambda_integration)], "lambda_functions": [{"arn": fn_arn, "name": "export", "timeout_seconds": 10}]}
	count(results) == 0
}

http_api(timeout) := {
	"arn": "arn:aws:apigateway:eu-west-1::/apis/h1", "account": "111122223333", "region": "eu-west-1", "id": "h1",
	"name": "reports-http", "protocol_type": "HTTP",
	"routes": [{"id": "rt", "route_key": "GET /reports", "target": "integrations/i1"}],
	"integrations": [{"id": "i1", "type": "HTTP_PROXY", "uri": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/reports/1/l1", "connection_type": "VPC_LINK", "connection_id": "v2", "timeout_millis": timeout}],
}

test_fires_on_http_api_listener_integration if {
	results := rule.deny with input as {"v2_apis": [http_api(30000)], "load_balancers": [alb("120")]}
	some r in results
	r.resource == "arn:aws:apigateway:eu-west-1::/apis/h1"
	r.evidence.integrations["GET /reports"].timeout_ms == 30000
}

test_quiet_on_http_api_with_alb_at_30s if {
	results := rule.deny with input as {"v2_apis": [http_api(30000)], "load_balancers": [alb("30")]}
	count(results) == 0
}

test_quiet_on_unrouted_integration if {
	api := object.union(http_api(30000), {"routes": []})
	results := rule.deny with input as {"v2_apis": [api], "load_balancers": [alb("120")]}
	count(results) == 0
}

# Lambda ARNs of every partition are read (aws-cn, aws-us-gov), and a
# version or alias qualifier names the same function.
cn_fn_arn := "arn:aws-cn:lambda:cn-north-1:111122223333:function:export"

cn_integration := {"type": "AWS_PROXY", "uri": sprintf("arn:aws-cn:apigateway:cn-north-1:lambda:path/2015-03-31/functions/%s:live/invocations", [cn_fn_arn]), "timeout_millis": 29000}

test_fires_on_lambda_of_the_china_partition if {
	results := rule.deny with input as {"rest_apis": [rest_api(cn_integration)], "lambda_functions": [{"arn": cn_fn_arn, "name": "export", "timeout_seconds": 900}]}
	some r in results
	r.evidence.integrations["GET /reports"].backend_timeout_ms == 900000
}

test_quiet_on_short_lambda_of_the_china_partition if {
	results := rule.deny with input as {"rest_apis": [rest_api(cn_integration)], "lambda_functions": [{"arn": cn_fn_arn, "name": "export", "timeout_seconds": 10}]}
	count(results) == 0
}

# An unset integration timeout is 29 s for WebSocket APIs and 30 s for
# HTTP APIs: a 30 s function outlasts the first and not the second.
v2_lambda_api(protocol) := {
	"arn": "arn:aws:apigateway:eu-west-1::/apis/w1", "account": "111122223333", "region": "eu-west-1", "id": "w1",
	"name": "live", "protocol_type": protocol,
	"routes": [{"id": "rt", "route_key": "$default", "target": "integrations/i1"}],
	"integrations": [object.union(lambda_integration, {"id": "i1", "timeout_millis": 0})],
}

test_fires_on_websocket_default_timeout_under_the_function if {
	results := rule.deny with input as {"v2_apis": [v2_lambda_api("WEBSOCKET")], "lambda_functions": [{"arn": fn_arn, "name": "export", "timeout_seconds": 30}]}
	{r.evidence.integrations["$default"].timeout_ms | some r in results} == {29000}
}

test_quiet_on_http_default_timeout_equal_to_the_function if {
	results := rule.deny with input as {"v2_apis": [v2_lambda_api("HTTP")], "lambda_functions": [{"arn": fn_arn, "name": "export", "timeout_seconds": 30}]}
	count(results) == 0
}

# A WebSocket API reaches a private backend through a REST (v1) VPC link
# to an NLB, as a REST API does, so its deny body follows VPC links (and
# reads vpc_links) too; an HTTP API's v2 link goes where its URI says.
websocket_input(link_version) := object.union(vpc_link_input("alb"), {
	"rest_apis": [],
	"vpc_links": [object.union(vpc_link_input("alb").vpc_links[0], {"version": link_version})],
	"v2_apis": [{
		"arn": "arn:aws:apigateway:eu-west-1::/apis/w1", "account": "111122223333", "region": "eu-west-1", "id": "w1",
		"name": "reports-ws", "protocol_type": "WEBSOCKET",
		"routes": [{"id": "rt", "route_key": "$default", "target": "integrations/i1"}],
		"integrations": [{"id": "i1", "type": "HTTP_PROXY", "uri": "http://link.example.internal/", "connection_type": "VPC_LINK", "connection_id": "vl1", "timeout_millis": 0}],
	}],
})

test_fires_on_websocket_api_through_rest_vpc_link if {
	results := rule.deny with input as websocket_input("v1")
	some r in results
	r.resource == "arn:aws:apigateway:eu-west-1::/apis/w1"
	r.evidence.integrations["$default"] == {"backend": "reports", "kind": "alb", "setting": "idle_timeout.timeout_seconds", "backend_timeout_ms": 300000, "timeout_ms": 29000}
}

test_quiet_on_websocket_api_through_v2_link if {
	results := rule.deny with input as websocket_input("v2")
	count(results) == 0
}
