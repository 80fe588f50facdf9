package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gatewatch/gatewatch/collectors/fakeaws"
	"github.com/gatewatch/gatewatch/findings/judge"
)

// sourceRepo is a repository that defines part of the demo account:
// Terraform roots with states (a local module with for_each, count and
// for_each resources), a root placed by name alone, a CloudFormation
// template, a SAM template and a CDK synthesized template. Its README
// says which resource is defined where.
const sourceRepo = "../../testdata/source"

var sourceStates = []string{
	"--terraform-state", sourceRepo + "/infra/edge/state.json",
	"--terraform-state", sourceRepo + "/infra/apis/terraform.tfstate",
}

// codeLoc is what a finding's source says.
type codeLoc struct {
	File                          string
	Start, End                    int
	MatchedBy, Address, LogicalID string
}

const (
	proxyAPI  = "arn:aws:apigateway:eu-west-1::/restapis/x9fj2la0qe"
	ordersAPI = "arn:aws:apigateway:eu-west-1::/apis/9w1bq7ztd3"
	catalog   = "arn:aws:apigateway:eu-west-1::/restapis/c4tq8m2zpw"
)

// sourceWant is where sourceRepo defines each resource of the demo world
// that has findings. The NLB apigw-link-nlb (declared under one literal
// name by two roots, for two regions), its listener and the CloudFront
// distribution E9PARTNERSEDGE (tagged by a stack whose template is not in
// the repository) are defined nowhere there.
var sourceWant = map[string]codeLoc{
	legacyALB: {"infra/edge/main.tf", 61, 73, "state", "aws_lb.legacy[0]", ""},
	// The HTTPS listener is not in Terraform: its ALB's block.
	"arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/legacy-admin-alb/3e9f1a7b5c2d8064/b5e1c7a93f2d8046": {"infra/edge/main.tf", 61, 73, "state", "aws_lb.legacy[0]", ""},
	"arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/legacy-admin-alb/3e9f1a7b5c2d8064/8d2b6f0a4c9e1735": {"infra/edge/main.tf", 77, 87, "state", `aws_lb_listener.legacy["http"]`, ""},
	"arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/ops-dashboard-alb/9b8a7c6d5e4f3021":             {"infra/modules/alb/main.tf", 44, 51, "state", `module.alb["ops"].aws_lb.this`, ""},
	"arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web-public-alb/50dc6c495c0c9188":                {"infra/modules/alb/main.tf", 44, 51, "state", `module.alb["web"].aws_lb.this`, ""},
	"arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/live-prices-ws-tg/5b8d2f6a9c1e3047":                  {"infra/modules/alb/main.tf", 104, 111, "state", `module.alb["web"].aws_lb_target_group.ws["live-prices"]`, ""},
	// The raw state records no arn for these two: id, rest_api_id and
	// stage_name find them.
	proxyAPI:                  {"infra/apis/main.tf", 19, 31, "state", "aws_api_gateway_rest_api.proxy", ""},
	proxyAPI + "/stages/prod": {"infra/apis/main.tf", 62, 71, "state", `aws_api_gateway_stage.proxy["prod"]`, ""},
	// No state: the API's unique literal name, and the stage block that
	// refers to it.
	ordersAPI:                      {"infra/orders/main.tf", 15, 23, "name", "aws_apigatewayv2_api.orders", ""},
	ordersAPI + "/stages/$default": {"infra/orders/main.tf", 40, 48, "name", "aws_apigatewayv2_stage.default", ""},
	// CloudFormation stack tags.
	catalog:                  {"cloudformation/catalog-api.yaml", 50, 60, "cloudformation", "", "CatalogApi"},
	catalog + "/stages/prod": {"cloudformation/catalog-api.yaml", 87, 100, "cloudformation", "", "ProdStage"},
	"arn:aws:apigateway:eu-west-1::/domainnames/catalog-api.acme-corp.com": {"cloudformation/catalog-api.yaml", 102, 109, "cloudformation", "", "CatalogDomain"},
	"arn:aws:lambda:eu-west-1:123456789012:function:reports-export":        {"sam/reports-export/template.yaml", 14, 29, "cloudformation", "", "ReportsExportFunction"},
	"arn:aws:apigateway:eu-west-1::/apis/k2w8s4n6qe/stages/prod": {"cdk/cdk.out/QuotesStack.template.json", 101, 113, "cloudformation",
		"QuotesStack/ProdStage/Resource", "QuotesWsProdStage9E8F7A6B"},
}

// scanSourceWorld scans the demo world from the fake endpoint with extra
// flags and returns the exit code and stderr.
func scanSourceWorld(t *testing.T, url string, args ...string) (int, string) {
	t.Helper()
	code, _, stderr := runCLI(t, append([]string{"scan", "--endpoint-url", url, "--regions", "eu-west-1"}, args...)...)
	return code, stderr
}

// TestLiveFindingsLandOnTheCode scans the demo world through the real SDK
// with the fixture repository as --source: every finding whose resource
// the repository defines points at its file and lines (the resource's own
// block, or its nearest parent's), and no other finding has a source.
// The CloudFormation matches prove that the stack tags survive
// collection.
func TestLiveFindingsLandOnTheCode(t *testing.T) {
	fakeCredentials(t)
	url := demoWorld(t, fakeaws.Options{})
	dir := t.TempDir()
	jsonOut, sarifOut, tableOut := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.sarif"), filepath.Join(dir, "r.txt")
	args := append([]string{"--source", sourceRepo}, sourceStates...)
	code, stderr := scanSourceWorld(t, url, append(args, "-f", "json", "-o", jsonOut, "-f", "sarif", "-o", sarifOut, "-f", "table", "-o", tableOut)...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rep := decodeReport(t, string(mustReadFile(t, jsonOut)))
	seen := map[string]bool{}
	for _, f := range rep.Findings {
		want, defined := sourceWant[f.Resource]
		seen[f.Resource] = seen[f.Resource] || defined
		switch {
		case !defined && f.Source != nil:
			t.Errorf("%s on %s: source %+v, but the repository does not define it", f.RuleID, f.Resource, *f.Source)
		case defined && f.Source == nil:
			t.Errorf("%s on %s: no source, want %s:%d", f.RuleID, f.Resource, want.File, want.Start)
		case defined:
			s := f.Source
			got := codeLoc{s.File, s.StartLine, s.EndLine, s.MatchedBy, s.Address, s.LogicalID}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s on %s (-want +got):\n%s", f.RuleID, f.Resource, diff)
			}
		}
	}
	for arn := range sourceWant {
		if !seen[arn] {
			t.Errorf("no finding on %s: the expectation tests nothing", arn)
		}
	}
	if len(rep.Findings) == len(seen) {
		t.Error("every finding is located: the test shows nothing of what stays unlocated")
	}

	// SARIF carries the same locations, with the ARN as logical location.
	for _, res := range sarifResults(t, mustReadFile(t, sarifOut)) {
		want, defined := sourceWant[res.ARN]
		switch {
		case defined && (res.URI != want.File || res.Start != want.Start || res.End != want.End):
			t.Errorf("SARIF %s on %s at %s:%d-%d, want %s:%d-%d", res.RuleID, res.ARN, res.URI, res.Start, res.End, want.File, want.Start, want.End)
		case !defined && !strings.HasPrefix(res.URI, "aws/"):
			t.Errorf("SARIF %s on %s at %s, want its synthetic aws/ path", res.RuleID, res.ARN, res.URI)
		}
	}
	if table := string(mustReadFile(t, tableOut)); !strings.Contains(table, "(infra/edge/main.tf:61)") || !strings.Contains(table, "(cloudformation/catalog-api.yaml:87)") {
		t.Errorf("the table does not say where resources are defined:\n%s", table)
	}
}

// TestLiveSourceSARIFForGitHub: the located SARIF passes the Multitool's
// GitHub rules, every located result names a file of the repository, and
// the fingerprints are those of the same scan without --source.
func TestLiveSourceSARIFForGitHub(t *testing.T) {
	fakeCredentials(t)
	tool := judge.Multitool(t)
	url := demoWorld(t, fakeaws.Options{})
	dir := t.TempDir()
	located, plain := filepath.Join(dir, "located.sarif"), filepath.Join(dir, "plain.sarif")
	if code, stderr := scanSourceWorld(t, url, append([]string{"--source", sourceRepo, "-f", "sarif", "-o", located}, sourceStates...)...); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if code, stderr := scanSourceWorld(t, url, "-f", "sarif", "-o", plain); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data := mustReadFile(t, located)
	if errs := judge.SARIFErrors(t, tool, data); len(errs) > 0 {
		t.Errorf("multitool (Gh;Sarif) found %d errors:\n%s", len(errs), strings.Join(errs, "\n"))
	}
	files := 0
	for _, res := range sarifResults(t, data) {
		if strings.HasPrefix(res.URI, "aws/") {
			continue
		}
		files++
		if _, err := os.Stat(filepath.Join(sourceRepo, filepath.FromSlash(res.URI))); err != nil {
			t.Errorf("%s on %s at %s, not a file of the repository: %v", res.RuleID, res.ARN, res.URI, err)
		}
	}
	if files == 0 {
		t.Error("no result is located in the repository")
	}
	if a, b := sarifFingerprints(t, data), sarifFingerprints(t, mustReadFile(t, plain)); !slices.Equal(a, b) || len(a) == 0 {
		t.Errorf("fingerprints changed with --source:\n%v\n%v", a, b)
	}
}

type sarifLocated struct {
	RuleID, ARN, URI string
	Start, End       int
}

func sarifResults(t *testing.T, data []byte) []sarifLocated {
	t.Helper()
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string } `json:"artifactLocation"`
						Region           struct{ StartLine, EndLine int }
					} `json:"physicalLocation"`
					LogicalLocations []struct {
						FullyQualifiedName string `json:"fullyQualifiedName"`
					} `json:"logicalLocations"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatal(err)
	}
	var out []sarifLocated
	for _, r := range log.Runs[0].Results {
		loc := r.Locations[0]
		out = append(out, sarifLocated{r.RuleID, loc.LogicalLocations[0].FullyQualifiedName, loc.PhysicalLocation.ArtifactLocation.URI,
			loc.PhysicalLocation.Region.StartLine, loc.PhysicalLocation.Region.EndLine})
	}
	return out
}

// TestSourcesLostWarnLoudly: last night's report located findings in
// code; tonight's run without the state does not. The run says so on
// stderr, lists them in the JSON and warns in the SARIF; with the same
// flags as last night nothing is said.
func TestSourcesLostWarnLoudly(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	baseline := filepath.Join(dir, "last.json")
	located := append([]string{"eval", demoSnapshot, "--source", sourceRepo}, sourceStates...)
	if code, _, stderr := runCLI(t, append(located, "-f", "json", "-o", baseline)...); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	last := decodeReport(t, string(mustReadFile(t, baseline)))
	wasLocated := map[string]bool{}
	for _, f := range last.Findings {
		wasLocated[f.Fingerprint] = f.Source.Located()
	}

	jsonOut, sarifOut := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.sarif")
	code, _, stderr := runCLI(t, "eval", demoSnapshot, "--source", sourceRepo, "--baseline", baseline, "-f", "json", "-o", jsonOut, "-f", "sarif", "-o", sarifOut)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// Without the states, what they placed is lost, except the proxy API
	// and its stage: their literal names still place them.
	rep := decodeReport(t, string(mustReadFile(t, jsonOut)))
	var want, got []string
	for _, f := range rep.Findings {
		if wasLocated[f.Fingerprint] && !f.Source.Located() {
			want = append(want, f.RuleID+" "+f.Resource)
		}
		if strings.HasPrefix(f.Resource, proxyAPI) && (f.Source == nil || f.Source.MatchedBy != "name") {
			t.Errorf("%s on %s: %+v, want it placed by name without the state", f.RuleID, f.Resource, f.Source)
		}
	}
	for _, f := range rep.SourcesLost {
		got = append(got, f.RuleID+" "+f.Resource)
		if f.Source == nil || f.Source.MatchedBy != "state" {
			t.Errorf("lost %s on %s carries %+v, want the baseline's state location", f.RuleID, f.Resource, f.Source)
		}
	}
	slices.Sort(want)
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" || len(want) == 0 || !slices.Contains(got, "GW104 "+legacyALB) {
		t.Errorf("sources lost (-want +got):\n%s", diff)
	}
	byState := len(want)
	for _, want := range []string{"no --terraform-state was given", fmt.Sprintf("CODE LOCATIONS LOST: %d findings", byState), "was infra/"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	var log struct {
		Runs []struct {
			Invocations []struct {
				Notes []struct {
					Level      string
					Message    struct{ Text string }
					Descriptor struct{ ID string }
				} `json:"toolExecutionNotifications"`
			}
		}
	}
	if err := json.Unmarshal(mustReadFile(t, sarifOut), &log); err != nil {
		t.Fatal(err)
	}
	warned := false
	for _, n := range log.Runs[0].Invocations[0].Notes {
		warned = warned || n.Descriptor.ID == "source-lost" && n.Level == "warning" && strings.Contains(n.Message.Text, fmt.Sprintf(" %d results ", byState))
	}
	if !warned {
		t.Errorf("the SARIF does not warn that locations were lost: %+v", log.Runs[0].Invocations[0].Notes)
	}

	// The same flags as the baseline's run: nothing lost, nothing said.
	code, stdout, stderr := runCLI(t, append(located, "--baseline", baseline, "-f", "json")...)
	if rep := decodeReport(t, stdout); code != exitOK || len(rep.SourcesLost) != 0 || strings.Contains(stderr, "LOST") {
		t.Errorf("exit %d, %d sources lost, stderr %q; want nothing lost", code, len(rep.SourcesLost), stderr)
	}
}

func TestSourceInputErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	notDir := write("file.txt", "x")
	v3 := write("v3.tfstate", `{"version": 3, "modules": []}`)
	broken := write("broken.json", `{"version": 4, "resources": [`)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing source", []string{"--source", "nope"}, "--source nope: no such file or directory"},
		{"source is a file", []string{"--source", notDir}, "--source " + notDir + ": not a directory"},
		{"missing state", []string{"--terraform-state", "nope.json"}, "terraform state: open nope.json: no such file or directory"},
		{"plan as state", []string{"--terraform-state", prDir + "/plan.json"}, "this is a plan, not a state"},
		{"old state", []string{"--terraform-state", v3}, "state version 3 is not supported"},
		{"truncated state", []string{"--terraform-state", broken}, "terraform state " + broken + ": not JSON"},
		{"root is not a directory", []string{"--source", sourceRepo, "--terraform-state", "infra/nope=" + sourceRepo + "/infra/edge/state.json"},
			"--terraform-state infra/nope=" + sourceRepo + "/infra/edge/state.json: ROOT infra/nope is not a directory: no such file or directory"},
		{"root is a file", []string{"--source", sourceRepo, "--terraform-state", notDir + "=" + sourceRepo + "/infra/edge/state.json"},
			"ROOT " + notDir + " is not a directory (ROOT=FILE names the root module's directory)"},
		{"root outside the sources", []string{"--source", sourceRepo + "/cloudformation", "--terraform-state", sourceRepo + "/infra/edge=" + sourceRepo + "/infra/edge/state.json"},
			"is not below any --source directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := runCLI(t, append([]string{"eval", demoSnapshot}, tt.args...)...)
			if code != exitUsage || !strings.Contains(stderr, tt.want) || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
				t.Errorf("exit %d, stderr %q; want exit 2 with one line containing %q", code, stderr, tt.want)
			}
		})
	}
}

// TestSourceWarnings: what maps nothing is said, not silently dropped.
func TestSourceWarnings(t *testing.T) {
	t.Parallel()
	other := filepath.Join(t.TempDir(), "other.json")
	state := strings.ReplaceAll(string(mustReadFile(t, sourceRepo+"/infra/edge/state.json")), "123456789012", "999999999999")
	if err := os.WriteFile(other, []byte(state), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "eval", demoSnapshot, "--source", sourceRepo, "--terraform-state", other, "-f", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if want := "terraform state " + other + ": none of its 15 resources is in the inventory"; !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}
	for _, f := range decodeReport(t, stdout).Findings {
		if f.Source != nil && f.Source.MatchedBy == "state" {
			t.Errorf("%s on %s located through a state of another account", f.RuleID, f.Resource)
		}
	}
}

// TestReadmeNightlyLocatesFindings: the README's nightly passes the
// action a scan that points findings at the checkout through the state it
// wrote, with flags gatewatch accepts.
func TestReadmeNightlyLocatesFindings(t *testing.T) {
	t.Parallel()
	var args, runs string
	for _, job := range readmeNightly(t).Jobs {
		for _, s := range job.Steps {
			runs += s.Run + "\n"
			if strings.HasPrefix(s.Uses, "gatewatch/gatewatch@") {
				args = s.With["args"]
			}
		}
	}
	if !strings.Contains(runs, "terraform show -json > \"$GITHUB_WORKSPACE/state.json\"") ||
		!strings.Contains(args, "--source ${{ github.workspace }} --terraform-state state.json") {
		t.Errorf("the nightly does not write the state and scan with it:\nargs: %s\nruns: %s", args, runs)
	}
	// Expressions become what GitHub would put there; --help then
	// succeeds only if every flag is one the command has.
	fields := strings.Fields(regexp.MustCompile(`\$\{\{[^}]*\}\}`).ReplaceAllString(args, "x"))
	if code, _, stderr := runCLI(t, append(fields, "--help")...); code != exitOK {
		t.Errorf("gatewatch %s: exit %d: %s", strings.Join(fields, " "), code, stderr)
	}
}
