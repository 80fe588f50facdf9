package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/findings"
	"github.com/gatewatch/gatewatch/findings/judge"
)

const legacyALB = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/legacy-admin-alb/3e9f1a7b5c2d8064"

func TestOneScanWritesSeveralFormats(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sarif, html, md := filepath.Join(dir, "r.sarif"), filepath.Join(dir, "r.html"), filepath.Join(dir, "r.md")
	code, stdout, stderr := runCLI(t, "scan", "--demo",
		"-f", "table", "-f", "sarif", "-f", "html", "-f", "markdown",
		"-o", "-", "-o", sarif, "-o", html, "-o", md)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "legacy-admin-alb") {
		t.Errorf("table on stdout lacks the legacy ALB finding:\n%s", stdout)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	data, err := os.ReadFile(sarif)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &log); err != nil || log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Results) == 0 {
		t.Errorf("SARIF output: version %q, runs %d, err %v", log.Version, len(log.Runs), err)
	}
	for _, p := range []string{html, md} {
		data, err := os.ReadFile(p)
		if err != nil || !strings.Contains(string(data), "legacy-admin-alb") {
			t.Errorf("%s: missing or lacks the legacy ALB (err %v)", filepath.Base(p), err)
		}
	}
}

func TestSuppressionsFileAndExpiry(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, expires string) string {
		p := filepath.Join(dir, name)
		body := "suppressions:\n  - rule: GW104\n    resource: \"arn:aws:elasticloadbalancing:*:loadbalancer/app/legacy-admin-alb/*\"\n    reason: decommissioned in January (RISK-7)\n    expires: " + expires + "\n"
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	active := write("active.yaml", "2999-01-31")
	code, stdout, stderr := runCLI(t, "scan", "--demo", "-f", "json", "--suppressions", active, "--fail-on", "high")
	report := decodeReport(t, stdout)
	f := findingOn(report, "GW104", legacyALB)
	if f == nil || f.Suppression == nil || f.Suppression.Kind != "file" {
		t.Fatalf("GW104 on legacy-admin-alb should stay in JSON marked suppressed, got %+v", f)
	}
	if code != exitFindings {
		t.Errorf("exit %d, want 1 (other high findings remain): %s", code, stderr)
	}

	_, table, _ := runCLI(t, "scan", "--demo", "--suppressions", active)
	for _, line := range strings.Split(table, "\n") {
		if strings.HasPrefix(line, "HIGH") && strings.Contains(line, "legacy-admin-alb  ") && strings.Contains(line, "GW104") {
			t.Errorf("suppressed finding still listed among active ones: %q", line)
		}
	}

	expired := write("expired.yaml", "2020-01-31")
	_, stdout, stderr = runCLI(t, "scan", "--demo", "-f", "json", "--suppressions", expired)
	if f := findingOn(decodeReport(t, stdout), "GW104", legacyALB); f == nil || f.Suppression != nil {
		t.Errorf("an expired suppression must bring the finding back, got %+v", f)
	}
	if !strings.Contains(stderr, "expired") {
		t.Errorf("no warning about the expired suppression on stderr: %q", stderr)
	}
}

func TestBaselineAfterFixingOneResource(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	baseline := filepath.Join(dir, "last-night.json")
	if code, _, stderr := runCLI(t, "eval", demoSnapshot, "-f", "json", "-o", baseline); code != 0 {
		t.Fatalf("baseline run: exit %d: %s", code, stderr)
	}

	// Tonight the reports-export function got reserved concurrency.
	snap, err := snapshot.Load(demoSnapshot)
	if err != nil {
		t.Fatal(err)
	}
	fixedFn := "arn:aws:lambda:eu-west-1:123456789012:function:reports-export"
	for i := range snap.LambdaFunctions {
		if snap.LambdaFunctions[i].ARN == fixedFn {
			n := 20
			snap.LambdaFunctions[i].ReservedConcurrency = &n
		}
	}
	tonight := filepath.Join(dir, "tonight.json")
	data, _ := json.Marshal(snap)
	if err := os.WriteFile(tonight, data, 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "eval", tonight, "-f", "json", "--baseline", baseline, "--fail-on-new", "--fail-on", "low")
	if code != exitOK {
		t.Errorf("--fail-on-new with no new finding: exit %d, want 0: %s", code, stderr)
	}
	report := decodeReport(t, stdout)
	if len(report.Fixed) != 1 || report.Fixed[0].Resource != fixedFn || report.Fixed[0].RuleID != "GW106" {
		t.Errorf("fixed = %+v, want only GW106 on reports-export", report.Fixed)
	}
	for _, f := range report.Findings {
		if f.Baseline != findings.BaselineUnchanged {
			t.Errorf("%s on %s marked %q, want unchanged", f.RuleID, f.Resource, f.Baseline)
		}
	}

	// Against an empty baseline every finding is new and --fail-on-new fails.
	code, stdout, _ = runCLI(t, "eval", tonight, "-f", "json", "--baseline", "testdata/empty-report.json", "--fail-on-new")
	if code != exitFindings {
		t.Errorf("new findings with --fail-on-new: exit %d, want 1", code)
	}
	if got := decodeReport(t, stdout).Summary.New; got != len(report.Findings) {
		t.Errorf("summary.new = %d, want %d", got, len(report.Findings))
	}
}

func findingOn(r *findings.Report, rule, resource string) *findings.Finding {
	for i := range r.Findings {
		if r.Findings[i].RuleID == rule && r.Findings[i].Resource == resource {
			return &r.Findings[i]
		}
	}
	return nil
}

// TestDemoSARIFForGitHub: the SARIF of a demo scan passes the Multitool's
// GitHub ingestion rules with zero errors, and two scans of the unchanged
// account give identical fingerprints.
func TestDemoSARIFForGitHub(t *testing.T) {
	t.Parallel()
	tool := judge.Multitool(t)
	scan := func() []byte {
		code, stdout, stderr := runCLI(t, "scan", "--demo", "-f", "sarif")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		return []byte(stdout)
	}
	first, second := scan(), scan()
	if errs := judge.SARIFErrors(t, tool, first); len(errs) > 0 {
		t.Errorf("multitool (Gh;Sarif) found %d errors in the demo SARIF:\n%s", len(errs), strings.Join(errs, "\n"))
	}
	if a, b := sarifFingerprints(t, first), sarifFingerprints(t, second); !slices.Equal(a, b) || len(a) == 0 {
		t.Errorf("fingerprints differ between two scans of an unchanged account:\n%v\n%v", a, b)
	}
}

func sarifFingerprints(t *testing.T, data []byte) []string {
	t.Helper()
	var log struct {
		Runs []struct {
			Results []struct {
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range log.Runs[0].Results {
		for k, v := range r.PartialFingerprints {
			out = append(out, k+"="+v)
		}
	}
	slices.Sort(out)
	return out
}

// TestDemoHTMLInChromium: the demo's HTML report opens in headless
// Chromium, its script runs without console errors, and the topology
// picture is there with findings on its nodes.
func TestDemoHTMLInChromium(t *testing.T) {
	t.Parallel()
	browser := judge.Chromium(t)
	page := filepath.Join(t.TempDir(), "demo.html")
	if code, _, stderr := runCLI(t, "scan", "--demo", "-f", "html", "-o", page); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	dom, logs := judge.Headless(t, browser, page, "--dump-dom", "--virtual-time-budget=2000")
	if !strings.Contains(dom, `data-ready="dashboard"`) {
		t.Errorf("the page script did not run to the end; console:\n%s", judge.ConsoleLines(logs))
	}
	if !strings.Contains(dom, "<svg") || !strings.Contains(dom, `class="node"`) {
		t.Error("no topology picture in the rendered page")
	}
	for _, name := range []string{"legacy-admin-alb", "web-public-alb", "internal-proxy-api", "internal-proxy-link", "apigw-link-nlb"} {
		if !strings.Contains(dom, name) {
			t.Errorf("topology lacks %s", name)
		}
	}
	if !strings.Contains(dom, `data-severity="high"`) {
		t.Error("no node carries a high-severity finding")
	}
	if bad := regexp.MustCompile(`(?i)uncaught|refused to|console\(\d+\)].*error`).FindAllString(logs, -1); len(bad) > 0 {
		t.Errorf("console errors: %q", bad)
	}
}
