package findings

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// ARNs of the fixture, named for reuse in assertions.
const (
	acctA = "111111111111"
	acctB = "222222222222"

	restAPIARN   = "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5"
	restStageARN = "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5/stages/prod"
	httpAPIARN   = "arn:aws:apigateway:eu-west-1::/apis/h7t8p9q0r1"
	httpStageARN = "arn:aws:apigateway:eu-west-1::/apis/h7t8p9q0r1/stages/$default"
	edgeALBARN   = "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/edge-alb/50dc6c495c0c9188"
	edgeLisARN   = "arn:aws:elasticloadbalancing:eu-west-1:111111111111:listener/app/edge-alb/50dc6c495c0c9188/f2f7dc8efc522ab2"
	ordersALBARN = "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/orders/6d0ecf831eec9f09"
	ordersLisARN = "arn:aws:elasticloadbalancing:eu-west-1:111111111111:listener/app/orders/6d0ecf831eec9f09/aa11bb22cc33dd44"
	legacyALBARN = "arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/app/legacy/0123456789abcdef"
	webTGARN     = "arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/web/73e2d6bc24d8a067"
	fnTGARN      = "arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/thumbs/1a2b3c4d5e6f7a8b"
	ordersTGARN  = "arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/orders/9f8e7d6c5b4a3f2e"
	lambdaARN    = "arn:aws:lambda:eu-west-1:111111111111:function:thumbnailer"
	distARN      = "arn:aws:cloudfront::111111111111:distribution/E2QWRUHAPOMQZL"
	webACLARN    = "arn:aws:wafv2:us-east-1:111111111111:global/webacl/edge/0b1c2d3e"

	// hostileName is an API name (free text in AWS) built to break out of
	// HTML, Markdown and Mermaid.
	hostileName = "<script>alert(1)</script>"
	// hostileTag breaks out of a quoted HTML attribute.
	hostileTag = `x" onmouseover="alert(2)`
	// ansiTag drives a terminal: colour, window title, and a newline.
	ansiTag = "\x1b[31mred\x1b[0m\x1b]0;pwned\x07|`\nnext"
)

// testSnapshot is an inventory with every layer the topology draws:
// CloudFront in front of a REST API stage and a public ALB, the REST API
// proxying to an internal ALB, an HTTP API reaching that ALB through a
// listener ARN, target groups with instance and Lambda targets, and a second
// account.
func testSnapshot() *snapshot.Snapshot {
	s := &snapshot.Snapshot{
		SchemaVersion: snapshot.SchemaVersion,
		Tool:          snapshot.Tool{Name: "gatewatch", Version: "0.1.0-test"},
		TakenAt:       time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC),
		Scope:         snapshot.Scope{Accounts: []string{acctA, acctB}, Regions: []string{"eu-west-1", "us-east-1"}},
		Accounts:      []snapshot.Account{{ID: acctA, Name: "shop-prod"}, {ID: acctB, Name: "legacy"}},
		RestAPIs: []snapshot.RestAPI{{
			ARN: restAPIARN, Account: acctA, Region: "eu-west-1", ID: "a1b2c3d4e5", Name: "partners-api",
			EndpointTypes: []string{"REGIONAL"},
			Tags:          snapshot.Tags{"owner": "payments"},
			Resources: []snapshot.RestResource{{
				ID: "r1", Path: "/{proxy+}",
				Methods: []snapshot.RestMethod{{
					HTTPMethod: "ANY", AuthorizationType: "NONE",
					Integration: &snapshot.RestIntegration{
						Type: "HTTP_PROXY", HTTPMethod: "ANY",
						URI:            "http://internal-orders-1234567890.eu-west-1.elb.amazonaws.com/{proxy}",
						ConnectionType: "INTERNET", TimeoutMillis: 29000,
					},
				}},
			}},
			Stages: []snapshot.RestStage{{
				ARN: restStageARN, Name: "prod",
				Tags: snapshot.Tags{"gatewatch:ignore": "GW107:partners throttle at their edge", "team": hostileTag},
			}},
		}},
		V2APIs: []snapshot.V2API{{
			ARN: httpAPIARN, Account: acctA, Region: "eu-west-1", ID: "h7t8p9q0r1", Name: hostileName,
			ProtocolType: "HTTP", APIEndpoint: "https://h7t8p9q0r1.execute-api.eu-west-1.amazonaws.com",
			Tags:   snapshot.Tags{"note": ansiTag},
			Routes: []snapshot.V2Route{{ID: "rt1", RouteKey: "ANY /orders/{proxy+}", AuthorizationType: "NONE", Target: "integrations/in1"}},
			Integrations: []snapshot.V2Integration{{
				ID: "in1", Type: "HTTP_PROXY", Method: "ANY", URI: ordersLisARN,
				ConnectionType: "VPC_LINK", ConnectionID: "vl2", TimeoutMillis: 30000,
			}},
			Stages: []snapshot.V2Stage{{ARN: httpStageARN, Name: "$default", AutoDeploy: true}},
		}},
		LoadBalancers: []snapshot.LoadBalancer{
			{
				ARN: edgeALBARN, Account: acctA, Region: "eu-west-1", Name: "edge-alb", Type: "application",
				Scheme: "internet-facing", DNSName: "edge-alb-1122334455.eu-west-1.elb.amazonaws.com",
				Listeners: []snapshot.Listener{{
					ARN: edgeLisARN, Protocol: "HTTPS", Port: 443,
					DefaultActions: []snapshot.Action{{Type: "forward", TargetGroupARNs: []string{webTGARN}}},
					Rules: []snapshot.ListenerRule{{
						ARN:        "arn:aws:elasticloadbalancing:eu-west-1:111111111111:listener-rule/app/edge-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee",
						Priority:   "10",
						Conditions: []snapshot.RuleCondition{{Field: "path-pattern", Values: []string{"/thumbs/*"}}},
						Actions:    []snapshot.Action{{Type: "forward", TargetGroupARNs: []string{fnTGARN}}},
					}},
				}},
			},
			{
				ARN: ordersALBARN, Account: acctA, Region: "eu-west-1", Name: "orders", Type: "application",
				Scheme: "internal", DNSName: "internal-orders-1234567890.eu-west-1.elb.amazonaws.com",
				Attributes: map[string]string{"idle_timeout.timeout_seconds": "120"},
				Listeners: []snapshot.Listener{{
					ARN: ordersLisARN, Protocol: "HTTP", Port: 80,
					DefaultActions: []snapshot.Action{{Type: "forward", TargetGroupARNs: []string{ordersTGARN}}},
				}},
			},
			{
				ARN: legacyALBARN, Account: acctB, Region: "us-east-1", Name: "legacy", Type: "application",
				Scheme: "internet-facing", DNSName: "legacy-99.us-east-1.elb.amazonaws.com",
				Tags: snapshot.Tags{"gatewatch:ignore": "GW999"},
			},
		},
		TargetGroups: []snapshot.TargetGroup{
			{ARN: webTGARN, Account: acctA, Region: "eu-west-1", Name: "web", TargetType: "instance", Port: 8080,
				LoadBalancerARNs: []string{edgeALBARN},
				Targets:          []snapshot.Target{{ID: "i-0abc", Port: 8080}, {ID: "i-0def", Port: 8080}}},
			{ARN: fnTGARN, Account: acctA, Region: "eu-west-1", Name: "thumbs", TargetType: "lambda",
				LoadBalancerARNs: []string{edgeALBARN}, Targets: []snapshot.Target{{ID: lambdaARN}}},
			{ARN: ordersTGARN, Account: acctA, Region: "eu-west-1", Name: "orders", TargetType: "ip", Port: 9000,
				LoadBalancerARNs: []string{ordersALBARN}, Targets: []snapshot.Target{{ID: "10.0.1.17", Port: 9000}}},
		},
		LambdaFunctions: []snapshot.LambdaFunction{{ARN: lambdaARN, Account: acctA, Region: "eu-west-1", Name: "thumbnailer", TimeoutSeconds: 30}},
		Distributions: []snapshot.Distribution{{
			ARN: distARN, Account: acctA, ID: "E2QWRUHAPOMQZL", DomainName: "d111111abcdef8.cloudfront.net",
			Aliases: []string{"shop.example.com"}, Enabled: true, WebACLID: webACLARN,
			Origins: []snapshot.Origin{
				{ID: "api", DomainName: "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com", OriginPath: "/prod"},
				{ID: "web", DomainName: "edge-alb-1122334455.eu-west-1.elb.amazonaws.com"},
			},
		}},
		WebACLs: []snapshot.WebACL{{ARN: webACLARN, Account: acctA, Region: "us-east-1", Name: "edge", Scope: "CLOUDFRONT", DefaultAction: "ALLOW"}},
		Errors:  testErrors(),
	}
	s.CoverWholeScope() // coverage from the scope and the errors
	s.Normalize()
	return s
}

func testErrors() []snapshot.CollectionError {
	return []snapshot.CollectionError{
		{Account: acctB, Region: "us-east-1", Service: "wafv2", Operation: "ListWebACLs", Code: "AccessDeniedException",
			Message: "User: arn:aws:sts::222222222222:assumed-role/audit/gw is not authorized to perform: wafv2:ListWebACLs"},
		{Account: acctA, Region: "eu-west-1", Service: "apigateway", Operation: "GetUsagePlans", Code: "TooManyRequestsException",
			Message: "Rate exceeded\n<retries exhausted>"},
	}
}

func testRules() []Rule {
	return []Rule{
		{ID: "GW101", Title: "API Gateway used as a generic reverse proxy", Severity: High, Category: "architecture",
			Description:   "A greedy {proxy+} HTTP_PROXY integration with no keys, plans or authorizers forwards everything to an internal load balancer.",
			Remediation:   "Route internal traffic through the ALB directly, or add authorizers, API keys and usage plans.",
			ResourceTypes: []string{snapshot.TypeRestStage, snapshot.TypeV2Stage}, Source: "builtin", Enabled: true,
			Package: "data.gatewatch.rules.gw101", Details: "Every hop pays the **per-request** fee and inherits the `29 s` timeout."},
		{ID: "GW104", Title: "Public entry point without a WAF web ACL", Severity: Critical, Category: "architecture",
			Description:   "An internet-facing ALB or API stage has no web ACL and is not behind a CloudFront distribution that has one.",
			Remediation:   "Associate a WAFv2 web ACL with the resource or put it behind a protected CloudFront distribution.",
			ResourceTypes: []string{snapshot.TypeLoadBalancer, snapshot.TypeRestStage}, Controls: []string{"SecurityHub:APIGateway.4", "SecurityHub:ELB.?"},
			Source: "builtin", Enabled: true, Package: "data.gatewatch.rules.gw104"},
		{ID: "GW106", Title: "Lambda behind an ALB with nothing to throttle it", Severity: Medium, Category: "architecture",
			Description: "The function has no reserved concurrency and no WAF rate-based rule protects the path.",
			Remediation: "Set reserved concurrency on the function or add a rate-based rule to the ALB's web ACL.",
			Source:      "builtin", Enabled: true, Package: "data.gatewatch.rules.gw106", ResourceTypes: []string{snapshot.TypeLambda}},
		{ID: "GW107", Title: "Public API without usage plans", Severity: Medium, Category: "architecture",
			Description: "Partners call the stage without API keys, usage plans or per-key throttling.",
			Remediation: "Create a usage plan with per-key throttles and require API keys.",
			Source:      "builtin", Enabled: true, Package: "data.gatewatch.rules.gw107", ResourceTypes: []string{snapshot.TypeRestStage}},
		{ID: "GW108", Title: "Internal-only API exposed publicly", Severity: High, Category: "architecture",
			Description: "The API only reaches VPC-internal backends but is reachable from the internet.",
			Remediation: "Make the API PRIVATE or disable the execute-api endpoint.",
			Source:      "builtin", Enabled: true, Package: "data.gatewatch.rules.gw108", ResourceTypes: []string{snapshot.TypeV2API}},
		{ID: "GW112", Title: "Missing instrumentation", Severity: Low, Category: "architecture",
			Description: "No access logs, no per-method metrics or no alarms on 5xx and latency.",
			Remediation: "Enable access logging and detailed metrics, and alarm on 5XXError and Latency.",
			Controls:    []string{"SecurityHub:APIGateway.1"}, Source: "builtin", Enabled: true,
			Package: "data.gatewatch.rules.gw112", ResourceTypes: []string{snapshot.TypeV2Stage}},
		{ID: "GW201", Title: "ALB does not drop invalid headers", Severity: Info, Category: "hygiene",
			Description: "routing.http.drop_invalid_header_fields.enabled is false.",
			Remediation: "Set routing.http.drop_invalid_header_fields.enabled to true.",
			Controls:    []string{"SecurityHub:ELB.4"}, Source: "builtin", Enabled: true,
			Package: "data.gatewatch.rules.gw201", ResourceTypes: []string{snapshot.TypeLoadBalancer}},
	}
}

// finding builds a finding from the rule catalogue, as the engine does.
func finding(ruleID, resource, resourceType, account, region, message string, evidence map[string]any) Finding {
	for _, r := range testRules() {
		if r.ID == ruleID {
			return Finding{
				RuleID: r.ID, Severity: r.Severity, Title: r.Title, Resource: resource, ResourceType: resourceType,
				Account: account, Region: region, Message: message, Remediation: r.Remediation,
				Evidence: evidence, Controls: r.Controls, Fingerprint: Fingerprint(r.ID, resource),
			}
		}
	}
	panic("no rule " + ruleID)
}

// testReport is the report every writer test renders: all severities, a
// suppressed finding, collection errors, hostile strings, two accounts.
func testReport() *Report {
	suppressed := finding("GW107", restStageARN, snapshot.TypeRestStage, acctA, "eu-west-1",
		"Stage prod of partners-api has no usage plan.", nil)
	suppressed.Suppression = &Suppression{Kind: "file", Reason: "Partners are throttled by the edge WAF | see RISK-12", Expires: "2027-01-31"}
	r := &Report{
		Tool:            Tool{Name: "gatewatch", Version: "0.1.0-test"},
		SnapshotTakenAt: "2026-11-24T02:00:00Z",
		Scope:           snapshot.Scope{Accounts: []string{acctA, acctB}, Regions: []string{"eu-west-1", "us-east-1"}},
		Findings: []Finding{
			finding("GW104", legacyALBARN, snapshot.TypeLoadBalancer, acctB, "us-east-1",
				"Internet-facing ALB legacy has no web ACL and no CloudFront distribution in front.",
				map[string]any{"scheme": "internet-facing", "web_acl": nil}),
			finding("GW101", restStageARN, snapshot.TypeRestStage, acctA, "eu-west-1",
				"Stage prod proxies {proxy+} to internal-orders-1234567890.eu-west-1.elb.amazonaws.com with no authorizer, key or plan.",
				map[string]any{"integration_type": "HTTP_PROXY", "path": "/{proxy+}"}),
			finding("GW108", httpAPIARN, snapshot.TypeV2API, acctA, "eu-west-1",
				"API "+hostileName+" only reaches internal backends but has a public endpoint.",
				map[string]any{"name": hostileName}),
			finding("GW106", lambdaARN, snapshot.TypeLambda, acctA, "eu-west-1",
				"thumbnailer serves ALB edge-alb with no reserved concurrency and no rate-based rule.",
				map[string]any{"reserved_concurrency": nil}),
			suppressed,
			finding("GW112", httpStageARN, snapshot.TypeV2Stage, acctA, "eu-west-1",
				"Stage $default has no access logs and no alarms; note="+ansiTag, map[string]any{"access_log_destination": ""}),
			finding("GW201", edgeALBARN, snapshot.TypeLoadBalancer, acctA, "eu-west-1",
				"ALB edge-alb keeps invalid header fields.", map[string]any{"routing.http.drop_invalid_header_fields.enabled": "false"}),
		},
		Errors: testErrors(),
		NotEvaluated: []NotEvaluated{{
			RuleID: "GW104", Account: acctB, Region: "us-east-1", ResourceType: snapshot.TypeLoadBalancer,
			Inputs: []string{"web_acls"}, Permissions: []string{"wafv2:GetWebACL", "wafv2:ListWebACLs"}, Errors: testErrors()[:1], Gap: true,
		}},
		Rules:    testRules(),
		Snapshot: testSnapshot(),
	}
	r.Finalize()
	return r
}

// repeatFindings returns n copies of fs, each on resources of its own
// ("ARN/i"), changed by edit when it is set: a large report.
func repeatFindings(fs []Finding, n int, edit func(*Finding)) []Finding {
	out := make([]Finding, 0, n*len(fs))
	for i := range n {
		for _, f := range fs {
			f.Resource = fmt.Sprintf("%s/%d", f.Resource, i)
			f.Fingerprint = Fingerprint(f.RuleID, f.Resource)
			if edit != nil {
				edit(&f)
			}
			out = append(out, f)
		}
	}
	return out
}

// render writes r in format and returns the bytes.
func render(t *testing.T, format string, r *Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(context.Background(), &buf, format, r); err != nil {
		t.Fatalf("Write(%s): %v", format, err)
	}
	return buf.Bytes()
}

// golden compares got with testdata/name, rewriting it under -update. JSON
// outputs are compared parsed, so formatting changes alone do not fail.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./findings -update to create it)", err)
	}
	var gotV, wantV any
	if json.Unmarshal(got, &gotV) == nil && json.Unmarshal(want, &wantV) == nil {
		if diff := cmp.Diff(wantV, gotV); diff != "" {
			t.Errorf("%s differs from golden file (-want +got):\n%s", name, diff)
		}
		return
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs from golden file (-want +got):\n%s", name, diff)
	}
}
