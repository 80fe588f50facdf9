package fakeaws

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

const elbXMLNS = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"

func serveELBv2(s *Server, c *call, w http.ResponseWriter) *fault {
	lbs := ofScope(c, c.world.LoadBalancers, func(lb snapshot.LoadBalancer) (string, string) { return lb.Account, lb.Region })
	tgs := ofScope(c, c.world.TargetGroups, func(tg snapshot.TargetGroup) (string, string) { return tg.Account, tg.Region })
	// Describe* page on Marker/NextMarker with a client PageSize.
	limit, _ := strconv.Atoi(c.query.Get("PageSize"))
	respond := func(result ...node) *fault { return writeXML(w, queryResponse(c.op, elbXMLNS, result...)) }
	// paged answers one Marker page of items under name.
	paged := func(name string, items []node) *fault {
		page, next := pageOf(s, items, c.query.Get("Marker"), limit)
		return respond(list(name, "member", page), txt("NextMarker", next))
	}
	attributes := func(attrs map[string]string) *fault {
		var out []node
		for _, k := range sortedKeys(attrs) {
			out = append(out, el("", txt("Key", k), node{name: "Value", text: attrs[k]}))
		}
		return respond(list("Attributes", "member", out))
	}

	switch c.op {
	case "DescribeLoadBalancers":
		var out []node
		for _, lb := range lbs {
			out = append(out, loadBalancerXML(lb))
		}
		return paged("LoadBalancers", out)
	case "DescribeLoadBalancerAttributes":
		for _, lb := range lbs {
			if lb.ARN == c.query.Get("LoadBalancerArn") {
				return attributes(lb.Attributes)
			}
		}
		return &fault{400, "LoadBalancerNotFound", "One or more load balancers not found"}
	case "DescribeListeners":
		for _, lb := range lbs {
			if lb.ARN == c.query.Get("LoadBalancerArn") {
				var out []node
				for _, l := range lb.Listeners {
					out = append(out, listenerXML(lb.ARN, l))
				}
				return paged("Listeners", out)
			}
		}
		return &fault{400, "LoadBalancerNotFound", "One or more load balancers not found"}
	case "DescribeRules":
		for _, lb := range lbs {
			for _, l := range lb.Listeners {
				if l.ARN == c.query.Get("ListenerArn") {
					var out []node
					for _, r := range l.Rules {
						out = append(out, ruleXML(r))
					}
					return paged("Rules", out)
				}
			}
		}
		return &fault{400, "ListenerNotFound", "One or more listeners not found"}
	case "DescribeTargetGroups":
		// Unfiltered, as the collector asks: every target group of the
		// region, attached to a load balancer or not.
		var out []node
		for _, tg := range tgs {
			out = append(out, targetGroupXML(tg))
		}
		return paged("TargetGroups", out)
	case "DescribeTargetGroupAttributes", "DescribeTargetHealth":
		for _, tg := range tgs {
			if tg.ARN != c.query.Get("TargetGroupArn") {
				continue
			}
			if c.op == "DescribeTargetGroupAttributes" {
				return attributes(tg.Attributes)
			}
			var out []node
			for _, t := range tg.Targets {
				out = append(out, el("",
					el("Target", txt("Id", t.ID), num("Port", t.Port), txt("AvailabilityZone", t.AvailabilityZone)),
					el("TargetHealth", txt("State", t.HealthState), txt("Reason", t.HealthReason))))
			}
			return respond(list("TargetHealthDescriptions", "member", out))
		}
		return &fault{400, "TargetGroupNotFound", "One or more target groups not found"}
	case "DescribeTags":
		arns := members(c.query, "ResourceArns.member.")
		if len(arns) > 20 {
			return &fault{400, "ValidationError", "1 validation error detected: Value at 'resourceArns' failed to satisfy constraint: Member must have length less than or equal to 20"}
		}
		tags := elbTags(lbs, tgs)
		var out []node
		for _, arn := range arns {
			t, ok := tags[arn]
			if !ok {
				return &fault{400, "LoadBalancerNotFound", "resource " + arn + " not found"}
			}
			out = append(out, el("", txt("ResourceArn", arn), list("Tags", "member", tagNodes(t))))
		}
		return respond(list("TagDescriptions", "member", out))
	}
	return &fault{400, "InvalidAction", "fakeaws: unsupported elbv2 action " + c.op}
}

func loadBalancerXML(lb snapshot.LoadBalancer) node {
	var zones []node
	for _, z := range lb.AvailabilityZones {
		zones = append(zones, el("", txt("ZoneName", z)))
	}
	return el("", txt("LoadBalancerArn", lb.ARN), txt("LoadBalancerName", lb.Name), txt("DNSName", lb.DNSName),
		txt("Scheme", lb.Scheme), txt("Type", lb.Type), txt("VpcId", lb.VPCID), txt("IpAddressType", lb.IPAddressType),
		el("State", txt("Code", lb.State)), list("AvailabilityZones", "member", zones),
		list("SecurityGroups", "member", strs(lb.SecurityGroups)))
}

func listenerXML(lbARN string, l snapshot.Listener) node {
	var certs []node
	for _, cert := range l.Certificates {
		certs = append(certs, el("", txt("CertificateArn", cert)))
	}
	return el("", txt("ListenerArn", l.ARN), txt("LoadBalancerArn", lbARN), txt("Protocol", l.Protocol),
		num("Port", l.Port), txt("SslPolicy", l.SSLPolicy), list("Certificates", "member", certs),
		list("DefaultActions", "member", actionNodes(l.DefaultActions)))
}

func ruleXML(r snapshot.ListenerRule) node {
	var conds []node
	for _, c := range r.Conditions {
		conds = append(conds, conditionXML(c))
	}
	return el("", txt("RuleArn", r.ARN), txt("Priority", r.Priority), boolean("IsDefault", r.IsDefault),
		list("Conditions", "member", conds), list("Actions", "member", actionNodes(r.Actions)))
}

// conditionXML writes a condition the way ELB does: the typed config for
// every field, and the legacy Values for host-header and path-pattern.
func conditionXML(c snapshot.RuleCondition) node {
	values := list("Values", "member", strs(c.Values))
	n := el("", txt("Field", c.Field))
	switch c.Field {
	case "host-header":
		n.kids = append(n.kids, values, el("HostHeaderConfig", values))
	case "path-pattern":
		n.kids = append(n.kids, values, el("PathPatternConfig", values))
	case "http-header":
		n.kids = append(n.kids, el("HttpHeaderConfig", txt("HttpHeaderName", c.HeaderName), values))
	case "http-request-method":
		n.kids = append(n.kids, el("HttpRequestMethodConfig", values))
	case "source-ip":
		n.kids = append(n.kids, el("SourceIpConfig", values))
	case "query-string":
		var pairs []node
		for _, v := range c.Values {
			k, val, ok := strings.Cut(v, "=")
			if !ok {
				k, val = "", v
			}
			pairs = append(pairs, el("", txt("Key", k), txt("Value", val)))
		}
		n.kids = append(n.kids, el("QueryStringConfig", list("Values", "member", pairs)))
	default:
		n.kids = append(n.kids, values)
	}
	return n
}

// actionNodes writes actions as ELB does: a forward to one target group
// carries both TargetGroupArn and ForwardConfig, a weighted forward only
// ForwardConfig.
func actionNodes(actions []snapshot.Action) []node {
	var out []node
	for _, a := range actions {
		n := el("", txt("Type", a.Type), num("Order", a.Order))
		if len(a.TargetGroupARNs) == 1 {
			n.kids = append(n.kids, txt("TargetGroupArn", a.TargetGroupARNs[0]))
		}
		if len(a.TargetGroupARNs) > 0 {
			var tuples []node
			for _, tg := range a.TargetGroupARNs {
				tuples = append(tuples, el("", txt("TargetGroupArn", tg), num("Weight", 1)))
			}
			n.kids = append(n.kids, el("ForwardConfig", list("TargetGroups", "member", tuples)))
		}
		if r := a.Redirect; r != nil {
			n.kids = append(n.kids, el("RedirectConfig", txt("Protocol", r.Protocol), txt("Port", r.Port), txt("Host", r.Host),
				txt("Path", r.Path), txt("Query", r.Query), txt("StatusCode", r.StatusCode)))
		}
		if f := a.FixedResponse; f != nil {
			n.kids = append(n.kids, el("FixedResponseConfig", txt("StatusCode", f.StatusCode), txt("ContentType", f.ContentType)))
		}
		out = append(out, n)
	}
	return out
}

// targetGroupXML omits Port and Protocol when zero, as ELB does for
// lambda target groups.
func targetGroupXML(tg snapshot.TargetGroup) node {
	hc := tg.HealthCheck
	return el("", txt("TargetGroupArn", tg.ARN), txt("TargetGroupName", tg.Name), txt("TargetType", tg.TargetType),
		txt("Protocol", tg.Protocol), txt("ProtocolVersion", tg.ProtocolVersion), num("Port", tg.Port), txt("VpcId", tg.VPCID),
		boolean("HealthCheckEnabled", hc.Enabled), txt("HealthCheckProtocol", hc.Protocol), txt("HealthCheckPath", hc.Path),
		num("HealthCheckIntervalSeconds", hc.IntervalSeconds), num("HealthCheckTimeoutSeconds", hc.TimeoutSeconds),
		num("HealthyThresholdCount", hc.HealthyThreshold), num("UnhealthyThresholdCount", hc.UnhealthyThreshold),
		el("Matcher", txt("HttpCode", hc.Matcher)), list("LoadBalancerArns", "member", strs(tg.LoadBalancerARNs)))
}

// elbTags maps every taggable ELB ARN of the scope to its tags.
func elbTags(lbs []snapshot.LoadBalancer, tgs []snapshot.TargetGroup) map[string]snapshot.Tags {
	out := map[string]snapshot.Tags{}
	for _, lb := range lbs {
		out[lb.ARN] = lb.Tags
		for _, l := range lb.Listeners {
			out[l.ARN] = l.Tags
			for _, r := range l.Rules {
				out[r.ARN] = r.Tags
			}
		}
	}
	for _, tg := range tgs {
		out[tg.ARN] = tg.Tags
	}
	return out
}

func tagNodes(tags map[string]string) []node {
	var out []node
	for _, k := range sortedKeys(tags) {
		out = append(out, el("", txt("Key", k), node{name: "Value", text: tags[k]}))
	}
	return out
}

// members reads a query-protocol list parameter (prefix1, prefix2, ...).
func members(q url.Values, prefix string) []string {
	var out []string
	for i := 1; q.Has(prefix + strconv.Itoa(i)); i++ {
		out = append(out, q.Get(prefix+strconv.Itoa(i)))
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
