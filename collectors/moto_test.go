package collectors_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	agtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	v2types "github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/gatewatch/gatewatch/collectors"
	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/findings"
	"github.com/gatewatch/gatewatch/internal/motoserver"
	"github.com/gatewatch/gatewatch/policies"
)

// motoAccount is the account moto serves for any credentials.
const motoAccount = motoserver.Account

// startMoto runs moto_server on a free loopback port for the test.
func startMoto(t *testing.T) string { return motoserver.Start(t) }

func motoConfig(endpoint string) aws.Config {
	return aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDMOTO", "secret", ""),
		BaseEndpoint: aws.String(endpoint),
	}
}

func TestCollectAgainstMoto(t *testing.T) {
	t.Parallel()
	endpoint := startMoto(t)
	ctx := context.Background()
	cfg := motoConfig(endpoint)
	seeded := seedMoto(ctx, t, cfg, endpoint)

	got, err := collectors.Collect(ctx, collectors.Options{
		Config: cfg, EndpointURL: endpoint, Regions: []string{"us-east-1"},
		Clock: fixedClock, ToolVersion: "test", MaxBackoff: time.Millisecond,
	})
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}

	for _, e := range got.Errors {
		t.Logf("recorded: %s:%s %s: %s", e.Service, e.Operation, e.Code, e.Message)
	}
	// Errors moto is known to cause; anything else is a collector bug.
	knownGaps := map[string]bool{
		// moto 5.2 routes /v2/apis/ID/authorizers but implements only the
		// single-authorizer GET.
		"apigatewayv2:GetAuthorizers": true,
		// service/cloudwatch speaks RPC v2 CBOR, which moto does not route.
		"cloudwatch:DescribeAlarms": true,
		"cloudwatch:GetMetricData":  true,
	}
	sawCloudWatch := false
	for _, e := range got.Errors {
		key := e.Service + ":" + e.Operation
		if !knownGaps[key] {
			t.Errorf("unexpected collection error: %+v", e)
		}
		if e.Code == "" || e.Message == "" || e.Account != motoAccount || e.Region != "us-east-1" {
			t.Errorf("incomplete collection error: %+v", e)
		}
		sawCloudWatch = sawCloudWatch || key == "cloudwatch:DescribeAlarms"
	}
	if !sawCloudWatch {
		t.Error("the CloudWatch failure against moto was not recorded")
	}

	if diff := cmpStrings([]string{motoAccount}, got.Scope.Accounts); diff != "" {
		t.Errorf("scope accounts: %s", diff)
	}
	// The REST API with its greedy proxy resource and HTTP_PROXY integration.
	if len(got.RestAPIs) != 1 {
		t.Fatalf("REST APIs = %d, want 1", len(got.RestAPIs))
	}
	api := got.RestAPIs[0]
	if api.ID != seeded.restAPIID || api.ARN != "arn:aws:apigateway:us-east-1::/restapis/"+seeded.restAPIID || api.Account != motoAccount {
		t.Errorf("REST API identity = %s %s %s", api.ID, api.ARN, api.Account)
	}
	var proxy *snapshot.RestMethod
	for _, r := range api.Resources {
		if r.Path == "/{proxy+}" && len(r.Methods) == 1 {
			proxy = &r.Methods[0]
		}
	}
	switch {
	case proxy == nil:
		t.Errorf("no /{proxy+} method collected: %+v", api.Resources)
	case proxy.HTTPMethod != "ANY" || proxy.Integration == nil || proxy.Integration.Type != "HTTP_PROXY" ||
		proxy.Integration.URI != "http://internal.example.com/{proxy}":
		t.Errorf("proxy method = %+v integration %+v", proxy, proxy.Integration)
	}
	var lambdaMethod *snapshot.RestMethod
	for _, r := range api.Resources {
		if r.Path == "/orders" && len(r.Methods) == 1 {
			lambdaMethod = &r.Methods[0]
		}
	}
	if lambdaMethod == nil || lambdaMethod.Integration == nil || lambdaMethod.Integration.Type != "AWS_PROXY" ||
		lambdaMethod.AuthorizationType != "AWS_IAM" || !lambdaMethod.APIKeyRequired {
		t.Errorf("lambda method = %+v", lambdaMethod)
	}
	if len(api.Stages) != 1 || api.Stages[0].Name != "prod" ||
		api.Stages[0].ARN != "arn:aws:apigateway:us-east-1::/restapis/"+seeded.restAPIID+"/stages/prod" {
		t.Errorf("stages = %+v", api.Stages)
	}

	// The HTTP API with its route, integration and auto-deployed stage.
	if len(got.V2APIs) != 1 {
		t.Fatalf("v2 APIs = %d, want 1", len(got.V2APIs))
	}
	v2 := got.V2APIs[0]
	if v2.ID != seeded.httpAPIID || v2.ProtocolType != "HTTP" || len(v2.Routes) != 1 || len(v2.Integrations) != 1 ||
		len(v2.Stages) != 1 || !v2.Stages[0].AutoDeploy || v2.Routes[0].Target != "integrations/"+v2.Integrations[0].ID ||
		v2.Integrations[0].URI != seeded.functionARN {
		t.Errorf("v2 API = %+v", v2)
	}

	// The ALB with its listener, rule (plus the default rule) and target groups.
	if len(got.LoadBalancers) != 1 {
		t.Fatalf("load balancers = %d, want 1", len(got.LoadBalancers))
	}
	lb := got.LoadBalancers[0]
	if lb.ARN != seeded.lbARN || lb.Scheme != "internet-facing" || lb.Type != "application" || lb.Tags["owner"] != "web" {
		t.Errorf("load balancer = %+v", lb)
	}
	if len(lb.Listeners) != 1 || len(lb.Listeners[0].Rules) != 2 {
		t.Fatalf("listeners/rules = %+v", lb.Listeners)
	}
	rule := lb.Listeners[0].Rules[0]
	if rule.Priority != "10" || len(rule.Conditions) != 1 || rule.Conditions[0].Field != "path-pattern" ||
		!slices.Equal(rule.Conditions[0].Values, []string{"/orders/*"}) || len(rule.Actions) != 1 ||
		!slices.Equal(rule.Actions[0].TargetGroupARNs, []string{seeded.lambdaTGARN}) {
		t.Errorf("rule = %+v", rule)
	}
	if !lb.Listeners[0].Rules[1].IsDefault {
		t.Errorf("default rule missing: %+v", lb.Listeners[0].Rules[1])
	}
	if len(lb.SecurityGroups) != 1 || len(got.SecurityGroups) != 1 || got.SecurityGroups[0].ID != lb.SecurityGroups[0] {
		t.Errorf("security groups: lb %v collected %+v", lb.SecurityGroups, got.SecurityGroups)
	} else if in := got.SecurityGroups[0].Ingress; len(in) != 1 || in[0].FromPort != 443 || !slices.Equal(in[0].CIDRs, []string{"0.0.0.0/0"}) {
		t.Errorf("security group ingress = %+v", in)
	}
	tgNames := map[string]snapshot.TargetGroup{}
	for _, tg := range got.TargetGroups {
		tgNames[tg.Name] = tg
	}
	if tg, ok := tgNames["web"]; !ok || tg.Port != 8080 || tg.TargetType != "instance" {
		t.Errorf("web target group = %+v", tg)
	}
	if tg, ok := tgNames["orders-lambda"]; !ok || tg.TargetType != "lambda" || len(tg.Targets) != 1 || tg.Targets[0].ID != seeded.functionARN {
		t.Errorf("lambda target group = %+v", tg)
	}

	// The Lambda function is read once, though a target group, a REST
	// integration and an HTTP API integration all route to it.
	if len(got.LambdaFunctions) != 1 {
		t.Fatalf("lambda functions = %+v, want the one behind the target group", got.LambdaFunctions)
	}
	if f := got.LambdaFunctions[0]; f.Name != "orders-handler" || f.TimeoutSeconds != 30 || f.MemoryMB != 256 || f.Runtime != "python3.12" {
		t.Errorf("lambda function = %+v", f)
	}

	// The web ACL and its rate-based rule.
	if len(got.WebACLs) != 1 {
		t.Fatalf("web ACLs = %d, want 1", len(got.WebACLs))
	}
	acl := got.WebACLs[0]
	if acl.Scope != "REGIONAL" || acl.DefaultAction != "ALLOW" || len(acl.Rules) != 1 ||
		acl.Rules[0].StatementType != "rate_based" || acl.Rules[0].RateLimit != 1000 || acl.Rules[0].Action != "BLOCK" {
		t.Errorf("web ACL = %+v", acl)
	}
	if acl.Tags["owner"] != "security" {
		t.Errorf("web ACL tags = %v", acl.Tags)
	}
	if got.Calls["sts:GetCallerIdentity"] != 1 || got.Calls["apigateway:GetResources"] != 1 || got.Calls["lambda:GetFunction"] != 1 {
		t.Errorf("calls = %v", got.Calls)
	}
	// moto does not implement ListResourcesForWebACL: the associations
	// come from GetWebACLForResource per load balancer instead, and are
	// complete.
	if got.Calls["wafv2:ListResourcesForWebACL"] == 0 || got.Calls["wafv2:GetWebACLForResource"] == 0 {
		t.Errorf("calls = %v, want the inverted look-up tried and the per-resource fallback used", got.Calls)
	}
	if !slices.Contains(acl.AssociatedResources, seeded.lbARN) {
		t.Errorf("web ACL associations = %v, want the ALB %s (from the fallback)", acl.AssociatedResources, seeded.lbARN)
	}
	motoPitfalls(t, got, seeded)
}

// motoPitfalls evaluates the rules over what was collected from moto and
// checks the pitfalls seeded into the account are reported on the right
// resources.
func motoPitfalls(t *testing.T, got *snapshot.Snapshot, seeded motoSeed) {
	t.Helper()
	engine, err := policies.New(context.Background(), policies.Options{Config: policies.DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	report, err := engine.Evaluate(context.Background(), got)
	if err != nil {
		t.Fatal(err)
	}
	fired := map[string]bool{}
	for _, f := range report.Findings {
		fired[f.RuleID+" "+f.Resource] = true
		t.Logf("finding: %s %s: %s", f.RuleID, f.Resource, f.Message)
	}
	stage := "arn:aws:apigateway:us-east-1::/restapis/" + seeded.restAPIID + "/stages/prod"
	for _, quiet := range []string{
		// The internet-facing ALB has a web ACL: the fallback saw the
		// association that ListResourcesForWebACL could not list.
		"GW104 " + seeded.lbARN,
		// The Lambda target is throttled by that ACL's rate-based rule.
		"GW106 " + seeded.functionARN,
	} {
		if fired[quiet] {
			t.Errorf("false finding %s", quiet)
		}
	}
	// moto cannot answer this SDK's CloudWatch protocol, so nothing may be
	// claimed about alarms or metrics: the rules that read them are not
	// evaluated rather than reporting "no alarm".
	for _, f := range report.Findings {
		if f.RuleID == "GW112" || f.RuleID == "GW113" || f.RuleID == "GW114" {
			t.Errorf("finding %s on %s rests on CloudWatch data moto could not serve", f.RuleID, f.Resource)
		}
	}
	if !slices.ContainsFunc(report.NotEvaluated, func(e findings.NotEvaluated) bool {
		return e.RuleID == "GW112" && e.Resource == stage && slices.Contains(e.Inputs, "alarms")
	}) {
		t.Errorf("GW112 on %s is not listed as not evaluated for want of alarms: %+v", stage, report.NotEvaluated)
	}
	for _, want := range []string{
		// The public REST stage has no web ACL.
		"GW104 " + stage,
		// The HTTP API route has no authorization.
		"GW205 arn:aws:apigateway:us-east-1::/apis/" + seeded.httpAPIID,
		// ANY /{proxy+} is open to anyone: no authorizer, no API key.
		"GW217 arn:aws:apigateway:us-east-1::/restapis/" + seeded.restAPIID,
	} {
		if !fired[want] {
			t.Errorf("missing finding %s", want)
		}
	}
	if !report.Incomplete {
		t.Error("the report does not say coverage is incomplete despite the recorded gaps")
	}
}

type motoSeed struct {
	restAPIID, httpAPIID, lbARN, lambdaTGARN, functionARN string
}

// seedMoto creates, through the SDK, the account the test collects.
func seedMoto(ctx context.Context, t *testing.T, cfg aws.Config, endpoint string) motoSeed {
	t.Helper()
	var s motoSeed
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("seed %s: %v", what, err)
		}
	}

	// REST API: a greedy proxy resource with an HTTP_PROXY integration, deployed.
	ag := apigateway.NewFromConfig(cfg)
	api, err := ag.CreateRestApi(ctx, &apigateway.CreateRestApiInput{Name: aws.String("partner-api"),
		EndpointConfiguration: &agtypes.EndpointConfiguration{Types: []agtypes.EndpointType{agtypes.EndpointTypeRegional}}})
	must("rest api", err)
	s.restAPIID = aws.ToString(api.Id)
	proxy, err := ag.CreateResource(ctx, &apigateway.CreateResourceInput{RestApiId: api.Id, ParentId: api.RootResourceId,
		PathPart: aws.String("{proxy+}")})
	must("proxy resource", err)
	_, err = ag.PutMethod(ctx, &apigateway.PutMethodInput{RestApiId: api.Id, ResourceId: proxy.Id,
		HttpMethod: aws.String("ANY"), AuthorizationType: aws.String("NONE")})
	must("proxy method", err)
	_, err = ag.PutIntegration(ctx, &apigateway.PutIntegrationInput{RestApiId: api.Id, ResourceId: proxy.Id,
		HttpMethod: aws.String("ANY"), Type: agtypes.IntegrationTypeHttpProxy, IntegrationHttpMethod: aws.String("ANY"),
		Uri: aws.String("http://internal.example.com/{proxy}")})
	must("proxy integration", err)

	// Network for the ALB.
	e := ec2.NewFromConfig(cfg)
	vpcID, subnets := motoNetwork(ctx, t, cfg, 0)
	sg, err := e.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("public-web"),
		Description: aws.String("public web"), VpcId: vpcID})
	must("security group", err)
	_, err = e.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sg.GroupId,
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443),
			IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}})
	must("ingress", err)

	// Lambda function.
	s.functionARN = motoFunction(ctx, t, cfg, endpoint, lambda.CreateFunctionInput{
		FunctionName: aws.String("orders-handler"), Timeout: aws.Int32(30), MemorySize: aws.Int32(256)})

	// A Lambda proxy method on the REST API, then the deployment.
	orders, err := ag.CreateResource(ctx, &apigateway.CreateResourceInput{RestApiId: api.Id, ParentId: api.RootResourceId,
		PathPart: aws.String("orders")})
	must("orders resource", err)
	_, err = ag.PutMethod(ctx, &apigateway.PutMethodInput{RestApiId: api.Id, ResourceId: orders.Id,
		HttpMethod: aws.String("GET"), AuthorizationType: aws.String("AWS_IAM"), ApiKeyRequired: true})
	must("orders method", err)
	_, err = ag.PutIntegration(ctx, &apigateway.PutIntegrationInput{RestApiId: api.Id, ResourceId: orders.Id,
		HttpMethod: aws.String("GET"), Type: agtypes.IntegrationTypeAwsProxy, IntegrationHttpMethod: aws.String("POST"),
		Uri: aws.String("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + s.functionARN + "/invocations")})
	must("orders integration", err)
	_, err = ag.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: api.Id, StageName: aws.String("prod")})
	must("deployment", err)

	// An HTTP API whose default route proxies to the same function.
	v2 := apigatewayv2.NewFromConfig(cfg)
	httpAPI, err := v2.CreateApi(ctx, &apigatewayv2.CreateApiInput{Name: aws.String("mobile"), ProtocolType: v2types.ProtocolTypeHttp})
	must("http api", err)
	s.httpAPIID = aws.ToString(httpAPI.ApiId)
	integ, err := v2.CreateIntegration(ctx, &apigatewayv2.CreateIntegrationInput{ApiId: httpAPI.ApiId,
		IntegrationType: v2types.IntegrationTypeAwsProxy, IntegrationUri: aws.String(s.functionARN),
		PayloadFormatVersion: aws.String("2.0")})
	must("http integration", err)
	_, err = v2.CreateRoute(ctx, &apigatewayv2.CreateRouteInput{ApiId: httpAPI.ApiId, RouteKey: aws.String("$default"),
		Target: aws.String("integrations/" + aws.ToString(integ.IntegrationId))})
	must("http route", err)
	_, err = v2.CreateStage(ctx, &apigatewayv2.CreateStageInput{ApiId: httpAPI.ApiId, StageName: aws.String("$default"),
		AutoDeploy: aws.Bool(true)})
	must("http stage", err)

	// ALB, target groups (one of them lambda), listener and a rule.
	lbc := elb.NewFromConfig(cfg)
	lb, err := lbc.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{Name: aws.String("public-web"), Subnets: subnets,
		SecurityGroups: []string{aws.ToString(sg.GroupId)}, Scheme: elbtypes.LoadBalancerSchemeEnumInternetFacing,
		Type: elbtypes.LoadBalancerTypeEnumApplication, Tags: []elbtypes.Tag{{Key: aws.String("owner"), Value: aws.String("web")}}})
	must("load balancer", err)
	s.lbARN = aws.ToString(lb.LoadBalancers[0].LoadBalancerArn)
	web, err := lbc.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{Name: aws.String("web"), Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(8080), VpcId: vpcID, TargetType: elbtypes.TargetTypeEnumInstance})
	must("web target group", err)
	ltg, err := lbc.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{Name: aws.String("orders-lambda"),
		TargetType: elbtypes.TargetTypeEnumLambda})
	must("lambda target group", err)
	s.lambdaTGARN = aws.ToString(ltg.TargetGroups[0].TargetGroupArn)
	_, err = lbc.RegisterTargets(ctx, &elb.RegisterTargetsInput{TargetGroupArn: aws.String(s.lambdaTGARN),
		Targets: []elbtypes.TargetDescription{{Id: aws.String(s.functionARN)}}})
	must("lambda target", err)
	listener, err := lbc.CreateListener(ctx, &elb.CreateListenerInput{LoadBalancerArn: aws.String(s.lbARN),
		Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80),
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: web.TargetGroups[0].TargetGroupArn}}})
	must("listener", err)
	_, err = lbc.CreateRule(ctx, &elb.CreateRuleInput{ListenerArn: listener.Listeners[0].ListenerArn, Priority: aws.Int32(10),
		Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"),
			PathPatternConfig: &elbtypes.PathPatternConditionConfig{Values: []string{"/orders/*"}}}},
		Actions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(s.lambdaTGARN)}}})
	must("rule", err)

	// A regional web ACL with a rate-based rule, attached to the ALB.
	waf := wafv2.NewFromConfig(cfg)
	visibility := func(name string) *waftypes.VisibilityConfig {
		return &waftypes.VisibilityConfig{MetricName: aws.String(name), CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true}
	}
	acl, err := waf.CreateWebACL(ctx, &wafv2.CreateWebACLInput{Name: aws.String("edge"), Scope: waftypes.ScopeRegional,
		DefaultAction: &waftypes.DefaultAction{Allow: &waftypes.AllowAction{}}, VisibilityConfig: visibility("edge"),
		Rules: []waftypes.Rule{{Name: aws.String("rate"), Priority: 0, Action: &waftypes.RuleAction{Block: &waftypes.BlockAction{}},
			Statement: &waftypes.Statement{RateBasedStatement: &waftypes.RateBasedStatement{Limit: aws.Int64(1000),
				AggregateKeyType: waftypes.RateBasedStatementAggregateKeyTypeIp}},
			VisibilityConfig: visibility("rate")}},
		Tags: []waftypes.Tag{{Key: aws.String("owner"), Value: aws.String("security")}}})
	must("web acl", err)
	_, err = waf.AssociateWebACL(ctx, &wafv2.AssociateWebACLInput{WebACLArn: acl.Summary.ARN, ResourceArn: aws.String(s.lbARN)})
	must("web acl association", err)
	return s
}

// motoNetwork creates a VPC 10.N.0.0/16 with a subnet in each of two
// Availability Zones, as an ALB needs.
func motoNetwork(ctx context.Context, t *testing.T, cfg aws.Config, n int) (vpcID *string, subnets []string) {
	t.Helper()
	e := ec2.NewFromConfig(cfg)
	vpc, err := e.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String(fmt.Sprintf("10.%d.0.0/16", n))})
	if err != nil {
		t.Fatalf("vpc: %v", err)
	}
	for i, az := range []string{"us-east-1a", "us-east-1b"} {
		sn, err := e.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, AvailabilityZone: aws.String(az),
			CidrBlock: aws.String(fmt.Sprintf("10.%d.%d.0/24", n, i))})
		if err != nil {
			t.Fatalf("subnet: %v", err)
		}
		subnets = append(subnets, aws.ToString(sn.Subnet.SubnetId))
	}
	return vpc.Vpc.VpcId, subnets
}

// motoFunction creates a Python function from in (its name, sizes, tags)
// with a role of its name, which moto checks exists in IAM, and returns
// its ARN.
func motoFunction(ctx context.Context, t *testing.T, cfg aws.Config, endpoint string, in lambda.CreateFunctionInput) string {
	t.Helper()
	name := aws.ToString(in.FunctionName)
	createRole(ctx, t, cfg, endpoint, name)
	in.Runtime, in.Handler = lambdatypes.RuntimePython312, aws.String("index.handler")
	in.Role = aws.String("arn:aws:iam::" + motoAccount + ":role/" + name)
	in.Code = &lambdatypes.FunctionCode{ZipFile: lambdaZip(t)}
	fn, err := lambda.NewFromConfig(cfg).CreateFunction(ctx, &in)
	if err != nil {
		t.Fatalf("lambda function %s: %v", name, err)
	}
	return aws.ToString(fn.FunctionArn)
}

// createRole creates an IAM role with a hand-signed query request: the
// module has no IAM client, and the collectors never need one.
func createRole(ctx context.Context, t *testing.T, cfg aws.Config, endpoint, name string) {
	t.Helper()
	form := url.Values{"Action": {"CreateRole"}, "Version": {"2010-05-08"}, "RoleName": {name},
		"AssumeRolePolicyDocument": {`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`}}
	body := form.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "iam", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("create role: HTTP %d", resp.StatusCode)
	}
}

// lambdaZip is a deployment package holding one small handler.
func lambdaZip(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	f, err := zw.Create("index.py")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("def handler(event, context):\n    return {'statusCode': 200}\n")); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func cmpStrings(want, got []string) string {
	if slices.Equal(want, got) {
		return ""
	}
	return fmt.Sprintf("got %v, want %v", got, want)
}
