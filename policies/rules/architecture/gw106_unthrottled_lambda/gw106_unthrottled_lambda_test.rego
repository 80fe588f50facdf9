package gatewatch.rules.gw106_unthrottled_lambda_test

import data.gatewatch.rules.gw106_unthrottled_lambda as rule
import rego.v1

alb_arn := "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/reports/1"

fn_arn := "arn:aws:lambda:eu-west-1:111122223333:function:reports"

alb := {"arn": alb_arn, "name": "reports", "type": "application", "scheme": "internet-facing", "dns_name": "reports-1.eu-west-1.elb.amazonaws.com", "listeners": []}

tg := {
	"arn": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/reports-lambda/9", "name": "reports-lambda",
	"target_type": "lambda", "load_balancer_arns": [alb_arn], "targets": [{"id": sprintf("%s:live", [fn_arn])}],
}

fn(extra) := object.union({"arn": fn_arn, "name": "reports", "timeout_seconds": 30}, extra)

acl(statement) := {
	"arn": "arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/reports/1", "name": "reports", "scope": "REGIONAL",
	"rules": [{"name": "limit", "priority": 0, "action": "BLOCK", "statement_type": statement, "rate_limit": 2000}],
	"associated_resources": [alb_arn],
}

test_fires_without_reserved_concurrency_or_rate_rule if {
	results := rule.deny with input as {"target_groups": [tg], "lambda_functions": [fn({})], "load_balancers": [alb], "web_acls": [], "cloudfront_distributions": []}
	results == {{
		"resource": fn_arn,
		"message": "Lambda reports serves target group reports-lambda behind reports with no reserved concurrency and no rate-based WAF rule",
		"evidence": {
			"target_group": tg.arn,
			"load_balancers": [alb_arn],
			"reserved_concurrency": null,
			"rate_based_rules": [],
			"counting_rate_based_rules": [],
		},
	}}
}

# A rate-based rule in COUNT mode lets every request through.
test_fires_when_rate_rule_only_counts if {
	counting := json.patch(acl("rate_based"), [{"op": "replace", "path": "/rules/0/action", "value": "COUNT"}])
	results := rule.deny with input as {"target_groups": [tg], "lambda_functions": [fn({})], "load_balancers": [alb], "web_acls": [counting], "cloudfront_distributions": []}
	some r in results
	r.evidence.counting_rate_based_rules == ["reports/limit"]
	r.message == "Lambda reports serves target group reports-lambda behind reports with no reserved concurrency and no rate-based WAF rule (rate-based rule reports/limit has action COUNT, which lets requests over the limit through)"
}

# A rate-based rule applies its action to the requests over its limit:
# ALLOW forwards them to the function.
test_fires_when_rate_rule_allows if {
	allowing := json.patch(acl("rate_based"), [{"op": "replace", "path": "/rules/0/action", "value": "ALLOW"}])
	results := rule.deny with input as {"target_groups": [tg], "lambda_functions": [fn({})], "load_balancers": [alb], "web_acls": [allowing], "cloudfront_distributions": []}
	{r.evidence.counting_rate_based_rules | some r in results} == {["reports/limit"]}
}

test_quiet_when_rate_rule_challenges if {
	challenging := json.patch(acl("rate_based"), [{"op": "replace", "path": "/rules/0/action", "value": "CHALLENGE"}])
	results := rule.deny with input as {"target_groups": [tg], "lambda_functions": [fn({})], "load_balancers": [alb], "web_acls": [challenging], "cloudfront_distributions": []}
	count(results) == 0
}

test_fires_when_acl_has_no_rate_rule if {
	results := rule.deny with input as {"target_groups": [tg], "lambda_functions": [fn({})], "load_balancers": [alb], "web_acls": [acl("managed_rule_group")], "cloudfront_distributions": []}
	count(results) == 1
}

test_quiet_with_reserved_concurrency if {
	results := rule.deny with input as {"target_groups": [tg], "lambda_functions": [fn({"reserved_concurrency": 50})], "load_balancers": [alb], "web_acls": [], "cloudfront_distributions": []}
	count(results) == 0
}

test_quiet_with_rate_based_rule if {
	results := rule.deny with input as {"target_groups": [tg], "lambda_functions": [fn({})], "load_balancers": [alb], "web_acls": [acl("rate_based")], "cloudfront_distributions": []}
	count(results) == 0
}

test_quiet_with_rate_rule_on_cloudfront_in_front if {
	cf_acl := object.union(acl("rate_based"), {"arn": "arn:aws:wafv2:us-east-1:111122223333:global/webacl/cf/2", "scope": "CLOUDFRONT", "associated_resources": []})
	dist := {"arn": "arn:aws:cloudfront::111122223333:distribution/E1", "id": "E1", "enabled": true, "web_acl_id": cf_acl.arn, "origins": [{"id": "o", "domain_name": alb.dns_name}]}
	results := rule.deny with input as {"target_groups": [tg], "lambda_functions": [fn({})], "load_balancers": [alb], "web_acls": [cf_acl], "cloudfront_distributions": [dist]}
	count(results) == 0
}

test_quiet_when_target_group_unattached if {
	detached := object.union(tg, {"load_balancer_arns": []})
	results := rule.deny with input as {"target_groups": [detached], "lambda_functions": [fn({})], "load_balancers": [alb], "web_acls": [], "cloudfront_distributions": []}
	count(results) == 0
}
