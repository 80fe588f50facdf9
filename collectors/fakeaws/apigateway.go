package fakeaws

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

const restJSON = "application/json"

// apigatewayRoute names the API Gateway (v1) read operations by path.
func apigatewayRoute(path string) string {
	seg := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case len(seg) == 1:
		return map[string]string{"account": "GetAccount", "restapis": "GetRestApis", "usageplans": "GetUsagePlans",
			"vpclinks": "GetVpcLinks", "domainnames": "GetDomainNames"}[seg[0]]
	case len(seg) == 3 && seg[0] == "restapis":
		return map[string]string{"resources": "GetResources", "stages": "GetStages", "authorizers": "GetAuthorizers",
			"requestvalidators": "GetRequestValidators"}[seg[2]]
	case len(seg) == 3 && seg[0] == "domainnames" && seg[2] == "basepathmappings":
		return "GetBasePathMappings"
	}
	return ""
}

func serveAPIGateway(s *Server, c *call, w http.ResponseWriter) *fault {
	seg := strings.Split(strings.Trim(c.path, "/"), "/")
	limit, _ := strconv.Atoi(c.query.Get("limit"))
	// list answers one page of items in API Gateway's {item, position} form.
	list := func(items []any) *fault {
		page, next := pageOf(s, items, c.query.Get("position"), limit)
		out := map[string]any{"item": page}
		if next != "" {
			out["position"] = next
		}
		return writeJSON(w, restJSON, out)
	}
	restAPIs := ofScope(c, c.world.RestAPIs, func(a snapshot.RestAPI) (string, string) { return a.Account, a.Region })
	findAPI := func() (snapshot.RestAPI, *fault) {
		for _, a := range restAPIs {
			if a.ID == seg[1] {
				return a, nil
			}
		}
		return snapshot.RestAPI{}, notFound("NotFoundException", "Invalid API identifier specified "+seg[1])
	}

	switch c.op {
	case "GetAccount":
		// An account that never changed its settings still answers, with
		// API Gateway's default account-level throttle.
		out := map[string]any{"throttleSettings": map[string]any{"burstLimit": 5000, "rateLimit": 10000.0}}
		for _, a := range c.world.APIGatewayAccounts {
			if a.Account == c.account && a.Region == c.region {
				out = map[string]any{"cloudwatchRoleArn": a.CloudWatchRoleARN,
					"throttleSettings": map[string]any{"burstLimit": a.ThrottleBurstLimit, "rateLimit": a.ThrottleRateLimit}}
			}
		}
		return writeJSON(w, restJSON, out)
	case "GetRestApis":
		return list(each(restAPIs, restAPIJSON))
	case "GetResources":
		api, f := findAPI()
		if f != nil {
			return f
		}
		// Methods and integrations come back only with embed=methods, so
		// a collector that forgets it fails the round trip.
		if !strings.Contains(c.query.Get("embed"), "methods") {
			return list(each(api.Resources, func(r snapshot.RestResource) any {
				return map[string]any{"id": r.ID, "path": r.Path}
			}))
		}
		return list(each(api.Resources, resourceJSON))
	case "GetStages":
		api, f := findAPI()
		if f != nil {
			return f
		}
		// GetStages is not paginated.
		return writeJSON(w, restJSON, map[string]any{"item": each(api.Stages, restStageJSON)})
	case "GetAuthorizers":
		api, f := findAPI()
		if f != nil {
			return f
		}
		return list(each(api.Authorizers, func(a snapshot.Authorizer) any {
			return map[string]any{"id": a.ID, "name": a.Name, "type": a.Type, "providerARNs": a.ProviderARNs, "authorizerUri": a.URI}
		}))
	case "GetRequestValidators":
		api, f := findAPI()
		if f != nil {
			return f
		}
		return list(each(api.RequestValidators, func(v snapshot.RequestValidator) any {
			return map[string]any{"id": v.ID, "name": v.Name, "validateRequestBody": v.ValidateBody,
				"validateRequestParameters": v.ValidateParameters}
		}))
	case "GetUsagePlans":
		plans := ofScope(c, c.world.UsagePlans, func(p snapshot.UsagePlan) (string, string) { return p.Account, p.Region })
		return list(each(plans, usagePlanJSON))
	case "GetVpcLinks":
		var links []any
		for _, l := range ofScope(c, c.world.VPCLinks, func(l snapshot.VPCLink) (string, string) { return l.Account, l.Region }) {
			if l.Version == "v1" {
				links = append(links, map[string]any{"id": l.ID, "name": l.Name, "targetArns": l.TargetARNs,
					"status": l.Status, "tags": l.Tags})
			}
		}
		return list(links)
	case "GetDomainNames":
		// The v1 API lists the domains made through it; v2-only domains
		// appear through the v2 API alone.
		var domains []any
		for _, d := range ofScope(c, c.world.DomainNames, func(d snapshot.DomainName) (string, string) { return d.Account, d.Region }) {
			if d.APIType == "rest" {
				domains = append(domains, map[string]any{"domainName": d.Name, "securityPolicy": d.SecurityPolicy,
					"endpointConfiguration":   map[string]any{"types": []string{d.EndpointType}},
					"mutualTlsAuthentication": truststore(d.MutualTLS), "tags": d.Tags})
			}
		}
		return list(domains)
	case "GetBasePathMappings":
		name, _ := url.PathUnescape(seg[1])
		for _, d := range ofScope(c, c.world.DomainNames, func(d snapshot.DomainName) (string, string) { return d.Account, d.Region }) {
			if d.Name == name && d.APIType == "rest" {
				return list(each(d.Mappings, func(m snapshot.DomainMapping) any {
					return map[string]any{"basePath": m.BasePath, "restApiId": m.APIID, "stage": m.Stage}
				}))
			}
		}
		return notFound("NotFoundException", "Invalid domain name identifier specified")
	}
	return &fault{400, "UnknownOperationException", "fakeaws: unsupported apigateway request " + c.path}
}

func restAPIJSON(a snapshot.RestAPI) any {
	out := map[string]any{
		"id": a.ID, "name": a.Name, "apiKeySource": a.APIKeySource,
		"disableExecuteApiEndpoint": a.DisableExecuteAPIEndpoint, "tags": a.Tags,
		"endpointConfiguration": map[string]any{"types": a.EndpointTypes, "vpcEndpointIds": a.VPCEndpointIDs},
	}
	if len(a.Policy) > 0 {
		// API Gateway returns the policy JSON-escaped inside the string.
		escaped, _ := json.Marshal(string(a.Policy))
		out["policy"] = string(escaped[1 : len(escaped)-1])
	}
	return out
}

func resourceJSON(r snapshot.RestResource) any {
	methods := map[string]any{}
	for _, m := range r.Methods {
		method := map[string]any{"httpMethod": m.HTTPMethod, "authorizationType": m.AuthorizationType,
			"apiKeyRequired": m.APIKeyRequired}
		if m.AuthorizerID != "" {
			method["authorizerId"] = m.AuthorizerID
		}
		if m.RequestValidatorID != "" {
			method["requestValidatorId"] = m.RequestValidatorID
		}
		if in := m.Integration; in != nil {
			method["methodIntegration"] = map[string]any{"type": in.Type, "httpMethod": in.HTTPMethod, "uri": in.URI,
				"connectionType": in.ConnectionType, "connectionId": in.ConnectionID, "timeoutInMillis": in.TimeoutMillis}
		}
		methods[m.HTTPMethod] = method
	}
	return map[string]any{"id": r.ID, "path": r.Path, "resourceMethods": methods}
}

func restStageJSON(st snapshot.RestStage) any {
	settings := map[string]any{}
	for k, ms := range st.MethodSettings {
		// API Gateway reports an unset method throttle as -1.
		burst, rate := -1, -1.0
		if ms.ThrottlingBurstLimit != nil {
			burst = *ms.ThrottlingBurstLimit
		}
		if ms.ThrottlingRateLimit != nil {
			rate = *ms.ThrottlingRateLimit
		}
		settings[k] = map[string]any{"metricsEnabled": ms.MetricsEnabled, "loggingLevel": ms.LoggingLevel,
			"dataTraceEnabled": ms.DataTraceEnabled, "throttlingBurstLimit": burst, "throttlingRateLimit": rate,
			"cachingEnabled": ms.CachingEnabled, "cacheDataEncrypted": ms.CacheDataEncrypted,
			"cacheTtlInSeconds": ms.CacheTTLSeconds, "requireAuthorizationForCacheControl": ms.RequireAuthorizationForCacheControl}
	}
	out := map[string]any{"stageName": st.Name, "deploymentId": st.DeploymentID, "tags": st.Tags,
		"tracingEnabled": st.TracingEnabled, "cacheClusterEnabled": st.CacheClusterEnabled,
		"methodSettings": settings, "variables": st.Variables}
	for k, v := range map[string]string{"clientCertificateId": st.ClientCertificateID, "webAclArn": st.WebACLARN,
		"cacheClusterSize": st.CacheClusterSize} {
		if v != "" {
			out[k] = v
		}
	}
	if st.AccessLogDestination != "" || st.AccessLogFormat != "" {
		out["accessLogSettings"] = map[string]any{"destinationArn": st.AccessLogDestination, "format": st.AccessLogFormat}
	}
	return out
}

func usagePlanJSON(p snapshot.UsagePlan) any {
	var stages []any
	for _, st := range p.APIStages {
		throttle := map[string]any{}
		for k, v := range st.Throttle {
			throttle[k] = map[string]any{"burstLimit": v.BurstLimit, "rateLimit": v.RateLimit}
		}
		stages = append(stages, map[string]any{"apiId": st.APIID, "stage": st.Stage, "throttle": throttle})
	}
	out := map[string]any{"id": p.ID, "name": p.Name, "apiStages": stages, "tags": p.Tags}
	if p.Throttle != nil {
		out["throttle"] = map[string]any{"burstLimit": p.Throttle.BurstLimit, "rateLimit": p.Throttle.RateLimit}
	}
	if p.Quota != nil {
		out["quota"] = map[string]any{"limit": p.Quota.Limit, "offset": p.Quota.Offset, "period": p.Quota.Period}
	}
	return out
}

// truststore is the mutual TLS block of a domain name, absent without mTLS.
func truststore(on bool) any {
	if !on {
		return nil
	}
	return map[string]any{"truststoreUri": "s3://truststore/ca.pem"}
}

// each maps items to their wire form.
func each[T any](items []T, f func(T) any) []any {
	out := make([]any, 0, len(items))
	for _, it := range items {
		out = append(out, f(it))
	}
	return out
}
