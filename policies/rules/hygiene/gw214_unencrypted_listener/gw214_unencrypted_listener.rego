# METADATA
# title: Load balancer listener without HTTPS or TLS
# description: |
#   A listener of an ALB serves plain HTTP, or a listener of an NLB plain
#   TCP or UDP, so traffic between clients and the load balancer is not
#   encrypted. An HTTP listener whose every action redirects to HTTPS is
#   the fix GW207 (Security Hub ELB.1) asks for and serves nothing in
#   plain text, so it passes by default; Security Hub ELB.18 fails it too,
#   and strict_elb18: true in the configuration reports it the same way.
# custom:
#   inputs: [listener_rules, listeners, load_balancers]
#   id: GW214
#   severity: medium
#   resource_types:
#     - AWS::ElasticLoadBalancingV2::Listener
#   controls:
#     - SecurityHub:ELB.18
#     - AWSConfig:elbv2-listener-encryption-in-transit
#     - Prowler:elbv2_ssl_listeners
#     - Prowler:elbv2_nlb_tls_termination_enabled
#   remediation: |
#     Serve the listener over HTTPS (ALB) or TLS (NLB) with an ACM
#     certificate and a recommended security policy; keep port 80 only as a
#     redirect to HTTPS if clients need it.
#   details: |
#     **Why it matters.** Credentials, cookies and payloads on an
#     unencrypted listener can be read and altered by anyone on the path.
#
#     **What triggers it.** An ALB listener whose protocol is not HTTPS, or
#     an NLB listener whose protocol is not TLS, as AWS Config
#     elbv2-listener-encryption-in-transit checks, except an ALB HTTP
#     listener whose default and rule actions all redirect to HTTPS: the
#     request it receives carries whatever the client sent in the clear
#     (so the first request of a client that typed http:// is still
#     exposed), but no response or backend traffic is plain, and HSTS on the
#     HTTPS side closes the rest. Set `strict_elb18: true` for Security Hub
#     ELB.18 parity, which fails redirect-only listeners as well. Gateway
#     Load Balancer listeners (GENEVE) are not checked.
#
#     **Evidence.** `protocol`, `port`, `redirects_to_https` (true when every
#     action of the listener is a redirect to HTTPS, reported only with
#     `strict_elb18`).
#
#     **Fix.**
#     ```sh
#     aws elbv2 create-listener --load-balancer-arn LB_ARN --protocol HTTPS --port 443 \
#       --certificates CertificateArn=CERT_ARN --ssl-policy ELBSecurityPolicy-TLS13-1-2-2021-06 \
#       --default-actions Type=forward,TargetGroupArn=TG_ARN
#     ```
#     In Terraform:
#     ```hcl
#     resource "aws_lb_listener" "https" {
#       protocol        = "HTTPS"
#       port            = 443
#       certificate_arn = aws_acm_certificate.web.arn
#       ssl_policy      = "ELBSecurityPolicy-TLS13-1-2-2021-06"
#     }
#     ```
package gatewatch.rules.gw214_unencrypted_listener

import data.gatewatch.lib
import rego.v1

encrypted := {"application": "HTTPS", "network": "TLS"}

redirects_to_https(l) if {
	actions := array.concat(l.default_actions, [a | some r in l.rules; some a in r.actions])
	count(actions) > 0
	every a in actions {
		a.type == "redirect"
		upper(a.redirect.protocol) == "HTTPS"
	}
} else := false

# A listener that only redirects to HTTPS passes unless the configuration
# asks for Security Hub ELB.18 parity.
exempt(l) if {
	not lib.config.strict_elb18
	redirects_to_https(l)
}

deny contains result if {
	some lb in input.load_balancers
	want := encrypted[lb.type]
	some l in lb.listeners
	l.protocol != want
	not exempt(l)
	redirect := redirects_to_https(l)
	result := lib.result(
		l.arn,
		sprintf("listener %s:%d of %s load balancer %s is not encrypted (%s expected)%s", [l.protocol, l.port, lb.type, lb.name, want, strict_note(redirect)]),
		{"protocol": l.protocol, "port": l.port, "redirects_to_https": redirect},
	)
}

strict_note(true) := "; it only redirects to HTTPS, which Security Hub ELB.18 still fails (strict_elb18)"

strict_note(false) := ""
