package collectors

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	tagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// elbv2API is the part of the Elastic Load Balancing v2 client the
// collector uses.
type elbv2API interface {
	elb.DescribeLoadBalancersAPIClient
	elb.DescribeListenersAPIClient
	elb.DescribeRulesAPIClient
	elb.DescribeTargetGroupsAPIClient
	DescribeLoadBalancerAttributes(context.Context, *elb.DescribeLoadBalancerAttributesInput, ...func(*elb.Options)) (*elb.DescribeLoadBalancerAttributesOutput, error)
	DescribeTargetGroupAttributes(context.Context, *elb.DescribeTargetGroupAttributesInput, ...func(*elb.Options)) (*elb.DescribeTargetGroupAttributesOutput, error)
	DescribeTargetHealth(context.Context, *elb.DescribeTargetHealthInput, ...func(*elb.Options)) (*elb.DescribeTargetHealthOutput, error)
	DescribeTags(context.Context, *elb.DescribeTagsInput, ...func(*elb.Options)) (*elb.DescribeTagsOutput, error)
}

const (
	// elbPageSize is the largest PageSize the Describe* calls accept.
	elbPageSize = 400
	// elbTagBatch is how many ARNs one DescribeTags call accepts.
	elbTagBatch = 20
)

func collectELBv2(ctx context.Context, t target) *snapshot.Snapshot {
	out := elbv2Inventory(ctx, elb.NewFromConfig(t.config(serviceELBv2)), tagging.NewFromConfig(t.config(serviceTagging)), t)
	var groupIDs []string
	for _, lb := range out.LoadBalancers {
		groupIDs = append(groupIDs, lb.SecurityGroups...)
	}
	if t.wants("security_groups") {
		out.Append(securityGroups(ctx, ec2.NewFromConfig(t.config(serviceEC2)), t, groupIDs))
	}
	return out
}

// elbv2Inventory reads load balancers with their attributes, listeners and
// rules, every target group of the region with attributes and target
// health, and the tags of all of them in batches.
func elbv2Inventory(ctx context.Context, c elbv2API, tc tagging.GetResourcesAPIClient, t target) *snapshot.Snapshot {
	out := &snapshot.Snapshot{}
	fail := func(op string, err error) { out.Errors = append(out.Errors, t.failure(serviceELBv2, op, err)) }
	// tagged collects pointers to the Tags of every resource so one batched
	// DescribeTags pass can fill them all.
	tagged := map[string]*snapshot.Tags{}

	if t.wants("load_balancers") {
		var lbs []types.LoadBalancer
		lbPages := elb.NewDescribeLoadBalancersPaginator(c, &elb.DescribeLoadBalancersInput{PageSize: aws.Int32(elbPageSize)})
		for lbPages.HasMorePages() {
			page, err := lbPages.NextPage(ctx)
			if err != nil {
				fail("DescribeLoadBalancers", err)
				break
			}
			lbs = append(lbs, page.LoadBalancers...)
		}
		read, errs := eachResource(lbs, func(lb types.LoadBalancer, part *snapshot.Snapshot) snapshot.LoadBalancer {
			return loadBalancer(ctx, c, t, lb, part)
		})
		out.LoadBalancers, out.Errors = append(out.LoadBalancers, read...), append(out.Errors, errs...)
	}

	if t.wants("target_groups") {
		var tgs []types.TargetGroup
		tgPages := elb.NewDescribeTargetGroupsPaginator(c, &elb.DescribeTargetGroupsInput{PageSize: aws.Int32(elbPageSize)})
		for tgPages.HasMorePages() {
			page, err := tgPages.NextPage(ctx)
			if err != nil {
				fail("DescribeTargetGroups", err)
				break
			}
			tgs = append(tgs, page.TargetGroups...)
		}
		groups, errs := eachResource(tgs, func(tg types.TargetGroup, part *snapshot.Snapshot) snapshot.TargetGroup {
			return targetGroup(ctx, c, t, tg, part)
		})
		out.TargetGroups, out.Errors = append(out.TargetGroups, groups...), append(out.Errors, errs...)
	}

	if t.wants("elb_tags") {
		for i := range out.LoadBalancers {
			lb := &out.LoadBalancers[i]
			tagged[lb.ARN] = &lb.Tags
			for j := range lb.Listeners {
				l := &lb.Listeners[j]
				tagged[l.ARN] = &l.Tags
				for k := range l.Rules {
					tagged[l.Rules[k].ARN] = &l.Rules[k].Tags
				}
			}
		}
		for i := range out.TargetGroups {
			tagged[out.TargetGroups[i].ARN] = &out.TargetGroups[i].Tags
		}
		elbTags(ctx, c, tc, t, tagged, out)
	}

	return out
}

func loadBalancer(ctx context.Context, c elbv2API, t target, lb types.LoadBalancer, out *snapshot.Snapshot) snapshot.LoadBalancer {
	arn := aws.ToString(lb.LoadBalancerArn)
	fail := func(op string, err error) { out.Errors = append(out.Errors, t.failureFor(serviceELBv2, op, err, arn)) }
	l := snapshot.LoadBalancer{
		ARN: arn, Account: t.account, Region: t.region, Name: aws.ToString(lb.LoadBalancerName),
		Type: string(lb.Type), Scheme: string(lb.Scheme), DNSName: aws.ToString(lb.DNSName),
		VPCID: aws.ToString(lb.VpcId), IPAddressType: string(lb.IpAddressType), SecurityGroups: lb.SecurityGroups,
	}
	if lb.State != nil {
		l.State = string(lb.State.Code)
	}
	for _, az := range lb.AvailabilityZones {
		l.AvailabilityZones = append(l.AvailabilityZones, aws.ToString(az.ZoneName))
	}

	if t.wants("load_balancer_attributes") {
		if attrs, err := c.DescribeLoadBalancerAttributes(ctx, &elb.DescribeLoadBalancerAttributesInput{LoadBalancerArn: aws.String(arn)}); err != nil {
			fail("DescribeLoadBalancerAttributes", err)
		} else {
			l.Attributes = map[string]string{}
			for _, a := range attrs.Attributes {
				l.Attributes[aws.ToString(a.Key)] = aws.ToString(a.Value)
			}
		}
	}

	if t.wants("listeners") {
		var listeners []types.Listener
		pages := elb.NewDescribeListenersPaginator(c, &elb.DescribeListenersInput{LoadBalancerArn: aws.String(arn), PageSize: aws.Int32(elbPageSize)})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				fail("DescribeListeners", err)
				break
			}
			listeners = append(listeners, page.Listeners...)
		}
		read, errs := eachResource(listeners, func(ls types.Listener, part *snapshot.Snapshot) snapshot.Listener {
			return listener(ctx, c, t, ls, lb.Type == types.LoadBalancerTypeEnumApplication, part)
		})
		l.Listeners, out.Errors = append(l.Listeners, read...), append(out.Errors, errs...)
	}

	return l
}

func listener(ctx context.Context, c elbv2API, t target, ls types.Listener, withRules bool, out *snapshot.Snapshot) snapshot.Listener {
	arn := aws.ToString(ls.ListenerArn)
	l := snapshot.Listener{
		ARN: arn, Protocol: string(ls.Protocol), Port: int(aws.ToInt32(ls.Port)),
		SSLPolicy: aws.ToString(ls.SslPolicy), DefaultActions: actions(ls.DefaultActions),
	}
	for _, cert := range ls.Certificates {
		l.Certificates = append(l.Certificates, aws.ToString(cert.CertificateArn))
	}
	// Only application load balancers route by rules; network and gateway
	// listeners have nothing but their default action.
	if !withRules || !t.wants("listener_rules") {
		return l
	}
	// DescribeRules includes the listener's default rule (IsDefault).
	rules := elb.NewDescribeRulesPaginator(c, &elb.DescribeRulesInput{ListenerArn: aws.String(arn), PageSize: aws.Int32(elbPageSize)})
	for rules.HasMorePages() {
		page, err := rules.NextPage(ctx)
		if err != nil {
			out.Errors = append(out.Errors, t.failureFor(serviceELBv2, "DescribeRules", err, arn))
			break
		}
		for _, r := range page.Rules {
			rule := snapshot.ListenerRule{
				ARN: aws.ToString(r.RuleArn), Priority: aws.ToString(r.Priority),
				IsDefault: aws.ToBool(r.IsDefault), Actions: actions(r.Actions),
			}
			for _, cond := range r.Conditions {
				rule.Conditions = append(rule.Conditions, ruleCondition(cond))
			}
			l.Rules = append(l.Rules, rule)
		}
	}
	return l
}

// ruleCondition flattens a condition's typed config into Values; the
// legacy Values field is only set by AWS for host-header and path-pattern.
func ruleCondition(c types.RuleCondition) snapshot.RuleCondition {
	rc := snapshot.RuleCondition{Field: aws.ToString(c.Field)}
	switch {
	case c.HostHeaderConfig != nil:
		rc.Values = c.HostHeaderConfig.Values
	case c.PathPatternConfig != nil:
		rc.Values = c.PathPatternConfig.Values
	case c.HttpHeaderConfig != nil:
		rc.HeaderName, rc.Values = aws.ToString(c.HttpHeaderConfig.HttpHeaderName), c.HttpHeaderConfig.Values
	case c.HttpRequestMethodConfig != nil:
		rc.Values = c.HttpRequestMethodConfig.Values
	case c.SourceIpConfig != nil:
		rc.Values = c.SourceIpConfig.Values
	case c.QueryStringConfig != nil:
		for _, kv := range c.QueryStringConfig.Values {
			v := aws.ToString(kv.Value)
			if k := aws.ToString(kv.Key); k != "" {
				v = k + "=" + v
			}
			rc.Values = append(rc.Values, v)
		}
	}
	if len(rc.Values) == 0 {
		rc.Values = c.Values
	}
	return rc
}

func actions(in []types.Action) []snapshot.Action {
	var out []snapshot.Action
	for _, a := range in {
		act := snapshot.Action{Type: string(a.Type), Order: int(aws.ToInt32(a.Order))}
		if fc := a.ForwardConfig; fc != nil {
			for _, tg := range fc.TargetGroups {
				act.TargetGroupARNs = append(act.TargetGroupARNs, aws.ToString(tg.TargetGroupArn))
			}
		}
		if len(act.TargetGroupARNs) == 0 && a.TargetGroupArn != nil {
			act.TargetGroupARNs = []string{aws.ToString(a.TargetGroupArn)}
		}
		if r := a.RedirectConfig; r != nil {
			act.Redirect = &snapshot.Redirect{
				Protocol: aws.ToString(r.Protocol), Port: aws.ToString(r.Port), Host: aws.ToString(r.Host),
				Path: aws.ToString(r.Path), Query: aws.ToString(r.Query), StatusCode: string(r.StatusCode),
			}
		}
		if f := a.FixedResponseConfig; f != nil {
			act.FixedResponse = &snapshot.FixedResponse{StatusCode: aws.ToString(f.StatusCode), ContentType: aws.ToString(f.ContentType)}
		}
		out = append(out, act)
	}
	return out
}

func targetGroup(ctx context.Context, c elbv2API, t target, tg types.TargetGroup, out *snapshot.Snapshot) snapshot.TargetGroup {
	arn := aws.ToString(tg.TargetGroupArn)
	fail := func(op string, err error) { out.Errors = append(out.Errors, t.failureFor(serviceELBv2, op, err, arn)) }
	g := snapshot.TargetGroup{
		ARN: arn, Account: t.account, Region: t.region, Name: aws.ToString(tg.TargetGroupName),
		TargetType: string(tg.TargetType), Protocol: string(tg.Protocol), ProtocolVersion: aws.ToString(tg.ProtocolVersion),
		Port: int(aws.ToInt32(tg.Port)), VPCID: aws.ToString(tg.VpcId), LoadBalancerARNs: tg.LoadBalancerArns,
		HealthCheck: snapshot.HealthCheck{
			Enabled: aws.ToBool(tg.HealthCheckEnabled), Protocol: string(tg.HealthCheckProtocol),
			Path: aws.ToString(tg.HealthCheckPath), IntervalSeconds: int(aws.ToInt32(tg.HealthCheckIntervalSeconds)),
			TimeoutSeconds:     int(aws.ToInt32(tg.HealthCheckTimeoutSeconds)),
			HealthyThreshold:   int(aws.ToInt32(tg.HealthyThresholdCount)),
			UnhealthyThreshold: int(aws.ToInt32(tg.UnhealthyThresholdCount)),
		},
	}
	if m := tg.Matcher; m != nil {
		g.HealthCheck.Matcher = cmp.Or(aws.ToString(m.HttpCode), aws.ToString(m.GrpcCode))
	}

	if t.wants("target_group_attributes") {
		if attrs, err := c.DescribeTargetGroupAttributes(ctx, &elb.DescribeTargetGroupAttributesInput{TargetGroupArn: aws.String(arn)}); err != nil {
			fail("DescribeTargetGroupAttributes", err)
		} else {
			g.Attributes = map[string]string{}
			for _, a := range attrs.Attributes {
				g.Attributes[aws.ToString(a.Key)] = aws.ToString(a.Value)
			}
		}
	}

	if t.wants("target_health") {
		if health, err := c.DescribeTargetHealth(ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String(arn)}); err != nil {
			fail("DescribeTargetHealth", err)
		} else {
			for _, h := range health.TargetHealthDescriptions {
				if h.Target == nil {
					continue
				}
				tgt := snapshot.Target{
					ID: aws.ToString(h.Target.Id), Port: int(aws.ToInt32(h.Target.Port)),
					AvailabilityZone: aws.ToString(h.Target.AvailabilityZone),
				}
				if th := h.TargetHealth; th != nil {
					tgt.HealthState, tgt.HealthReason = string(th.State), string(th.Reason)
				}
				g.Targets = append(g.Targets, tgt)
			}
		}
	}

	return g
}

// Tagging API GetResources reads tags 100 resources a call, DescribeTags
// 20 ARNs a call.
const taggingPageSize = 100

// taggingTypes are the ELB resource types (as the Resource Groups Tagging
// API names them, keyed by what their ARNs hold) whose tags are read
// through GetResources when that takes fewer calls than DescribeTags.
// Listeners and listener rules are always read with DescribeTags, as AWS's
// documentation of the tagging API's resource types could not be found to
// name them; and an emulator's tagging API may cover none of these types
// (moto's lists no load balancer), so a type is never taken as untagged
// on GetResources' word alone (see elbTags).
var taggingTypes = []struct{ arnPart, filter string }{
	{":loadbalancer/", "elasticloadbalancing:loadbalancer"},
	{":targetgroup/", "elasticloadbalancing:targetgroup"},
}

// taggingType is the tagging API type of an ELB ARN, or "" for the types
// read with DescribeTags alone.
func taggingType(arn string) string {
	for _, tt := range taggingTypes {
		if strings.Contains(arn, tt.arnPart) {
			return tt.filter
		}
	}
	return ""
}

// elbTags fills the tags of every resource in tagged. DescribeTags takes
// 20 ARNs a call; the Resource Groups Tagging API's GetResources lists
// the tags of up to 100 load balancers and target groups a call, from a
// quota of its own rather than ELB's Describe bucket, so it is used when
// it needs fewer calls for the region's count (viaTagging). GetResources
// lists only resources that have (or had) tags, so a load balancer it
// leaves out is untagged, but only once it has listed one of that type:
// when it lists none, it may not cover the type at all (an emulator's
// tagging API), and that type's tags are read with DescribeTags. A failed
// GetResources falls back to DescribeTags too, which records its own
// failures.
func elbTags(ctx context.Context, c elbv2API, tc tagging.GetResourcesAPIClient, t target, tagged map[string]*snapshot.Tags, out *snapshot.Snapshot) {
	arns := slices.Sorted(maps.Keys(tagged))
	covered := 0
	for _, arn := range arns {
		if taggingType(arn) != "" {
			covered++
		}
	}
	if viaTagging(covered, len(arns)-covered) {
		arns = tagsByTaggingAPI(ctx, tc, tagged, arns)
	}
	for batch := range slices.Chunk(arns, elbTagBatch) {
		resp, err := c.DescribeTags(ctx, &elb.DescribeTagsInput{ResourceArns: batch})
		if err != nil {
			out.Errors = append(out.Errors, t.failureFor(serviceELBv2, "DescribeTags", err, batch...))
			continue
		}
		for _, d := range resp.TagDescriptions {
			dst, ok := tagged[aws.ToString(d.ResourceArn)]
			if !ok {
				continue
			}
			tags := snapshot.Tags{}
			for _, tag := range d.Tags {
				tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
			}
			*dst = tags
		}
	}
}

// viaTagging reports whether an account-region with covered load
// balancers and target groups and uncovered listeners and rules reads
// their tags through the tagging API: when that takes fewer calls than
// DescribeTags alone, counting every covered resource as tagged (the
// collector cannot know how many are before asking).
func viaTagging(covered, uncovered int) bool {
	describe := (covered + uncovered + elbTagBatch - 1) / elbTagBatch
	via := (covered+taggingPageSize-1)/taggingPageSize + (uncovered+elbTagBatch-1)/elbTagBatch
	return covered > 0 && via < describe
}

// tagsByTaggingAPI fills the tags GetResources lists and returns the ARNs
// left for DescribeTags: the uncovered types, and the covered types of
// which GetResources listed none (or all of them, when it failed).
func tagsByTaggingAPI(ctx context.Context, tc tagging.GetResourcesAPIClient, tagged map[string]*snapshot.Tags, arns []string) []string {
	filters := make([]string, len(taggingTypes))
	for i, tt := range taggingTypes {
		filters[i] = tt.filter
	}
	listed := map[string]bool{} // types GetResources listed a resource of
	answered := map[string]snapshot.Tags{}
	pages := tagging.NewGetResourcesPaginator(tc, &tagging.GetResourcesInput{
		ResourceTypeFilters: filters, ResourcesPerPage: aws.Int32(taggingPageSize)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return arns
		}
		for _, m := range page.ResourceTagMappingList {
			arn := aws.ToString(m.ResourceARN)
			tags := snapshot.Tags{}
			for _, tag := range m.Tags {
				tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
			}
			answered[arn] = tags
			listed[taggingType(arn)] = true
		}
	}
	var rest []string
	for _, arn := range arns {
		typ := taggingType(arn)
		switch {
		case typ == "" || !listed[typ]:
			rest = append(rest, arn)
		case answered[arn] != nil:
			*tagged[arn] = answered[arn]
		default:
			*tagged[arn] = snapshot.Tags{} // never tagged
		}
	}
	return rest
}
