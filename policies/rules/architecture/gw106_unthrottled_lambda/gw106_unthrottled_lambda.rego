# METADATA
# title: Lambda behind an ALB with nothing to throttle it
# description: |
#   A Lambda function is the target of an ALB target group, has no reserved
#   concurrency, and no web ACL with a rate-based rule that acts (a rule in
#   COUNT mode only counts) sits on the ALB (or on a CloudFront
#   distribution in front of it). An ALB has no per-client
#   throttling of its own, so a burst of requests scales the function until
#   it exhausts the account's concurrency and throttles every other function
#   in the region, and the bill follows.
# custom:
#   inputs: [cloudfront_distributions, domain_mappings, domain_names, lambda_functions, listener_rules, listeners, load_balancers, rest_apis, rest_resources, rest_stages, target_groups, target_health, v2_apis, v2_integrations, v2_stages, vpc_links, web_acl_associations, web_acls]
#   id: GW106
#   severity: medium
#   resource_types:
#     - AWS::Lambda::Function
#   controls: []
#   remediation: |
#     Give the function reserved concurrency sized for its peak
#     (`aws lambda put-function-concurrency --function-name NAME --reserved-concurrent-executions 50`)
#     and add a rate-based rule to the ALB's web ACL. If callers need keys,
#     quotas or validation, front the function with API Gateway instead.
#   details: |
#     **Why it matters.** Behind API Gateway a Lambda function has stage and
#     per-key throttles in front of it; behind an ALB it has nothing. A burst
#     scales it to the account's concurrency limit, throttling every other
#     function in the region, and the bill scales with it.
#
#     **What triggers it.** A function registered in a target group of type
#     `lambda` attached to a load balancer, with no reserved concurrency,
#     when no web ACL with a rate-based rule sits on that load balancer or on
#     a CloudFront distribution whose origin is its DNS name. A rate-based
#     rule whose action is COUNT or ALLOW does not count as one: AWS WAF
#     applies the rule's action to the requests over its limit, and COUNT
#     only counts them while ALLOW forwards them (BLOCK, CAPTCHA and
#     CHALLENGE do stop them).
#
#     **Evidence.** `target_group`, `load_balancers`, `reserved_concurrency`
#     (null), `rate_based_rules` (empty), `counting_rate_based_rules`
#     (rate-based rules whose action is COUNT or ALLOW, which throttle
#     nothing).
#
#     **Fix.**
#     ```sh
#     aws lambda put-function-concurrency --function-name NAME --reserved-concurrent-executions 50
#     ```
#     In Terraform:
#     ```hcl
#     resource "aws_lambda_function" "reports" {
#       reserved_concurrent_executions = 50
#     }
#     ```
package gatewatch.rules.gw106_unthrottled_lambda

import data.gatewatch.lib
import rego.v1

deny contains result if {
	some tg in input.target_groups
	tg.target_type == "lambda"
	count(tg.load_balancer_arns) > 0
	some fn_arn in object.get(lib.target_functions, tg.arn, set())
	fn := lib.lambda_by_arn[fn_arn]
	not fn.reserved_concurrency
	albs := [lib.load_balancers_by_arn[arn] | some arn in tg.load_balancer_arns]
	rules := {r | some lb in albs; some r in rate_based_rules(lb)}
	count({r | some r in rules; lib.rate_limiting_rule(r.rule)}) == 0
	passing := {r | some r in rules; not lib.rate_limiting_rule(r.rule)}
	counting := sort([r.name | some r in passing])
	result := lib.result(
		fn.arn,
		sprintf("Lambda %s serves target group %s behind %s with no reserved concurrency and no rate-based WAF rule%s", [fn.name, tg.name, concat(", ", sort([lb.name | some lb in albs])), count_note(passing)]),
		{
			"target_group": tg.arn,
			"load_balancers": sort([lb.arn | some lb in albs]),
			"reserved_concurrency": null,
			"rate_based_rules": [],
			"counting_rate_based_rules": counting,
		},
	)
}

# Rate-based rules of the web ACLs on the ALB itself or on a CloudFront
# distribution in front of it, named "acl/rule".
rate_based_rules(lb) := {{"name": sprintf("%s/%s", [acl.name, r.name]), "rule": r} |
	some acl_arn in acls_for_lb(lb)
	acl := lib.web_acls_by_arn[acl_arn]
	some r in acl.rules
	r.statement_type == "rate_based"
}

# A rate-based rule whose action is COUNT only counts the requests over its
# limit, one whose action is ALLOW forwards them: neither throttles.
count_note(passing) := "" if {
	count(passing) == 0
} else := sprintf(" (%s, which lets requests over the limit through)", [concat("; ", sort([sprintf("rate-based rule %s has action %s", [r.name, upper(r.rule.action)]) | some r in passing]))])

acls_for_lb(lb) := object.get(lib.web_acls_for, lb.arn, set()) | {d.web_acl_id |
	some d in lib.fronting(lb.arn)
	d.web_acl_id != ""
}
