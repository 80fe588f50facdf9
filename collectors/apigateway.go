package collectors

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigateway/types"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// apigatewayAPI is the part of the API Gateway (v1) client the collector
// uses.
type apigatewayAPI interface {
	apigateway.GetRestApisAPIClient
	apigateway.GetResourcesAPIClient
	apigateway.GetUsagePlansAPIClient
	apigateway.GetVpcLinksAPIClient
	apigateway.GetDomainNamesAPIClient
	apigateway.GetBasePathMappingsAPIClient
	GetStages(context.Context, *apigateway.GetStagesInput, ...func(*apigateway.Options)) (*apigateway.GetStagesOutput, error)
	GetAuthorizers(context.Context, *apigateway.GetAuthorizersInput, ...func(*apigateway.Options)) (*apigateway.GetAuthorizersOutput, error)
	GetRequestValidators(context.Context, *apigateway.GetRequestValidatorsInput, ...func(*apigateway.Options)) (*apigateway.GetRequestValidatorsOutput, error)
	GetAccount(context.Context, *apigateway.GetAccountInput, ...func(*apigateway.Options)) (*apigateway.GetAccountOutput, error)
}

// apigatewayPageSize is the largest page API Gateway serves.
const apigatewayPageSize = 500

func collectAPIGateway(ctx context.Context, t target) *snapshot.Snapshot {
	return apigatewayInventory(ctx, apigateway.NewFromConfig(t.config(serviceAPIGateway)), t)
}

// apigatewayInventory reads REST APIs with everything nested in them, usage
// plans, VPC links, custom domains and the regional account settings.
func apigatewayInventory(ctx context.Context, c apigatewayAPI, t target) *snapshot.Snapshot {
	out := &snapshot.Snapshot{}
	fail := func(op string, err error) { out.Errors = append(out.Errors, t.failure(serviceAPIGateway, op, err)) }

	if t.wants("apigateway_accounts") {
		if acct, err := c.GetAccount(ctx, &apigateway.GetAccountInput{}); err != nil {
			fail("GetAccount", err)
		} else {
			a := snapshot.APIGatewayAccount{Account: t.account, Region: t.region, CloudWatchRoleARN: aws.ToString(acct.CloudwatchRoleArn)}
			if acct.ThrottleSettings != nil {
				a.ThrottleBurstLimit = int(acct.ThrottleSettings.BurstLimit)
				a.ThrottleRateLimit = acct.ThrottleSettings.RateLimit
			}
			out.APIGatewayAccounts = append(out.APIGatewayAccounts, a)
		}
	}

	if t.wants("rest_apis") {
		var apis []types.RestApi
		apiPages := apigateway.NewGetRestApisPaginator(c, &apigateway.GetRestApisInput{Limit: aws.Int32(apigatewayPageSize)})
		for apiPages.HasMorePages() {
			page, err := apiPages.NextPage(ctx)
			if err != nil {
				fail("GetRestApis", err)
				break
			}
			apis = append(apis, page.Items...)
		}
		read, errs := eachResource(apis, func(api types.RestApi, part *snapshot.Snapshot) snapshot.RestAPI {
			return restAPI(ctx, c, t, api, part)
		})
		out.RestAPIs, out.Errors = append(out.RestAPIs, read...), append(out.Errors, errs...)
	}

	if t.wants("usage_plans") {
		plans := apigateway.NewGetUsagePlansPaginator(c, &apigateway.GetUsagePlansInput{Limit: aws.Int32(apigatewayPageSize)})
		for plans.HasMorePages() {
			page, err := plans.NextPage(ctx)
			if err != nil {
				fail("GetUsagePlans", err)
				break
			}
			for _, p := range page.Items {
				out.UsagePlans = append(out.UsagePlans, usagePlan(t, p))
			}
		}
	}

	if t.wants("vpc_links") {
		links := apigateway.NewGetVpcLinksPaginator(c, &apigateway.GetVpcLinksInput{Limit: aws.Int32(apigatewayPageSize)})
		for links.HasMorePages() {
			page, err := links.NextPage(ctx)
			if err != nil {
				fail("GetVpcLinks", err)
				break
			}
			for _, l := range page.Items {
				id := aws.ToString(l.Id)
				out.VPCLinks = append(out.VPCLinks, snapshot.VPCLink{
					ARN: t.apigatewayARN("/vpclinks/" + id), Account: t.account, Region: t.region,
					ID: id, Name: aws.ToString(l.Name), Version: "v1", TargetARNs: l.TargetArns,
					Status: string(l.Status), Tags: l.Tags,
				})
			}
		}
	}

	if t.wants("domain_names") {
		var domains []types.DomainName
		domainPages := apigateway.NewGetDomainNamesPaginator(c, &apigateway.GetDomainNamesInput{Limit: aws.Int32(apigatewayPageSize)})
		for domainPages.HasMorePages() {
			page, err := domainPages.NextPage(ctx)
			if err != nil {
				fail("GetDomainNames", err)
				break
			}
			domains = append(domains, page.Items...)
		}
		names, errs := eachResource(domains, func(d types.DomainName, part *snapshot.Snapshot) snapshot.DomainName {
			return restDomainName(ctx, c, t, d, part)
		})
		out.DomainNames, out.Errors = append(out.DomainNames, names...), append(out.Errors, errs...)
	}

	return out
}

// restAPI reads one REST API's resources (methods and integrations come
// embedded), stages, authorizers and validators. Failures of the nested
// reads are recorded in out and leave that part of the API empty.
func restAPI(ctx context.Context, c apigatewayAPI, t target, api types.RestApi, out *snapshot.Snapshot) snapshot.RestAPI {
	id := aws.ToString(api.Id)
	arn := t.apigatewayARN("/restapis/" + id)
	fail := func(op string, err error) {
		out.Errors = append(out.Errors, t.failureFor(serviceAPIGateway, op, err, arn))
	}
	a := snapshot.RestAPI{
		ARN: arn, Account: t.account, Region: t.region,
		ID: id, Name: aws.ToString(api.Name), APIKeySource: string(api.ApiKeySource),
		DisableExecuteAPIEndpoint: api.DisableExecuteApiEndpoint, Tags: api.Tags,
	}
	if ec := api.EndpointConfiguration; ec != nil {
		for _, typ := range ec.Types {
			a.EndpointTypes = append(a.EndpointTypes, string(typ))
		}
		a.VPCEndpointIDs = ec.VpcEndpointIds
	}
	if p := aws.ToString(api.Policy); p != "" {
		policy, ok := parsePolicy(p)
		if ok {
			a.Policy = policy
		} else {
			out.Errors = append(out.Errors, t.invalid(serviceAPIGateway, "GetRestApis", a.ARN, "InvalidPolicyDocument",
				"rest api %s: resource policy is not valid JSON", id))
		}
	}

	// embed=methods returns every method with its integration in the same
	// page, instead of GetMethod and GetIntegration per method.
	if t.wants("rest_resources") {
		resources := apigateway.NewGetResourcesPaginator(c, &apigateway.GetResourcesInput{
			RestApiId: aws.String(id), Embed: []string{"methods"}, Limit: aws.Int32(apigatewayPageSize),
		})
		for resources.HasMorePages() {
			page, err := resources.NextPage(ctx)
			if err != nil {
				fail("GetResources", err)
				break
			}
			for _, r := range page.Items {
				a.Resources = append(a.Resources, restResource(r))
			}
		}
	}

	if t.wants("rest_stages") {
		if stages, err := c.GetStages(ctx, &apigateway.GetStagesInput{RestApiId: aws.String(id)}); err != nil {
			fail("GetStages", err)
		} else {
			for _, st := range stages.Item {
				a.Stages = append(a.Stages, restStage(t, id, st))
			}
		}
	}

	if t.wants("rest_authorizers") {
		err := eachPage(func(token *string) (*string, error) {
			page, err := c.GetAuthorizers(ctx, &apigateway.GetAuthorizersInput{RestApiId: aws.String(id), Position: token, Limit: aws.Int32(apigatewayPageSize)})
			if err != nil {
				return nil, err
			}
			for _, au := range page.Items {
				a.Authorizers = append(a.Authorizers, snapshot.Authorizer{
					ID: aws.ToString(au.Id), Name: aws.ToString(au.Name), Type: string(au.Type),
					ProviderARNs: au.ProviderARNs, URI: aws.ToString(au.AuthorizerUri),
				})
			}
			return page.Position, nil
		})
		if err != nil {
			fail("GetAuthorizers", err)
		}
	}

	if t.wants("rest_request_validators") {
		err := eachPage(func(token *string) (*string, error) {
			page, err := c.GetRequestValidators(ctx, &apigateway.GetRequestValidatorsInput{RestApiId: aws.String(id), Position: token, Limit: aws.Int32(apigatewayPageSize)})
			if err != nil {
				return nil, err
			}
			for _, v := range page.Items {
				a.RequestValidators = append(a.RequestValidators, snapshot.RequestValidator{
					ID: aws.ToString(v.Id), Name: aws.ToString(v.Name),
					ValidateBody: v.ValidateRequestBody, ValidateParameters: v.ValidateRequestParameters,
				})
			}
			return page.Position, nil
		})
		if err != nil {
			fail("GetRequestValidators", err)
		}
	}

	return a
}

func restResource(r types.Resource) snapshot.RestResource {
	res := snapshot.RestResource{ID: aws.ToString(r.Id), Path: aws.ToString(r.Path)}
	for verb, m := range r.ResourceMethods {
		method := snapshot.RestMethod{
			HTTPMethod:         cmp.Or(aws.ToString(m.HttpMethod), verb),
			AuthorizationType:  aws.ToString(m.AuthorizationType),
			AuthorizerID:       aws.ToString(m.AuthorizerId),
			APIKeyRequired:     aws.ToBool(m.ApiKeyRequired),
			RequestValidatorID: aws.ToString(m.RequestValidatorId),
		}
		if in := m.MethodIntegration; in != nil {
			method.Integration = &snapshot.RestIntegration{
				Type: string(in.Type), HTTPMethod: aws.ToString(in.HttpMethod), URI: aws.ToString(in.Uri),
				ConnectionType: string(in.ConnectionType), ConnectionID: aws.ToString(in.ConnectionId),
				TimeoutMillis: int(in.TimeoutInMillis),
			}
		}
		res.Methods = append(res.Methods, method)
	}
	return res
}

func restStage(t target, apiID string, st types.Stage) snapshot.RestStage {
	name := aws.ToString(st.StageName)
	s := snapshot.RestStage{
		ARN:  t.apigatewayARN("/restapis/" + apiID + "/stages/" + name),
		Name: name, DeploymentID: aws.ToString(st.DeploymentId), Tags: st.Tags,
		TracingEnabled: st.TracingEnabled, ClientCertificateID: aws.ToString(st.ClientCertificateId),
		WebACLARN: aws.ToString(st.WebAclArn), CacheClusterEnabled: st.CacheClusterEnabled,
		CacheClusterSize: string(st.CacheClusterSize), Variables: st.Variables,
	}
	if al := st.AccessLogSettings; al != nil {
		s.AccessLogDestination, s.AccessLogFormat = aws.ToString(al.DestinationArn), aws.ToString(al.Format)
	}
	if len(st.MethodSettings) > 0 {
		s.MethodSettings = make(map[string]snapshot.MethodSetting, len(st.MethodSettings))
	}
	for key, ms := range st.MethodSettings {
		setting := snapshot.MethodSetting{
			MetricsEnabled: ms.MetricsEnabled, LoggingLevel: aws.ToString(ms.LoggingLevel),
			DataTraceEnabled: ms.DataTraceEnabled, CachingEnabled: ms.CachingEnabled,
			CacheDataEncrypted: ms.CacheDataEncrypted, CacheTTLSeconds: int(ms.CacheTtlInSeconds),
			RequireAuthorizationForCacheControl: ms.RequireAuthorizationForCacheControl,
		}
		// API Gateway answers -1 for a throttle that is not set; the model
		// keeps "unset" (nil) apart from an explicit zero.
		if ms.ThrottlingBurstLimit >= 0 {
			setting.ThrottlingBurstLimit = aws.Int(int(ms.ThrottlingBurstLimit))
		}
		if ms.ThrottlingRateLimit >= 0 {
			setting.ThrottlingRateLimit = aws.Float64(ms.ThrottlingRateLimit)
		}
		s.MethodSettings[key] = setting
	}
	return s
}

func usagePlan(t target, p types.UsagePlan) snapshot.UsagePlan {
	id := aws.ToString(p.Id)
	plan := snapshot.UsagePlan{
		ARN: t.apigatewayARN("/usageplans/" + id), Account: t.account, Region: t.region,
		ID: id, Name: aws.ToString(p.Name), Tags: p.Tags,
	}
	for _, st := range p.ApiStages {
		stage := snapshot.UsagePlanStage{APIID: aws.ToString(st.ApiId), Stage: aws.ToString(st.Stage)}
		if len(st.Throttle) > 0 {
			stage.Throttle = make(map[string]snapshot.Throttle, len(st.Throttle))
			for k, v := range st.Throttle {
				stage.Throttle[k] = snapshot.Throttle{BurstLimit: int(v.BurstLimit), RateLimit: v.RateLimit}
			}
		}
		plan.APIStages = append(plan.APIStages, stage)
	}
	if th := p.Throttle; th != nil {
		plan.Throttle = &snapshot.Throttle{BurstLimit: int(th.BurstLimit), RateLimit: th.RateLimit}
	}
	if q := p.Quota; q != nil {
		plan.Quota = &snapshot.Quota{Limit: int(q.Limit), Offset: int(q.Offset), Period: string(q.Period)}
	}
	return plan
}

func restDomainName(ctx context.Context, c apigatewayAPI, t target, d types.DomainName, out *snapshot.Snapshot) snapshot.DomainName {
	name := aws.ToString(d.DomainName)
	dn := snapshot.DomainName{
		ARN: t.apigatewayARN("/domainnames/" + name), Account: t.account, Region: t.region,
		Name: name, APIType: "rest", SecurityPolicy: string(d.SecurityPolicy),
		MutualTLS: d.MutualTlsAuthentication != nil && aws.ToString(d.MutualTlsAuthentication.TruststoreUri) != "",
		Tags:      d.Tags,
	}
	if ec := d.EndpointConfiguration; ec != nil && len(ec.Types) > 0 {
		dn.EndpointType = string(ec.Types[0])
	}
	if t.wants("domain_mappings") {
		mappings := apigateway.NewGetBasePathMappingsPaginator(c, &apigateway.GetBasePathMappingsInput{
			DomainName: aws.String(name), Limit: aws.Int32(apigatewayPageSize),
		})
		for mappings.HasMorePages() {
			page, err := mappings.NextPage(ctx)
			if err != nil {
				out.Errors = append(out.Errors, t.failureFor(serviceAPIGateway, "GetBasePathMappings", err, dn.ARN))
				break
			}
			for _, m := range page.Items {
				dn.Mappings = append(dn.Mappings, snapshot.DomainMapping{
					APIID: aws.ToString(m.RestApiId), Stage: aws.ToString(m.Stage), BasePath: aws.ToString(m.BasePath),
				})
			}
		}
	}

	return dn
}

// parsePolicy decodes a REST API resource policy. API Gateway returns the
// document JSON-escaped inside its JSON string ({\"Version\":...}), so it is
// unescaped once; a policy that arrives unescaped is accepted as is.
func parsePolicy(p string) (json.RawMessage, bool) {
	var unescaped string
	if err := json.Unmarshal([]byte(`"`+p+`"`), &unescaped); err == nil && json.Valid([]byte(unescaped)) {
		p = unescaped
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(p)); err != nil {
		return nil, false
	}
	return json.RawMessage(buf.Bytes()), true
}

// apigatewayARN builds an API Gateway ARN; they carry no account.
func (t target) apigatewayARN(path string) string {
	return "arn:" + t.partition + ":apigateway:" + t.region + "::" + path
}

// eachPage drives a hand-written pagination loop for operations the SDK has
// no paginator for: fetch is called with the previous page's token until it
// returns none.
func eachPage(fetch func(token *string) (next *string, err error)) error {
	var token *string
	for {
		next, err := fetch(token)
		if err != nil {
			return err
		}
		if aws.ToString(next) == "" || (token != nil && *next == *token) {
			return nil
		}
		token = next
	}
}
