package collectors

import (
	"context"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// apigatewayv2API is the part of the API Gateway v2 client the collector
// uses. The SDK has no paginators for these operations, so pagination is
// driven by eachPage.
type apigatewayv2API interface {
	GetApis(context.Context, *apigatewayv2.GetApisInput, ...func(*apigatewayv2.Options)) (*apigatewayv2.GetApisOutput, error)
	GetRoutes(context.Context, *apigatewayv2.GetRoutesInput, ...func(*apigatewayv2.Options)) (*apigatewayv2.GetRoutesOutput, error)
	GetIntegrations(context.Context, *apigatewayv2.GetIntegrationsInput, ...func(*apigatewayv2.Options)) (*apigatewayv2.GetIntegrationsOutput, error)
	GetStages(context.Context, *apigatewayv2.GetStagesInput, ...func(*apigatewayv2.Options)) (*apigatewayv2.GetStagesOutput, error)
	GetAuthorizers(context.Context, *apigatewayv2.GetAuthorizersInput, ...func(*apigatewayv2.Options)) (*apigatewayv2.GetAuthorizersOutput, error)
	GetVpcLinks(context.Context, *apigatewayv2.GetVpcLinksInput, ...func(*apigatewayv2.Options)) (*apigatewayv2.GetVpcLinksOutput, error)
	GetDomainNames(context.Context, *apigatewayv2.GetDomainNamesInput, ...func(*apigatewayv2.Options)) (*apigatewayv2.GetDomainNamesOutput, error)
	GetApiMappings(context.Context, *apigatewayv2.GetApiMappingsInput, ...func(*apigatewayv2.Options)) (*apigatewayv2.GetApiMappingsOutput, error)
}

// v2PageSize is the page size; the v2 API models MaxResults as a string.
const v2PageSize = "500"

func collectAPIGatewayV2(ctx context.Context, t target) *snapshot.Snapshot {
	return apigatewayv2Inventory(ctx, apigatewayv2.NewFromConfig(t.config(serviceAPIGatewayV2)), t)
}

// apigatewayv2Inventory reads HTTP and WebSocket APIs with their routes,
// integrations, stages and authorizers, v2 VPC links and custom domains.
func apigatewayv2Inventory(ctx context.Context, c apigatewayv2API, t target) *snapshot.Snapshot {
	out := &snapshot.Snapshot{}
	fail := func(op string, err error) { out.Errors = append(out.Errors, t.failure(serviceAPIGatewayV2, op, err)) }

	if t.wants("v2_apis") {
		var apis []types.Api
		err := eachPage(func(token *string) (*string, error) {
			page, err := c.GetApis(ctx, &apigatewayv2.GetApisInput{NextToken: token, MaxResults: aws.String(v2PageSize)})
			if err != nil {
				return nil, err
			}
			apis = append(apis, page.Items...)
			return page.NextToken, nil
		})
		if err != nil {
			fail("GetApis", err)
		}
		read, errs := eachResource(apis, func(api types.Api, part *snapshot.Snapshot) snapshot.V2API {
			return v2API(ctx, c, t, api, part)
		})
		out.V2APIs, out.Errors = append(out.V2APIs, read...), append(out.Errors, errs...)
	}

	if t.wants("vpc_links") {
		err := eachPage(func(token *string) (*string, error) {
			page, err := c.GetVpcLinks(ctx, &apigatewayv2.GetVpcLinksInput{NextToken: token, MaxResults: aws.String(v2PageSize)})
			if err != nil {
				return nil, err
			}
			for _, l := range page.Items {
				id := aws.ToString(l.VpcLinkId)
				out.VPCLinks = append(out.VPCLinks, snapshot.VPCLink{
					ARN: t.apigatewayARN("/vpclinks/" + id), Account: t.account, Region: t.region,
					ID: id, Name: aws.ToString(l.Name), Version: "v2", SubnetIDs: l.SubnetIds,
					SecurityGroupIDs: l.SecurityGroupIds, Status: string(l.VpcLinkStatus), Tags: l.Tags,
				})
			}
			return page.NextToken, nil
		})
		if err != nil {
			fail("GetVpcLinks", err)
		}
	}

	if t.wants("domain_names") {
		var domains []types.DomainName
		err := eachPage(func(token *string) (*string, error) {
			page, err := c.GetDomainNames(ctx, &apigatewayv2.GetDomainNamesInput{NextToken: token, MaxResults: aws.String(v2PageSize)})
			if err != nil {
				return nil, err
			}
			domains = append(domains, page.Items...)
			return page.NextToken, nil
		})
		if err != nil {
			fail("GetDomainNames", err)
		}
		names, errs := eachResource(domains, func(d types.DomainName, part *snapshot.Snapshot) snapshot.DomainName {
			return v2DomainName(ctx, c, t, d, part)
		})
		out.DomainNames, out.Errors = append(out.DomainNames, names...), append(out.Errors, errs...)
	}

	return out
}

func v2API(ctx context.Context, c apigatewayv2API, t target, api types.Api, out *snapshot.Snapshot) snapshot.V2API {
	id := aws.ToString(api.ApiId)
	arn := t.apigatewayARN("/apis/" + id)
	fail := func(op string, err error) {
		out.Errors = append(out.Errors, t.failureFor(serviceAPIGatewayV2, op, err, arn))
	}
	a := snapshot.V2API{
		ARN: arn, Account: t.account, Region: t.region,
		ID: id, Name: aws.ToString(api.Name), ProtocolType: string(api.ProtocolType),
		APIEndpoint: aws.ToString(api.ApiEndpoint), DisableExecuteAPIEndpoint: aws.ToBool(api.DisableExecuteApiEndpoint),
		Tags: api.Tags,
	}
	apiID := aws.String(id)

	// Routes, integrations, stages and authorizers are separate lists in
	// v2: there is no embed parameter as GetResources has in v1.

	if t.wants("v2_routes") {
		err := eachPage(func(token *string) (*string, error) {
			page, err := c.GetRoutes(ctx, &apigatewayv2.GetRoutesInput{ApiId: apiID, NextToken: token, MaxResults: aws.String(v2PageSize)})
			if err != nil {
				return nil, err
			}
			for _, r := range page.Items {
				a.Routes = append(a.Routes, snapshot.V2Route{
					ID: aws.ToString(r.RouteId), RouteKey: aws.ToString(r.RouteKey),
					AuthorizationType: string(r.AuthorizationType), AuthorizerID: aws.ToString(r.AuthorizerId),
					APIKeyRequired: aws.ToBool(r.ApiKeyRequired), Target: aws.ToString(r.Target),
				})
			}
			return page.NextToken, nil
		})
		if err != nil {
			fail("GetRoutes", err)
		}
	}

	if t.wants("v2_integrations") {
		err := eachPage(func(token *string) (*string, error) {
			page, err := c.GetIntegrations(ctx, &apigatewayv2.GetIntegrationsInput{ApiId: apiID, NextToken: token, MaxResults: aws.String(v2PageSize)})
			if err != nil {
				return nil, err
			}
			for _, in := range page.Items {
				a.Integrations = append(a.Integrations, snapshot.V2Integration{
					ID: aws.ToString(in.IntegrationId), Type: string(in.IntegrationType),
					Method: aws.ToString(in.IntegrationMethod), URI: aws.ToString(in.IntegrationUri),
					ConnectionType: string(in.ConnectionType), ConnectionID: aws.ToString(in.ConnectionId),
					TimeoutMillis: int(aws.ToInt32(in.TimeoutInMillis)), PayloadFormatVersion: aws.ToString(in.PayloadFormatVersion),
				})
			}
			return page.NextToken, nil
		})
		if err != nil {
			fail("GetIntegrations", err)
		}
	}

	if t.wants("v2_stages") {
		err := eachPage(func(token *string) (*string, error) {
			page, err := c.GetStages(ctx, &apigatewayv2.GetStagesInput{ApiId: apiID, NextToken: token, MaxResults: aws.String(v2PageSize)})
			if err != nil {
				return nil, err
			}
			for _, st := range page.Items {
				a.Stages = append(a.Stages, v2Stage(t, id, st))
			}
			return page.NextToken, nil
		})
		if err != nil {
			fail("GetStages", err)
		}
	}

	if t.wants("v2_authorizers") {
		err := eachPage(func(token *string) (*string, error) {
			page, err := c.GetAuthorizers(ctx, &apigatewayv2.GetAuthorizersInput{ApiId: apiID, NextToken: token, MaxResults: aws.String(v2PageSize)})
			if err != nil {
				return nil, err
			}
			for _, au := range page.Items {
				// JWT authorizers have no URI: their issuer is configuration,
				// not a function to invoke.
				a.Authorizers = append(a.Authorizers, snapshot.Authorizer{
					ID: aws.ToString(au.AuthorizerId), Name: aws.ToString(au.Name),
					Type: string(au.AuthorizerType), URI: aws.ToString(au.AuthorizerUri),
				})
			}
			return page.NextToken, nil
		})
		if err != nil {
			fail("GetAuthorizers", err)
		}
	}

	return a
}

func v2Stage(t target, apiID string, st types.Stage) snapshot.V2Stage {
	name := aws.ToString(st.StageName)
	s := snapshot.V2Stage{
		ARN:  t.apigatewayARN("/apis/" + apiID + "/stages/" + name),
		Name: name, AutoDeploy: aws.ToBool(st.AutoDeploy), Tags: st.Tags, Variables: st.StageVariables,
	}
	if al := st.AccessLogSettings; al != nil {
		s.AccessLogDestination, s.AccessLogFormat = aws.ToString(al.DestinationArn), aws.ToString(al.Format)
	}
	// Route settings are keyed by route key ("GET /items", "$connect") and
	// override the defaults field by field.
	if st.DefaultRouteSettings != nil {
		s.DefaultRouteSettings = routeSettings(*st.DefaultRouteSettings)
	}
	if len(st.RouteSettings) > 0 {
		s.RouteSettings = make(map[string]snapshot.RouteSettings, len(st.RouteSettings))
		for k, v := range st.RouteSettings {
			s.RouteSettings[k] = routeSettings(v)
		}
	}
	return s
}

func routeSettings(rs types.RouteSettings) snapshot.RouteSettings {
	out := snapshot.RouteSettings{
		DetailedMetricsEnabled: aws.ToBool(rs.DetailedMetricsEnabled), LoggingLevel: string(rs.LoggingLevel),
		DataTraceEnabled: aws.ToBool(rs.DataTraceEnabled), ThrottlingRateLimit: rs.ThrottlingRateLimit,
	}
	if rs.ThrottlingBurstLimit != nil {
		out.ThrottlingBurstLimit = aws.Int(int(*rs.ThrottlingBurstLimit))
	}
	return out
}

func v2DomainName(ctx context.Context, c apigatewayv2API, t target, d types.DomainName, out *snapshot.Snapshot) snapshot.DomainName {
	name := aws.ToString(d.DomainName)
	dn := snapshot.DomainName{
		ARN: t.apigatewayARN("/domainnames/" + name), Account: t.account, Region: t.region,
		Name: name, APIType: "v2",
		MutualTLS: d.MutualTlsAuthentication != nil && aws.ToString(d.MutualTlsAuthentication.TruststoreUri) != "",
		Tags:      d.Tags,
	}
	// A v2 domain has one configuration per endpoint; the first is the
	// active one outside of a migration between certificates.
	if len(d.DomainNameConfigurations) > 0 {
		dn.EndpointType = string(d.DomainNameConfigurations[0].EndpointType)
		dn.SecurityPolicy = string(d.DomainNameConfigurations[0].SecurityPolicy)
	}
	err := eachPage(func(token *string) (*string, error) {
		page, err := c.GetApiMappings(ctx, &apigatewayv2.GetApiMappingsInput{DomainName: aws.String(name), NextToken: token, MaxResults: aws.String(v2PageSize)})
		if err != nil {
			return nil, err
		}
		for _, m := range page.Items {
			// An empty mapping key maps the domain's root.
			dn.Mappings = append(dn.Mappings, snapshot.DomainMapping{
				APIID: aws.ToString(m.ApiId), Stage: aws.ToString(m.Stage), BasePath: aws.ToString(m.ApiMappingKey),
			})
		}
		return page.NextToken, nil
	})
	if err != nil {
		out.Errors = append(out.Errors, t.failureFor(serviceAPIGatewayV2, "GetApiMappings", err, dn.ARN))
	}
	return dn
}

// dedupeDomainNames keeps one entry per custom domain. API Gateway's custom
// domains are one pool: the v2 API lists the regional domains created
// through v1 as well, so a domain v1 already reported is not repeated.
// Its mappings are the union of both views: one domain may map REST and
// HTTP API stages, and multi-level paths, and each API's listing is kept
// whole rather than trusting either to show the other's.
func dedupeDomainNames(s *snapshot.Snapshot) {
	rest := map[string]int{}
	for i, d := range s.DomainNames {
		if d.APIType == "rest" {
			rest[d.ARN] = i
		}
	}
	// mappingKey identifies a mapping across the two views; v1 names the
	// empty base path "(none)", v2 "".
	mappingKey := func(m snapshot.DomainMapping) [3]string {
		bp := strings.Trim(m.BasePath, "/")
		if bp == "(none)" {
			bp = ""
		}
		return [3]string{m.APIID, m.Stage, bp}
	}
	for _, d := range s.DomainNames {
		i, ok := rest[d.ARN]
		if d.APIType != "v2" || !ok {
			continue
		}
		v1 := &s.DomainNames[i]
		seen := map[[3]string]bool{}
		for _, m := range v1.Mappings {
			seen[mappingKey(m)] = true
		}
		for _, m := range d.Mappings {
			if !seen[mappingKey(m)] {
				v1.Mappings = append(v1.Mappings, m)
			}
		}
	}
	s.DomainNames = slices.DeleteFunc(s.DomainNames, func(d snapshot.DomainName) bool {
		_, dup := rest[d.ARN]
		return d.APIType == "v2" && dup
	})
}
