# METADATA
# title: ALB HTTP listener does not redirect to HTTPS
# description: |
#   An Application Load Balancer has an HTTP listener that serves or forwards
#   requests instead of redirecting every one of them to HTTPS. Clients that
#   start on http:// then send credentials, cookies and data in clear text.
# custom:
#   inputs: [listener_rules, listeners, load_balancers]
#   id: GW207
#   severity: medium
#   resource_types:
#     - AWS::ElasticLoadBalancingV2::LoadBalancer
#   controls:
#     - SecurityHub:ELB.1
#     - AWSConfig:alb-http-to-https-redirection-check
#   remediation: |
#     Make the HTTP listener's default action a redirect to HTTPS (port 443,
#     status HTTP_301) and remove listener rules that forward plain HTTP.
#   details: |
#     **Why it matters.** A redirect keeps old links working while making
#     sure no request is served in clear text. Add HSTS on the HTTPS side so
#     browsers skip http:// altogether.
#
#     **What triggers it.** An ALB with an HTTP listener whose default action
#     is not a redirect to HTTPS, or with a rule that forwards requests or
#     redirects to a protocol other than HTTPS.
#
#     **Evidence.** `listeners`: port and the offending actions of each
#     HTTP listener.
#
#     **Fix.**
#     ```sh
#     aws elbv2 modify-listener --listener-arn LISTENER_ARN --default-actions \
#       'Type=redirect,RedirectConfig={Protocol=HTTPS,Port=443,StatusCode=HTTP_301}'
#     ```
#     In Terraform:
#     ```hcl
#     resource "aws_lb_listener" "http" {
#       port     = 80
#       protocol = "HTTP"
#       default_action {
#         type = "redirect"
#         redirect {
#           protocol    = "HTTPS"
#           port        = "443"
#           status_code = "HTTP_301"
#         }
#       }
#     }
#     ```
package gatewatch.rules.gw207_http_to_https_redirect

import data.gatewatch.lib
import rego.v1

https_redirect(action) if {
	action.type == "redirect"
	upper(action.redirect.protocol) == "HTTPS"
}

# Why an HTTP listener fails: its default action and each rule that does
# anything but redirect to HTTPS (fixed responses carry no user data).
offences(l) := array.concat(
	[sprintf("default action %s", [a.type]) | some a in l.default_actions; not https_redirect(a)],
	[sprintf("rule %s %s", [r.priority, a.type]) |
		some r in l.rules
		not r.is_default
		some a in r.actions
		a.type in {"forward", "redirect"}
		not https_redirect(a)
	],
)

deny contains result if {
	some lb in input.load_balancers
	lb.type == "application"
	bad := {sprintf("HTTP:%d", [l.port]): o |
		some l in lb.listeners
		l.protocol == "HTTP"
		o := offences(l)
		count(o) > 0
	}
	count(bad) > 0
	result := lib.result(
		lb.arn,
		sprintf("ALB %s serves plain HTTP on %s instead of redirecting to HTTPS", [lb.name, concat(", ", sort(object.keys(bad)))]),
		{"listeners": bad},
	)
}
