package collectors

import (
	"context"
	"errors"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	"github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// wafv2API is the part of the WAFv2 client the collector uses. WAFv2 has
// no SDK paginators; its NextMarker loops go through eachPage.
type wafv2API interface {
	ListWebACLs(context.Context, *wafv2.ListWebACLsInput, ...func(*wafv2.Options)) (*wafv2.ListWebACLsOutput, error)
	GetWebACL(context.Context, *wafv2.GetWebACLInput, ...func(*wafv2.Options)) (*wafv2.GetWebACLOutput, error)
	ListResourcesForWebACL(context.Context, *wafv2.ListResourcesForWebACLInput, ...func(*wafv2.Options)) (*wafv2.ListResourcesForWebACLOutput, error)
	ListTagsForResource(context.Context, *wafv2.ListTagsForResourceInput, ...func(*wafv2.Options)) (*wafv2.ListTagsForResourceOutput, error)
	webACLForResourceAPI
}

// wafPageSize is the largest Limit WAFv2 list calls accept.
const wafPageSize = 100

// wafAssociatedTypes are the resource types an entry-point ACL protects.
// Without ResourceType, ListResourcesForWebACL answers for ALBs only.
var wafAssociatedTypes = []types.ResourceType{types.ResourceTypeApplicationLoadBalancer, types.ResourceTypeApiGateway}

func collectRegionalWAF(ctx context.Context, t target) *snapshot.Snapshot {
	return webACLs(ctx, wafv2.NewFromConfig(t.config(serviceWAFv2)), t, types.ScopeRegional)
}

// collectCloudFrontWAF reads CLOUDFRONT-scope ACLs, which exist only in
// us-east-1 and are collected once per account.
func collectCloudFrontWAF(ctx context.Context, t target) *snapshot.Snapshot {
	return webACLs(ctx, wafv2.NewFromConfig(t.config(serviceWAFv2)), t, types.ScopeCloudfront)
}

// webACLs reads the web ACLs of one scope with their rules, tags and, for
// regional ACLs, the resources each protects: one inverted look-up per ACL
// and resource type instead of one GetWebACLForResource per resource. An
// ACL whose GetWebACL fails keeps its place (ARN and name from the list)
// so its associations and tags are still read.
func webACLs(ctx context.Context, c wafv2API, t target, scope types.Scope) *snapshot.Snapshot {
	out := &snapshot.Snapshot{}
	if !t.wants("web_acls") {
		return out
	}
	var summaries []types.WebACLSummary
	err := eachPage(func(token *string) (*string, error) {
		page, err := c.ListWebACLs(ctx, &wafv2.ListWebACLsInput{Scope: scope, NextMarker: token, Limit: aws.Int32(wafPageSize)})
		if err != nil {
			return nil, err
		}
		summaries = append(summaries, page.WebACLs...)
		return page.NextMarker, nil
	})
	if err != nil {
		out.Errors = append(out.Errors, t.failure(serviceWAFv2, "ListWebACLs", err))
	}

	acls, errs := eachResource(summaries, func(sum types.WebACLSummary, part *snapshot.Snapshot) snapshot.WebACL {
		return webACL(ctx, c, t, scope, sum, part)
	})
	out.WebACLs, out.Errors = append(out.WebACLs, acls...), append(out.Errors, errs...)
	return out
}

// webACL reads one web ACL: its rules, the resources it protects and its
// tags.
func webACL(ctx context.Context, c wafv2API, t target, scope types.Scope, sum types.WebACLSummary, out *snapshot.Snapshot) snapshot.WebACL {
	arn := aws.ToString(sum.ARN)
	fail := func(op string, err error) { out.Errors = append(out.Errors, t.failureFor(serviceWAFv2, op, err, arn)) }
	w := snapshot.WebACL{
		ARN: arn, Account: t.account, Region: t.region, ID: aws.ToString(sum.Id),
		Name: aws.ToString(sum.Name), Scope: string(scope),
	}
	if got, err := c.GetWebACL(ctx, &wafv2.GetWebACLInput{Id: sum.Id, Name: sum.Name, Scope: scope}); err != nil {
		fail("GetWebACL", err)
	} else if acl := got.WebACL; acl != nil {
		switch d := acl.DefaultAction; {
		case d != nil && d.Block != nil:
			w.DefaultAction = "BLOCK"
		case d != nil && d.Allow != nil:
			w.DefaultAction = "ALLOW"
		}
		for _, r := range acl.Rules {
			w.Rules = append(w.Rules, wafRule(r))
		}
	}

	if scope == types.ScopeRegional && t.wants("web_acl_associations") {
		for _, typ := range wafAssociatedTypes {
			res, err := c.ListResourcesForWebACL(ctx, &wafv2.ListResourcesForWebACLInput{WebACLArn: aws.String(arn), ResourceType: typ})
			if err != nil {
				// Recorded without a resource: every protected resource
				// of the region is unknown until webACLFallback asks them
				// one by one.
				out.Errors = append(out.Errors, t.failure(serviceWAFv2, "ListResourcesForWebACL", err))
				continue
			}
			w.AssociatedResources = append(w.AssociatedResources, res.ResourceArns...)
		}
	}

	if !t.wants("web_acl_tags") {
		return w
	}
	err := eachPage(func(token *string) (*string, error) {
		page, err := c.ListTagsForResource(ctx, &wafv2.ListTagsForResourceInput{ResourceARN: aws.String(arn), NextMarker: token, Limit: aws.Int32(wafPageSize)})
		if err != nil {
			return nil, err
		}
		if page.TagInfoForResource != nil {
			for _, tag := range page.TagInfoForResource.TagList {
				if w.Tags == nil {
					w.Tags = snapshot.Tags{}
				}
				w.Tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
			}
		}
		return page.NextMarker, nil
	})
	if err != nil {
		fail("ListTagsForResource", err)
	}
	return w
}

// webACLForResourceAPI is the per-resource association look-up.
type webACLForResourceAPI interface {
	GetWebACLForResource(context.Context, *wafv2.GetWebACLForResourceInput, ...func(*wafv2.Options)) (*wafv2.GetWebACLForResourceOutput, error)
}

// webACLFallback recovers the web ACL associations of a region whose
// inverted look-up (ListResourcesForWebACL) failed, denied by a narrow
// policy or not implemented by an emulator: it asks GetWebACLForResource
// for each application load balancer, paced at that call's own quota.
// REST stages need no look-up, since GetStages names their web ACL. When
// the fallback answers for every load balancer, the associations are
// complete and the failed inverted calls are dropped from the errors;
// otherwise the load balancers it could not ask leave the associations
// partial, and the inverted calls stay recorded when nothing was
// recovered. Without the region's whole list of load balancers (not read,
// or its listing failed) there is no one to ask and the failed calls stay.
func webACLFallback(ctx context.Context, c webACLForResourceAPI, t target, s *snapshot.Snapshot) {
	failed := func(e snapshot.CollectionError) bool {
		return e.Service == serviceWAFv2 && e.Operation == "ListResourcesForWebACL"
	}
	if !slices.ContainsFunc(s.Errors, failed) {
		return
	}
	// Only a complete list of the region's load balancers says whom to
	// ask: unread, or cut short, it leaves the failed listing recorded.
	listedLBs := t.wants("load_balancers") && !slices.ContainsFunc(s.Errors, func(e snapshot.CollectionError) bool {
		return e.Service == serviceELBv2 && e.Operation == "DescribeLoadBalancers"
	})
	if !listedLBs {
		return
	}
	byARN := map[string]*snapshot.WebACL{}
	for i := range s.WebACLs {
		byARN[s.WebACLs[i].ARN] = &s.WebACLs[i]
	}
	var albs []string
	for _, lb := range s.LoadBalancers {
		if lb.Type == "application" {
			albs = append(albs, lb.ARN)
		}
	}
	// answer is what one look-up learnt: whether it was answered, and the
	// ARN of the web ACL protecting the load balancer, if any.
	type answer struct {
		answered bool
		acl      string
	}
	answers, errs := eachResource(albs, func(arn string, part *snapshot.Snapshot) answer {
		got, err := c.GetWebACLForResource(ctx, &wafv2.GetWebACLForResourceInput{ResourceArn: aws.String(arn)})
		var gone *types.WAFNonexistentItemException
		switch {
		case errors.As(err, &gone):
			// The load balancer was deleted since it was listed.
			return answer{answered: true}
		case err != nil:
			part.Errors = append(part.Errors, t.failureFor(serviceWAFv2, "GetWebACLForResource", err, arn))
			return answer{}
		case got.WebACL != nil:
			return answer{answered: true, acl: aws.ToString(got.WebACL.ARN)}
		}
		return answer{answered: true}
	})
	asked := 0
	for i, a := range answers {
		if !a.answered {
			continue
		}
		asked++
		if acl, ok := byARN[a.acl]; ok {
			acl.AssociatedResources = append(acl.AssociatedResources, albs[i])
		}
	}
	if asked > 0 || len(errs) == 0 {
		s.Errors = slices.DeleteFunc(s.Errors, failed)
	}
	s.Errors = append(s.Errors, errs...)
}

// wafRule summarises a rule: its action, the kind of its top-level
// statement, and the numbers the throttling rules need.
func wafRule(r types.Rule) snapshot.WAFRule {
	rule := snapshot.WAFRule{Name: aws.ToString(r.Name), Priority: int(r.Priority)}
	switch a := r.Action; {
	case a != nil && a.Allow != nil:
		rule.Action = "ALLOW"
	case a != nil && a.Block != nil:
		rule.Action = "BLOCK"
	case a != nil && a.Count != nil:
		rule.Action = "COUNT"
	case a != nil && a.Captcha != nil:
		rule.Action = "CAPTCHA"
	case a != nil && a.Challenge != nil:
		rule.Action = "CHALLENGE"
	case r.OverrideAction != nil && r.OverrideAction.Count != nil:
		rule.Action = "COUNT"
	case r.OverrideAction != nil:
		rule.Action = "NONE"
	}
	s := r.Statement
	if s == nil {
		return rule
	}
	switch {
	case s.RateBasedStatement != nil:
		rule.StatementType = "rate_based"
		rule.RateLimit = aws.ToInt64(s.RateBasedStatement.Limit)
		rule.AggregateKeyType = string(s.RateBasedStatement.AggregateKeyType)
	case s.ManagedRuleGroupStatement != nil:
		rule.StatementType = "managed_rule_group"
		rule.ManagedRuleGroup = aws.ToString(s.ManagedRuleGroupStatement.VendorName) + "/" + aws.ToString(s.ManagedRuleGroupStatement.Name)
	case s.RuleGroupReferenceStatement != nil:
		rule.StatementType = "rule_group_reference"
	case s.ByteMatchStatement != nil:
		rule.StatementType = "byte_match"
	case s.GeoMatchStatement != nil:
		rule.StatementType = "geo_match"
	case s.IPSetReferenceStatement != nil:
		rule.StatementType = "ip_set_reference"
	case s.AndStatement != nil:
		rule.StatementType = "and"
	case s.OrStatement != nil:
		rule.StatementType = "or"
	case s.NotStatement != nil:
		rule.StatementType = "not"
	case s.AsnMatchStatement != nil:
		rule.StatementType = "asn_match"
	case s.LabelMatchStatement != nil:
		rule.StatementType = "label_match"
	case s.RegexMatchStatement != nil:
		rule.StatementType = "regex_match"
	case s.RegexPatternSetReferenceStatement != nil:
		rule.StatementType = "regex_pattern_set_reference"
	case s.SizeConstraintStatement != nil:
		rule.StatementType = "size_constraint"
	case s.SqliMatchStatement != nil:
		rule.StatementType = "sqli_match"
	case s.XssMatchStatement != nil:
		rule.StatementType = "xss_match"
	}
	return rule
}
