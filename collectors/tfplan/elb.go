package tfplan

import (
	"strconv"
	"strings"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// lbAttributes maps aws_lb arguments to the load balancer attributes AWS
// reports, which is what the rules read.
var lbAttributes = map[string]string{
	"idle_timeout":                     "idle_timeout.timeout_seconds",
	"drop_invalid_header_fields":       "routing.http.drop_invalid_header_fields.enabled",
	"desync_mitigation_mode":           "routing.http.desync_mitigation_mode",
	"enable_deletion_protection":       "deletion_protection.enabled",
	"enable_http2":                     "routing.http2.enabled",
	"enable_cross_zone_load_balancing": "load_balancing.cross_zone.enabled",
	"preserve_host_header":             "routing.http.preserve_host_header.enabled",
	"xff_header_processing_mode":       "routing.http.xff_header_processing.mode",
}

var tgAttributes = map[string]string{
	"deregistration_delay":               "deregistration_delay.timeout_seconds",
	"slow_start":                         "slow_start.duration_seconds",
	"load_balancing_algorithm_type":      "load_balancing.algorithm.type",
	"lambda_multi_value_headers_enabled": "lambda.multi_value_headers.enabled",
}

// scalar renders a planned scalar as AWS renders attribute values.
func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, x != ""
	case bool:
		return strconv.FormatBool(x), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	}
	return "", false
}

func (b *builder) loadBalancer(in *instance) {
	v := in.values
	lb := snapshot.LoadBalancer{
		ARN: b.c.attr(in, "arn"), Account: in.account, Region: in.region, Name: lbName(in),
		Type: "application", Scheme: "internet-facing", DNSName: b.c.attr(in, "dns_name"),
		VPCID: str(v, "vpc_id"), IPAddressType: str(v, "ip_address_type"), State: "planned",
		Attributes: map[string]string{}, Tags: b.tags(in), Listeners: []snapshot.Listener{},
		SecurityGroups: b.c.all(in, "security_groups"),
	}
	switch str(v, "load_balancer_type") {
	case "network":
		lb.Type = "network"
	case "gateway":
		lb.Type = "gateway"
	}
	if boolean(v, "internal") {
		lb.Scheme = "internal"
	}
	for k, attr := range lbAttributes {
		if s, ok := scalar(v[k]); ok {
			lb.Attributes[attr] = s
		}
	}
	if al := block(v, "access_logs"); al != nil {
		lb.Attributes["access_logs.s3.enabled"] = strconv.FormatBool(boolean(al, "enabled"))
		if s := str(al, "bucket"); s != "" {
			lb.Attributes["access_logs.s3.bucket"] = s
		}
	} else {
		lb.Attributes["access_logs.s3.enabled"] = "false"
	}
	// ELB takes one subnet per Availability Zone, so the subnets a plan
	// names count the zones even while their IDs are unknown.
	subnets := len(b.c.all(in, "subnets"))
	if n := len(blocks(v, "subnet_mapping")); n > subnets {
		subnets = n
	}
	for i := range subnets {
		lb.AvailabilityZones = append(lb.AvailabilityZones, "planned-zone-"+strconv.Itoa(i+1))
	}
	b.lbs = append(b.lbs, lb)
	b.mark(lb.ARN, in)
}

func (b *builder) listener(in *instance) {
	v := in.values
	l := snapshot.Listener{
		ARN: b.c.attr(in, "arn"), Protocol: strings.ToUpper(str(v, "protocol")), SSLPolicy: str(v, "ssl_policy"),
		Tags: b.tags(in), Rules: []snapshot.ListenerRule{},
	}
	if l.Protocol == "" {
		l.Protocol = "HTTP"
	}
	l.Port, _ = integer(v, "port")
	if cert := b.c.attr(in, "certificate_arn"); str(v, "certificate_arn") != "" || isUnknown(in.unknown, "certificate_arn") {
		l.Certificates = []string{cert}
	}
	l.DefaultActions = b.actions(in, "default_action")
	// AWS lists a listener's default actions as its default rule as well.
	l.Rules = append(l.Rules, snapshot.ListenerRule{
		ARN:      strings.Replace(l.ARN, ":listener/", ":listener-rule/", 1) + "/default",
		Priority: "default", IsDefault: true, Conditions: []snapshot.RuleCondition{}, Actions: l.DefaultActions, Tags: snapshot.Tags{},
	})
	b.listeners[b.c.attr(in, "load_balancer_arn")] = append(b.listeners[b.c.attr(in, "load_balancer_arn")], l)
	b.mark(l.ARN, in)
}

func (b *builder) listenerRule(in *instance) {
	v := in.values
	r := snapshot.ListenerRule{ARN: b.c.attr(in, "arn"), Priority: str(v, "priority"), Tags: b.tags(in),
		Conditions: []snapshot.RuleCondition{}}
	if r.Priority == "" {
		r.Priority = "planned"
	}
	r.Actions = b.actions(in, "action")
	for _, cond := range blocks(v, "condition") {
		for _, f := range []string{"host_header", "path_pattern", "http_request_method", "source_ip"} {
			if c := block(cond, f); c != nil {
				r.Conditions = append(r.Conditions, snapshot.RuleCondition{Field: strings.ReplaceAll(f, "_", "-"), Values: strs(c, "values")})
			}
		}
		if c := block(cond, "http_header"); c != nil {
			r.Conditions = append(r.Conditions, snapshot.RuleCondition{Field: "http-header", HeaderName: str(c, "http_header_name"), Values: strs(c, "values")})
		}
		for _, q := range blocks(cond, "query_string") {
			r.Conditions = append(r.Conditions, snapshot.RuleCondition{Field: "query-string", Values: []string{str(q, "key") + "=" + str(q, "value")}})
		}
	}
	b.rules[b.c.attr(in, "listener_arn")] = append(b.rules[b.c.attr(in, "listener_arn")], r)
	b.mark(r.ARN, in)
}

// actions converts listener or rule action blocks, resolving target group
// ARNs that are known only after apply through the configuration.
func (b *builder) actions(in *instance, key string) []snapshot.Action {
	out := []snapshot.Action{}
	for i, a := range blocks(in.values, key) {
		act := snapshot.Action{Type: str(a, "type")}
		act.Order, _ = integer(a, "order")
		if tg := b.c.nestedRef(in, a["target_group_arn"], []string{key}, []int{i}, "target_group_arn"); tg != "" {
			act.TargetGroupARNs = append(act.TargetGroupARNs, tg)
		}
		if fw := block(a, "forward"); fw != nil {
			for j, tg := range blocks(fw, "target_group") {
				if arn := b.c.nestedRef(in, tg["arn"], []string{key, "forward", "target_group"}, []int{i, 0, j}, "arn"); arn != "" && !contains(act.TargetGroupARNs, arn) {
					act.TargetGroupARNs = append(act.TargetGroupARNs, arn)
				}
			}
		}
		if rd := block(a, "redirect"); rd != nil {
			act.Redirect = &snapshot.Redirect{Protocol: str(rd, "protocol"), Port: str(rd, "port"), Host: str(rd, "host"),
				Path: str(rd, "path"), Query: str(rd, "query"), StatusCode: str(rd, "status_code")}
		}
		if fr := block(a, "fixed_response"); fr != nil {
			act.FixedResponse = &snapshot.FixedResponse{StatusCode: str(fr, "status_code"), ContentType: str(fr, "content_type")}
		}
		out = append(out, act)
	}
	return out
}

func (b *builder) targetGroup(in *instance) {
	v := in.values
	tg := snapshot.TargetGroup{
		ARN: b.c.attr(in, "arn"), Account: in.account, Region: in.region, Name: str(v, "name"),
		TargetType: str(v, "target_type"), Protocol: str(v, "protocol"), ProtocolVersion: str(v, "protocol_version"),
		VPCID: str(v, "vpc_id"), Attributes: map[string]string{}, Tags: b.tags(in), Targets: []snapshot.Target{},
		LoadBalancerARNs: []string{},
	}
	if tg.TargetType == "" {
		tg.TargetType = "instance"
	}
	tg.Port, _ = integer(v, "port")
	for k, attr := range tgAttributes {
		if s, ok := scalar(v[k]); ok {
			tg.Attributes[attr] = s
		}
	}
	if st := block(v, "stickiness"); st != nil {
		tg.Attributes["stickiness.enabled"] = strconv.FormatBool(boolean(st, "enabled"))
	}
	if hc := block(v, "health_check"); hc != nil {
		tg.HealthCheck = snapshot.HealthCheck{Enabled: boolean(hc, "enabled"), Protocol: str(hc, "protocol"), Path: str(hc, "path"), Matcher: str(hc, "matcher")}
		tg.HealthCheck.IntervalSeconds, _ = integer(hc, "interval")
		tg.HealthCheck.TimeoutSeconds, _ = integer(hc, "timeout")
		tg.HealthCheck.HealthyThreshold, _ = integer(hc, "healthy_threshold")
		tg.HealthCheck.UnhealthyThreshold, _ = integer(hc, "unhealthy_threshold")
	}
	b.tgs = append(b.tgs, tg)
	b.mark(tg.ARN, in)
}

func (b *builder) targetAttachment(in *instance) {
	t := snapshot.Target{ID: b.c.attr(in, "target_id"), AvailabilityZone: str(in.values, "availability_zone")}
	t.Port, _ = integer(in.values, "port")
	tg := b.c.attr(in, "target_group_arn")
	b.targets[tg] = append(b.targets[tg], t)
}

// assembleELB puts listeners into load balancers, rules into listeners,
// targets into target groups, and records which load balancers forward to
// each target group, as DescribeTargetGroups reports it.
func (b *builder) assembleELB() {
	forwards := map[string][]string{}
	o := orphans{listeners: map[string][]snapshot.Listener{}, rules: map[string][]snapshot.ListenerRule{},
		targets: map[string][]snapshot.Target{}, associations: map[string][]string{}}
	lbs, listeners, tgs := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, lb := range b.lbs {
		lbs[lb.ARN] = true
	}
	for arn, ls := range b.listeners {
		for _, l := range ls {
			listeners[l.ARN] = true
		}
		if !lbs[arn] {
			o.listeners[arn] = ls
		}
	}
	for arn, rs := range b.rules {
		if !listeners[arn] {
			o.rules[arn] = rs
		}
	}
	for _, tg := range b.tgs {
		tgs[tg.ARN] = true
	}
	for arn, ts := range b.targets {
		if !tgs[arn] {
			o.targets[arn] = ts
		}
	}
	b.c.orphans = o
	for i := range b.lbs {
		lb := &b.lbs[i]
		for _, l := range b.listeners[lb.ARN] {
			l.Rules = append(l.Rules, b.rules[l.ARN]...)
			for _, r := range l.Rules {
				for _, a := range r.Actions {
					for _, tg := range a.TargetGroupARNs {
						if !contains(forwards[tg], lb.ARN) {
							forwards[tg] = append(forwards[tg], lb.ARN)
						}
					}
				}
			}
			lb.Listeners = append(lb.Listeners, l)
		}
	}
	for i := range b.tgs {
		tg := &b.tgs[i]
		tg.LoadBalancerARNs = append(tg.LoadBalancerARNs, forwards[tg.ARN]...)
		tg.Targets = append(tg.Targets, b.targets[tg.ARN]...)
	}
}

func (b *builder) securityGroup(in *instance) {
	v := in.values
	sg := snapshot.SecurityGroup{ARN: b.c.attr(in, "arn"), Account: in.account, Region: in.region,
		ID: b.c.attr(in, "id"), Name: str(v, "name"), VPCID: str(v, "vpc_id"), Ingress: []snapshot.IngressRule{}}
	for _, r := range blocks(v, "ingress") {
		sg.Ingress = append(sg.Ingress, ingressRule(r))
	}
	b.sgs = append(b.sgs, sg)
	b.mark(sg.ARN, in)
}

func ingressRule(r map[string]any) snapshot.IngressRule {
	out := snapshot.IngressRule{Protocol: str(r, "protocol"), CIDRs: strs(r, "cidr_blocks"), IPv6CIDRs: strs(r, "ipv6_cidr_blocks"),
		PrefixListIDs: strs(r, "prefix_list_ids"), SourceGroupIDs: strs(r, "security_groups")}
	out.FromPort, _ = integer(r, "from_port")
	out.ToPort, _ = integer(r, "to_port")
	return out
}

// securityGroupRule adds a stand-alone ingress rule to its group.
func (b *builder) securityGroupRule(in *instance) {
	v := in.values
	var r snapshot.IngressRule
	switch in.typ {
	case "aws_security_group_rule":
		if str(v, "type") != "ingress" {
			return
		}
		r = ingressRule(v)
		if s := b.c.attr(in, "source_security_group_id"); str(v, "source_security_group_id") != "" || isUnknown(in.unknown, "source_security_group_id") {
			r.SourceGroupIDs = append(r.SourceGroupIDs, s)
		}
	case "aws_vpc_security_group_ingress_rule":
		r = snapshot.IngressRule{Protocol: str(v, "ip_protocol")}
		r.FromPort, _ = integer(v, "from_port")
		r.ToPort, _ = integer(v, "to_port")
		if s := str(v, "cidr_ipv4"); s != "" {
			r.CIDRs = []string{s}
		}
		if s := str(v, "cidr_ipv6"); s != "" {
			r.IPv6CIDRs = []string{s}
		}
		if s := str(v, "prefix_list_id"); s != "" {
			r.PrefixListIDs = []string{s}
		}
		if s := b.c.attr(in, "referenced_security_group_id"); str(v, "referenced_security_group_id") != "" || isUnknown(in.unknown, "referenced_security_group_id") {
			r.SourceGroupIDs = []string{s}
		}
	default:
		return
	}
	sg := b.c.attr(in, "security_group_id")
	b.sgRules[sg] = append(b.sgRules[sg], r)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
