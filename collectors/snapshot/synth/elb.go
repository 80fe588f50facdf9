package synth

import (
	"fmt"
	"strconv"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// albKind is the role a load balancer plays; each carries its own
// typical mistakes.
type albKind int

const (
	albPublicWeb albKind = iota // internet-facing web front end
	albInternal                 // internal service ALB, the target of API proxies
	albLambda                   // internet-facing, Lambda target groups
	albWebSocket                // long-lived connections
	albMisfaced                 // internet-facing but only internal clients reach it
)

func (g *gen) alb(rc *regionCtx, n, listeners, rules int) {
	kind := oneOf(g, albPublicWeb, albPublicWeb, albInternal, albInternal, albLambda, albWebSocket, albMisfaced)
	name := fmt.Sprintf("%s-%s-%d", rc.team, []string{"web", "svc", "fn", "ws", "admin"}[kind], n)
	hexID := g.token(hexDigits, 16)
	scheme := "internet-facing"
	if kind == albInternal {
		scheme = "internal"
	}
	dns := fmt.Sprintf("%s-%d.%s.elb.amazonaws.com", name, 1000000000+g.r.IntN(999999999), rc.region)
	if scheme == "internal" {
		dns = "internal-" + dns
	}
	arn := fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:loadbalancer/app/%s/%s", rc.region, rc.id, name, hexID)
	idle := oneOf(g, "60", "60", "120", "300", "3600")
	if kind == albWebSocket {
		idle = oneOf(g, "60", "3600")
	}
	lb := snapshot.LoadBalancer{
		ARN: arn, Account: rc.id, Region: rc.region, Name: name, Type: "application", Scheme: scheme,
		DNSName: dns, VPCID: "vpc-" + g.token(hexDigits, 17), IPAddressType: "ipv4", State: "active",
		AvailabilityZones: []string{rc.region + "a", rc.region + "b", rc.region + "c"},
		Attributes: map[string]string{
			"idle_timeout.timeout_seconds":                    idle,
			"access_logs.s3.enabled":                          strconv.FormatBool(g.chance(0.6)),
			"deletion_protection.enabled":                     strconv.FormatBool(g.chance(0.5)),
			"routing.http.drop_invalid_header_fields.enabled": strconv.FormatBool(g.chance(0.4)),
			"routing.http.desync_mitigation_mode":             oneOf(g, "defensive", "defensive", "strictest", "monitor"),
			"routing.http2.enabled":                           "true",
		},
		Tags: g.tags(rc.team, 0.75),
	}
	if g.chance(0.1) {
		lb.Tags["gatewatch:high-value"] = "true"
	}
	if kind == albWebSocket && g.chance(0.5) {
		lb.Tags["gatewatch:websocket"] = "true"
	}
	sg := g.securityGroup(rc, name, kind)
	lb.SecurityGroups = []string{sg}

	// Target groups first: the listener rules forward to them.
	tgs := g.targetGroups(rc, name, arn, kind, 1+min(rules/4, 2))
	lb.Listeners = g.listeners(rc, name, hexID, kind, tgs, listeners, rules)
	g.s.LoadBalancers = append(g.s.LoadBalancers, lb)
	g.count += 1 + len(lb.Listeners)
	for _, l := range lb.Listeners {
		g.count += len(l.Rules)
	}
	ref := refOf(lb)
	switch {
	case kind == albInternal:
		rc.internalLBs = append(rc.internalLBs, ref)
	case kind != albMisfaced:
		rc.publicLBs = append(rc.publicLBs, ref)
		rc.publicALBs = append(rc.publicALBs, ref)
	}
	g.alarms(rc, "AWS/ApplicationELB", map[string]string{"LoadBalancer": "app/" + name + "/" + hexID}, name, []string{"HTTPCode_ELB_5XX_Count", "TargetResponseTime"})
	requests := oneOf(g, 0.0, 50.0, 2e5, 3e7, 9e7) // requests per day: idle to busy
	g.metric(rc, arn, "AWS/ApplicationELB", "RequestCount", "Sum", requests)
	g.metric(rc, arn, "AWS/ApplicationELB", "ConsumedLCUs", "Sum", requests/2e5)
}

// listeners builds an HTTPS listener carrying the routing rules and, for
// public ALBs, an HTTP listener that redirects (or, as a mistake, forwards).
func (g *gen) listeners(rc *regionCtx, name, lbHex string, kind albKind, tgs []string, count, rules int) []snapshot.Listener {
	var out []snapshot.Listener
	for i := range count {
		lhex := g.token(hexDigits, 16)
		l := snapshot.Listener{
			ARN:      fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:listener/app/%s/%s/%s", rc.region, rc.id, name, lbHex, lhex),
			Protocol: "HTTPS", Port: 443 + i,
			Tags: snapshot.Tags{},
		}
		redirect := false
		switch {
		case i == 0 && count > 1 && kind != albInternal:
			l.Protocol, l.Port = "HTTP", 80
			redirect = g.chance(0.8)
		case kind == albInternal && i == 0:
			l.Protocol, l.Port = "HTTP", 80
		default:
			l.SSLPolicy = oneOf(g, "ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-2016-08", "ELBSecurityPolicy-TLS-1-0-2015-04")
			l.Certificates = []string{fmt.Sprintf("arn:aws:acm:%s:%s:certificate/%s", rc.region, rc.id, g.uuid())}
		}
		def := snapshot.Action{Type: "forward", Order: 1, TargetGroupARNs: []string{tgs[0]}}
		if redirect {
			def = snapshot.Action{Type: "redirect", Order: 1, Redirect: &snapshot.Redirect{Protocol: "HTTPS", Port: "443", StatusCode: "HTTP_301"}}
		} else if g.chance(0.2) {
			def = snapshot.Action{Type: "fixed-response", Order: 1, FixedResponse: &snapshot.FixedResponse{StatusCode: "404", ContentType: "text/plain"}}
		}
		l.DefaultActions = []snapshot.Action{def}
		if !redirect {
			for j := range rules {
				r := g.listenerRule(rc, name, lbHex, lhex, j, tgs)
				if kind == albWebSocket && j == 0 {
					// Upgrade requests routed to their own target group.
					r.Conditions = []snapshot.RuleCondition{{Field: "http-header", HeaderName: "Upgrade", Values: []string{"websocket"}}}
				}
				l.Rules = append(l.Rules, r)
			}
		}
		l.Rules = append(l.Rules, snapshot.ListenerRule{
			ARN:      fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:listener-rule/app/%s/%s/%s/%s", rc.region, rc.id, name, lbHex, lhex, g.token(hexDigits, 16)),
			Priority: "default", IsDefault: true, Actions: l.DefaultActions, Tags: snapshot.Tags{},
		})
		out = append(out, l)
	}
	return out
}

func (g *gen) listenerRule(rc *regionCtx, name, lbHex, lhex string, n int, tgs []string) snapshot.ListenerRule {
	cond := snapshot.RuleCondition{Field: "path-pattern", Values: []string{fmt.Sprintf("/%s/%d/*", words[n%len(words)], n)}}
	if g.chance(0.25) {
		cond = snapshot.RuleCondition{Field: "host-header", Values: []string{fmt.Sprintf("%s-%d.%s.example.com", words[n%len(words)], n, rc.team)}}
	}
	return snapshot.ListenerRule{
		ARN:        fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:listener-rule/app/%s/%s/%s/%s", rc.region, rc.id, name, lbHex, lhex, g.token(hexDigits, 16)),
		Priority:   strconv.Itoa(10 * (n + 1)),
		Conditions: []snapshot.RuleCondition{cond},
		Actions:    []snapshot.Action{{Type: "forward", Order: 1, TargetGroupARNs: []string{tgs[n%len(tgs)]}}},
		Tags:       g.tags(rc.team, 0.6),
	}
}

func (g *gen) targetGroups(rc *regionCtx, lbName, lbARN string, kind albKind, n int) []string {
	var arns []string
	for i := range n {
		name := fmt.Sprintf("%s-tg%d", lbName, i)
		if len(name) > 32 { // AWS limit on target group names
			name = name[len(name)-32:]
		}
		tg := snapshot.TargetGroup{
			ARN:     fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:targetgroup/%s/%s", rc.region, rc.id, name, g.token(hexDigits, 16)),
			Account: rc.id, Region: rc.region, Name: name,
			TargetType: oneOf(g, "instance", "ip"), Protocol: "HTTP", ProtocolVersion: "HTTP1", Port: 8080,
			VPCID:            "vpc-" + g.token(hexDigits, 17),
			LoadBalancerARNs: []string{lbARN},
			HealthCheck:      snapshot.HealthCheck{Enabled: true, Protocol: "HTTP", Path: "/health", IntervalSeconds: 30, TimeoutSeconds: 5, HealthyThreshold: 5, UnhealthyThreshold: 2, Matcher: "200"},
			Attributes: map[string]string{
				"deregistration_delay.timeout_seconds": oneOf(g, "300", "30", "0"),
				"slow_start.duration_seconds":          oneOf(g, "0", "0", "30"),
				"stickiness.enabled":                   strconv.FormatBool(kind == albWebSocket && g.chance(0.5)),
			},
			Tags: g.tags(rc.team, 0.7),
		}
		if kind == albLambda {
			fn := g.function(rc, lbName+"-handler-"+strconv.Itoa(i))
			tg.TargetType, tg.Protocol, tg.ProtocolVersion, tg.Port, tg.VPCID = "lambda", "", "", 0, ""
			tg.HealthCheck = snapshot.HealthCheck{Enabled: false}
			tg.Attributes = map[string]string{"lambda.multi_value_headers.enabled": "false"}
			id := fn
			if g.chance(0.3) {
				id += ":live" // aliases are common targets
			}
			tg.Targets = []snapshot.Target{{ID: id, HealthState: "healthy"}}
		} else {
			for t := range 2 + g.r.IntN(3) {
				tg.Targets = append(tg.Targets, snapshot.Target{
					ID: fmt.Sprintf("10.%d.%d.%d", g.r.IntN(256), g.r.IntN(256), 1+t), Port: 8080,
					AvailabilityZone: rc.region + string(rune('a'+t%3)), HealthState: oneOf(g, "healthy", "healthy", "healthy", "unhealthy"),
				})
			}
		}
		g.s.TargetGroups = append(g.s.TargetGroups, tg)
		g.count++
		arns = append(arns, tg.ARN)
	}
	return arns
}

// nlb is a network load balancer, the kind REST API VPC links target.
func (g *gen) nlb(rc *regionCtx, n int) {
	name := fmt.Sprintf("%s-nlb-%d", rc.team, n)
	hexID := g.token(hexDigits, 16)
	arn := fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:loadbalancer/net/%s/%s", rc.region, rc.id, name, hexID)
	lb := snapshot.LoadBalancer{
		ARN: arn, Account: rc.id, Region: rc.region, Name: name, Type: "network", Scheme: "internal",
		DNSName:           fmt.Sprintf("%s-%s.elb.%s.amazonaws.com", name, g.token(hexDigits, 10), rc.region),
		VPCID:             "vpc-" + g.token(hexDigits, 17),
		AvailabilityZones: []string{rc.region + "a", rc.region + "b"}[:1+g.r.IntN(2)],
		Attributes:        map[string]string{"load_balancing.cross_zone.enabled": "false", "deletion_protection.enabled": "false"},
		Tags:              g.tags(rc.team, 0.8),
		Listeners: []snapshot.Listener{{
			ARN:      fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:listener/net/%s/%s/%s", rc.region, rc.id, name, hexID, g.token(hexDigits, 16)),
			Protocol: "TCP", Port: 80, Tags: snapshot.Tags{},
		}},
	}
	tgs := g.targetGroups(rc, name, arn, albInternal, 1)
	lb.Listeners[0].DefaultActions = []snapshot.Action{{Type: "forward", TargetGroupARNs: tgs}}
	g.s.LoadBalancers = append(g.s.LoadBalancers, lb)
	g.count += 2
	rc.nlbs = append(rc.nlbs, refOf(lb))
}

func (g *gen) securityGroup(rc *regionCtx, lbName string, kind albKind) string {
	id := "sg-" + g.token(hexDigits, 17)
	ingress := []snapshot.IngressRule{{Protocol: "tcp", FromPort: 443, ToPort: 443, CIDRs: []string{"0.0.0.0/0"}, IPv6CIDRs: []string{"::/0"}}}
	switch kind {
	case albInternal, albMisfaced:
		ingress = []snapshot.IngressRule{{Protocol: "tcp", FromPort: 80, ToPort: 443, CIDRs: []string{"10.0.0.0/8"}}}
	case albPublicWeb:
		if g.chance(0.7) {
			ingress = append(ingress, snapshot.IngressRule{Protocol: "tcp", FromPort: 80, ToPort: 80, CIDRs: []string{"0.0.0.0/0"}})
		}
	}
	g.s.SecurityGroups = append(g.s.SecurityGroups, snapshot.SecurityGroup{
		ARN: fmt.Sprintf("arn:aws:ec2:%s:%s:security-group/%s", rc.region, rc.id, id), Account: rc.id, Region: rc.region,
		ID: id, Name: lbName + "-sg", VPCID: "vpc-" + g.token(hexDigits, 17), Ingress: ingress,
	})
	g.count++
	return id
}

// lbRef is what other resources need to point at a load balancer.
type lbRef struct {
	arn, name, dns string
	listenerARN    string // the last listener: HTTPS where there is one
}

func refOf(lb snapshot.LoadBalancer) lbRef {
	return lbRef{arn: lb.ARN, name: lb.Name, dns: lb.DNSName, listenerARN: lb.Listeners[len(lb.Listeners)-1].ARN}
}
