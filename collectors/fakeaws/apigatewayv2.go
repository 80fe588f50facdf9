package fakeaws

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// apigatewayV2Route names the API Gateway v2 read operations by path.
func apigatewayV2Route(path string) string {
	seg := strings.Split(strings.Trim(path, "/"), "/")[1:] // drop "v2"
	switch {
	case len(seg) == 1:
		return map[string]string{"apis": "GetApis", "vpclinks": "GetVpcLinks", "domainnames": "GetDomainNames"}[seg[0]]
	case len(seg) == 3 && seg[0] == "apis":
		return map[string]string{"routes": "GetRoutes", "integrations": "GetIntegrations", "stages": "GetStages",
			"authorizers": "GetAuthorizers"}[seg[2]]
	case len(seg) == 3 && seg[0] == "domainnames" && seg[2] == "apimappings":
		return "GetApiMappings"
	}
	return ""
}

func serveAPIGatewayV2(s *Server, c *call, w http.ResponseWriter) *fault {
	seg := strings.Split(strings.Trim(c.path, "/"), "/")[1:]
	limit, _ := strconv.Atoi(c.query.Get("maxResults"))
	// list answers one page in the v2 {items, nextToken} form.
	list := func(items []any) *fault {
		page, next := pageOf(s, items, c.query.Get("nextToken"), limit)
		out := map[string]any{"items": page}
		if next != "" {
			out["nextToken"] = next
		}
		return writeJSON(w, restJSON, out)
	}
	apis := ofScope(c, c.world.V2APIs, func(a snapshot.V2API) (string, string) { return a.Account, a.Region })
	findAPI := func() (snapshot.V2API, *fault) {
		for _, a := range apis {
			if a.ID == seg[1] {
				return a, nil
			}
		}
		return snapshot.V2API{}, notFound("NotFoundException", "Invalid API identifier specified "+seg[1])
	}
	if c.op != "" && len(seg) == 3 && seg[0] == "apis" {
		api, f := findAPI()
		if f != nil {
			return f
		}
		switch c.op {
		case "GetRoutes":
			return list(each(api.Routes, func(r snapshot.V2Route) any {
				return map[string]any{"routeId": r.ID, "routeKey": r.RouteKey, "authorizationType": r.AuthorizationType,
					"authorizerId": optional(r.AuthorizerID), "apiKeyRequired": r.APIKeyRequired, "target": optional(r.Target)}
			}))
		case "GetIntegrations":
			return list(each(api.Integrations, func(in snapshot.V2Integration) any {
				return map[string]any{"integrationId": in.ID, "integrationType": in.Type, "integrationMethod": optional(in.Method),
					"integrationUri": optional(in.URI), "connectionType": in.ConnectionType, "connectionId": optional(in.ConnectionID),
					"timeoutInMillis": in.TimeoutMillis, "payloadFormatVersion": optional(in.PayloadFormatVersion)}
			}))
		case "GetStages":
			return list(each(api.Stages, v2StageJSON))
		case "GetAuthorizers":
			return list(each(api.Authorizers, func(a snapshot.Authorizer) any {
				return map[string]any{"authorizerId": a.ID, "name": a.Name, "authorizerType": a.Type, "authorizerUri": optional(a.URI)}
			}))
		}
	}
	domains := ofScope(c, c.world.DomainNames, func(d snapshot.DomainName) (string, string) { return d.Account, d.Region })
	switch c.op {
	case "GetApis":
		return list(each(apis, func(a snapshot.V2API) any {
			return map[string]any{"apiId": a.ID, "name": a.Name, "protocolType": a.ProtocolType,
				"apiEndpoint": optional(a.APIEndpoint), "disableExecuteApiEndpoint": a.DisableExecuteAPIEndpoint, "tags": a.Tags}
		}))
	case "GetVpcLinks":
		var links []any
		for _, l := range ofScope(c, c.world.VPCLinks, func(l snapshot.VPCLink) (string, string) { return l.Account, l.Region }) {
			if l.Version == "v2" {
				links = append(links, map[string]any{"vpcLinkId": l.ID, "name": l.Name, "subnetIds": l.SubnetIDs,
					"securityGroupIds": l.SecurityGroupIDs, "vpcLinkStatus": l.Status, "vpcLinkVersion": "V2", "tags": l.Tags})
			}
		}
		return list(links)
	case "GetDomainNames":
		// The v2 API lists every regional custom domain, those made
		// through the v1 API included.
		return list(each(domains, func(d snapshot.DomainName) any {
			return map[string]any{"domainName": d.Name, "tags": d.Tags, "mutualTlsAuthentication": truststore(d.MutualTLS),
				"domainNameConfigurations": []any{map[string]any{"endpointType": d.EndpointType, "securityPolicy": d.SecurityPolicy}}}
		}))
	case "GetApiMappings":
		name, _ := url.PathUnescape(seg[1])
		for _, d := range domains {
			if d.Name == name {
				return list(each(d.Mappings, func(m snapshot.DomainMapping) any {
					return map[string]any{"apiId": m.APIID, "stage": m.Stage, "apiMappingKey": m.BasePath, "apiMappingId": m.APIID + m.Stage}
				}))
			}
		}
		return notFound("NotFoundException", "Invalid domain name identifier specified")
	}
	return &fault{400, "UnknownOperationException", "fakeaws: unsupported apigatewayv2 request " + c.path}
}

func v2StageJSON(st snapshot.V2Stage) any {
	routes := map[string]any{}
	for k, v := range st.RouteSettings {
		routes[k] = routeSettingsJSON(v)
	}
	out := map[string]any{"stageName": st.Name, "autoDeploy": st.AutoDeploy, "tags": st.Tags,
		"defaultRouteSettings": routeSettingsJSON(st.DefaultRouteSettings), "routeSettings": routes,
		"stageVariables": st.Variables}
	if st.AccessLogDestination != "" || st.AccessLogFormat != "" {
		out["accessLogSettings"] = map[string]any{"destinationArn": st.AccessLogDestination, "format": st.AccessLogFormat}
	}
	return out
}

func routeSettingsJSON(rs snapshot.RouteSettings) any {
	out := map[string]any{"detailedMetricsEnabled": rs.DetailedMetricsEnabled, "dataTraceEnabled": rs.DataTraceEnabled}
	if rs.LoggingLevel != "" {
		out["loggingLevel"] = rs.LoggingLevel
	}
	if rs.ThrottlingBurstLimit != nil {
		out["throttlingBurstLimit"] = *rs.ThrottlingBurstLimit
	}
	if rs.ThrottlingRateLimit != nil {
		out["throttlingRateLimit"] = *rs.ThrottlingRateLimit
	}
	return out
}

// optional leaves an empty string out of a JSON answer (nil marshals as
// null, which the SDK reads as absent).
func optional(s string) any {
	if s == "" {
		return nil
	}
	return s
}
