package tfplan

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// builder assembles the snapshot. Resources declared in pieces (an API
// and its stages, a load balancer and its listeners) are gathered by the
// identifier that joins them, then assembled once every piece is read.
type builder struct {
	c *converter
	s *snapshot.Snapshot

	lbs       []snapshot.LoadBalancer
	listeners map[string][]snapshot.Listener     // by load balancer ARN
	rules     map[string][]snapshot.ListenerRule // by listener ARN
	tgs       []snapshot.TargetGroup
	targets   map[string][]snapshot.Target // by target group ARN
	sgs       []snapshot.SecurityGroup
	sgRules   map[string][]snapshot.IngressRule // by security group ID

	restAPIs      map[string]*snapshot.RestAPI
	restOrder     []string
	restResources []restResource
	paths         map[string]string // api/resource ID -> path, roots
	methods       map[string]*snapshot.RestMethod
	restStages    map[string][]snapshot.RestStage
	settings      map[string]map[string]snapshot.MethodSetting
	authorizers   map[string][]snapshot.Authorizer
	validators    map[string][]snapshot.RequestValidator
	domains       map[string]*snapshot.DomainName
	mappings      map[string][]snapshot.DomainMapping

	v2APIs         map[string]*snapshot.V2API
	v2Order        []string
	v2Routes       map[string][]snapshot.V2Route
	v2Integrations map[string][]snapshot.V2Integration
	v2Stages       map[string][]snapshot.V2Stage

	acls         map[string]*snapshot.WebACL
	aclOrder     []string
	associations map[string][]string // by web ACL ARN

	// unknownTags names, per dataset, a resource whose tags are known only
	// after apply: those tags cannot be judged.
	unknownTags map[string]string
}

// converters maps each supported resource type to its conversion, in the
// order they run (parents before the pieces that join them).
var converters = []struct {
	types []string
	fn    func(*builder, *instance)
}{
	{[]string{"aws_lb", "aws_alb"}, (*builder).loadBalancer},
	{[]string{"aws_lb_listener", "aws_alb_listener"}, (*builder).listener},
	{[]string{"aws_lb_listener_rule", "aws_alb_listener_rule"}, (*builder).listenerRule},
	{[]string{"aws_lb_target_group", "aws_alb_target_group"}, (*builder).targetGroup},
	{[]string{"aws_lb_target_group_attachment", "aws_alb_target_group_attachment"}, (*builder).targetAttachment},
	{[]string{"aws_security_group"}, (*builder).securityGroup},
	{[]string{"aws_security_group_rule", "aws_vpc_security_group_ingress_rule"}, (*builder).securityGroupRule},
	{[]string{"aws_api_gateway_rest_api"}, (*builder).restAPI},
	{[]string{"aws_api_gateway_resource"}, (*builder).restResource},
	{[]string{"aws_api_gateway_method"}, (*builder).restMethod},
	{[]string{"aws_api_gateway_integration"}, (*builder).restIntegration},
	{[]string{"aws_api_gateway_stage"}, (*builder).restStage},
	{[]string{"aws_api_gateway_method_settings"}, (*builder).methodSettings},
	{[]string{"aws_api_gateway_authorizer"}, func(b *builder, in *instance) { b.authorizer(in, b.c.attr(in, "rest_api_id")) }},
	{[]string{"aws_api_gateway_request_validator"}, (*builder).requestValidator},
	{[]string{"aws_api_gateway_usage_plan"}, (*builder).usagePlan},
	{[]string{"aws_api_gateway_vpc_link", "aws_apigatewayv2_vpc_link"}, (*builder).vpcLink},
	{[]string{"aws_api_gateway_domain_name", "aws_apigatewayv2_domain_name"}, (*builder).domainName},
	{[]string{"aws_api_gateway_base_path_mapping", "aws_apigatewayv2_api_mapping"}, (*builder).domainMapping},
	{[]string{"aws_apigatewayv2_api"}, (*builder).v2API},
	{[]string{"aws_apigatewayv2_route"}, (*builder).v2Route},
	{[]string{"aws_apigatewayv2_integration"}, (*builder).v2Integration},
	{[]string{"aws_apigatewayv2_stage"}, (*builder).v2Stage},
	{[]string{"aws_apigatewayv2_authorizer"}, func(b *builder, in *instance) { b.authorizer(in, b.c.attr(in, "api_id")) }},
	{[]string{"aws_wafv2_web_acl"}, (*builder).webACL},
	{[]string{"aws_wafv2_web_acl_association"}, (*builder).webACLAssociation},
	{[]string{"aws_cloudfront_distribution"}, (*builder).distribution},
	{[]string{"aws_lambda_function"}, (*builder).lambda},
	{[]string{"aws_shield_protection"}, (*builder).shieldProtection},
	{[]string{"aws_cloudwatch_metric_alarm"}, (*builder).alarm},
}

// consumed are types the plan may hold that shape the entry points without
// a snapshot field of their own: deployments are implied by stages, usage
// plan keys by plans, Lambda permissions by the targets they allow.
var consumed = map[string]bool{
	"aws_api_gateway_deployment": true, "aws_api_gateway_usage_plan_key": true, "aws_lambda_permission": true,
}

// Supported reports whether the converter reads resources of type typ.
func Supported(typ string) bool {
	if consumed[typ] {
		return true
	}
	for _, cv := range converters {
		if contains(cv.types, typ) {
			return true
		}
	}
	return false
}

// Convert turns a plan into a snapshot of the infrastructure it plans:
// resources it creates, updates or leaves unchanged, not those it deletes.
// With opts.Context, the planned resources replace or join the live ones.
func Convert(plan *tfjson.Plan, opts Options) (*snapshot.Snapshot, error) {
	c := newConverter(plan, opts)
	b := &builder{c: c, s: &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion},
		listeners: map[string][]snapshot.Listener{}, rules: map[string][]snapshot.ListenerRule{}, targets: map[string][]snapshot.Target{},
		sgRules: map[string][]snapshot.IngressRule{}, restAPIs: map[string]*snapshot.RestAPI{}, paths: map[string]string{},
		methods: map[string]*snapshot.RestMethod{}, restStages: map[string][]snapshot.RestStage{},
		settings: map[string]map[string]snapshot.MethodSetting{}, authorizers: map[string][]snapshot.Authorizer{},
		validators: map[string][]snapshot.RequestValidator{}, domains: map[string]*snapshot.DomainName{},
		mappings: map[string][]snapshot.DomainMapping{}, v2APIs: map[string]*snapshot.V2API{}, v2Routes: map[string][]snapshot.V2Route{},
		v2Integrations: map[string][]snapshot.V2Integration{}, v2Stages: map[string][]snapshot.V2Stage{},
		acls: map[string]*snapshot.WebACL{}, associations: map[string][]string{}, unknownTags: map[string]string{}}
	for _, cv := range converters {
		for _, in := range c.instances {
			if in.mode != tfjson.ManagedResourceMode || in.actions.Delete() || !contains(cv.types, in.typ) {
				continue
			}
			cv.fn(b, in)
		}
	}
	b.assembleELB()
	for i := range b.sgs {
		b.sgs[i].Ingress = append(b.sgs[i].Ingress, b.sgRules[b.sgs[i].ID]...)
	}
	b.s.LoadBalancers, b.s.TargetGroups, b.s.SecurityGroups = b.lbs, b.tgs, b.sgs
	b.assembleRest()
	b.assembleV2()
	b.assembleWAF()
	b.warnForeignAPIs()

	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	b.s.TakenAt = now().UTC()
	b.s.Tool = snapshot.Tool{Name: "gatewatch", Version: cmp.Or(opts.Version, "dev")}
	b.scope()
	b.coverage()
	if opts.Context != nil {
		return overlay(opts.Context, b.s, c)
	}
	c.warnOrphans(nil)
	b.s.Normalize()
	return b.s, nil
}

// mark records that the resource with arn comes from the plan.
func (b *builder) mark(arn string, in *instance) {
	action := actionNames(in.actions)
	if in.actions.Replace() {
		action = "replace"
	}
	b.s.Planned = append(b.s.Planned, snapshot.Planned{ARN: arn, Address: in.addr, Action: action})
}

// tags returns the tags AWS will report: tags_all (with the provider's
// default_tags) when the plan knows it, else the resource's own tags.
func (b *builder) tags(in *instance) snapshot.Tags {
	if isUnknown(in.unknown, "tags_all") || isUnknown(in.unknown, "tags") {
		if ds := tagDataset(in.typ); ds != "" {
			if _, seen := b.unknownTags[ds]; !seen {
				b.unknownTags[ds] = in.addr
			}
		}
	}
	if t := strMap(in.values, "tags_all"); t != nil {
		return t
	}
	if t := strMap(in.values, "tags"); t != nil {
		return t
	}
	return snapshot.Tags{}
}

// tagDataset is the dataset that holds the tags of a resource type.
func tagDataset(typ string) string {
	switch typ {
	case "aws_lb", "aws_alb", "aws_lb_listener", "aws_alb_listener", "aws_lb_listener_rule", "aws_alb_listener_rule",
		"aws_lb_target_group", "aws_alb_target_group":
		return "elb_tags"
	case "aws_cloudfront_distribution":
		return "distribution_tags"
	case "aws_wafv2_web_acl":
		return "web_acl_tags"
	case "aws_api_gateway_rest_api":
		return "rest_apis"
	case "aws_api_gateway_stage":
		return "rest_stages"
	case "aws_apigatewayv2_api":
		return "v2_apis"
	case "aws_apigatewayv2_stage":
		return "v2_stages"
	}
	return ""
}

// all returns the strings of a list attribute, resolving the references
// of its configuration expression when the planned list is unknown
// (security_groups = [aws_security_group.alb.id]).
func (c *converter) all(in *instance, name string) []string {
	known := strs(in.values, name)
	if !isUnknown(in.unknown, name) || in.cfg == nil {
		return known
	}
	out := known
	if e := in.cfg.Expressions[name]; e != nil && e.ExpressionData != nil {
		for _, ref := range e.References {
			for _, v := range c.resolveEach(in, ref, name) {
				if v != "" && !contains(out, v) {
					out = append(out, v)
				}
			}
		}
	}
	return out
}

// resolveEach resolves a reference in a list expression: an unindexed
// reference to a counted resource (aws_subnet.public[*].id) names every
// instance.
func (c *converter) resolveEach(in *instance, ref, referring string) []string {
	m := refPattern.FindStringSubmatch(ref)
	if m == nil || m[1] != "" || m[4] != "" {
		return []string{c.resolveRef(in, moduleCfgPath(in.module), ref, referring)}
	}
	addr := m[2] + "." + m[3]
	if mod := moduleCfgPath(in.module); mod != "" {
		addr = mod + "." + addr
	}
	cands := c.byResource[addr]
	if len(cands) < 2 || in.key != nil {
		return []string{c.resolveRef(in, moduleCfgPath(in.module), ref, referring)}
	}
	name := cmp.Or(m[5], impliedAttr(referring, cands[0].typ))
	out := make([]string, 0, len(cands))
	for _, t := range cands {
		out = append(out, c.attr(t, name))
	}
	return out
}

// warnOrphans says which planned pieces have no parent to join, in the
// plan or in the live snapshot (live may be nil), and so are not judged.
func (c *converter) warnOrphans(live *snapshot.Snapshot) {
	if c.opts.Warn == nil {
		return
	}
	idx := map[string]snapshot.Resource{}
	if live != nil {
		idx = live.Index()
	}
	known := func(arn string) bool { _, ok := idx[arn]; return ok }
	liveTGs := map[string]bool{}
	if live != nil {
		for _, tg := range live.TargetGroups {
			liveTGs[tg.ARN] = true
		}
	}
	for _, arn := range slices.Sorted(maps.Keys(c.orphans.listeners)) {
		if !known(arn) {
			c.opts.Warn(fmt.Sprintf("%d planned listener(s) on load balancer %s, which is neither in the plan nor in the live snapshot: not judged", len(c.orphans.listeners[arn]), arn))
		}
	}
	for _, arn := range slices.Sorted(maps.Keys(c.orphans.rules)) {
		if !known(arn) {
			c.opts.Warn(fmt.Sprintf("%d planned listener rule(s) on listener %s, which is neither in the plan nor in the live snapshot: not judged", len(c.orphans.rules[arn]), arn))
		}
	}
	for _, arn := range slices.Sorted(maps.Keys(c.orphans.targets)) {
		if !liveTGs[arn] {
			c.opts.Warn(fmt.Sprintf("%d planned target(s) of target group %s, which is neither in the plan nor in the live snapshot: not judged", len(c.orphans.targets[arn]), arn))
		}
	}
}

// warnForeignAPIs says which APIs the plan adds stages, methods, routes
// or integrations to without defining them: those pieces are not judged
// (they are not attached to live APIs either).
func (b *builder) warnForeignAPIs() {
	if b.c.opts.Warn == nil {
		return
	}
	apis := map[string]bool{}
	for _, r := range b.restResources {
		apis[r.api] = true
	}
	for key := range b.methods {
		api, _, _ := strings.Cut(key, "/")
		apis[api] = true
	}
	for _, m := range []map[string]int{lens(b.restStages), lens(b.authorizers), lens(b.validators), lens(b.v2Routes), lens(b.v2Integrations), lens(b.v2Stages)} {
		for api := range m {
			apis[api] = true
		}
	}
	for _, api := range slices.Sorted(maps.Keys(apis)) {
		if b.restAPIs[api] == nil && b.v2APIs[api] == nil {
			b.c.opts.Warn("the plan adds stages, methods, routes or integrations to API " + api + ", which it does not define: they are not judged")
		}
	}
}

func lens[V any](m map[string][]V) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = len(v)
	}
	return out
}
