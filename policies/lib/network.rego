# Network helpers of the rule library: who can reach a load balancer, from
# its security groups. An internet-facing ALB whose groups admit only private
# ranges is not an internet entry point in practice.
package gatewatch.lib

import rego.v1

# Ranges that are not reachable from the internet: RFC 1918, carrier-grade
# NAT (RFC 6598), loopback, link-local, and IPv6 unique-local and link-local.
private_ranges := [
	"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
	"127.0.0.0/8", "169.254.0.0/16", "fc00::/7", "fe80::/10",
]

private_cidr(cidr) if {
	some r in private_ranges
	net.cidr_contains(r, cidr)
}

security_groups_by_key := {sprintf("%s/%s/%s", [sg.account, sg.region, sg.id]): sg | some sg in input.security_groups}

# Ingress rules of a load balancer's security groups; undefined when any
# group is missing from the snapshot, so missing data never hides a finding.
lb_ingress(lb) := rules if {
	groups := [sg |
		some id in lb.security_groups
		sg := security_groups_by_key[sprintf("%s/%s/%s", [lb.account, lb.region, id])]
	]
	count(groups) == count(lb.security_groups)
	rules := [rule | some sg in groups; some rule in sg.ingress]
}

# The ingress rules of a load balancer's security groups that admit
# traffic to one of its listeners: a load balancer answers on its listener
# ports alone, so a rule for another port (SSH, say) lets nobody in. With no
# listener known, every rule counts.
listener_ingress(lb) := [rule | some rule in lb_ingress(lb); admits_a_port(rule, ports)] if {
	ports := {l.port | some l in object.get(lb, "listeners", [])}
	count(ports) > 0
} else := lb_ingress(lb)

# A rule of every protocol ("-1") admits every port; a TCP rule admits its
# port range. Load balancer listeners (HTTP, HTTPS, TCP, TLS) are TCP; UDP
# listeners of NLBs have no security group check here.
admits_a_port(rule, _) if rule.protocol == "-1"

admits_a_port(rule, ports) if {
	lower(rule.protocol) in {"tcp", "6"}
	some p in ports
	rule.from_port <= p
	p <= rule.to_port
}

# True when the load balancer has security groups, all known, that admit
# to its listeners only private address ranges or other security groups.
only_private_ingress(lb) if {
	count(lb.security_groups) > 0
	rules := listener_ingress(lb)
	every rule in rules {
		count(object.get(rule, "prefix_list_ids", [])) == 0
		every c in object.get(rule, "cidrs", []) {
			private_cidr(c)
		}
		every c in object.get(rule, "ipv6_cidrs", []) {
			private_cidr(c)
		}
	}
}

# An internet-facing ALB that clients on the internet can actually reach.
internet_reachable_alb(lb) if {
	internet_facing_alb(lb)
	not only_private_ingress(lb)
}
