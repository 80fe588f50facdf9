package iac

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// repo writes files (path -> content) below a new directory.
func repo(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const (
	lbARN    = "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/shop/aaaa"
	lsnARN   = "arn:aws:elasticloadbalancing:eu-west-1:111111111111:listener/app/shop/aaaa/bbbb"
	ruleARN  = "arn:aws:elasticloadbalancing:eu-west-1:111111111111:listener-rule/app/shop/aaaa/bbbb/cccc"
	dfltARN  = "arn:aws:elasticloadbalancing:eu-west-1:111111111111:listener-rule/app/shop/aaaa/bbbb/dddd"
	otherLB  = "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/admin/eeee"
	apiARN   = "arn:aws:apigateway:eu-west-1::/restapis/r1"
	stageARN = "arn:aws:apigateway:eu-west-1::/restapis/r1/stages/prod"
	fnARN    = "arn:aws:lambda:eu-west-1:111111111111:function:export"
)

func cfnTags(stack, id string) snapshot.Tags {
	return snapshot.Tags{TagStackName: stack, TagLogicalID: id}
}

// world is a small inventory: an ALB with a listener, a rule and the
// default rule; a second ALB; a REST API with a stage; a function.
func world() *snapshot.Snapshot {
	return &snapshot.Snapshot{
		LoadBalancers: []snapshot.LoadBalancer{
			{ARN: lbARN, Name: "shop", Listeners: []snapshot.Listener{{ARN: lsnARN, Rules: []snapshot.ListenerRule{{ARN: ruleARN}, {ARN: dfltARN, IsDefault: true}}}}},
			{ARN: otherLB, Name: "admin"},
		},
		RestAPIs:        []snapshot.RestAPI{{ARN: apiARN, ID: "r1", Name: "orders", Stages: []snapshot.RestStage{{ARN: stageARN, Name: "prod"}}}},
		LambdaFunctions: []snapshot.LambdaFunction{{ARN: fnARN, Name: "export"}},
	}
}

type warnings []string

func (w *warnings) add(m string) { *w = append(*w, m) }

func (w warnings) has(sub string) bool {
	for _, m := range w {
		if strings.Contains(m, sub) {
			return true
		}
	}
	return false
}

func locate(t *testing.T, opts Options, snap *snapshot.Snapshot) (map[string]Location, warnings) {
	t.Helper()
	var w warnings
	opts.Warn = w.add
	x, err := Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	return x.Locate(snap), w
}

// TestStateFormats: both state formats give the same instances, with
// count and for_each keys in their addresses; data sources and deposed
// objects are no definitions.
func TestStateFormats(t *testing.T) {
	t.Parallel()
	show := `{"format_version": "1.0", "values": {"root_module": {
	  "resources": [
	    {"address": "aws_lb.shop[0]", "mode": "managed", "type": "aws_lb", "name": "shop", "index": 0, "values": {"arn": "A"}},
	    {"address": "data.aws_lb.admin", "mode": "data", "type": "aws_lb", "name": "admin", "values": {"arn": "B"}}],
	  "child_modules": [{"address": "module.edge[\"eu\"]", "resources": [
	    {"address": "module.edge[\"eu\"].aws_lb_listener.https", "mode": "managed", "type": "aws_lb_listener", "name": "https", "values": {"arn": "C"}}]}]}}}`
	raw := `{"version": 4, "resources": [
	  {"mode": "managed", "type": "aws_lb", "name": "shop", "instances": [
	    {"index_key": 0, "attributes": {"arn": "A"}},
	    {"index_key": 0, "deposed": "00000001", "attributes": {"arn": "old"}}]},
	  {"mode": "data", "type": "aws_lb", "name": "admin", "instances": [{"attributes": {"arn": "B"}}]},
	  {"module": "module.edge[\"eu\"]", "mode": "managed", "type": "aws_lb_listener", "name": "https", "instances": [{"attributes": {"arn": "C"}}]}]}`
	want := []string{`aws_lb.shop[0]`, `module.edge["eu"].aws_lb_listener.https`}
	for name, data := range map[string]string{"show": show, "raw": raw} {
		s, err := ParseState([]byte(data), name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var got []string
		for _, in := range s.Instances {
			got = append(got, in.Address)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: instances (-want +got):\n%s", name, diff)
		}
		if diff := cmp.Diff([]string{"aws_lb.shop", "module.edge"}, s.rootAddresses()); diff != "" {
			t.Errorf("%s: root addresses (-want +got):\n%s", name, diff)
		}
	}
	raw4 := `{"version": 4, "resources": [{"mode": "managed", "type": "aws_lb_target_group", "name": "ws", "instances": [{"index_key": "live \"prices\"", "attributes": {}}]}]}`
	if s, err := ParseState([]byte(raw4), "k"); err != nil || s.Instances[0].Address != `aws_lb_target_group.ws["live \"prices\""]` {
		t.Errorf("string key: %+v %v", s, err)
	}
	for _, bad := range []struct{ data, want string }{
		{`[1]`, "the file holds a JSON array"},
		{`{}`, "no version or format_version"},
		{`{"version": 3}`, "state version 3 is not supported"},
		{`{"format_version": "1.2", "resource_changes": []}`, "this is a plan, not a state"},
		{`{"format_version": "9.0"}`, "unsupported state format version"},
	} {
		if _, err := ParseState([]byte(bad.data), "x"); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: err %v, want %q", bad.data, err, bad.want)
		}
	}
}

func TestInstanceKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ   string
		attrs map[string]any
		want  []string
	}{
		{"aws_lb", map[string]any{"arn": lbARN, "id": lbARN}, []string{lbARN}},
		{"aws_lb_listener_rule", map[string]any{"id": ruleARN}, []string{ruleARN}},
		{"aws_api_gateway_rest_api", map[string]any{"id": "r1"}, []string{"/restapis/r1"}},
		{"aws_api_gateway_stage", map[string]any{"arn": stageARN, "rest_api_id": "r1", "stage_name": "prod"}, []string{stageARN, "/restapis/r1/stages/prod"}},
		{"aws_apigatewayv2_stage", map[string]any{"api_id": "h1", "name": "$default"}, []string{"/apis/h1/stages/$default"}},
		{"aws_api_gateway_stage", map[string]any{"rest_api_id": "r1"}, nil}, // unknown stage name
		{"aws_wafv2_web_acl_association", map[string]any{"id": "arn:a,arn:b"}, []string{"arn:a,arn:b"}},
	}
	for _, tt := range tests {
		if got := (Instance{Type: tt.typ, Attrs: tt.attrs}).Keys(); !cmp.Equal(got, tt.want) {
			t.Errorf("%s %v: keys %v, want %v", tt.typ, tt.attrs, got, tt.want)
		}
	}
}

// TestTemplateLines: a resource spans from its logical ID's line to its
// last line, in YAML with short-form intrinsics and block scalars, and in
// JSON to its closing brace.
func TestTemplateLines(t *testing.T) {
	t.Parallel()
	yml := `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt Role.Arn
      Code:
        ZipFile: |
          def handler(e, c):
              return 1

  Api: {Type: AWS::ApiGateway::RestApi, Properties: {Name: !Sub "${AWS::StackName}-api"}}
  Perm:
    Type: AWS::Lambda::Permission
    Properties:
      SourceArn: !Join
        - ""
        - [!Ref Api, "/*"]
Outputs:
  X: {Value: !Ref Api}
`
	got, err := yamlResources([]byte(yml))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]cfnResource{
		"Fn":   {typ: "AWS::Lambda::Function", startLine: 3, endLine: 10},
		"Api":  {typ: "AWS::ApiGateway::RestApi", startLine: 12, endLine: 12},
		"Perm": {typ: "AWS::Lambda::Permission", startLine: 13, endLine: 18},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(cfnResource{})); diff != "" {
		t.Errorf("YAML (-want +got):\n%s", diff)
	}

	jsn := "{\n \"Description\": \"a } in a string, and \\\"quotes\\\"\",\n \"Resources\": {\n  \"Api\": {\"Type\": \"AWS::ApiGateway::RestApi\"},\n" +
		"  \"Stage\": {\n   \"Type\": \"AWS::ApiGateway::Stage\",\n   \"Properties\": {\"Tags\": [{\"Key\": \"}\", \"Value\": \"{\"}]},\n" +
		"   \"Metadata\": {\"aws:cdk:path\": \"S/Stage/Resource\"}\n  },\n  \"NotAResource\": {\"Condition\": \"x\"}\n },\n \"Outputs\": {}\n}\n"
	got, err = jsonResources([]byte(jsn))
	if err != nil {
		t.Fatal(err)
	}
	want = map[string]cfnResource{
		"Api":   {typ: "AWS::ApiGateway::RestApi", startLine: 4, endLine: 4},
		"Stage": {typ: "AWS::ApiGateway::Stage", startLine: 5, endLine: 9, cdkPath: "S/Stage/Resource"},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(cfnResource{})); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}
	for _, notTemplate := range []string{"Resources: 3\n", "a: [1, 2]\n", "Resources:\n  X: {Properties: {}}\n"} {
		if got, err := yamlResources([]byte(notTemplate)); err != nil || len(got) != 0 {
			t.Errorf("%q: %v %v, want no resources", notTemplate, got, err)
		}
	}
}

// TestLocateThroughState: a state places its resources on their blocks,
// through local modules with count and for_each; a resource of a registry
// module lands on its module block; a resource the state does not hold
// lands on its nearest parent's block; the default rule on the listener.
func TestLocateThroughState(t *testing.T) {
	t.Parallel()
	dir := repo(t, map[string]string{
		"infra/prod/main.tf": `module "edge" {
  source   = "../modules/edge"
  for_each = toset(["eu"])
}

module "admin" {
  source = "terraform-aws-modules/alb/aws"
}
`,
		"infra/modules/edge/main.tf": `resource "aws_lb" "shop" {
  count = 1
  name  = "shop"
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.shop[0].arn
}
`,
		"state.json": `{"version": 4, "resources": [
  {"module": "module.edge[\"eu\"]", "mode": "managed", "type": "aws_lb", "name": "shop", "instances": [{"index_key": 0, "attributes": {"arn": "` + lbARN + `"}}]},
  {"module": "module.edge[\"eu\"]", "mode": "managed", "type": "aws_lb_listener", "name": "https", "instances": [{"attributes": {"id": "` + lsnARN + `"}}]},
  {"module": "module.admin", "mode": "managed", "type": "aws_lb", "name": "this", "instances": [{"attributes": {"arn": "` + otherLB + `"}}]}]}`,
	})
	got, w := locate(t, Options{Sources: []string{dir}, States: []string{filepath.Join(dir, "state.json")}}, world())
	listener := Location{File: "infra/modules/edge/main.tf", StartLine: 6, EndLine: 8, Address: `module.edge["eu"].aws_lb_listener.https`, MatchedBy: ByState}
	want := map[string]Location{
		lbARN:   {File: "infra/modules/edge/main.tf", StartLine: 1, EndLine: 4, Address: `module.edge["eu"].aws_lb.shop[0]`, MatchedBy: ByState},
		lsnARN:  listener,
		ruleARN: listener,
		dfltARN: listener,
		otherLB: {File: "infra/prod/main.tf", StartLine: 6, EndLine: 8, Address: "module.admin.aws_lb.this", MatchedBy: ByState},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("locations (-want +got):\n%s", diff)
	}
	if len(w) != 0 {
		t.Errorf("warnings: %v", w)
	}

	// Without sources, a state still gives addresses.
	got, _ = locate(t, Options{States: []string{filepath.Join(dir, "state.json")}}, world())
	if loc := got[lbARN]; loc != (Location{Address: `module.edge["eu"].aws_lb.shop[0]`, MatchedBy: ByState}) {
		t.Errorf("without --source: %+v", loc)
	}

	// A state file whose name holds "=" is a file, not ROOT=FILE.
	odd := filepath.Join(t.TempDir(), "env=prod.json")
	data, err := os.ReadFile(filepath.Join(dir, "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(odd, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if got, _ = locate(t, Options{States: []string{odd}}, world()); got[lbARN].Address == "" {
		t.Errorf("state %s: not read as a file", odd)
	}
}

// TestStateRoots: the root module is the directory declaring most of the
// state's root blocks; a copy of it is a tie, warned about and settled by
// ROOT=FILE.
func TestStateRoots(t *testing.T) {
	t.Parallel()
	root := "resource \"aws_lb\" \"shop\" {\n  name = var.name\n}\n"
	dir := repo(t, map[string]string{
		"envs/prod/main.tf":    root,
		"envs/staging/main.tf": "\n\n" + root,
		"state.json":           `{"version": 4, "resources": [{"mode": "managed", "type": "aws_lb", "name": "shop", "instances": [{"attributes": {"arn": "` + lbARN + `"}}]}]}`,
	})
	state := filepath.Join(dir, "state.json")
	got, w := locate(t, Options{Sources: []string{dir}, States: []string{state}}, world())
	if got[lbARN].File != "envs/prod/main.tf" || !w.has("declared in envs/prod and also in envs/staging") || !w.has("--terraform-state DIR=") {
		t.Errorf("tie: %+v, warnings %v", got[lbARN], w)
	}
	got, w = locate(t, Options{Sources: []string{dir}, States: []string{filepath.Join(dir, "envs", "staging") + "=" + state}}, world())
	if loc := got[lbARN]; loc.File != "envs/staging/main.tf" || loc.StartLine != 3 || len(w) != 0 {
		t.Errorf("ROOT=FILE: %+v, warnings %v", loc, w)
	}
	// A directory that a root calls as a module is no root, however
	// shallow.
	modular := repo(t, map[string]string{
		"a/main.tf":            "module \"alb\" {\n  source = \"../m\"\n}\n",
		"m/main.tf":            "resource \"aws_lb\" \"this\" {\n}\n",
		"deep/er/root/main.tf": "resource \"aws_lb\" \"this\" {\n}\n",
		"state.json":           `{"version": 4, "resources": [{"mode": "managed", "type": "aws_lb", "name": "this", "instances": [{"attributes": {"arn": "` + lbARN + `"}}]}]}`,
	})
	got, w = locate(t, Options{Sources: []string{modular}, States: []string{filepath.Join(modular, "state.json")}}, world())
	if got[lbARN].File != "deep/er/root/main.tf" || len(w) != 0 {
		t.Errorf("module taken for a root: %+v, warnings %v", got[lbARN], w)
	}
	// A state of another account matches nothing, and says so.
	other := repo(t, map[string]string{"s.json": `{"version": 4, "resources": [{"mode": "managed", "type": "aws_lb", "name": "shop", "instances": [{"attributes": {"arn": "arn:aws:elasticloadbalancing:eu-west-1:222222222222:loadbalancer/app/shop/ffff"}}]}]}`})
	if _, w = locate(t, Options{Sources: []string{dir}, States: []string{filepath.Join(other, "s.json")}}, world()); !w.has("none of its 1 resources is in the inventory") {
		t.Errorf("warnings %v", w)
	}
}

// TestLocateByName: without a state, a literal name places a load
// balancer or API when one block and one live resource carry it.
func TestLocateByName(t *testing.T) {
	t.Parallel()
	dir := repo(t, map[string]string{
		"a/main.tf": `resource "aws_lb" "shop" {
  name = "shop"
}

resource "aws_api_gateway_rest_api" "orders" {
  name = "orders"
}

resource "aws_api_gateway_stage" "prod" {
  rest_api_id = aws_api_gateway_rest_api.orders.id
  stage_name  = "prod"
}

resource "aws_lb" "admin" {
  count = 1
  name  = "admin"
}

resource "aws_lambda_function" "export" {
  function_name = "export"
}
`,
	})
	got, w := locate(t, Options{Sources: []string{dir}, ExpectState: true}, world())
	want := map[string]Location{
		lbARN:    {File: "a/main.tf", StartLine: 1, EndLine: 3, Address: "aws_lb.shop", MatchedBy: ByName},
		lsnARN:   {File: "a/main.tf", StartLine: 1, EndLine: 3, Address: "aws_lb.shop", MatchedBy: ByName},
		ruleARN:  {File: "a/main.tf", StartLine: 1, EndLine: 3, Address: "aws_lb.shop", MatchedBy: ByName},
		dfltARN:  {File: "a/main.tf", StartLine: 1, EndLine: 3, Address: "aws_lb.shop", MatchedBy: ByName},
		apiARN:   {File: "a/main.tf", StartLine: 5, EndLine: 7, Address: "aws_api_gateway_rest_api.orders", MatchedBy: ByName},
		stageARN: {File: "a/main.tf", StartLine: 9, EndLine: 12, Address: "aws_api_gateway_stage.prod", MatchedBy: ByName},
	}
	// admin has count (its name is not one resource's); functions are
	// not placed by name.
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("locations (-want +got):\n%s", diff)
	}
	if !w.has("no --terraform-state was given") {
		t.Errorf("no warning that a state is missing: %v", w)
	}

	// Two live APIs of that name (another region), or two blocks: no match.
	twice := world()
	twice.RestAPIs = append(twice.RestAPIs, snapshot.RestAPI{ARN: "arn:aws:apigateway:us-east-1::/restapis/r2", ID: "r2", Name: "orders"})
	if got, _ := locate(t, Options{Sources: []string{dir}}, twice); got[apiARN] != (Location{}) {
		t.Errorf("ambiguous live name placed: %+v", got[apiARN])
	}
	dup := repo(t, map[string]string{"a/main.tf": "resource \"aws_lb\" \"shop\" {\n  name = \"shop\"\n}\n", "b/main.tf": "resource \"aws_alb\" \"shop\" {\n  name = \"shop\"\n}\n"})
	if got, _ := locate(t, Options{Sources: []string{dup}}, world()); got[lbARN] != (Location{}) {
		t.Errorf("ambiguous block name placed: %+v", got[lbARN])
	}
}

// TestLocateByStack: the stack tags place a resource on its template's
// logical ID when the type fits (SAM types included); copies of a logical
// ID are told apart by the stack's name, then by the stack's other
// resources, else not placed and warned about.
func TestLocateByStack(t *testing.T) {
	t.Parallel()
	tmpl := func(extra string) string {
		return "Resources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n  Stage:\n    Type: AWS::ApiGateway::Stage\n" + extra
	}
	sam := "Transform: AWS::Serverless-2016-10-31\nResources:\n  Export:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n"
	snap := func() *snapshot.Snapshot {
		s := world()
		s.RestAPIs[0].Tags = cfnTags("orders-prod", "Api")
		s.RestAPIs[0].Stages[0].Tags = cfnTags("orders-prod", "Stage")
		s.LambdaFunctions[0].Tags = cfnTags("export", "Export")
		s.LoadBalancers[0].Tags = cfnTags("orders-prod", "Api") // the right ID, the wrong type
		return s
	}
	dir := repo(t, map[string]string{"cfn/orders.yaml": tmpl(""), "sam/export/template.yaml": sam})
	got, _ := locate(t, Options{Sources: []string{dir}}, snap())
	want := map[string]Location{
		apiARN:   {File: "cfn/orders.yaml", StartLine: 2, EndLine: 3, LogicalID: "Api", MatchedBy: ByCloudFormation},
		stageARN: {File: "cfn/orders.yaml", StartLine: 4, EndLine: 5, LogicalID: "Stage", MatchedBy: ByCloudFormation},
		fnARN:    {File: "sam/export/template.yaml", StartLine: 3, EndLine: 6, LogicalID: "Export", MatchedBy: ByCloudFormation},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("locations (-want +got):\n%s", diff)
	}

	// Two templates declare Api and Stage: the one named after the stack.
	named := repo(t, map[string]string{"a/orders-prod.yaml": tmpl(""), "b/orders-dev.yaml": tmpl("")})
	if got, _ := locate(t, Options{Sources: []string{named}}, snap()); got[apiARN].File != "a/orders-prod.yaml" {
		t.Errorf("by stack name: %+v", got[apiARN])
	}
	// Neither named after it: the one that declares all the stack's IDs.
	s := snap()
	s.LoadBalancers[0].Tags = cfnTags("orders-prod", "Alb")
	alb := "  Alb:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n"
	sig := repo(t, map[string]string{"a/one.yaml": tmpl(alb), "b/two.yaml": tmpl("")})
	if got, _ := locate(t, Options{Sources: []string{sig}}, s); got[apiARN].File != "a/one.yaml" || got[lbARN].StartLine != 6 {
		t.Errorf("by the stack's resources: %+v %+v", got[apiARN], got[lbARN])
	}
	// Nothing tells them apart.
	same := repo(t, map[string]string{"a/one.yaml": tmpl(""), "b/two.yaml": tmpl("")})
	got, w := locate(t, Options{Sources: []string{same}}, snap())
	if got[apiARN] != (Location{}) || !w.has("cloudformation stack orders-prod: 2 templates declare its resources (a/one.yaml, b/two.yaml)") {
		t.Errorf("ambiguous: %+v, warnings %v", got[apiARN], w)
	}
}

// TestCDKTemplates: a synthesized template's resources carry their
// construct path, and the CDK manifest names the stack it deploys.
func TestCDKTemplates(t *testing.T) {
	t.Parallel()
	body := "{\n \"Resources\": {\n  \"Api1A2B\": {\n   \"Type\": \"AWS::ApiGateway::RestApi\",\n   \"Metadata\": {\"aws:cdk:path\": \"Orders/Api/Resource\"}\n  }\n }\n}\n"
	dir := repo(t, map[string]string{
		"cdk.out/Orders.template.json": body,
		"old/Orders.template.json":     body,
		"cdk.out/manifest.json":        `{"artifacts": {"Orders": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "Orders.template.json", "stackName": "orders-prod"}}}}`,
	})
	s := world()
	s.RestAPIs[0].Tags = cfnTags("orders-prod", "Api1A2B")
	got, _ := locate(t, Options{Sources: []string{dir}}, s)
	want := Location{File: "cdk.out/Orders.template.json", StartLine: 3, EndLine: 6, Address: "Orders/Api/Resource", LogicalID: "Api1A2B", MatchedBy: ByCloudFormation}
	if got[apiARN] != want {
		t.Errorf("got %+v, want %+v", got[apiARN], want)
	}
}

// TestUnparsableFilesAreSkippedAndSaid: a .tf or a template that does not
// parse is a warning; the rest of the repository is still indexed.
func TestUnparsableFilesAreSkippedAndSaid(t *testing.T) {
	t.Parallel()
	dir := repo(t, map[string]string{
		"bad/main.tf":        "resource \"aws_lb\" {\n",
		"bad/template.yaml":  "AWSTemplateFormatVersion: 2010-09-09\nResources: [\n",
		"chart/values.yaml":  "Resources: {{ .Values.x }}\n",
		"good/main.tf":       "resource \"aws_lb\" \"shop\" {\n  name = \"shop\"\n}\n",
		".terraform/x/x.tf":  "resource \"aws_lb\" \"shop\" {\n  name = \"shop\"\n}\n",
		"node_modules/a.yml": "AWSTemplateFormatVersion: x\nResources: [\n",
	})
	got, w := locate(t, Options{Sources: []string{dir}}, world())
	if got[lbARN].File != "good/main.tf" {
		t.Errorf("the good file is not indexed (or the hidden copy made it ambiguous): %+v", got[lbARN])
	}
	if len(w) != 2 || !w.has("bad/main.tf") || !w.has("cloudformation: skipped bad/template.yaml") {
		t.Errorf("warnings %q, want one for each broken file", w)
	}
}
