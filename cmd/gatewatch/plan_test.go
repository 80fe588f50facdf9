package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gatewatch/gatewatch/findings"
	"github.com/gatewatch/gatewatch/findings/judge"
)

const (
	prDir      = "../../testdata/tfplan/pr"
	contextDir = "../../testdata/tfplan/context"
)

// planFinding is what a reviewer of the pull request sees of a finding.
type planFinding struct {
	Rule, Address, File string
	Start, End          int
}

// TestPlanFindingsLandOnTheCode lints the pull-request plan: exactly the
// intended findings, each on its resource block, each beside a near miss
// in the same plan that stays quiet:
//   - GW104 on module.shop["bare"]'s ALB (no web ACL); module.shop["guarded"]
//     is associated with the shop-edge ACL.
//   - GW101 on the REST API orders[0] (HTTP_PROXY to the internal ALB, no
//     authorizer or key); orders[1] signs with AWS_IAM.
//   - GW101 on the HTTP API internal["open"] (HTTP_PROXY over a VPC link to
//     the internal ALB's listener, no authorizer), with GW205, the same
//     unauthenticated route seen as hygiene; internal["jwt"] checks a JWT.
//   - GW106 on report["plain"] (ALB target, no reserved concurrency);
//     report["reserved"] has 20.
//   - GW103 on module.shop["bare"]'s rule (no owner tag); the guarded
//     module's rule and the orders rules are owned.
//
// Rules that need what a plan cannot carry are not evaluated (not a gap),
// and the run exits 0, not 3.
func TestPlanFindingsLandOnTheCode(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	jsonOut, sarifOut := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.sarif")
	code, _, stderr := runCLI(t, "eval", "--terraform-plan", prDir+"/plan.json", "--source", prDir, "--config", prDir+"/gatewatch.yaml",
		"-f", "json", "-o", jsonOut, "-f", "sarif", "-o", sarifOut)
	if code != exitOK {
		t.Fatalf("exit %d, want 0: %s", code, stderr)
	}
	var rep findings.Report
	if err := json.Unmarshal(mustReadFile(t, jsonOut), &rep); err != nil {
		t.Fatal(err)
	}
	var got []planFinding
	for _, f := range rep.Findings {
		if f.Source == nil {
			t.Errorf("%s on %s has no source", f.RuleID, f.Resource)
			continue
		}
		got = append(got, planFinding{f.RuleID, f.Source.Address, f.Source.File, f.Source.StartLine, f.Source.EndLine})
	}
	want := []planFinding{
		{"GW101", "aws_api_gateway_rest_api.orders[0]", "apis.tf", 9, 20},
		{"GW101", `aws_apigatewayv2_api.internal["open"]`, "apis.tf", 79, 85},
		{"GW103", `module.shop["bare"].aws_lb_listener_rule.web`, "modules/public-alb/main.tf", 52, 68},
		{"GW104", `module.shop["bare"].aws_lb.this`, "modules/public-alb/main.tf", 11, 26},
		{"GW106", `aws_lambda_function.report["plain"]`, "main.tf", 121, 132},
		{"GW205", `aws_apigatewayv2_api.internal["open"]`, "apis.tf", 79, 85},
	}
	less := func(a, b planFinding) int { return strings.Compare(a.Rule+a.Address, b.Rule+b.Address) }
	slices.SortFunc(got, less)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}

	if rep.Incomplete {
		t.Error("report incomplete: what a plan cannot carry is not collected by design, not a gap")
	}
	notEvaluated := map[string]bool{}
	for _, ne := range rep.NotEvaluated {
		if ne.Gap {
			t.Errorf("%s on %q: not evaluated as a gap (%v)", ne.RuleID, ne.Resource, ne.Inputs)
		}
		notEvaluated[ne.RuleID] = true
	}
	for _, id := range []string{"GW107", "GW111", "GW112", "GW113", "GW114", "GW201"} {
		if !notEvaluated[id] {
			t.Errorf("%s reads what a plan cannot carry, yet is not listed as not evaluated", id)
		}
	}

	results := sarifResults(t, mustReadFile(t, sarifOut))
	if len(results) != len(want) {
		t.Fatalf("%d SARIF results, want %d", len(results), len(want))
	}
	for _, res := range results {
		if _, err := os.Stat(filepath.Join(prDir, filepath.FromSlash(res.URI))); err != nil || res.Start < 1 || res.End < res.Start {
			t.Errorf("%s: location %s:%d-%d is not a block of the repository", res.RuleID, res.URI, res.Start, res.End)
		}
	}
}

// TestPlanSARIFMultitool holds the pull-request SARIF, with its source
// locations, to GitHub's ingestion rules.
func TestPlanSARIFMultitool(t *testing.T) {
	t.Parallel()
	tool := judge.Multitool(t)
	code, stdout, stderr := runCLI(t, "eval", "--terraform-plan", prDir+"/plan.json", "--source", prDir, "--config", prDir+"/gatewatch.yaml", "-f", "sarif")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if errs := judge.SARIFErrors(t, tool, []byte(stdout)); len(errs) > 0 {
		t.Errorf("multitool found %d errors:\n%s", len(errs), strings.Join(errs, "\n"))
	}
}

// TestPlanJudgedInLiveContext: the plan changes the demo account's admin
// ALB, which has a web ACL associated outside the plan. Alone, the plan
// cannot know that, so GW104 is not evaluated there (no finding, no gap);
// with --snapshot the live association keeps it quiet, while the new
// partners ALB, with no association anywhere, is a finding.
func TestPlanJudgedInLiveContext(t *testing.T) {
	t.Parallel()
	const admin = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/legacy-admin-alb/3e9f1a7b5c2d8064"
	gw104 := func(args ...string) (fired map[string]string, withheld map[string]bool) {
		t.Helper()
		code, stdout, stderr := runCLI(t, append([]string{"eval", "--terraform-plan", contextDir + "/plan.json", "--source", contextDir, "-f", "json"}, args...)...)
		if code != exitOK {
			t.Fatalf("%v: exit %d, want 0: %s", args, code, stderr)
		}
		var rep findings.Report
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
			t.Fatal(err)
		}
		fired, withheld = map[string]string{}, map[string]bool{}
		for _, f := range rep.Findings {
			if f.RuleID == "GW104" && f.Source != nil {
				fired[f.Resource] = f.Source.Address
			}
		}
		for _, ne := range rep.NotEvaluated {
			if ne.RuleID == "GW104" && ne.Resource != "" {
				withheld[ne.Resource] = !ne.Gap
			}
		}
		return fired, withheld
	}

	fired, withheld := gw104()
	if len(fired) != 0 || !withheld[admin] {
		t.Errorf("plan alone: GW104 fired on %v, not evaluated (by design) on %v; want no finding and the admin ALB not evaluated", fired, withheld)
	}
	fired, withheld = gw104("--snapshot", contextDir+"/live.json")
	if _, ok := fired[admin]; ok || withheld[admin] {
		t.Errorf("with the live snapshot: GW104 on the admin ALB fired or was withheld; its live web ACL keeps it quiet")
	}
	var partners []string
	for arn, addr := range fired {
		if addr == "aws_lb.partners" && strings.Contains(arn, "/partners-public/planned-") {
			partners = append(partners, arn)
		}
	}
	if len(partners) != 1 {
		t.Errorf("with the live snapshot: GW104 fired on %v, want the new partners ALB (aws_lb.partners)", fired)
	}
}

func TestPlanInputErrors(t *testing.T) {
	t.Parallel()
	bad := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(bad, []byte(`{"format_version": "1.0", "values": {"root_module": {}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"state, not plan", []string{"eval", "--terraform-plan", bad}, "terraform plan " + bad + ": no planned_values or resource_changes: this is a state, not a plan\n"},
		{"missing plan", []string{"eval", "--terraform-plan", "nope.json"}, "terraform plan: open nope.json: no such file or directory\n"},
		{"both inputs", []string{"eval", "x.json", "--terraform-plan", bad}, "eval takes SNAPSHOT or --terraform-plan, not both"},
		{"context without plan", []string{"eval", "x.json", "--snapshot", "y.json"}, "--snapshot and --account go with --terraform-plan"},
		{"source without tf", []string{"eval", "--terraform-plan", prDir + "/plan.json", "--source", t.TempDir()}, "declares the plan's root module"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := runCLI(t, tt.args...)
			if code != exitUsage || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 with %q", code, stderr, tt.want)
			}
			if first := strings.SplitN(stderr, "\n", 2)[0]; !strings.HasPrefix(first, "gatewatch: ") {
				t.Errorf("first line %q does not say what failed", first)
			}
		})
	}
}

func mustReadFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
