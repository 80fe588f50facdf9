package synth

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// apiKind is the role a REST API plays.
type apiKind int

const (
	apiPartner apiKind = iota // sold to partners: Lambda, keys, usage plan, validation
	apiProxy                  // pass-through to an internal load balancer
	apiPrivate                // PRIVATE endpoint for VPC clients
	apiVPCOnly                // only VPC clients, yet a public REGIONAL endpoint
	apiLegacy                 // public, nothing configured
)

func (g *gen) restAPI(rc *regionCtx, n, paths int) {
	kind := oneOf(g, apiPartner, apiPartner, apiProxy, apiProxy, apiPrivate, apiVPCOnly, apiLegacy)
	id := g.token(lowerAlnum, 10)
	name := fmt.Sprintf("%s-%s-%d", rc.team, []string{"partner-api", "proxy", "private-api", "vpc-api", "legacy-api"}[kind], n)
	arn := fmt.Sprintf("arn:aws:apigateway:%s::/restapis/%s", rc.region, id)
	api := snapshot.RestAPI{
		ARN: arn, Account: rc.id, Region: rc.region, ID: id, Name: name,
		EndpointTypes: []string{oneOf(g, "REGIONAL", "REGIONAL", "EDGE")},
		APIKeySource:  "HEADER",
		Tags:          g.tags(rc.team, 0.7),
	}
	if g.chance(0.1) {
		api.Tags["gatewatch:high-value"] = "true"
	}
	switch kind {
	case apiPrivate:
		api.EndpointTypes = []string{"PRIVATE"}
		api.VPCEndpointIDs = []string{"vpce-" + g.token(hexDigits, 17)}
		api.Policy = vpceOnlyPolicy(arn, api.VPCEndpointIDs[0])
	case apiVPCOnly:
		api.EndpointTypes = []string{"REGIONAL"}
		api.Policy = vpceOnlyPolicy(arn, "vpce-"+g.token(hexDigits, 17))
	}
	if kind == apiPartner {
		api.Authorizers = []snapshot.Authorizer{{ID: g.token(lowerAlnum, 6), Name: "partner-jwt", Type: "TOKEN",
			URI: lambdaURI(rc.region, g.function(rc, name+"-authorizer"))}}
		api.RequestValidators = []snapshot.RequestValidator{{ID: g.token(lowerAlnum, 6), Name: "body-and-params", ValidateBody: true, ValidateParameters: true}}
	}
	api.Resources = g.restResources(rc, &api, kind, paths)
	for _, st := range []string{"prod", "dev"}[:1+g.r.IntN(2)] {
		api.Stages = append(api.Stages, g.restStage(rc, &api, kind, st))
	}
	if kind == apiPartner {
		rc.partnerAPIs = append(rc.partnerAPIs, id)
	}
	if kind == apiPartner || kind == apiLegacy {
		host := fmt.Sprintf("%s.execute-api.%s.amazonaws.com", id, rc.region)
		if g.chance(0.5) {
			host = g.domainName(rc, api.ID, name, api.Stages[0].Name, "rest")
		}
		rc.publicAPIs = append(rc.publicAPIs, host)
	}
	g.s.RestAPIs = append(g.s.RestAPIs, api)
	g.count += 1 + len(api.Stages)
}

func vpceOnlyPolicy(apiARN, vpce string) json.RawMessage {
	doc, _ := json.Marshal(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
			"Resource":  strings.Replace(apiARN, "arn:aws:apigateway:", "arn:aws:execute-api:", 1) + "/*",
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceVpce": vpce}},
		}},
	})
	return doc
}

// restResources builds the path tree: "/", collections, items, and for
// proxies a greedy {proxy+}.
func (g *gen) restResources(rc *regionCtx, api *snapshot.RestAPI, kind apiKind, paths int) []snapshot.RestResource {
	out := []snapshot.RestResource{{ID: g.token(lowerAlnum, 10), Path: "/"}}
	if kind == apiProxy {
		out = append(out, snapshot.RestResource{ID: g.token(lowerAlnum, 6), Path: "/{proxy+}",
			Methods: []snapshot.RestMethod{g.restMethod(rc, api, kind, "ANY")}})
	}
	for i := 0; len(out) < max(paths, 2); i++ {
		coll := fmt.Sprintf("/v%d/%s", 1+i/len(words), words[i%len(words)])
		out = append(out, snapshot.RestResource{ID: g.token(lowerAlnum, 6), Path: coll,
			Methods: []snapshot.RestMethod{g.restMethod(rc, api, kind, "GET"), g.restMethod(rc, api, kind, "POST")}})
		if len(out) < paths {
			out = append(out, snapshot.RestResource{ID: g.token(lowerAlnum, 6), Path: coll + "/{id}",
				Methods: []snapshot.RestMethod{g.restMethod(rc, api, kind, "GET")}})
		}
	}
	return out
}

func (g *gen) restMethod(rc *regionCtx, api *snapshot.RestAPI, kind apiKind, verb string) snapshot.RestMethod {
	m := snapshot.RestMethod{HTTPMethod: verb, AuthorizationType: "NONE"}
	timeout := oneOf(g, 29000, 29000, 29000, 10000, 60000)
	switch kind {
	case apiPartner:
		m.AuthorizationType, m.AuthorizerID = "CUSTOM", api.Authorizers[0].ID
		m.APIKeyRequired = g.chance(0.8)
		if g.chance(0.7) {
			m.RequestValidatorID = api.RequestValidators[0].ID
		}
		m.Integration = &snapshot.RestIntegration{Type: "AWS_PROXY", HTTPMethod: "POST", TimeoutMillis: timeout,
			URI: lambdaURI(rc.region, g.sharedFunction(rc, api.Name))}
	case apiProxy:
		if len(rc.nlbs) > 0 && rc.vpcLinkV1 != "" && g.chance(0.4) {
			m.Integration = &snapshot.RestIntegration{Type: "HTTP_PROXY", HTTPMethod: verb, TimeoutMillis: timeout,
				URI: "http://" + rc.nlbs[0].dns + "/{proxy}", ConnectionType: "VPC_LINK", ConnectionID: rc.vpcLinkV1}
		} else if len(rc.internalLBs) > 0 {
			lb := rc.internalLBs[g.r.IntN(len(rc.internalLBs))]
			m.Integration = &snapshot.RestIntegration{Type: "HTTP_PROXY", HTTPMethod: verb, TimeoutMillis: timeout,
				URI: "http://" + lb.dns + "/{proxy}", ConnectionType: "INTERNET"}
		} else {
			m.Integration = &snapshot.RestIntegration{Type: "HTTP_PROXY", HTTPMethod: verb, TimeoutMillis: timeout,
				URI: "https://backend." + rc.team + ".example.com/{proxy}", ConnectionType: "INTERNET"}
		}
		m.APIKeyRequired = g.chance(0.2)
	case apiPrivate, apiVPCOnly:
		m.AuthorizationType = oneOf(g, "AWS_IAM", "NONE")
		m.Integration = &snapshot.RestIntegration{Type: "AWS_PROXY", HTTPMethod: "POST", TimeoutMillis: timeout,
			URI: lambdaURI(rc.region, g.sharedFunction(rc, api.Name))}
	default:
		m.Integration = &snapshot.RestIntegration{Type: oneOf(g, "HTTP", "MOCK"), HTTPMethod: verb, TimeoutMillis: timeout,
			URI: "https://legacy." + rc.team + ".example.com/api", ConnectionType: "INTERNET"}
	}
	return m
}

func (g *gen) restStage(rc *regionCtx, api *snapshot.RestAPI, kind apiKind, name string) snapshot.RestStage {
	st := snapshot.RestStage{
		ARN:            fmt.Sprintf("arn:aws:apigateway:%s::/restapis/%s/stages/%s", rc.region, api.ID, name),
		Name:           name,
		DeploymentID:   g.token(lowerAlnum, 6),
		Tags:           g.tags(rc.team, 0.65),
		TracingEnabled: g.chance(0.4),
		MethodSettings: map[string]snapshot.MethodSetting{"*/*": {
			MetricsEnabled: g.chance(0.5), LoggingLevel: oneOf(g, "OFF", "ERROR", "INFO"), DataTraceEnabled: g.chance(0.1),
		}},
		Variables: map[string]string{"backend": rc.team},
	}
	if g.chance(0.6) {
		st.AccessLogDestination = fmt.Sprintf("arn:aws:logs:%s:%s:log-group:API-Gateway-Access-Logs_%s/%s", rc.region, rc.id, api.ID, name)
		st.AccessLogFormat = `{"requestId":"$context.requestId","status":"$context.status"}`
	}
	if g.chance(0.5) {
		ms := st.MethodSettings["*/*"]
		burst, rate := 500, 1000.0
		ms.ThrottlingBurstLimit, ms.ThrottlingRateLimit = &burst, &rate
		st.MethodSettings["*/*"] = ms
	}
	if g.chance(0.15) {
		st.CacheClusterEnabled, st.CacheClusterSize = true, "0.5"
		ms := st.MethodSettings["*/*"]
		ms.CachingEnabled, ms.CacheDataEncrypted, ms.CacheTTLSeconds = true, g.chance(0.5), 300
		st.MethodSettings["*/*"] = ms
	}
	if g.chance(0.1) {
		// A secret pasted into a stage variable instead of a reference.
		st.Variables["partner_api_key"] = "sk_live_" + g.token(lowerAlnum+upperAlnum, 24)
	} else if g.chance(0.1) {
		st.Variables["db_secret"] = fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s-db", rc.region, rc.id, rc.team)
	}
	if g.chance(0.3) {
		st.Tags["gatewatch:latency-slo-ms"] = oneOf(g, "50", "200")
	}
	if kind == apiPartner && g.chance(0.3) {
		st.ClientCertificateID = g.token(lowerAlnum, 6)
	}
	rc.stages = append(rc.stages, st.ARN)
	g.alarms(rc, "AWS/ApiGateway", map[string]string{"ApiName": api.Name, "Stage": name}, api.Name+"-"+name, []string{"5XXError", "Latency"})
	// Requests per day, from idle to well above the ALB crossover, and the
	// latency split the overhead rule reads.
	g.metric(rc, st.ARN, "AWS/ApiGateway", "Count", "Sum", oneOf(g, 10.0, 8e4, 5e6, 4e7))
	latency := oneOf(g, 40.0, 120.0, 900.0)
	g.metric(rc, st.ARN, "AWS/ApiGateway", "Latency", "p99", latency)
	g.metric(rc, st.ARN, "AWS/ApiGateway", "IntegrationLatency", "p99", latency*oneOf(g, 0.5, 0.8, 0.95))
	return st
}

func (g *gen) v2API(rc *regionCtx, n int) {
	id := g.token(lowerAlnum, 10)
	protocol := oneOf(g, "HTTP", "HTTP", "WEBSOCKET")
	name := fmt.Sprintf("%s-%s-%d", rc.team, strings.ToLower(protocol), n)
	api := snapshot.V2API{
		ARN: fmt.Sprintf("arn:aws:apigateway:%s::/apis/%s", rc.region, id), Account: rc.id, Region: rc.region,
		ID: id, Name: name, ProtocolType: protocol,
		APIEndpoint: fmt.Sprintf("https://%s.execute-api.%s.amazonaws.com", id, rc.region),
		Tags:        g.tags(rc.team, 0.7),
	}
	if protocol == "WEBSOCKET" {
		api.APIEndpoint = fmt.Sprintf("wss://%s.execute-api.%s.amazonaws.com", id, rc.region)
	}
	jwt := g.chance(0.5)
	if jwt {
		api.Authorizers = []snapshot.Authorizer{{ID: g.token(lowerAlnum, 6), Name: "cognito", Type: "JWT",
			ProviderARNs: []string{fmt.Sprintf("https://cognito-idp.%s.amazonaws.com/%s_%s", rc.region, rc.region, g.token(upperAlnum, 9))}}}
	}
	// One Lambda integration, and for HTTP APIs often a private integration
	// to an internal ALB listener through a VPC link.
	lambda := snapshot.V2Integration{ID: g.token(lowerAlnum, 7), Type: "AWS_PROXY", TimeoutMillis: 30000, PayloadFormatVersion: "2.0",
		URI: g.sharedFunction(rc, name)}
	api.Integrations = []snapshot.V2Integration{lambda}
	routes := []string{"GET /" + words[n%len(words)], "POST /" + words[n%len(words)]}
	if protocol == "WEBSOCKET" {
		routes = []string{"$connect", "$disconnect", "$default"}
		api.Integrations[0].PayloadFormatVersion = "1.0"
		api.Integrations[0].TimeoutMillis = 29000
	} else if len(rc.internalLBs) > 0 && rc.vpcLinkV2 != "" && g.chance(0.5) {
		lb := rc.internalLBs[g.r.IntN(len(rc.internalLBs))]
		api.Integrations = append(api.Integrations, snapshot.V2Integration{ID: g.token(lowerAlnum, 7), Type: "HTTP_PROXY", Method: "ANY",
			URI: lb.listenerARN, ConnectionType: "VPC_LINK", ConnectionID: rc.vpcLinkV2, TimeoutMillis: oneOf(g, 30000, 10000), PayloadFormatVersion: "1.0"})
		routes = append(routes, "ANY /{proxy+}")
	}
	for i, key := range routes {
		r := snapshot.V2Route{ID: g.token(lowerAlnum, 7), RouteKey: key, AuthorizationType: "NONE",
			Target: "integrations/" + api.Integrations[min(i/2, len(api.Integrations)-1)].ID}
		if jwt && protocol == "HTTP" {
			r.AuthorizationType, r.AuthorizerID = "JWT", api.Authorizers[0].ID
		}
		api.Routes = append(api.Routes, r)
	}
	st := snapshot.V2Stage{
		ARN:  fmt.Sprintf("arn:aws:apigateway:%s::/apis/%s/stages/$default", rc.region, id),
		Name: "$default", AutoDeploy: true, Tags: g.tags(rc.team, 0.65),
		DefaultRouteSettings: snapshot.RouteSettings{DetailedMetricsEnabled: g.chance(0.4), LoggingLevel: oneOf(g, "", "ERROR", "INFO")},
	}
	if protocol == "HTTP" {
		st.DefaultRouteSettings.LoggingLevel = "" // HTTP APIs have no execution logs
	}
	if g.chance(0.5) {
		st.AccessLogDestination = fmt.Sprintf("arn:aws:logs:%s:%s:log-group:/aws/apigateway/%s", rc.region, rc.id, name)
		st.AccessLogFormat = `$context.requestId $context.status`
	}
	if g.chance(0.5) {
		burst, rate := 200, 400.0
		st.DefaultRouteSettings.ThrottlingBurstLimit, st.DefaultRouteSettings.ThrottlingRateLimit = &burst, &rate
	}
	api.Stages = []snapshot.V2Stage{st}
	if g.chance(0.3) {
		g.domainName(rc, id, name, st.Name, "v2")
		api.DisableExecuteAPIEndpoint = g.chance(0.7)
	}
	g.s.V2APIs = append(g.s.V2APIs, api)
	g.count += 1 + len(api.Stages)
	g.metric(rc, st.ARN, "AWS/ApiGateway", "Count", "Sum", oneOf(g, 10.0, 8e4, 5e6, 4e7))
}

// domainName maps a custom domain to an API stage and returns its name.
func (g *gen) domainName(rc *regionCtx, apiID, apiName, stage, apiType string) string {
	name := fmt.Sprintf("%s.%s.%s.example.com", apiName, rc.region, rc.id)
	g.s.DomainNames = append(g.s.DomainNames, snapshot.DomainName{
		ARN:     fmt.Sprintf("arn:aws:apigateway:%s::/domainnames/%s", rc.region, name),
		Account: rc.id, Region: rc.region, Name: name, APIType: apiType,
		EndpointType:   "REGIONAL",
		SecurityPolicy: oneOf(g, "TLS_1_2", "TLS_1_2", "TLS_1_2", "TLS_1_0"),
		MutualTLS:      g.chance(0.1),
		Mappings:       []snapshot.DomainMapping{{APIID: apiID, Stage: stage, BasePath: "(none)"}},
		Tags:           g.tags(rc.team, 0.8),
	})
	g.count++
	return name
}

// vpcLinks creates a REST (v1) link to the region's NLBs and an HTTP API
// (v2) link into the VPC.
func (g *gen) vpcLinks(rc *regionCtx) {
	if len(rc.nlbs) > 0 {
		id := g.token(lowerAlnum, 6)
		rc.vpcLinkV1 = id
		g.s.VPCLinks = append(g.s.VPCLinks, snapshot.VPCLink{
			ARN: fmt.Sprintf("arn:aws:apigateway:%s::/vpclinks/%s", rc.region, id), Account: rc.id, Region: rc.region,
			ID: id, Name: rc.team + "-nlb-link", Version: "v1", TargetARNs: []string{rc.nlbs[0].arn}, Status: "AVAILABLE", Tags: snapshot.Tags{},
		})
		g.count++
	}
	if len(rc.internalLBs) > 0 {
		id := g.token(lowerAlnum, 6)
		rc.vpcLinkV2 = id
		g.s.VPCLinks = append(g.s.VPCLinks, snapshot.VPCLink{
			ARN: fmt.Sprintf("arn:aws:apigateway:%s::/vpclinks/%s", rc.region, id), Account: rc.id, Region: rc.region,
			ID: id, Name: rc.team + "-vpc-link", Version: "v2",
			SubnetIDs:        []string{"subnet-" + g.token(hexDigits, 17), "subnet-" + g.token(hexDigits, 17)},
			SecurityGroupIDs: []string{"sg-" + g.token(hexDigits, 17)}, Status: "AVAILABLE", Tags: snapshot.Tags{},
		})
		g.count++
	}
}

// usagePlans puts most partner APIs in a plan; the rest are sold without.
func (g *gen) usagePlans(rc *regionCtx) {
	var stages []snapshot.UsagePlanStage
	for _, id := range rc.partnerAPIs {
		if g.chance(0.75) {
			stages = append(stages, snapshot.UsagePlanStage{APIID: id, Stage: "prod"})
		}
	}
	if len(stages) == 0 {
		return
	}
	id := g.token(lowerAlnum, 6)
	plan := snapshot.UsagePlan{
		ARN: fmt.Sprintf("arn:aws:apigateway:%s::/usageplans/%s", rc.region, id), Account: rc.id, Region: rc.region,
		ID: id, Name: rc.team + "-partners", APIStages: stages, Tags: g.tags(rc.team, 0.9),
	}
	if g.chance(0.7) {
		plan.Throttle = &snapshot.Throttle{BurstLimit: 100, RateLimit: 50}
		plan.Quota = &snapshot.Quota{Limit: 1000000, Period: "MONTH"}
	}
	g.s.UsagePlans = append(g.s.UsagePlans, plan)
	g.count++
}

func lambdaURI(region, fnARN string) string {
	return fmt.Sprintf("arn:aws:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", region, fnARN)
}

// sharedFunction returns a function of the account-region, creating one
// for the first callers so several integrations share a backend.
func (g *gen) sharedFunction(rc *regionCtx, name string) string {
	if len(rc.functions) < 4 || g.chance(0.2) {
		return g.function(rc, name+"-fn")
	}
	return rc.functions[g.r.IntN(len(rc.functions))]
}

func (g *gen) function(rc *regionCtx, name string) string {
	if len(name) > 64 { // AWS limit on function names
		name = name[:64]
	}
	name = fmt.Sprintf("%s-%s", strings.TrimSuffix(name, "-"), g.token(lowerAlnum, 4))
	arn := fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", rc.region, rc.id, name)
	fn := snapshot.LambdaFunction{
		ARN: arn, Account: rc.id, Region: rc.region, Name: name,
		Runtime:        oneOf(g, "python3.12", "nodejs20.x", "java21", "provided.al2023"),
		TimeoutSeconds: oneOf(g, 3, 15, 30, 60, 300, 900),
		MemoryMB:       oneOf(g, 128, 512, 1024, 2048),
		Tags:           g.tags(rc.team, 0.8),
	}
	if g.chance(0.4) {
		c := oneOf(g, 5, 50, 200)
		fn.ReservedConcurrency = &c
	}
	g.s.LambdaFunctions = append(g.s.LambdaFunctions, fn)
	g.count++
	rc.functions = append(rc.functions, arn)
	return arn
}
