package snapshot

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFunctionARN(t *testing.T) {
	t.Parallel()
	const fn = "arn:aws:lambda:eu-west-1:111122223333:function:orders"
	const cn = "arn:aws-cn:lambda:cn-north-1:111122223333:function:orders"
	const gov = "arn:aws-us-gov:lambda:us-gov-west-1:111122223333:function:orders"
	for _, tc := range []struct{ in, want string }{
		{"arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/" + fn + "/invocations", fn},
		{"arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/" + fn + ":live/invocations", fn},
		{"arn:aws-cn:apigateway:cn-north-1:lambda:path/2015-03-31/functions/" + cn + "/invocations", cn},
		{"arn:aws-us-gov:apigateway:us-gov-west-1:lambda:path/2015-03-31/functions/" + gov + ":3/invocations", gov},
		{fn, fn},
		{fn + ":3", fn},
		{"arn:aws:lambda:eu-west-1:111122223333:function:${stageVariables.fn}", ""},
		{"arn:aws:s3:::bucket", ""},
		{"https://example.com/orders", ""},
		{"", ""},
	} {
		if got := FunctionARN(tc.in); got != tc.want {
			t.Errorf("FunctionARN(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestHost(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Web-1.EU-West-1.elb.amazonaws.com.":           "web-1.eu-west-1.elb.amazonaws.com",
		"dualstack.web-1.eu-west-1.elb.amazonaws.com":  "web-1.eu-west-1.elb.amazonaws.com",
		"DUALSTACK.web-1.eu-west-1.elb.amazonaws.com.": "web-1.eu-west-1.elb.amazonaws.com",
		" api.example.com ":                            "api.example.com",
	} {
		if got := Host(in); got != want {
			t.Errorf("Host(%q) = %q, want %q", in, got, want)
		}
	}
}

// graphWorld is a small account: a distribution with an ALB origin
// written the dualstack way, an execute-api origin with an origin path,
// and a custom-domain origin whose path selects one base path mapping; a
// REST API whose integration calls an internal ALB; a Lambda target.
func graphWorld() *Snapshot {
	const acct, region = "111122223333", "eu-west-1"
	stage := func(api, name string) string {
		return "arn:aws:apigateway:eu-west-1::/restapis/" + api + "/stages/" + name
	}
	return &Snapshot{
		LoadBalancers: []LoadBalancer{
			{ARN: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/web/1", Account: acct, Region: region,
				Scheme: "internet-facing", DNSName: "web-1.eu-west-1.elb.amazonaws.com",
				Listeners: []Listener{{ARN: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/web/1/l1",
					DefaultActions: []Action{{Type: "forward", TargetGroupARNs: []string{"arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/fn/1"}}}}}},
			{ARN: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/internal/2", Account: acct, Region: region,
				Scheme: "internal", DNSName: "internal-2.eu-west-1.elb.amazonaws.com"},
		},
		TargetGroups: []TargetGroup{{ARN: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/fn/1", Account: acct, Region: region,
			TargetType: "lambda", Targets: []Target{{ID: "arn:aws:lambda:eu-west-1:111122223333:function:thumbs:live"}}}},
		RestAPIs: []RestAPI{
			{ARN: "arn:aws:apigateway:eu-west-1::/restapis/a1", Account: acct, Region: region, ID: "a1", EndpointTypes: []string{"REGIONAL"},
				Stages: []RestStage{{ARN: stage("a1", "prod"), Name: "prod"}, {ARN: stage("a1", "beta"), Name: "beta"}},
				Resources: []RestResource{{Path: "/{proxy+}", Methods: []RestMethod{{HTTPMethod: "ANY",
					Integration: &RestIntegration{Type: "HTTP_PROXY", URI: "http://internal-2.eu-west-1.elb.amazonaws.com/{proxy}"}}}}}},
			{ARN: "arn:aws:apigateway:eu-west-1::/restapis/b2", Account: acct, Region: region, ID: "b2", EndpointTypes: []string{"PRIVATE"},
				Stages: []RestStage{{ARN: stage("b2", "v1"), Name: "v1"}, {ARN: stage("b2", "v2"), Name: "v2"}}},
		},
		DomainNames: []DomainName{{ARN: "arn:aws:apigateway:eu-west-1::/domainnames/api.example.com", Account: acct, Region: region,
			Name: "api.example.com", Mappings: []DomainMapping{{APIID: "b2", Stage: "v1", BasePath: "v1"}, {APIID: "b2", Stage: "v2", BasePath: "v2"}}}},
		Distributions: []Distribution{{ARN: "arn:aws:cloudfront::111122223333:distribution/E1", Account: acct, Enabled: true,
			Origins: []Origin{
				{ID: "alb", DomainName: "dualstack.WEB-1.eu-west-1.elb.amazonaws.com."},
				{ID: "api", DomainName: "a1.execute-api.eu-west-1.amazonaws.com", OriginPath: "/prod"},
				{ID: "custom", DomainName: "api.example.com", OriginPath: "/v2"},
			}}},
	}
}

func TestGraph(t *testing.T) {
	t.Parallel()
	g := graphWorld().Graph()
	const (
		dist   = "arn:aws:cloudfront::111122223333:distribution/E1"
		web    = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/web/1"
		intern = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/internal/2"
		prod   = "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod"
		beta   = "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/beta"
		v1     = "arn:aws:apigateway:eu-west-1::/restapis/b2/stages/v1"
		v2     = "arn:aws:apigateway:eu-west-1::/restapis/b2/stages/v2"
		domain = "arn:aws:apigateway:eu-west-1::/domainnames/api.example.com"
		tg     = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/fn/1"
		fn     = "arn:aws:lambda:eu-west-1:111122223333:function:thumbs"
	)
	// The dualstack origin reaches the ALB; the origin path /prod reaches
	// the prod stage only; /v2 on the custom domain reaches the v2 mapping
	// only.
	want := map[string][]string{web: {dist}, prod: {dist}, v2: {dist}}
	if diff := cmp.Diff(want, g.Fronts); diff != "" {
		t.Errorf("fronts (-want +got):\n%s", diff)
	}
	for _, e := range []GraphEdge{
		{Internet, dist, EdgeClient}, {Internet, web, EdgeClient}, {Internet, prod, EdgeClient}, {Internet, beta, EdgeClient},
		{dist, web, EdgeOrigin}, {dist, prod, EdgeOrigin}, {dist, domain, EdgeOrigin},
		{domain, v1, EdgeMapping}, {domain, v2, EdgeMapping},
		{prod, intern, EdgeIntegration}, {beta, intern, EdgeIntegration},
		{web, tg, EdgeForward}, {tg, fn, EdgeTarget},
	} {
		if !slices.Contains(g.Edges, e) {
			t.Errorf("missing edge %+v", e)
		}
	}
	for _, e := range []GraphEdge{
		{dist, beta, EdgeOrigin},       // the origin path selects prod
		{Internet, v1, EdgeClient},     // a PRIVATE API is not public
		{Internet, intern, EdgeClient}, // an internal ALB is not public
	} {
		if slices.Contains(g.Edges, e) {
			t.Errorf("unexpected edge %+v", e)
		}
	}
	if diff := cmp.Diff([]string{intern}, g.Targets["http://internal-2.eu-west-1.elb.amazonaws.com/{proxy}"]); diff != "" {
		t.Errorf("integration targets (-want +got):\n%s", diff)
	}
}

// TestGraphVPCLinks: the VPC link is a hop of its own. A REST stage names
// its link through a stage variable and reaches the link's NLB, which
// forwards to an ALB through a target group of type alb; an HTTP API's
// link reaches the listener its integration names. A link the snapshot
// does not hold leaves the integration drawn to its target directly.
func TestGraphVPCLinks(t *testing.T) {
	t.Parallel()
	const (
		acct, region = "111122223333", "eu-west-1"
		nlb          = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/net/link/1"
		alb          = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/svc/2"
		albListener  = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/svc/2/l1"
		albTG        = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/to-alb/3"
		link1        = "arn:aws:apigateway:eu-west-1::/vpclinks/vl1"
		link2        = "arn:aws:apigateway:eu-west-1::/vpclinks/vl2"
		prod         = "arn:aws:apigateway:eu-west-1::/restapis/r1/stages/prod"
		beta         = "arn:aws:apigateway:eu-west-1::/restapis/r1/stages/beta"
		httpStage    = "arn:aws:apigateway:eu-west-1::/apis/h1/stages/$default"
		orphanStage  = "arn:aws:apigateway:eu-west-1::/apis/h2/stages/$default"
	)
	s := &Snapshot{
		LoadBalancers: []LoadBalancer{
			{ARN: nlb, Account: acct, Region: region, Type: "network", Scheme: "internal", DNSName: "link-1.elb.eu-west-1.amazonaws.com"},
			{ARN: alb, Account: acct, Region: region, Type: "application", Scheme: "internal", DNSName: "internal-svc-2.eu-west-1.elb.amazonaws.com",
				Listeners: []Listener{{ARN: albListener}}},
		},
		TargetGroups: []TargetGroup{{ARN: albTG, Account: acct, Region: region, TargetType: "alb",
			LoadBalancerARNs: []string{nlb}, Targets: []Target{{ID: alb}}}},
		VPCLinks: []VPCLink{
			{ARN: link1, Account: acct, Region: region, ID: "vl1", Version: "v1", TargetARNs: []string{nlb}},
			{ARN: link2, Account: acct, Region: region, ID: "vl2", Version: "v2"},
		},
		RestAPIs: []RestAPI{{ARN: "arn:aws:apigateway:eu-west-1::/restapis/r1", Account: acct, Region: region, ID: "r1",
			EndpointTypes: []string{"REGIONAL"},
			Stages: []RestStage{{ARN: prod, Name: "prod", Variables: map[string]string{"link": "vl1"}},
				{ARN: beta, Name: "beta", Variables: map[string]string{"link": "vl-gone"}}},
			Resources: []RestResource{{Path: "/{proxy+}", Methods: []RestMethod{{HTTPMethod: "ANY",
				Integration: &RestIntegration{Type: "HTTP_PROXY", URI: "https://svc.internal.example/{proxy}",
					ConnectionType: "VPC_LINK", ConnectionID: "${stageVariables.link}"}}}}}}},
		V2APIs: []V2API{
			{ARN: "arn:aws:apigateway:eu-west-1::/apis/h1", Account: acct, Region: region, ID: "h1", ProtocolType: "HTTP",
				Stages:       []V2Stage{{ARN: httpStage, Name: "$default"}},
				Integrations: []V2Integration{{ID: "i1", Type: "HTTP_PROXY", URI: albListener, ConnectionType: "VPC_LINK", ConnectionID: "vl2"}}},
			{ARN: "arn:aws:apigateway:eu-west-1::/apis/h2", Account: acct, Region: region, ID: "h2", ProtocolType: "HTTP",
				Stages:       []V2Stage{{ARN: orphanStage, Name: "$default"}},
				Integrations: []V2Integration{{ID: "i2", Type: "HTTP_PROXY", URI: albListener, ConnectionType: "VPC_LINK", ConnectionID: "vl-gone"}}},
		},
	}
	var got []GraphEdge
	for _, e := range s.Graph().Edges {
		if e.Kind != EdgeClient {
			got = append(got, e)
		}
	}
	want := []GraphEdge{
		{httpStage, link2, EdgeIntegration},
		{orphanStage, alb, EdgeIntegration}, // its link was not collected
		{prod, link1, EdgeIntegration},      // beta's link was not collected
		{link1, nlb, EdgeVPCLink},
		{link2, alb, EdgeVPCLink},
		{albTG, alb, EdgeTarget},
		{nlb, albTG, EdgeForward},
	}
	slices.SortFunc(want, func(a, b GraphEdge) int { return strings.Compare(a.From+" "+a.To, b.From+" "+b.To) })
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
}
