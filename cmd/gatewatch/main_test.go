package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gatewatch/gatewatch/findings"
	"github.com/gatewatch/gatewatch/policies"
)

// runCLI runs one invocation in-process and returns exit code, stdout
// and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestInputErrorsExit2WithOneClearLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string // substring of stderr
	}{
		{"missing snapshot", []string{"eval", "testdata/nope.json"}, "snapshot testdata/nope.json: no such file or directory"},
		{"unknown version", []string{"eval", "testdata/bad-version.json"}, "schema_version 99 is not supported"},
		{"wrong type", []string{"eval", "testdata/wrong-type.json"}, "line 3: field rest_apis[0].arn: expected a string, got a JSON number"},
		{"truncated", []string{"eval", "testdata/truncated.json"}, "snapshot testdata/truncated.json: invalid JSON: unexpected end of file (is it truncated?)"},
		{"unknown field", []string{"eval", "testdata/unknown-field.json"}, `unknown field "surprise"`},
		{"json array", []string{"eval", "testdata/array.json"}, "snapshot testdata/array.json: not a gatewatch snapshot: the file holds a JSON array, want an object with schema_version\n"},
		{"stub snapshot", []string{"eval", "testdata/stub-snapshot.json"}, "snapshot testdata/stub-snapshot.json: no taken_at, no scope.accounts, no scope.regions"},
		{"baseline without findings", []string{"scan", "--demo", "--baseline", "testdata/stub-report.json"}, "baseline testdata/stub-report.json: no findings field"},
		{"config names an unknown rule", []string{"scan", "--demo", "--config", "testdata/config-unknown-rule.yaml"}, "config testdata/config-unknown-rule.yaml: rules.GW999: no rule has this id"},
		{"suppression of an unknown rule", []string{"scan", "--demo", "--suppressions", "testdata/suppress-unknown-rule.yaml"}, `suppressions testdata/suppress-unknown-rule.yaml: entry 1 (rule "GW999", resource "*"): no rule matches GW999`},
		{"bad format", []string{"scan", "--demo", "--format", "xml"}, `--format "xml": want one of`},
		{"bad fail-on", []string{"scan", "--demo", "--fail-on", "severe"}, `--fail-on: unknown severity "severe"`},
		{"two stdout formats", []string{"scan", "--demo", "-f", "table", "-f", "json"}, "only one format can go to stdout"},
		{"format without output", []string{"scan", "--demo", "-f", "json", "-f", "html", "-o", "a.json"}, "--format html has no --output: once any --output is given, every --format needs its own"},
		{"contradicting extension", []string{"scan", "--demo", "-f", "json", "-o", "report.html"}, "--format json with --output report.html: a .html file holds html"},
		{"unknown extension", []string{"scan", "--demo", "-o", "report.xyz"}, "--output report.xyz: cannot tell the format from the file name"},
		{"two stdout outputs", []string{"scan", "--demo", "-o", "-", "-f", "json", "-o", "-"}, "more than one --output is stdout"},
		{"unknown flag", []string{"scan", "--demo", "--bogus"}, "unknown flag: --bogus"},
		{"missing argument", []string{"eval"}, "eval takes SNAPSHOT"},
		{"unknown rule", []string{"rules", "GW999"}, "no rule GW999"},
		{"bad log level", []string{"--log-level", "loud", "version"}, `--log-level "loud"`},
		{"missing config", []string{"scan", "--demo", "--config", "testdata/none.yaml"}, "config testdata/none.yaml: no such file or directory"},
		{"AWS flags without security hub", []string{"eval", "testdata/empty-report.json", "--role-name", "audit"}, "go with --security-hub"},
		{"security hub of a plan", []string{"eval", "--terraform-plan", "plan.json", "--security-hub"}, "--security-hub imports the findings of a snapshot"},
		{"two role flags", []string{"eval", "testdata/empty-report.json", "--security-hub", "--role-name", "a", "--role-arn-template", "arn:aws:iam::{account}:role/a"}, "--role-name and --role-arn-template: pass one of them"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := runCLI(t, tt.args...)
			if code != exitUsage {
				t.Errorf("exit code = %d, want %d; stderr:\n%s", code, exitUsage, stderr)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tt.want)
			}
			if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
				t.Errorf("stderr has a stack trace:\n%s", stderr)
			}
		})
	}
}

func TestBrokenUserRuleNamesFileAndLine(t *testing.T) {
	t.Parallel()
	code, _, stderr := runCLI(t, "rules", "--policy", "testdata/policy-broken")
	if code != exitUsage {
		t.Fatalf("exit code = %d, want 2; stderr:\n%s", code, stderr)
	}
	want := filepath.Join("testdata", "policy-broken", "broken.rego") + ":14: rego_type_error: undefined function undefined_function"
	if !strings.Contains(stderr, want) {
		t.Errorf("stderr = %q, want %q", stderr, want)
	}
}

func TestUserRuleRunsBesideBuiltins(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runCLI(t, "rules", "--policy", "testdata/policy-ok", "--format", "json")
	if code != 0 {
		t.Fatalf("rules: exit %d: %s", code, stderr)
	}
	ids := map[string]string{}
	for _, r := range decodeRules(t, stdout) {
		ids[r.ID] = r.Category
	}
	if ids["ACME001"] != "custom" || ids["GW104"] != "architecture" {
		t.Errorf("catalogue categories = %v, want ACME001 custom beside built-in GW104", ids)
	}

	code, stdout, stderr = runCLI(t, "scan", "--demo", "--policy", "testdata/policy-ok", "--format", "json")
	if code != 0 {
		t.Fatalf("scan: exit %d: %s", code, stderr)
	}
	report := decodeReport(t, stdout)
	if got := ruleCount(report)["ACME001"]; got == 0 {
		t.Errorf("user rule ACME001 produced no finding on the demo account")
	}
	if got := ruleCount(report)["GW104"]; got == 0 {
		t.Errorf("built-in GW104 produced no finding next to the user rule")
	}
}

func TestFailOnAndExitCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		failOn string
		want   int
	}{
		{"none", exitOK},
		{"critical", exitOK},
		{"high", exitFindings},
		{"info", exitFindings},
	}
	for _, tt := range tests {
		t.Run(tt.failOn, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := runCLI(t, "scan", "--demo", "--fail-on", tt.failOn)
			if code != tt.want {
				t.Errorf("--fail-on %s: exit %d, want %d (stderr %s)", tt.failOn, code, tt.want, stderr)
			}
		})
	}
}

func TestIncompleteCoverageExits3(t *testing.T) {
	t.Parallel()
	snap := filepath.Join(t.TempDir(), "gap.json")
	data := `{"schema_version": 1, "taken_at": "2026-11-20T02:00:00Z", "scope": {"accounts": ["123456789012"], "regions": ["eu-west-1"]}, "errors": [
	  {"account": "123456789012", "region": "eu-west-1", "service": "wafv2", "operation": "ListWebACLs", "code": "AccessDeniedException", "message": "not authorized"}]}`
	if err := os.WriteFile(snap, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := runCLI(t, "eval", snap, "--fail-on", "high")
	if code != exitIncomplete {
		t.Errorf("exit %d, want %d", code, exitIncomplete)
	}
	if !strings.Contains(stdout, "INCOMPLETE") || !strings.Contains(stdout, "AccessDeniedException") {
		t.Errorf("table does not show the gap:\n%s", stdout)
	}
}

func TestOneCompilationForManyOutputs(t *testing.T) {
	// Not parallel: it reads the process-wide compilation counter.
	dir := t.TempDir()
	before := policies.Compilations()
	code, _, stderr := runCLI(t, "scan", "--demo",
		"-f", "table", "-f", "json", "-o", "-", "-o", filepath.Join(dir, "report.json"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if got := policies.Compilations() - before; got != 1 {
		t.Errorf("rules compiled %d times for one scan with two outputs, want 1", got)
	}
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	decodeReport(t, string(data))
}

func decodeReport(t *testing.T, s string) *findings.Report {
	t.Helper()
	var r findings.Report
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("report is not valid JSON: %v\n%s", err, s)
	}
	return &r
}

func decodeRules(t *testing.T, s string) []findings.Rule {
	t.Helper()
	var rules []findings.Rule
	if err := json.Unmarshal([]byte(s), &rules); err != nil {
		t.Fatalf("rules JSON: %v", err)
	}
	return rules
}

func ruleCount(r *findings.Report) map[string]int {
	n := map[string]int{}
	for _, f := range r.Findings {
		n[f.RuleID]++
	}
	return n
}

func TestHelpTeaches(t *testing.T) {
	t.Parallel()
	for _, cmd := range []string{"scan", "collect", "eval", "rules", "merge"} {
		code, stdout, stderr := runCLI(t, cmd, "--help")
		if code != 0 {
			t.Errorf("%s --help: exit %d: %s", cmd, code, stderr)
		}
		if !strings.Contains(stdout, "Examples:") || !strings.Contains(stdout, "gatewatch "+cmd) {
			t.Errorf("%s --help has no examples:\n%s", cmd, stdout)
		}
		if strings.Contains(stdout, "[=true|false]") {
			t.Errorf("%s --help shows pflag's boolean hint", cmd)
		}
	}
}

// TestSeverityOverrideAnyCase holds a configured severity to the gate: a
// rule raised to "Critical" (capitalised, as people write it) must trip
// --fail-on critical and read as an error in SARIF, not sink below every
// threshold as an unranked value.
func TestSeverityOverrideAnyCase(t *testing.T) {
	t.Parallel()
	cfg := filepath.Join(t.TempDir(), "gatewatch.yaml")
	if err := os.WriteFile(cfg, []byte("rules:\n  GW104:\n    severity: Critical\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "scan", "--demo", "--config", cfg, "--fail-on", "critical", "--format", "sarif")
	if code != exitFindings {
		t.Fatalf("--fail-on critical with GW104 raised to Critical: exit %d, want %d (stderr %s)", code, exitFindings, stderr)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID string `json:"ruleId"`
				Level  string `json:"level"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(stdout), &log); err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, run := range log.Runs {
		for _, r := range run.Results {
			if r.RuleID != "GW104" {
				continue
			}
			seen++
			if r.Level != "error" {
				t.Errorf("SARIF level of GW104 = %q, want error", r.Level)
			}
		}
	}
	if seen == 0 {
		t.Fatal("no GW104 result in the SARIF log of the demo")
	}

	code, stdout, stderr = runCLI(t, "rules", "GW104", "--config", cfg, "--format", "json")
	if code != exitOK || !strings.Contains(stdout, `"severity": "critical"`) {
		t.Errorf("rules GW104 with the override: exit %d, want severity critical in:\n%s%s", code, stdout, stderr)
	}
}

// TestOldRequiredTagsConfigWarns: a configuration written when
// required_tags also decided GW103 still runs, and stderr says what
// changed and how to silence it.
func TestOldRequiredTagsConfigWarns(t *testing.T) {
	t.Parallel()
	cfg := filepath.Join(t.TempDir(), "gatewatch.yaml")
	if err := os.WriteFile(cfg, []byte("required_tags: [owner, cost-center]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "scan", "--demo", "--config", cfg, "--format", "json")
	if code != exitOK {
		t.Fatalf("exit %d, want %d: %s", code, exitOK, stderr)
	}
	for _, want := range []string{"level=WARN", "required_tags no longer decides GW103 alone", "Set owner_tags"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr = %q, want it to contain %q", stderr, want)
		}
	}
}

// TestTypoInUserRuleNamesFileAndLine: rules compile against the snapshot's
// schema, so a misspelt input field is an input error (exit 2) that names
// the file, the line and the fields that do exist, instead of a rule that
// silently never fires.
func TestTypoInUserRuleNamesFileAndLine(t *testing.T) {
	t.Parallel()
	code, _, stderr := runCLI(t, "scan", "--demo", "--policy", "testdata/policy-typo")
	if code != exitUsage {
		t.Fatalf("exit code = %d, want %d; stderr:\n%s", code, exitUsage, stderr)
	}
	for _, want := range []string{
		filepath.Join("testdata", "policy-typo", "typo.rego") + ":15: rego_type_error: undefined ref: input.load_balancer",
		`have: "load_balancer"`,
		`"load_balancers"`,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr = %q, want it to contain %q", stderr, want)
		}
	}
}
