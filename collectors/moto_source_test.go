package collectors_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	agtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	v2types "github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/google/go-cmp/cmp"

	"github.com/gatewatch/gatewatch/collectors"
	"github.com/gatewatch/gatewatch/collectors/iac"
)

// stackTags are the tags CloudFormation puts on what a stack creates.
func stackTags(stack, logicalID string) map[string]string {
	return map[string]string{
		iac.TagStackName: stack, iac.TagLogicalID: logicalID,
		"aws:cloudformation:stack-id": "arn:aws:cloudformation:us-east-1:" + motoAccount + ":stack/" + stack + "/0d1e2f3a-8b4d-11ef-9a7c-0a1b2c3d4e5f",
	}
}

func elbTags(stack, logicalID string) []elbtypes.Tag {
	var out []elbtypes.Tag
	for k, v := range stackTags(stack, logicalID) {
		out = append(out, elbtypes.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	return out
}

// TestStackTagsLandOnTemplates creates, through the SDK, resources tagged
// as the stacks of the fixture repository's templates would tag them (a
// plain JSON template, a YAML template with short-form intrinsics, a SAM
// template, a CDK synthesized template), collects them from moto and
// locates them: each lands on its logical ID's lines, so the tags survive
// every tag-reading call the collectors make.
func TestStackTagsLandOnTemplates(t *testing.T) {
	t.Parallel()
	endpoint := startMoto(t)
	ctx := context.Background()
	cfg := motoConfig(endpoint)
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	// The status-page stack: an internal ALB, its listener and targets.
	vpcID, subnets := motoNetwork(ctx, t, cfg, 1)
	lbc := elb.NewFromConfig(cfg)
	lb, err := lbc.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{Name: aws.String("status-page"), Subnets: subnets,
		Scheme: elbtypes.LoadBalancerSchemeEnumInternal, Tags: elbTags("status-page", "StatusAlb")})
	must("load balancer", err)
	tg, err := lbc.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{Name: aws.String("status-page"), Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(8080), VpcId: vpcID, Tags: elbTags("status-page", "StatusTargets")})
	must("target group", err)
	listener, err := lbc.CreateListener(ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn,
		Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80), Tags: elbTags("status-page", "StatusListener"),
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: tg.TargetGroups[0].TargetGroupArn}}})
	must("listener", err)

	// The reports-export SAM stack's function.
	fnARN := motoFunction(ctx, t, cfg, endpoint, lambda.CreateFunctionInput{FunctionName: aws.String("reports-export"),
		Tags: stackTags("reports-export", "ReportsExportFunction")})

	// The catalog-api stack: a REST API and its stage, whose method calls
	// the function (gatewatch reads the functions that something calls).
	ag := apigateway.NewFromConfig(cfg)
	api, err := ag.CreateRestApi(ctx, &apigateway.CreateRestApiInput{Name: aws.String("catalog-public-api"), Tags: stackTags("catalog-api", "CatalogApi")})
	must("rest api", err)
	_, err = ag.PutMethod(ctx, &apigateway.PutMethodInput{RestApiId: api.Id, ResourceId: api.RootResourceId,
		HttpMethod: aws.String("GET"), AuthorizationType: aws.String("NONE")})
	must("method", err)
	_, err = ag.PutIntegration(ctx, &apigateway.PutIntegrationInput{RestApiId: api.Id, ResourceId: api.RootResourceId,
		HttpMethod: aws.String("GET"), Type: agtypes.IntegrationTypeAwsProxy, IntegrationHttpMethod: aws.String("POST"),
		Uri: aws.String("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + fnARN + "/invocations")})
	must("integration", err)
	dep, err := ag.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: api.Id})
	must("deployment", err)
	_, err = ag.CreateStage(ctx, &apigateway.CreateStageInput{RestApiId: api.Id, DeploymentId: dep.Id, StageName: aws.String("prod"),
		Tags: stackTags("catalog-api", "ProdStage")})
	must("stage", err)

	// The quotes-prod CDK stack: a WebSocket API and its stage.
	v2 := apigatewayv2.NewFromConfig(cfg)
	ws, err := v2.CreateApi(ctx, &apigatewayv2.CreateApiInput{Name: aws.String("quotes-ws"), ProtocolType: v2types.ProtocolTypeWebsocket,
		RouteSelectionExpression: aws.String("$request.body.action"), Tags: stackTags("quotes-prod", "QuotesWs4D3C1A2B")})
	must("websocket api", err)
	_, err = v2.CreateStage(ctx, &apigatewayv2.CreateStageInput{ApiId: ws.ApiId, StageName: aws.String("prod"),
		Tags: stackTags("quotes-prod", "QuotesWsProdStage9E8F7A6B")})
	must("websocket stage", err)

	snap, err := collectors.Collect(ctx, collectors.Options{
		Config: cfg, EndpointURL: endpoint, Regions: []string{"us-east-1"},
		Clock: fixedClock, ToolVersion: "test", MaxBackoff: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	idx, err := iac.Load(iac.Options{Sources: []string{"../testdata/source"}, Warn: func(m string) { t.Errorf("warning: %s", m) }})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]iac.Location{}
	for arn, loc := range idx.Locate(snap) {
		got[arn] = loc
	}

	const (
		status  = "cloudformation/status-page.template.json"
		catalog = "cloudformation/catalog-api.yaml"
	)
	cfn := func(file string, start, end int, id, cdkPath string) iac.Location {
		return iac.Location{File: file, StartLine: start, EndLine: end, LogicalID: id, Address: cdkPath, MatchedBy: iac.ByCloudFormation}
	}
	apiARN := "arn:aws:apigateway:us-east-1::/restapis/" + aws.ToString(api.Id)
	want := map[string]iac.Location{
		aws.ToString(lb.LoadBalancers[0].LoadBalancerArn): cfn(status, 13, 28, "StatusAlb", ""),
		aws.ToString(tg.TargetGroups[0].TargetGroupArn):   cfn(status, 29, 40, "StatusTargets", ""),
		aws.ToString(listener.Listeners[0].ListenerArn):   cfn(status, 41, 58, "StatusListener", ""),
		apiARN:                  cfn(catalog, 50, 60, "CatalogApi", ""),
		apiARN + "/stages/prod": cfn(catalog, 87, 100, "ProdStage", ""),
		fnARN:                   cfn("sam/reports-export/template.yaml", 14, 29, "ReportsExportFunction", ""),
		"arn:aws:apigateway:us-east-1::/apis/" + aws.ToString(ws.ApiId): cfn("cdk/cdk.out/QuotesStack.template.json", 3, 14,
			"QuotesWs4D3C1A2B", "QuotesStack/QuotesWs/Resource"),
		"arn:aws:apigateway:us-east-1::/apis/" + aws.ToString(ws.ApiId) + "/stages/prod": cfn("cdk/cdk.out/QuotesStack.template.json", 101, 113,
			"QuotesWsProdStage9E8F7A6B", "QuotesStack/ProdStage/Resource"),
	}
	// The listener's default rule has no tags of its own: its listener's.
	for _, l := range snap.LoadBalancers[0].Listeners {
		for _, r := range l.Rules {
			want[r.ARN] = want[l.ARN]
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("locations (-want +got):\n%s", diff)
	}
}
