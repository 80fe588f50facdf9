package synth

import (
	"fmt"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// webACLs creates the region's web ACLs: one with managed rules and a
// rate-based rule, one with managed rules only; each protects some of the
// public load balancers and REST stages, and the rest have none.
func (g *gen) webACLs(rc *regionCtx) {
	managed := []snapshot.WAFRule{
		{Name: "AWS-AWSManagedRulesCommonRuleSet", Priority: 1, Action: "NONE", StatementType: "managed_rule_group", ManagedRuleGroup: "AWS/AWSManagedRulesCommonRuleSet"},
		{Name: "AWS-AWSManagedRulesKnownBadInputsRuleSet", Priority: 2, Action: "NONE", StatementType: "managed_rule_group", ManagedRuleGroup: "AWS/AWSManagedRulesKnownBadInputsRuleSet"},
	}
	rate := snapshot.WAFRule{Name: "per-ip-rate", Priority: 0, Action: "BLOCK", StatementType: "rate_based", RateLimit: 2000, AggregateKeyType: "IP"}
	acls := []snapshot.WebACL{
		g.webACL(rc.id, rc.region, "REGIONAL", rc.team+"-edge", append([]snapshot.WAFRule{rate}, managed...)),
		g.webACL(rc.id, rc.region, "REGIONAL", rc.team+"-basic", managed),
	}
	// Some teams own their regional ACL while security owns the CloudFront
	// one: two owners filtering one path.
	if g.chance(0.5) {
		acls[0].Tags = snapshot.Tags{"owner": rc.team, "team": rc.team + "-eng"}
	}
	for _, lb := range rc.publicLBs {
		if g.chance(0.6) {
			i := g.r.IntN(len(acls))
			acls[i].AssociatedResources = append(acls[i].AssociatedResources, lb.arn)
		}
	}
	for _, st := range rc.stages {
		if g.chance(0.4) {
			i := g.r.IntN(len(acls))
			acls[i].AssociatedResources = append(acls[i].AssociatedResources, st)
			g.setStageACL(st, acls[i].ARN)
		}
	}
	g.s.WebACLs = append(g.s.WebACLs, acls...)
	g.count += len(acls)
}

// setStageACL records the association on the stage too, as GetStage
// reports it.
func (g *gen) setStageACL(stageARN, aclARN string) {
	for i := len(g.s.RestAPIs) - 1; i >= 0; i-- {
		api := &g.s.RestAPIs[i]
		for j := range api.Stages {
			if api.Stages[j].ARN == stageARN {
				api.Stages[j].WebACLARN = aclARN
				return
			}
		}
	}
}

func (g *gen) webACL(account, region, scope, name string, rules []snapshot.WAFRule) snapshot.WebACL {
	id := g.uuid()
	kind := "regional"
	if scope == "CLOUDFRONT" {
		kind = "global"
	}
	return snapshot.WebACL{
		ARN:     fmt.Sprintf("arn:aws:wafv2:%s:%s:%s/webacl/%s/%s", region, account, kind, name, id),
		Account: account, Region: region, ID: id, Name: name, Scope: scope, DefaultAction: "ALLOW",
		Rules: rules, AssociatedResources: []string{}, Tags: snapshot.Tags{"owner": "security", "team": "secops"},
	}
}

// global creates the account's CloudFront distributions (fronting some of
// its public ALBs and APIs, with or without a CLOUDFRONT web ACL) and,
// for Shield Advanced subscribers, protections of some of them.
func (g *gen) global(a *acct) {
	cfACL := g.webACL(a.id, "us-east-1", "CLOUDFRONT", a.team+"-cdn", []snapshot.WAFRule{
		{Name: "per-ip-rate", Priority: 0, Action: "BLOCK", StatementType: "rate_based", RateLimit: 1000, AggregateKeyType: "IP"},
		{Name: "AWS-AWSManagedRulesCommonRuleSet", Priority: 1, Action: "NONE", StatementType: "managed_rule_group", ManagedRuleGroup: "AWS/AWSManagedRulesCommonRuleSet"},
	})
	g.s.WebACLs = append(g.s.WebACLs, cfACL)
	g.count++

	var origins []string
	for _, lb := range a.publicALBs {
		if g.chance(0.3) {
			origins = append(origins, lb.dns)
		}
	}
	for _, host := range a.publicAPIs {
		if g.chance(0.3) {
			origins = append(origins, host)
		}
	}
	// A few origins per distribution, as a site with /api and /static does.
	for start := 0; start < len(origins); start += 3 {
		g.distribution(a, origins[start:min(start+3, len(origins))], cfACL.ARN)
	}
	if !a.shield {
		return
	}
	for _, lb := range a.publicALBs {
		if g.chance(0.3) {
			g.protection(a, lb.name, lb.arn)
		}
	}
}

func (g *gen) distribution(a *acct, origins []string, aclARN string) {
	id := "E" + g.token(upperAlnum, 13)
	d := snapshot.Distribution{
		ARN: fmt.Sprintf("arn:aws:cloudfront::%s:distribution/%s", a.id, id), Account: a.id, ID: id,
		DomainName: "d" + g.token(lowerAlnum, 13) + ".cloudfront.net",
		Aliases:    []string{fmt.Sprintf("www-%s.%s.example.com", id[1:6], a.team)},
		Enabled:    g.chance(0.95),
		WebACLID:   g.pick(0.6, aclARN),
		DefaultCacheBehavior: snapshot.CacheBehavior{
			TargetOriginID:       "origin-0",
			ViewerProtocolPolicy: oneOf(g, "redirect-to-https", "redirect-to-https", "https-only", "allow-all"),
			AllowedMethods:       []string{"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"},
			// Managed CachingDisabled and CachingOptimized.
			CachePolicyID: oneOf(g, "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", "658327ea-f89d-4fab-a63d-7e88639e58f6"),
		},
		MinimumProtocolVersion: oneOf(g, "TLSv1.2_2021", "TLSv1.2_2021", "TLSv1"),
		LoggingEnabled:         g.chance(0.5),
		Tags:                   g.tags(a.team, 0.8),
	}
	for i, o := range origins {
		d.Origins = append(d.Origins, snapshot.Origin{ID: fmt.Sprintf("origin-%d", i), DomainName: o,
			ProtocolPolicy: oneOf(g, "https-only", "https-only", "match-viewer", "http-only")})
	}
	g.s.Distributions = append(g.s.Distributions, d)
	g.count++
	if a.shield && g.chance(0.6) {
		g.protection(a, id, d.ARN)
	}
}

func (g *gen) protection(a *acct, name, resource string) {
	id := g.uuid()
	g.s.ShieldProtections = append(g.s.ShieldProtections, snapshot.ShieldProtection{
		ARN: fmt.Sprintf("arn:aws:shield::%s:protection/%s", a.id, id), Account: a.id, ID: id, Name: name, ResourceARN: resource,
	})
	g.count++
}

// alarms creates, for about half the resources, alarms on some of the
// metrics that matter (5xx, latency); the rest go unwatched.
func (g *gen) alarms(rc *regionCtx, namespace string, dims map[string]string, name string, metrics []string) {
	for _, m := range metrics {
		if !g.chance(0.45) {
			continue
		}
		alarmName := fmt.Sprintf("%s-%s-%s", name, m, g.token(lowerAlnum, 4))
		stat := "Sum"
		if m == "Latency" || m == "TargetResponseTime" {
			stat = "p99"
		}
		g.s.Alarms = append(g.s.Alarms, snapshot.Alarm{
			ARN:     fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:%s", rc.region, rc.id, alarmName),
			Account: rc.id, Region: rc.region, Name: alarmName,
			ComparisonOperator: "GreaterThanThreshold", Threshold: 5, ActionsEnabled: g.chance(0.9),
			AlarmActions: []string{fmt.Sprintf("arn:aws:sns:%s:%s:%s-oncall", rc.region, rc.id, rc.team)},
			StateValue:   oneOf(g, "OK", "OK", "ALARM", "INSUFFICIENT_DATA"),
			Metrics:      []snapshot.MetricRef{{Namespace: namespace, Name: m, Dimensions: dims, Statistic: stat}},
		})
		g.count++
	}
}

// metric records a one-day aggregate of a resource's metric.
func (g *gen) metric(rc *regionCtx, resource, namespace, name, stat string, value float64) {
	g.s.Metrics = append(g.s.Metrics, snapshot.MetricSummary{
		Resource: resource, Account: rc.id, Region: rc.region, Namespace: namespace, Name: name,
		Statistic: stat, PeriodSeconds: 86400, Value: value,
	})
}
