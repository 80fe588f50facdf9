package gatewatch.rules.gw112_missing_instrumentation_test

import data.gatewatch.rules.gw112_missing_instrumentation as rule
import rego.v1

stage_arn := "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod"

rest_api(dest, metrics) := {
	"arn": "arn:aws:apigateway:eu-west-1::/restapis/a1", "account": "111122223333", "region": "eu-west-1", "id": "a1", "name": "partner",
	"stages": [{"arn": stage_arn, "name": "prod", "access_log_destination": dest, "method_settings": {"*/*": {"metrics_enabled": metrics}}}],
}

alarm(namespace, name, dims) := {
	"arn": sprintf("arn:aws:cloudwatch:eu-west-1:111122223333:alarm:%s", [name]), "account": "111122223333", "region": "eu-west-1", "name": name,
	"actions_enabled": true, "alarm_actions": ["arn:aws:sns:eu-west-1:111122223333:oncall"],
	"metrics": [{"namespace": namespace, "name": name, "dimensions": dims}],
}

log_group := "arn:aws:logs:eu-west-1:111122223333:log-group:api-access"

test_fires_on_bare_rest_stage if {
	results := rule.deny with input as {"rest_apis": [rest_api("", false)], "alarms": []}
	results == {
		{
			"evidence": {
				"access_log_destination": "",
				"alarmed": [],
				"missing": [
					"access_logs",
					"detailed_metrics",
					"errors_alarm",
					"latency_alarm",
				],
			},
			"message": "stage prod of REST API partner has no access logs, no detailed metrics, no alarm on 5xx errors, no alarm on latency",
			"resource": "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod",
		},
	}
	some r in results
	r.resource == stage_arn
	r.evidence.missing == ["access_logs", "detailed_metrics", "errors_alarm", "latency_alarm"]
}

test_fires_when_only_latency_alarm_missing if {
	a := alarm("AWS/ApiGateway", "5XXError", {"ApiName": "partner", "Stage": "prod"})
	results := rule.deny with input as {"rest_apis": [rest_api(log_group, true)], "alarms": [a]}
	some r in results
	r.evidence.missing == ["latency_alarm"]
	r.evidence.alarmed == ["errors"]
}

test_fires_when_alarm_watches_another_stage if {
	alarms := [alarm("AWS/ApiGateway", "5XXError", {"ApiName": "partner", "Stage": "test"}), alarm("AWS/ApiGateway", "Latency", {"ApiName": "partner", "Stage": "test"})]
	results := rule.deny with input as {"rest_apis": [rest_api(log_group, true)], "alarms": alarms}
	count(results) == 1
}

test_quiet_on_instrumented_rest_stage if {
	# an API-wide alarm (no Stage dimension) covers every stage
	alarms := [alarm("AWS/ApiGateway", "5XXError", {"ApiName": "partner", "Stage": "prod"}), alarm("AWS/ApiGateway", "Latency", {"ApiName": "partner"})]
	results := rule.deny with input as {"rest_apis": [rest_api(log_group, true)], "alarms": alarms}
	count(results) == 0
}

# An alarm that notifies nobody does not count: actions disabled, or no
# alarm action at all.
test_fires_when_the_latency_alarm_notifies_nobody if {
	every silent in [{"actions_enabled": false}, {"alarm_actions": []}] {
		alarms := [alarm("AWS/ApiGateway", "5XXError", {"ApiName": "partner", "Stage": "prod"}), object.union(alarm("AWS/ApiGateway", "Latency", {"ApiName": "partner"}), silent)]
		results := rule.deny with input as {"rest_apis": [rest_api(log_group, true)], "alarms": alarms}
		{r.evidence.missing | some r in results} == {["latency_alarm"]}
	}
}

http_api(dest) := {
	"arn": "arn:aws:apigateway:eu-west-1::/apis/h1", "account": "111122223333", "region": "eu-west-1", "id": "h1", "name": "mobile", "protocol_type": "HTTP",
	"stages": [{"arn": "arn:aws:apigateway:eu-west-1::/apis/h1/stages/$default", "name": "$default", "access_log_destination": dest, "default_route_settings": {"detailed_metrics_enabled": true}}],
}

v2_alarms := [alarm("AWS/ApiGateway", "5xx", {"ApiId": "h1"}), alarm("AWS/ApiGateway", "Latency", {"ApiId": "h1", "Stage": "$default"})]

test_fires_on_v2_stage_without_access_logs if {
	results := rule.deny with input as {"v2_apis": [http_api("")], "alarms": v2_alarms}
	some r in results
	r.evidence.missing == ["access_logs"]
}

test_quiet_on_instrumented_v2_stage if {
	results := rule.deny with input as {"v2_apis": [http_api(log_group)], "alarms": v2_alarms}
	count(results) == 0
}

alb(scheme, logs) := {
	"arn": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/web/50dc6c495c0c9188", "account": "111122223333", "region": "eu-west-1",
	"name": "web", "type": "application", "scheme": scheme, "attributes": {"access_logs.s3.enabled": logs}, "listeners": [],
}

alb_alarms := [
	alarm("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", {"LoadBalancer": "app/web/50dc6c495c0c9188"}),
	alarm("AWS/ApplicationELB", "TargetResponseTime", {"LoadBalancer": "app/web/50dc6c495c0c9188", "TargetGroup": "targetgroup/web/1"}),
]

test_fires_on_alb_without_logs_or_alarms if {
	results := rule.deny with input as {"load_balancers": [alb("internet-facing", "false")], "alarms": []}
	some r in results
	r.evidence.missing == ["access_logs", "errors_alarm", "latency_alarm"]
}

test_quiet_on_instrumented_alb if {
	results := rule.deny with input as {"load_balancers": [alb("internet-facing", "true")], "alarms": alb_alarms}
	count(results) == 0
}

test_quiet_on_internal_alb if {
	results := rule.deny with input as {"load_balancers": [alb("internal", "false")], "alarms": []}
	count(results) == 0
}
