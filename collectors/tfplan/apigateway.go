package tfplan

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// REST APIs are declared in pieces (API, resources, methods, integrations,
// stages, method settings); the builder gathers the pieces by API ID and
// assembles each API once every piece is read.

func (b *builder) restAPI(in *instance) {
	v := in.values
	a := &snapshot.RestAPI{ARN: b.c.attr(in, "arn"), Account: in.account, Region: in.region, ID: b.c.attr(in, "id"),
		Name: str(v, "name"), APIKeySource: str(v, "api_key_source"), DisableExecuteAPIEndpoint: boolean(v, "disable_execute_api_endpoint"),
		Tags: b.tags(in), EndpointTypes: []string{"EDGE"}}
	if ec := block(v, "endpoint_configuration"); ec != nil {
		if t := strs(ec, "types"); len(t) > 0 {
			a.EndpointTypes = t
		}
		a.VPCEndpointIDs = strs(ec, "vpc_endpoint_ids")
	}
	if p := str(v, "policy"); p != "" && json.Valid([]byte(p)) {
		a.Policy = json.RawMessage(p)
	}
	b.restAPIs[a.ID] = a
	b.restOrder = append(b.restOrder, a.ID)
	b.paths[a.ID+"/"+b.c.attr(in, "root_resource_id")] = "/"
	b.mark(a.ARN, in)
}

type restResource struct{ api, id, parent, part string }

func (b *builder) restResource(in *instance) {
	b.restResources = append(b.restResources, restResource{api: b.c.attr(in, "rest_api_id"), id: b.c.attr(in, "id"),
		parent: b.c.attr(in, "parent_id"), part: str(in.values, "path_part")})
}

// path resolves a resource's path through its parents.
func (b *builder) path(api, id string, depth int) string {
	if p, ok := b.paths[api+"/"+id]; ok {
		return p
	}
	for _, r := range b.restResources {
		if r.api == api && r.id == id && depth < 64 {
			parent := b.path(api, r.parent, depth+1)
			return strings.TrimSuffix(parent, "/") + "/" + r.part
		}
	}
	return ""
}

func (b *builder) restMethod(in *instance) {
	v := in.values
	key := b.c.attr(in, "rest_api_id") + "/" + b.c.attr(in, "resource_id") + "/" + str(v, "http_method")
	m := b.methods[key]
	if m == nil {
		m = &snapshot.RestMethod{}
		b.methods[key] = m
	}
	m.HTTPMethod = str(v, "http_method")
	m.AuthorizationType = str(v, "authorization")
	if str(v, "authorizer_id") != "" || isUnknown(in.unknown, "authorizer_id") {
		m.AuthorizerID = b.c.attr(in, "authorizer_id")
	}
	m.APIKeyRequired = boolean(v, "api_key_required")
	if str(v, "request_validator_id") != "" || isUnknown(in.unknown, "request_validator_id") {
		m.RequestValidatorID = b.c.attr(in, "request_validator_id")
	}
}

func (b *builder) restIntegration(in *instance) {
	v := in.values
	key := b.c.attr(in, "rest_api_id") + "/" + b.c.attr(in, "resource_id") + "/" + b.c.attr(in, "http_method")
	m := b.methods[key]
	if m == nil {
		m = &snapshot.RestMethod{HTTPMethod: b.c.attr(in, "http_method")}
		b.methods[key] = m
	}
	ig := &snapshot.RestIntegration{Type: str(v, "type"), HTTPMethod: str(v, "integration_http_method"),
		ConnectionType: str(v, "connection_type"), TimeoutMillis: 29000}
	if str(v, "uri") != "" || isUnknown(in.unknown, "uri") {
		ig.URI = b.c.attr(in, "uri")
	}
	if str(v, "connection_id") != "" || isUnknown(in.unknown, "connection_id") {
		ig.ConnectionID = b.c.attr(in, "connection_id")
	}
	if n, ok := integer(v, "timeout_milliseconds"); ok {
		ig.TimeoutMillis = n
	}
	m.Integration = ig
}

func (b *builder) restStage(in *instance) {
	v := in.values
	st := snapshot.RestStage{ARN: b.c.attr(in, "arn"), Name: str(v, "stage_name"), DeploymentID: b.c.attr(in, "deployment_id"),
		Tags: b.tags(in), TracingEnabled: boolean(v, "xray_tracing_enabled"), ClientCertificateID: str(v, "client_certificate_id"),
		CacheClusterEnabled: boolean(v, "cache_cluster_enabled"), CacheClusterSize: str(v, "cache_cluster_size"),
		Variables: strMap(v, "variables")}
	if al := block(v, "access_log_settings"); al != nil {
		st.AccessLogDestination, st.AccessLogFormat = str(al, "destination_arn"), str(al, "format")
	}
	api := b.c.attr(in, "rest_api_id")
	b.restStages[api] = append(b.restStages[api], st)
	b.mark(st.ARN, in)
}

func (b *builder) methodSettings(in *instance) {
	v := in.values
	key := b.c.attr(in, "rest_api_id") + "/" + b.c.attr(in, "stage_name")
	s := block(v, "settings")
	if s == nil {
		return
	}
	ms := snapshot.MethodSetting{MetricsEnabled: boolean(s, "metrics_enabled"), LoggingLevel: str(s, "logging_level"),
		DataTraceEnabled: boolean(s, "data_trace_enabled"), CachingEnabled: boolean(s, "caching_enabled"),
		CacheDataEncrypted: boolean(s, "cache_data_encrypted"), RequireAuthorizationForCacheControl: boolean(s, "require_authorization_for_cache_control")}
	ms.CacheTTLSeconds, _ = integer(s, "cache_ttl_in_seconds")
	// The provider writes -1 for "not set", which AWS reports as absent.
	if n, ok := integer(s, "throttling_burst_limit"); ok && n >= 0 {
		ms.ThrottlingBurstLimit = &n
	}
	if f, ok := number(s, "throttling_rate_limit"); ok && f >= 0 {
		ms.ThrottlingRateLimit = &f
	}
	if b.settings[key] == nil {
		b.settings[key] = map[string]snapshot.MethodSetting{}
	}
	b.settings[key][str(v, "method_path")] = ms
}

func (b *builder) authorizer(in *instance, api string) {
	v := in.values
	a := snapshot.Authorizer{ID: b.c.attr(in, "id"), Name: str(v, "name"), Type: str(v, "type"),
		ProviderARNs: strs(v, "provider_arns"), URI: str(v, "authorizer_uri")}
	if in.typ == "aws_apigatewayv2_authorizer" {
		a.Type = str(v, "authorizer_type")
	}
	if a.URI == "" && isUnknown(in.unknown, "authorizer_uri") {
		a.URI = b.c.attr(in, "authorizer_uri")
	}
	if a.Type == "" {
		a.Type = "TOKEN"
	}
	b.authorizers[api] = append(b.authorizers[api], a)
}

func (b *builder) requestValidator(in *instance) {
	v := in.values
	api := b.c.attr(in, "rest_api_id")
	b.validators[api] = append(b.validators[api], snapshot.RequestValidator{ID: b.c.attr(in, "id"), Name: str(v, "name"),
		ValidateBody: boolean(v, "validate_request_body"), ValidateParameters: boolean(v, "validate_request_parameters")})
}

func (b *builder) usagePlan(in *instance) {
	v := in.values
	p := snapshot.UsagePlan{ARN: b.c.attr(in, "arn"), Account: in.account, Region: in.region, ID: b.c.attr(in, "id"),
		Name: str(v, "name"), Tags: b.tags(in), APIStages: []snapshot.UsagePlanStage{}}
	for i, st := range blocks(v, "api_stages") {
		ps := snapshot.UsagePlanStage{
			APIID: b.c.nestedRef(in, st["api_id"], []string{"api_stages"}, []int{i}, "api_id"),
			Stage: b.c.nestedRef(in, st["stage"], []string{"api_stages"}, []int{i}, "stage"),
		}
		for _, th := range blocks(st, "throttle") {
			if ps.Throttle == nil {
				ps.Throttle = map[string]snapshot.Throttle{}
			}
			t := snapshot.Throttle{}
			t.BurstLimit, _ = integer(th, "burst_limit")
			t.RateLimit, _ = number(th, "rate_limit")
			ps.Throttle[str(th, "path")] = t
		}
		p.APIStages = append(p.APIStages, ps)
	}
	if th := block(v, "throttle_settings"); th != nil {
		t := &snapshot.Throttle{}
		t.BurstLimit, _ = integer(th, "burst_limit")
		t.RateLimit, _ = number(th, "rate_limit")
		p.Throttle = t
	}
	if q := block(v, "quota_settings"); q != nil {
		qs := &snapshot.Quota{Period: str(q, "period")}
		qs.Limit, _ = integer(q, "limit")
		qs.Offset, _ = integer(q, "offset")
		p.Quota = qs
	}
	b.s.UsagePlans = append(b.s.UsagePlans, p)
	b.mark(p.ARN, in)
}

func (b *builder) vpcLink(in *instance) {
	v := in.values
	l := snapshot.VPCLink{ARN: b.c.attr(in, "arn"), Account: in.account, Region: in.region, ID: b.c.attr(in, "id"),
		Name: str(v, "name"), Tags: b.tags(in), Status: "PLANNED"}
	if in.typ == "aws_api_gateway_vpc_link" {
		l.Version, l.TargetARNs = "v1", b.c.all(in, "target_arns")
	} else {
		l.Version, l.SubnetIDs, l.SecurityGroupIDs = "v2", b.c.all(in, "subnet_ids"), b.c.all(in, "security_group_ids")
	}
	b.s.VPCLinks = append(b.s.VPCLinks, l)
	b.mark(l.ARN, in)
}

func (b *builder) domainName(in *instance) {
	v := in.values
	d := &snapshot.DomainName{ARN: b.c.attr(in, "arn"), Account: in.account, Region: in.region, Name: str(v, "domain_name"),
		Tags: b.tags(in), Mappings: []snapshot.DomainMapping{}}
	if in.typ == "aws_api_gateway_domain_name" {
		d.APIType, d.SecurityPolicy, d.EndpointType = "rest", str(v, "security_policy"), "EDGE"
		if ec := block(v, "endpoint_configuration"); ec != nil {
			if t := strs(ec, "types"); len(t) > 0 {
				d.EndpointType = t[0]
			}
		}
	} else {
		d.APIType = "v2"
		if dc := block(v, "domain_name_configuration"); dc != nil {
			d.EndpointType, d.SecurityPolicy = str(dc, "endpoint_type"), str(dc, "security_policy")
		}
	}
	if d.SecurityPolicy == "" {
		d.SecurityPolicy = "TLS_1_2" // the provider's default for both
	}
	d.MutualTLS = block(v, "mutual_tls_authentication") != nil
	b.domains[d.Name] = d
	b.mark(d.ARN, in)
}

func (b *builder) domainMapping(in *instance) {
	v := in.values
	m := snapshot.DomainMapping{APIID: b.c.attr(in, "api_id"), BasePath: str(v, "base_path")}
	if in.typ == "aws_api_gateway_base_path_mapping" {
		m.Stage = b.c.attr(in, "stage_name")
		if m.BasePath == "" {
			m.BasePath = "(none)" // how API Gateway reports the root mapping
		}
	} else {
		m.Stage, m.BasePath = b.c.attr(in, "stage"), str(v, "api_mapping_key")
	}
	name := b.c.attr(in, "domain_name")
	b.mappings[name] = append(b.mappings[name], m)
}

// assembleRest builds each REST API from its pieces.
func (b *builder) assembleRest() {
	byResource := map[string]*snapshot.RestResource{}
	for _, id := range b.restOrder {
		for key, p := range b.paths {
			if strings.HasPrefix(key, id+"/") {
				r := &snapshot.RestResource{ID: strings.TrimPrefix(key, id+"/"), Path: p}
				byResource[key] = r
			}
		}
	}
	for _, r := range b.restResources {
		if _, ok := b.restAPIs[r.api]; ok {
			byResource[r.api+"/"+r.id] = &snapshot.RestResource{ID: r.id, Path: b.path(r.api, r.id, 0)}
		}
	}
	for _, key := range slices.Sorted(maps.Keys(b.methods)) {
		parts := strings.SplitN(key, "/", 3)
		if r := byResource[parts[0]+"/"+parts[1]]; r != nil {
			r.Methods = append(r.Methods, *b.methods[key])
		}
	}
	for _, key := range slices.Sorted(maps.Keys(byResource)) {
		api, _, _ := strings.Cut(key, "/")
		r := byResource[key]
		if r.Methods == nil {
			r.Methods = []snapshot.RestMethod{}
		}
		b.restAPIs[api].Resources = append(b.restAPIs[api].Resources, *r)
	}
	for _, id := range b.restOrder {
		a := b.restAPIs[id]
		for _, st := range b.restStages[id] {
			st.MethodSettings = b.settings[id+"/"+st.Name]
			a.Stages = append(a.Stages, st)
		}
		a.Authorizers = append(a.Authorizers, b.authorizers[id]...)
		a.RequestValidators = append(a.RequestValidators, b.validators[id]...)
		b.s.RestAPIs = append(b.s.RestAPIs, *a)
	}
}
