# METADATA
# title: Load balancer listener without HTTPS or TLS
# description: |
#   A listener of an ALB serves plain HTTP, or a listener of an NLB
#   forwards TCP or UDP without terminating TLS, so the load balancer
#   neither encrypts the traffic between clients and itself nor checks that
#   it is encrypted. An HTTP listener whose every action redirects to HTTPS
#   (the fix GW207, Security Hub ELB.1, asks for) and an NLB QUIC listener
#   (QUIC is encrypted by the protocol itself) pass by default; Security Hub
#   ELB.18 fails both, and strict_elb18: true in the configuration reports
#   them the same way.
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
#     redirect to HTTPS if clients need it. Where the targets must terminate
#     TLS themselves (a TCP:443 pass-through), suppress the finding with a
#     reason (suppressions file or a gatewatch:ignore tag): the load
#     balancer cannot show the traffic is encrypted.
#   details: |
#     **Why it matters.** Credentials, cookies and payloads on an
#     unencrypted listener can be read and altered by anyone on the path.
#     A listener that does not terminate TLS leaves encryption to every
#     client and target, and nothing on the load balancer enforces it.
#
#     **What triggers it.** An ALB listener whose protocol is not HTTPS, or
#     an NLB listener whose protocol is not TLS, as AWS Config
#     elbv2-listener-encryption-in-transit checks, with two exceptions.
#     An ALB HTTP listener whose default and rule actions all redirect to
#     HTTPS: the request it receives carries whatever the client sent in the
#     clear (so the first request of a client that typed http:// is still
#     exposed), but no response or backend traffic is plain, and HSTS on the
#     HTTPS side closes the rest. An NLB QUIC listener: QUIC (RFC 9000)
#     carries TLS 1.3 inside the protocol, and the NLB passes it through to
#     the targets without decrypting it, so no byte crosses in clear; AWS
#     Config counts QUIC as encrypted for target groups
#     (elbv2-targetgroup-protocol-encrypted). Set `strict_elb18: true` for
#     Security Hub ELB.18 parity, which fails both.
#
#     A TCP_QUIC listener fires: it accepts QUIC and plain TCP on one port,
#     and its TCP side is as unverified as a TCP listener's (AWS Config
#     counts only HTTPS, TLS and QUIC target groups as encrypted). A TCP:443
#     listener fires too, although AWS documents it for TLS pass-through to
#     targets that decrypt themselves: the load balancer cannot tell TLS
#     from plain bytes, and ELB.18 fails it. For NLB listeners the message
#     says the listener does not terminate TLS rather than that its traffic
#     is plain. Gateway Load Balancer listeners (GENEVE) are not checked.
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

# QUIC runs TLS 1.3 inside the transport (RFC 9001) and an NLB passes it
# through undecrypted. TCP_QUIC is not here: its TCP side may be plain.
end_to_end_encrypted(lb, l) if {
	lb.type == "network"
	l.protocol == "QUIC"
}

# A listener that only redirects to HTTPS, or an NLB QUIC listener, passes
# unless the configuration asks for Security Hub ELB.18 parity.
exempt(_, l) if {
	not lib.config.strict_elb18
	redirects_to_https(l)
}

exempt(lb, l) if {
	not lib.config.strict_elb18
	end_to_end_encrypted(lb, l)
}

deny contains result if {
	some lb in input.load_balancers
	want := encrypted[lb.type]
	some l in lb.listeners
	l.protocol != want
	not exempt(lb, l)
	redirect := redirects_to_https(l)
	result := lib.result(
		l.arn,
		sprintf("listener %s:%d of %s load balancer %s %s (%s expected)%s", [l.protocol, l.port, lb.type, lb.name, verdict(lb), want, note(lb, l, redirect)]),
		{"protocol": l.protocol, "port": l.port, "redirects_to_https": redirect},
	)
}

# An ALB parses what an HTTP listener receives, so it is plain text. An NLB
# forwards bytes it never reads: they may be TLS the targets terminate.
verdict(lb) := "is not encrypted" if lb.type == "application"

verdict(lb) := "does not terminate TLS" if lb.type == "network"

note(_, _, true) := "; it only redirects to HTTPS, which Security Hub ELB.18 still fails (strict_elb18)"

note(lb, l, false) := "; QUIC is encrypted end to end and passed through, which Security Hub ELB.18 still fails (strict_elb18)" if {
	end_to_end_encrypted(lb, l)
} else := "; its QUIC traffic is encrypted, its TCP traffic only if clients and targets encrypt it themselves" if {
	lb.type == "network"
	l.protocol == "TCP_QUIC"
} else := "; the load balancer passes the traffic through as sent, encrypted only if clients and targets encrypt it themselves" if {
	lb.type == "network"
} else := ""
