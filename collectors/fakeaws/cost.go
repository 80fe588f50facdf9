package fakeaws

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// AccountRegion is where calls are made and quotas apply. The global
// services of an account (CloudFront, Shield, CLOUDFRONT-scope WAF) count
// in us-east-1, where they answer.
type AccountRegion struct{ Account, Region string }

// AWS's largest page sizes for the list calls an inventory makes.
const (
	apigatewayMaxPage = 500 // GetRestApis, GetResources, ... (limit)
	v2MaxPage         = 500 // GetApis, GetRoutes, ... (maxResults)
	elbMaxPage        = 400 // Describe* (PageSize)
	elbTagsMax        = 20  // DescribeTags ResourceArns
	taggingMaxPage    = 100 // tagging GetResources ResourcesPerPage
	ec2GroupIDsMax    = 200 // GroupIds per DescribeSecurityGroups, kept below request-size limits
	wafMaxPage        = 100 // ListWebACLs, ListTagsForResource (Limit)
	alarmsMaxPage     = 100 // DescribeAlarms (MaxRecords)
	metricQueriesMax  = 500 // GetMetricData MetricDataQueries
	distributionsPage = 100 // ListDistributions (MaxItems default)
)

// MinimumCalls is the fewest calls, per account-region and
// "service:Operation", that read the whole of world over its
// Scope.Accounts and Scope.Regions from caller's credentials in homeRegion:
// every list at AWS's largest page, one call per nested item that has no
// batch or embedded form, tags in the largest batches (see tagCalls), and one AssumeRole
// per account other than the caller's. A collector's call count divided by
// this is its overhead: extra pages, retries, redundant reads.
func MinimumCalls(world *snapshot.Snapshot, caller, homeRegion string) map[AccountRegion]map[string]int {
	out := map[AccountRegion]map[string]int{}
	add := func(account, region, key string, n int) {
		ar := AccountRegion{account, region}
		if out[ar] == nil {
			out[ar] = map[string]int{}
		}
		out[ar][key] += n
	}
	home := func(key string, n int) { add(caller, homeRegion, key, n) }
	home("sts:GetCallerIdentity", 1)
	views := byAccount(world)
	shields := map[string]bool{}
	for _, a := range world.Accounts {
		shields[a.ID] = a.ShieldAdvanced
	}
	for _, account := range world.Scope.Accounts {
		if account != caller {
			home("sts:AssumeRole", 1)
		}
		world := views[account]
		if world == nil {
			world = &snapshot.Snapshot{}
		}
		g := func(key string, n int) { add(account, "us-east-1", key, n) }
		shield := shields[account]
		g("shield:DescribeSubscription", 1)
		if shield {
			g("shield:ListProtections", 1)
		}
		dists := count(world.Distributions, func(d snapshot.Distribution) bool { return d.Account == account })
		g("cloudfront:ListDistributions", pages(dists, distributionsPage))
		g("cloudfront:GetDistributionConfig", dists)
		g("cloudfront:ListTagsForResource", dists)
		cfACLs := count(world.WebACLs, func(w snapshot.WebACL) bool { return w.Account == account && w.Scope == "CLOUDFRONT" })
		g("wafv2:ListWebACLs", pages(cfACLs, wafMaxPage))
		g("wafv2:GetWebACL", cfACLs)
		g("wafv2:ListTagsForResource", cfACLs)
		for _, f := range referencedFunctions(world, account) {
			add(account, strings.Split(f, ":")[3], "lambda:GetFunction", 1)
		}
		for _, region := range world.Scope.Regions {
			regionCalls(world, account, region, func(key string, n int) { add(account, region, key, n) })
		}
	}
	for ar, calls := range out {
		maps.DeleteFunc(calls, func(_ string, n int) bool { return n == 0 })
		if len(calls) == 0 {
			delete(out, ar)
		}
	}
	return out
}

// regionCalls adds the calls of one account-region's regional services.
func regionCalls(world *snapshot.Snapshot, account, region string, add func(key string, n int)) {
	here := func(a, r string) bool { return a == account && r == region }
	var rest []snapshot.RestAPI
	for _, a := range world.RestAPIs {
		if here(a.Account, a.Region) {
			rest = append(rest, a)
		}
	}
	add("apigateway:GetAccount", 1)
	add("apigateway:GetRestApis", pages(len(rest), apigatewayMaxPage))
	queries := 0
	for _, a := range rest {
		add("apigateway:GetResources", pages(len(a.Resources), apigatewayMaxPage))
		add("apigateway:GetStages", 1)
		add("apigateway:GetAuthorizers", pages(len(a.Authorizers), apigatewayMaxPage))
		add("apigateway:GetRequestValidators", pages(len(a.RequestValidators), apigatewayMaxPage))
		queries += 3 * len(a.Stages)
	}
	add("apigateway:GetUsagePlans", pages(count(world.UsagePlans, func(p snapshot.UsagePlan) bool { return here(p.Account, p.Region) }), apigatewayMaxPage))
	links := map[string]int{}
	for _, l := range world.VPCLinks {
		if here(l.Account, l.Region) {
			links[l.Version]++
		}
	}
	add("apigateway:GetVpcLinks", pages(links["v1"], apigatewayMaxPage))
	add("apigatewayv2:GetVpcLinks", pages(links["v2"], v2MaxPage))
	domains := map[string]int{}
	for _, d := range world.DomainNames {
		if here(d.Account, d.Region) {
			domains[d.APIType]++
		}
	}
	add("apigateway:GetDomainNames", pages(domains["rest"], apigatewayMaxPage))
	add("apigateway:GetBasePathMappings", domains["rest"])
	// The v2 API lists every regional domain, those of v1 included, and
	// the collector cannot know which ones v1 is reading at the same time.
	add("apigatewayv2:GetDomainNames", pages(domains["rest"]+domains["v2"], v2MaxPage))
	add("apigatewayv2:GetApiMappings", domains["rest"]+domains["v2"])

	v2 := 0
	for _, a := range world.V2APIs {
		if !here(a.Account, a.Region) {
			continue
		}
		v2++
		add("apigatewayv2:GetRoutes", pages(len(a.Routes), v2MaxPage))
		add("apigatewayv2:GetIntegrations", pages(len(a.Integrations), v2MaxPage))
		add("apigatewayv2:GetStages", pages(len(a.Stages), v2MaxPage))
		add("apigatewayv2:GetAuthorizers", pages(len(a.Authorizers), v2MaxPage))
		if a.ProtocolType == "HTTP" {
			queries += 3 * len(a.Stages)
		}
	}
	add("apigatewayv2:GetApis", pages(v2, v2MaxPage))

	// Tags: load balancers and target groups may be read through the
	// tagging API; listeners and rules always with DescribeTags.
	lbs, lbsTagged, uncovered := 0, 0, 0
	groups := map[string]bool{}
	for _, lb := range world.LoadBalancers {
		if !here(lb.Account, lb.Region) {
			continue
		}
		lbs++
		if len(lb.Tags) > 0 {
			lbsTagged++
		}
		add("elasticloadbalancingv2:DescribeLoadBalancerAttributes", 1)
		add("elasticloadbalancingv2:DescribeListeners", pages(len(lb.Listeners), elbMaxPage))
		for _, l := range lb.Listeners {
			uncovered++
			if lb.Type == "application" {
				add("elasticloadbalancingv2:DescribeRules", pages(len(l.Rules), elbMaxPage))
				uncovered += len(l.Rules)
			}
		}
		if lb.Type == "application" {
			queries += 2 // RequestCount, ConsumedLCUs
		}
		for _, g := range lb.SecurityGroups {
			groups[g] = true
		}
	}
	add("elasticloadbalancingv2:DescribeLoadBalancers", pages(lbs, elbMaxPage))
	tgs := count(world.TargetGroups, func(tg snapshot.TargetGroup) bool { return here(tg.Account, tg.Region) })
	tgsTagged := count(world.TargetGroups, func(tg snapshot.TargetGroup) bool { return here(tg.Account, tg.Region) && len(tg.Tags) > 0 })
	add("elasticloadbalancingv2:DescribeTargetGroups", pages(tgs, elbMaxPage))
	add("elasticloadbalancingv2:DescribeTargetGroupAttributes", tgs)
	add("elasticloadbalancingv2:DescribeTargetHealth", tgs)
	tagCalls(lbs, lbsTagged, tgs, tgsTagged, uncovered, add)
	add("ec2:DescribeSecurityGroups", (len(groups)+ec2GroupIDsMax-1)/ec2GroupIDsMax)

	acls := count(world.WebACLs, func(w snapshot.WebACL) bool { return here(w.Account, w.Region) && w.Scope == "REGIONAL" })
	add("wafv2:ListWebACLs", pages(acls, wafMaxPage))
	add("wafv2:GetWebACL", acls)
	// One inverted look-up per ACL and resource type (ALB, API Gateway).
	add("wafv2:ListResourcesForWebACL", 2*acls)
	add("wafv2:ListTagsForResource", acls)

	add("cloudwatch:DescribeAlarms", pages(count(world.Alarms, func(a snapshot.Alarm) bool { return here(a.Account, a.Region) }), alarmsMaxPage))
	add("cloudwatch:GetMetricData", (queries+metricQueriesMax-1)/metricQueriesMax)
}

// tagCalls adds the calls that read the tags of lbs load balancers and
// tgs target groups (of which lbsTagged and tgsTagged have tags) and of
// uncovered listeners and rules: DescribeTags in batches of 20, or, when
// it takes fewer calls counting every load balancer and target group as
// tagged (a collector cannot know how many are before asking), the
// tagging API's GetResources, 100 tagged resources a page, with
// DescribeTags for the listeners and rules, and for a type of which
// GetResources lists nothing (it may not cover the type).
func tagCalls(lbs, lbsTagged, tgs, tgsTagged, uncovered int, add func(key string, n int)) {
	covered := lbs + tgs
	describe := (covered + uncovered + elbTagsMax - 1) / elbTagsMax
	if covered == 0 || pages(covered, taggingMaxPage)+(uncovered+elbTagsMax-1)/elbTagsMax >= describe {
		add("elasticloadbalancingv2:DescribeTags", describe)
		return
	}
	add("tagging:GetResources", pages(lbsTagged+tgsTagged, taggingMaxPage))
	if lbsTagged == 0 {
		uncovered += lbs
	}
	if tgsTagged == 0 {
		uncovered += tgs
	}
	add("elasticloadbalancingv2:DescribeTags", (uncovered+elbTagsMax-1)/elbTagsMax)
}

// QuotaFloor is the least time the quotas force on calls: each
// account-region runs on its own, so the floor is the slowest one's, and
// within it the slowest quota's: the calls beyond the burst at the refill
// rate.
func QuotaFloor(calls map[AccountRegion]map[string]int, quotas []Quota) time.Duration {
	var floor float64
	for _, byOp := range calls {
		for _, q := range quotas {
			n := 0
			for key, c := range byOp {
				service, _, _ := strings.Cut(key, ":")
				if slices.Contains(q.Match, key) || slices.Contains(q.Match, service) {
					n += c
				}
			}
			floor = max(floor, float64(n-q.Burst)/q.Rate)
		}
	}
	return time.Duration(floor * float64(time.Second))
}

// pages is how many calls list n items at size per page: at least one.
func pages(n, size int) int { return max(1, (n+size-1)/size) }

func count[T any](items []T, keep func(T) bool) int {
	n := 0
	for _, it := range items {
		if keep(it) {
			n++
		}
	}
	return n
}

// referencedFunctions lists the Lambda function ARNs of account that its
// lambda target groups, Lambda integrations and authorizers route to.
func referencedFunctions(world *snapshot.Snapshot, account string) []string {
	var arns []string
	for _, tg := range world.TargetGroups {
		if tg.Account == account && tg.TargetType == "lambda" {
			for _, t := range tg.Targets {
				arns = append(arns, t.ID)
			}
		}
	}
	uri := func(u string) string {
		const marker = ":lambda:path/2015-03-31/functions/"
		if i := strings.Index(u, marker); i >= 0 {
			u = strings.TrimSuffix(u[i+len(marker):], "/invocations")
		}
		return u
	}
	for _, a := range world.RestAPIs {
		for _, au := range a.Authorizers {
			if a.Account == account {
				arns = append(arns, uri(au.URI))
			}
		}
		for _, r := range a.Resources {
			for _, m := range r.Methods {
				if in := m.Integration; a.Account == account && in != nil && (in.Type == "AWS" || in.Type == "AWS_PROXY") {
					arns = append(arns, uri(in.URI))
				}
			}
		}
	}
	for _, a := range world.V2APIs {
		for _, au := range a.Authorizers {
			if a.Account == account {
				arns = append(arns, uri(au.URI))
			}
		}
		for _, in := range a.Integrations {
			if a.Account == account && (in.Type == "AWS" || in.Type == "AWS_PROXY") {
				arns = append(arns, uri(in.URI))
			}
		}
	}
	arns = slices.DeleteFunc(arns, func(a string) bool {
		p := strings.Split(a, ":")
		return len(p) < 7 || p[0] != "arn" || p[2] != "lambda" || p[4] != account || p[5] != "function" || strings.Contains(a, "$")
	})
	// One GetFunction per function, whatever version or alias routes to it.
	for i, a := range arns {
		arns[i] = strings.Join(strings.Split(a, ":")[:7], ":")
	}
	return slices.Compact(slices.Sorted(slices.Values(arns)))
}

// byAccount splits world by account: each part holds the account's
// resources and the whole world's Scope and Accounts.
func byAccount(world *snapshot.Snapshot) map[string]*snapshot.Snapshot {
	out := map[string]*snapshot.Snapshot{}
	part := func(account string) *snapshot.Snapshot {
		p := out[account]
		if p == nil {
			p = &snapshot.Snapshot{Scope: world.Scope, Accounts: world.Accounts}
			out[account] = p
		}
		return p
	}
	for _, a := range world.APIGatewayAccounts {
		part(a.Account).APIGatewayAccounts = append(part(a.Account).APIGatewayAccounts, a)
	}
	for _, a := range world.RestAPIs {
		part(a.Account).RestAPIs = append(part(a.Account).RestAPIs, a)
	}
	for _, a := range world.V2APIs {
		part(a.Account).V2APIs = append(part(a.Account).V2APIs, a)
	}
	for _, p := range world.UsagePlans {
		part(p.Account).UsagePlans = append(part(p.Account).UsagePlans, p)
	}
	for _, l := range world.VPCLinks {
		part(l.Account).VPCLinks = append(part(l.Account).VPCLinks, l)
	}
	for _, d := range world.DomainNames {
		part(d.Account).DomainNames = append(part(d.Account).DomainNames, d)
	}
	for _, lb := range world.LoadBalancers {
		part(lb.Account).LoadBalancers = append(part(lb.Account).LoadBalancers, lb)
	}
	for _, tg := range world.TargetGroups {
		part(tg.Account).TargetGroups = append(part(tg.Account).TargetGroups, tg)
	}
	for _, sg := range world.SecurityGroups {
		part(sg.Account).SecurityGroups = append(part(sg.Account).SecurityGroups, sg)
	}
	for _, w := range world.WebACLs {
		part(w.Account).WebACLs = append(part(w.Account).WebACLs, w)
	}
	for _, f := range world.LambdaFunctions {
		part(f.Account).LambdaFunctions = append(part(f.Account).LambdaFunctions, f)
	}
	for _, d := range world.Distributions {
		part(d.Account).Distributions = append(part(d.Account).Distributions, d)
	}
	for _, p := range world.ShieldProtections {
		part(p.Account).ShieldProtections = append(part(p.Account).ShieldProtections, p)
	}
	for _, a := range world.Alarms {
		part(a.Account).Alarms = append(part(a.Account).Alarms, a)
	}
	for _, m := range world.Metrics {
		part(m.Account).Metrics = append(part(m.Account).Metrics, m)
	}
	return out
}

// AddRegionDiscovery adds to calls what a scan of every enabled region
// (--regions all) costs on top of MinimumCalls: one DescribeRegions per
// account in homeRegion, the caller's with its own credentials and each
// other account's through its role.
func AddRegionDiscovery(calls map[AccountRegion]map[string]int, world *snapshot.Snapshot, homeRegion string) {
	for _, account := range world.Scope.Accounts {
		ar := AccountRegion{account, homeRegion}
		if calls[ar] == nil {
			calls[ar] = map[string]int{}
		}
		calls[ar]["ec2:DescribeRegions"]++
	}
}

// CriticalPath is the longest chain of calls over world that must follow
// one another because each needs what the one before returned: the
// caller's identity, an account's role and its enabled regions (when
// discoverRegions), then within an account-region a load balancer's ARN
// before its listeners, a listener's before its rules, every ARN before
// the tags, a stage before its metrics, an integration before its
// function. At a latency of L per call no scan finishes in less than
// CriticalPath x L, however many calls it runs at once.
func CriticalPath(world *snapshot.Snapshot, caller string, discoverRegions bool) int {
	prefix := 1 // GetCallerIdentity
	if discoverRegions {
		prefix++ // the caller's own DescribeRegions
	}
	views := byAccount(world)
	longest := 0
	for _, account := range world.Scope.Accounts {
		p := prefix
		if account != caller {
			p++ // AssumeRole
			if discoverRegions {
				p++ // the account's own DescribeRegions
			}
		}
		view := views[account]
		if view == nil {
			view = &snapshot.Snapshot{}
		}
		// Global: ListDistributions before GetDistributionConfig, ListWebACLs
		// before GetWebACL, the subscription before the protections.
		chain := 2
		for _, region := range world.Scope.Regions {
			chain = max(chain, regionChain(view, account, region))
		}
		longest = max(longest, p+chain)
	}
	return longest
}

// regionChain is the longest chain of dependent calls in one
// account-region (see CriticalPath).
func regionChain(view *snapshot.Snapshot, account, region string) int {
	here := func(a, r string) bool { return a == account && r == region }
	chain := 1 // every listing is one call at least
	restPages := pages(count(view.RestAPIs, func(a snapshot.RestAPI) bool { return here(a.Account, a.Region) }), apigatewayMaxPage)
	for _, a := range view.RestAPIs {
		if !here(a.Account, a.Region) {
			continue
		}
		resources := pages(len(a.Resources), apigatewayMaxPage)
		chain = max(chain, restPages+resources)
		if len(a.Stages) > 0 {
			chain = max(chain, restPages+2) // GetStages, GetMetricData
		}
		if len(a.Authorizers) > 0 {
			chain = max(chain, restPages+pages(len(a.Authorizers), apigatewayMaxPage)+1) // then GetFunction
		}
		for _, r := range a.Resources {
			for _, m := range r.Methods {
				if in := m.Integration; in != nil && (in.Type == "AWS" || in.Type == "AWS_PROXY") {
					chain = max(chain, restPages+resources+1) // GetFunction
				}
			}
		}
	}
	v2Pages := pages(count(view.V2APIs, func(a snapshot.V2API) bool { return here(a.Account, a.Region) }), v2MaxPage)
	for _, a := range view.V2APIs {
		if here(a.Account, a.Region) {
			chain = max(chain, v2Pages+2) // GetIntegrations then GetFunction, GetStages then GetMetricData
		}
	}
	if count(view.DomainNames, func(d snapshot.DomainName) bool { return here(d.Account, d.Region) }) > 0 {
		chain = max(chain, 2) // GetDomainNames, then the mappings
	}
	lbPages := pages(count(view.LoadBalancers, func(lb snapshot.LoadBalancer) bool { return here(lb.Account, lb.Region) }), elbMaxPage)
	for _, lb := range view.LoadBalancers {
		if !here(lb.Account, lb.Region) {
			continue
		}
		depth := pages(len(lb.Listeners), elbMaxPage)
		for _, l := range lb.Listeners {
			if lb.Type == "application" {
				depth = max(depth, pages(len(lb.Listeners), elbMaxPage)+pages(len(l.Rules), elbMaxPage))
			}
		}
		chain = max(chain, lbPages+depth+1) // the listings, then DescribeTags
	}
	tgPages := pages(count(view.TargetGroups, func(tg snapshot.TargetGroup) bool { return here(tg.Account, tg.Region) }), elbMaxPage)
	for _, tg := range view.TargetGroups {
		if here(tg.Account, tg.Region) {
			chain = max(chain, tgPages+1) // DescribeTargetHealth
			if tg.TargetType == "lambda" && len(tg.Targets) > 0 {
				chain = max(chain, tgPages+2) // then GetFunction
			}
		}
	}
	if count(view.WebACLs, func(w snapshot.WebACL) bool { return here(w.Account, w.Region) && w.Scope == "REGIONAL" }) > 0 {
		chain = max(chain, 2) // ListWebACLs, then each ACL's reads
	}
	return chain
}
