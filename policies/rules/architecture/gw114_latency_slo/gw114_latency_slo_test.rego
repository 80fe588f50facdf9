package gatewatch.rules.gw114_latency_slo_test

import data.gatewatch.fixtures as fx
import data.gatewatch.rules.gw114_latency_slo as rule
import rego.v1

stage_arn := "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod"

api(api_tags, stage_tags) := fx.rest_api("a1", {"name": "ledger", "tags": api_tags, "stages": [fx.rest_stage("a1", "prod", {"tags": stage_tags})]})

p99(name, value) := {"resource": stage_arn, "namespace": "AWS/ApiGateway", "name": name, "statistic": "p99", "period_seconds": 604800, "value": value}

metrics := [p99("Latency", 182), p99("IntegrationLatency", 97)]

test_fires_over_stage_slo if {
	results := rule.deny with input as {"rest_apis": [api({}, {"gatewatch:latency-slo-ms": "50"})], "metrics": metrics}
	results == {
		{
			"evidence": {
				"integration_latency_p99_ms": 97,
				"latency_p99_ms": 182,
				"overhead_p99_ms": 85,
				"slo_ms": 50,
				"slo_source": "tag gatewatch:latency-slo-ms on the stage",
				"window_seconds": 604800,
			},
			"message": "stage prod of REST API ledger adds 85 ms at p99 on top of its backend, over the 50 ms budget (tag gatewatch:latency-slo-ms on the stage)",
			"resource": "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod",
		},
	}
	some r in results
	r.resource == stage_arn
	r.evidence.overhead_p99_ms == 85
	r.evidence.slo_ms == 50
	r.evidence.slo_source == "tag gatewatch:latency-slo-ms on the stage"
}

test_fires_over_api_slo if {
	results := rule.deny with input as {"rest_apis": [api({"gatewatch:latency-slo-ms": "60"}, {})], "metrics": metrics}
	some r in results
	r.evidence.slo_source == "tag gatewatch:latency-slo-ms on the API"
}

test_stage_tag_wins_over_api_tag if {
	results := rule.deny with input as {"rest_apis": [api({"gatewatch:latency-slo-ms": "20"}, {"gatewatch:latency-slo-ms": "100"})], "metrics": metrics}
	count(results) == 0
}

test_quiet_within_slo if {
	results := rule.deny with input as {"rest_apis": [api({}, {"gatewatch:latency-slo-ms": "90"})], "metrics": metrics}
	count(results) == 0
}

test_quiet_without_declared_slo if {
	results := rule.deny with input as {"rest_apis": [api({}, {})], "metrics": metrics}
	count(results) == 0
}

test_quiet_on_unparseable_slo if {
	results := rule.deny with input as {"rest_apis": [api({}, {"gatewatch:latency-slo-ms": "fast"})], "metrics": metrics}
	count(results) == 0
}

test_fires_over_configured_default if {
	results := rule.deny with input as {"rest_apis": [api({}, {})], "metrics": metrics} with data.gatewatch.config.thresholds.latency_overhead_p99_ms as 40
	some r in results
	r.evidence.slo_source == "thresholds.latency_overhead_p99_ms"
}

test_quiet_without_integration_latency if {
	results := rule.deny with input as {"rest_apis": [api({}, {"gatewatch:latency-slo-ms": "50"})], "metrics": [p99("Latency", 182)]}
	count(results) == 0
}
