package tfplan

import (
	"maps"
	"slices"
	"strings"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

func (b *builder) v2API(in *instance) {
	v := in.values
	a := &snapshot.V2API{ARN: b.c.attr(in, "arn"), Account: in.account, Region: in.region, ID: b.c.attr(in, "id"),
		Name: str(v, "name"), ProtocolType: str(v, "protocol_type"), APIEndpoint: b.c.attr(in, "api_endpoint"),
		DisableExecuteAPIEndpoint: boolean(v, "disable_execute_api_endpoint"), Tags: b.tags(in),
		Routes: []snapshot.V2Route{}, Integrations: []snapshot.V2Integration{}, Stages: []snapshot.V2Stage{}, Authorizers: []snapshot.Authorizer{}}
	b.v2APIs[a.ID] = a
	b.v2Order = append(b.v2Order, a.ID)
	b.mark(a.ARN, in)
}

func (b *builder) v2Route(in *instance) {
	v := in.values
	r := snapshot.V2Route{ID: b.c.attr(in, "id"), RouteKey: str(v, "route_key"), AuthorizationType: str(v, "authorization_type"),
		APIKeyRequired: boolean(v, "api_key_required")}
	if r.AuthorizationType == "" {
		r.AuthorizationType = "NONE"
	}
	if str(v, "authorizer_id") != "" || isUnknown(in.unknown, "authorizer_id") {
		r.AuthorizerID = b.c.attr(in, "authorizer_id")
	}
	switch {
	case str(v, "target") != "":
		r.Target = str(v, "target")
	case isUnknown(in.unknown, "target"):
		// target = "integrations/${aws_apigatewayv2_integration.x.id}"
		r.Target = "integrations/" + b.c.attr(in, "target")
	}
	api := b.c.attr(in, "api_id")
	b.v2Routes[api] = append(b.v2Routes[api], r)
}

func (b *builder) v2Integration(in *instance) {
	v := in.values
	ig := snapshot.V2Integration{ID: b.c.attr(in, "id"), Type: str(v, "integration_type"), Method: str(v, "integration_method"),
		ConnectionType: str(v, "connection_type"), PayloadFormatVersion: str(v, "payload_format_version"), TimeoutMillis: 30000}
	if str(v, "integration_uri") != "" || isUnknown(in.unknown, "integration_uri") {
		ig.URI = b.c.attr(in, "integration_uri")
	}
	if str(v, "connection_id") != "" || isUnknown(in.unknown, "connection_id") {
		ig.ConnectionID = b.c.attr(in, "connection_id")
	}
	if n, ok := integer(v, "timeout_milliseconds"); ok {
		ig.TimeoutMillis = n
	}
	api := b.c.attr(in, "api_id")
	b.v2Integrations[api] = append(b.v2Integrations[api], ig)
}

func routeSettings(m map[string]any) snapshot.RouteSettings {
	rs := snapshot.RouteSettings{DetailedMetricsEnabled: boolean(m, "detailed_metrics_enabled"), LoggingLevel: str(m, "logging_level"),
		DataTraceEnabled: boolean(m, "data_trace_enabled")}
	// The provider reads an unset throttle back as 0; API Gateway
	// reports it as absent, and 0 would read as "throttled to nothing".
	if n, ok := integer(m, "throttling_burst_limit"); ok && n > 0 {
		rs.ThrottlingBurstLimit = &n
	}
	if f, ok := number(m, "throttling_rate_limit"); ok && f > 0 {
		rs.ThrottlingRateLimit = &f
	}
	return rs
}

func (b *builder) v2Stage(in *instance) {
	v := in.values
	st := snapshot.V2Stage{ARN: b.c.attr(in, "arn"), Name: str(v, "name"), AutoDeploy: boolean(v, "auto_deploy"), Tags: b.tags(in),
		Variables: strMap(v, "stage_variables")}
	if al := block(v, "access_log_settings"); al != nil {
		st.AccessLogDestination, st.AccessLogFormat = str(al, "destination_arn"), str(al, "format")
	}
	if d := block(v, "default_route_settings"); d != nil {
		st.DefaultRouteSettings = routeSettings(d)
	}
	for _, r := range blocks(v, "route_settings") {
		if st.RouteSettings == nil {
			st.RouteSettings = map[string]snapshot.RouteSettings{}
		}
		st.RouteSettings[str(r, "route_key")] = routeSettings(r)
	}
	api := b.c.attr(in, "api_id")
	b.v2Stages[api] = append(b.v2Stages[api], st)
	b.mark(st.ARN, in)
}

func (b *builder) assembleV2() {
	for _, id := range b.v2Order {
		a := b.v2APIs[id]
		a.Routes = append(a.Routes, b.v2Routes[id]...)
		a.Integrations = append(a.Integrations, b.v2Integrations[id]...)
		a.Stages = append(a.Stages, b.v2Stages[id]...)
		a.Authorizers = append(a.Authorizers, b.authorizers[id]...)
		b.s.V2APIs = append(b.s.V2APIs, *a)
	}
	for _, name := range slices.Sorted(maps.Keys(b.domains)) {
		d := b.domains[name]
		d.Mappings = append(d.Mappings, b.mappings[name]...)
		b.s.DomainNames = append(b.s.DomainNames, *d)
	}
}

// wafStatements names the top-level statement kinds as the collector
// summarises them.
var wafStatements = []string{"rate_based", "managed_rule_group", "rule_group_reference", "byte_match", "geo_match",
	"ip_set_reference", "and", "or", "not", "asn_match", "label_match", "regex_match", "regex_pattern_set_reference",
	"size_constraint", "sqli_match", "xss_match"}

func (b *builder) webACL(in *instance) {
	v := in.values
	w := &snapshot.WebACL{ARN: b.c.attr(in, "arn"), Account: in.account, Region: in.region, ID: b.c.attr(in, "id"),
		Name: str(v, "name"), Scope: str(v, "scope"), DefaultAction: "ALLOW", Tags: b.tags(in),
		Rules: []snapshot.WAFRule{}, AssociatedResources: []string{}}
	if w.Scope == "CLOUDFRONT" {
		w.Region = "us-east-1"
	}
	if da := block(v, "default_action"); da != nil && len(blocks(da, "block")) > 0 {
		w.DefaultAction = "BLOCK"
	}
	for _, r := range blocks(v, "rule") {
		rule := snapshot.WAFRule{Name: str(r, "name")}
		rule.Priority, _ = integer(r, "priority")
		if a := block(r, "action"); a != nil {
			for _, k := range []string{"allow", "block", "count", "captcha", "challenge"} {
				if len(blocks(a, k)) > 0 {
					rule.Action = strings.ToUpper(k)
				}
			}
		}
		if o := block(r, "override_action"); o != nil {
			rule.Action = "NONE"
			if len(blocks(o, "count")) > 0 {
				rule.Action = "COUNT"
			}
		}
		if s := block(r, "statement"); s != nil {
			for _, kind := range wafStatements {
				st := block(s, kind+"_statement")
				if st == nil {
					continue
				}
				rule.StatementType = kind
				switch kind {
				case "rate_based":
					n, _ := integer(st, "limit")
					rule.RateLimit, rule.AggregateKeyType = int64(n), str(st, "aggregate_key_type")
					if rule.AggregateKeyType == "" {
						rule.AggregateKeyType = "IP"
					}
				case "managed_rule_group":
					rule.ManagedRuleGroup = str(st, "vendor_name") + "/" + str(st, "name")
				}
				break
			}
		}
		w.Rules = append(w.Rules, rule)
	}
	b.acls[w.ARN] = w
	b.aclOrder = append(b.aclOrder, w.ARN)
	b.mark(w.ARN, in)
}

func (b *builder) webACLAssociation(in *instance) {
	acl := b.c.attr(in, "web_acl_arn")
	b.associations[acl] = append(b.associations[acl], b.c.attr(in, "resource_arn"))
}

func (b *builder) assembleWAF() {
	for arn, res := range b.associations {
		if b.acls[arn] == nil {
			b.c.orphans.associations[arn] = res
		}
	}
	for _, arn := range b.aclOrder {
		w := b.acls[arn]
		w.AssociatedResources = append(w.AssociatedResources, b.associations[arn]...)
		b.s.WebACLs = append(b.s.WebACLs, *w)
	}
}

func (b *builder) distribution(in *instance) {
	v := in.values
	d := snapshot.Distribution{ARN: b.c.attr(in, "arn"), Account: in.account, ID: b.c.attr(in, "id"),
		DomainName: b.c.attr(in, "domain_name"), Aliases: strs(v, "aliases"), Enabled: boolean(v, "enabled"),
		Tags: b.tags(in), Origins: []snapshot.Origin{}}
	if str(v, "web_acl_id") != "" || isUnknown(in.unknown, "web_acl_id") {
		d.WebACLID = b.c.attr(in, "web_acl_id")
	}
	for i, o := range blocks(v, "origin") {
		org := snapshot.Origin{ID: str(o, "origin_id"), OriginPath: str(o, "origin_path"),
			DomainName: b.c.nestedRef(in, o["domain_name"], []string{"origin"}, []int{i}, "domain_name")}
		if co := block(o, "custom_origin_config"); co != nil {
			org.ProtocolPolicy = str(co, "origin_protocol_policy")
		}
		d.Origins = append(d.Origins, org)
	}
	d.DefaultCacheBehavior = cacheBehavior(block(v, "default_cache_behavior"))
	for _, cb := range blocks(v, "ordered_cache_behavior") {
		d.CacheBehaviors = append(d.CacheBehaviors, cacheBehavior(cb))
	}
	if vc := block(v, "viewer_certificate"); vc != nil {
		d.MinimumProtocolVersion = str(vc, "minimum_protocol_version")
	}
	d.LoggingEnabled = block(v, "logging_config") != nil
	b.s.Distributions = append(b.s.Distributions, d)
	b.mark(d.ARN, in)
}

func cacheBehavior(m map[string]any) snapshot.CacheBehavior {
	if m == nil {
		return snapshot.CacheBehavior{}
	}
	return snapshot.CacheBehavior{PathPattern: str(m, "path_pattern"), TargetOriginID: str(m, "target_origin_id"),
		ViewerProtocolPolicy: str(m, "viewer_protocol_policy"), AllowedMethods: strs(m, "allowed_methods"),
		CachePolicyID: str(m, "cache_policy_id")}
}

func (b *builder) lambda(in *instance) {
	v := in.values
	f := snapshot.LambdaFunction{ARN: b.c.attr(in, "arn"), Account: in.account, Region: in.region, Name: b.c.attr(in, "function_name"),
		Runtime: str(v, "runtime"), TimeoutSeconds: 3, MemoryMB: 128, Tags: b.tags(in)}
	if n, ok := integer(v, "timeout"); ok {
		f.TimeoutSeconds = n
	}
	if n, ok := integer(v, "memory_size"); ok {
		f.MemoryMB = n
	}
	// -1 is the provider's "no reservation".
	if n, ok := integer(v, "reserved_concurrent_executions"); ok && n >= 0 {
		f.ReservedConcurrency = &n
	}
	b.s.LambdaFunctions = append(b.s.LambdaFunctions, f)
	b.mark(f.ARN, in)
}

func (b *builder) shieldProtection(in *instance) {
	p := snapshot.ShieldProtection{ARN: b.c.attr(in, "arn"), Account: in.account, ID: b.c.attr(in, "id"),
		Name: str(in.values, "name"), ResourceARN: b.c.attr(in, "resource_arn")}
	b.s.ShieldProtections = append(b.s.ShieldProtections, p)
	b.mark(p.ARN, in)
}

func (b *builder) alarm(in *instance) {
	v := in.values
	a := snapshot.Alarm{ARN: b.c.attr(in, "arn"), Account: in.account, Region: in.region, Name: str(v, "alarm_name"),
		ComparisonOperator: str(v, "comparison_operator"), ActionsEnabled: true, AlarmActions: strs(v, "alarm_actions"),
		Metrics: []snapshot.MetricRef{}}
	if _, ok := v["actions_enabled"]; ok {
		a.ActionsEnabled = boolean(v, "actions_enabled")
	}
	a.Threshold, _ = number(v, "threshold")
	if name := str(v, "metric_name"); name != "" {
		a.Metrics = append(a.Metrics, snapshot.MetricRef{Namespace: str(v, "namespace"), Name: name,
			Dimensions: strMap(v, "dimensions"), Statistic: str(v, "statistic")})
	}
	for _, q := range blocks(v, "metric_query") {
		if m := block(q, "metric"); m != nil {
			a.Metrics = append(a.Metrics, snapshot.MetricRef{Namespace: str(m, "namespace"), Name: str(m, "metric_name"),
				Dimensions: strMap(m, "dimensions"), Statistic: str(m, "stat")})
		}
	}
	b.s.Alarms = append(b.s.Alarms, a)
	b.mark(a.ARN, in)
}
