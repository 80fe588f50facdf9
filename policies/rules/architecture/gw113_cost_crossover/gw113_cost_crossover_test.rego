package gatewatch.rules.gw113_cost_crossover_test

import data.gatewatch.rules.gw113_cost_crossover as rule
import rego.v1

week := 604800

stage_arn := "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod"

alb_arn := "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/ops/1"

rest_api := {"arn": "arn:aws:apigateway:eu-west-1::/restapis/a1", "name": "orders", "stages": [{"arn": stage_arn, "name": "prod"}]}

metric(resource, namespace, name, stat, value) := {"resource": resource, "namespace": namespace, "name": name, "statistic": stat, "period_seconds": week, "value": value}

count_at(rps) := metric(stage_arn, "AWS/ApiGateway", "Count", "Sum", rps * week)

test_fires_on_busy_rest_stage if {
	results := rule.deny with input as {"rest_apis": [rest_api], "metrics": [count_at(900)]}
	results == {
		{
			"evidence": {
				"alb_monthly_usd": 226.67,
				"apigateway_monthly_usd": 8278.2,
				"direction": "apigateway-to-alb",
				"monthly_savings_usd": 8051.54,
				"requests_per_second": 900,
				"window_seconds": 604800,
			},
			"message": "stage prod of REST API orders carries 900 requests/s: about $8278 a month on API Gateway against $227 on an ALB",
			"resource": "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod",
		},
	}
	some r in results
	r.resource == stage_arn
	r.evidence.direction == "apigateway-to-alb"
	r.evidence.requests_per_second == 900
	r.evidence.apigateway_monthly_usd == 8278.2
	r.evidence.monthly_savings_usd > 8000
}

test_quiet_on_light_rest_stage if {
	results := rule.deny with input as {"rest_apis": [rest_api], "metrics": [count_at(1.5)]}
	count(results) == 0
}

test_quiet_without_metrics if {
	results := rule.deny with input as {"rest_apis": [rest_api], "metrics": []}
	count(results) == 0
}

test_uses_longest_window if {
	short := object.union(count_at(900), {"period_seconds": 3600, "value": 900 * 3600})
	long := count_at(1)
	results := rule.deny with input as {"rest_apis": [rest_api], "metrics": [short, long]}
	count(results) == 0
}

alb(scheme) := {"arn": alb_arn, "name": "ops", "type": "application", "scheme": scheme}

requests(rps) := metric(alb_arn, "AWS/ApplicationELB", "RequestCount", "Sum", rps * week)

test_fires_on_idle_alb if {
	results := rule.deny with input as {"load_balancers": [alb("internet-facing")], "metrics": [requests(0.05)]}
	some r in results
	r.resource == alb_arn
	r.evidence.direction == "alb-to-apigateway"
	r.evidence.alb_monthly_usd > 16
}

test_quiet_on_busy_alb if {
	results := rule.deny with input as {"load_balancers": [alb("internet-facing")], "metrics": [requests(800)]}
	count(results) == 0
}

test_consumed_lcus_override_estimate if {
	lcus := metric(alb_arn, "AWS/ApplicationELB", "ConsumedLCUs", "Average", 10)
	results := rule.deny with input as {"load_balancers": [alb("internet-facing")], "metrics": [requests(3), lcus]}
	count(results) == 1
}

test_minimum_savings_come_from_config if {
	results := rule.deny with input as {"load_balancers": [alb("internet-facing")], "metrics": [requests(0.05)]} with data.gatewatch.config.thresholds.cost_min_monthly_savings as 100
	count(results) == 0
}

test_quiet_on_light_alb_without_lcu_metric if {
	results := rule.deny with input as {"load_balancers": [alb("internet-facing")], "metrics": [requests(3)]}
	count(results) == 0
}
