package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gatewatch/gatewatch"
	"github.com/gatewatch/gatewatch/collectors/fakeaws"
	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/findings"
	"github.com/gatewatch/gatewatch/findings/judge"
)

// fakeCredentials points the SDK's default chain at static test keys and
// away from any real profile, for tests that call a local endpoint.
func fakeCredentials(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDGATEWATCHTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_ENDPOINT_URL", "")
}

// demoWorld serves the demo account from the fake AWS endpoint, in every
// wire protocol the collectors speak.
func demoWorld(t *testing.T, opts fakeaws.Options) string {
	t.Helper()
	return demoServer(t, opts).URL
}

// demoServer is demoWorld's server, for tests that ask it what it saw.
func demoServer(t *testing.T, opts fakeaws.Options) *fakeaws.Server {
	t.Helper()
	world, err := snapshot.Parse(gatewatch.DemoSnapshot, "demo")
	if err != nil {
		t.Fatal(err)
	}
	srv := fakeaws.New(world, opts)
	t.Cleanup(srv.Close)
	return srv
}

// findingKeys reduces a report to what a finding is: rule, resource,
// message and evidence.
func findingKeys(t *testing.T, r *findings.Report, skip map[string]bool) []string {
	t.Helper()
	var keys []string
	for _, f := range r.Findings {
		if skip[f.RuleID] {
			continue
		}
		ev, _ := json.Marshal(f.Evidence)
		keys = append(keys, f.RuleID+" "+f.Resource+" "+f.Message+" "+string(ev))
	}
	return keys
}

// metricRules read CloudWatch metric summaries. The demo snapshot carries
// hand-written ones for some stages and load balancers; a live scan also
// records a zero count for every other one (no datapoint in a week is no
// request), so their findings may differ by design.
var metricRules = map[string]bool{"GW113": true, "GW114": true}

// TestLiveScanOfDemoWorldMatchesEval: the demo account served by the fake
// AWS endpoint, scanned through the real SDK, gives the findings that eval
// of the demo snapshot gives; and collect followed by eval gives exactly the
// findings of the scan.
func TestLiveScanOfDemoWorldMatchesEval(t *testing.T) {
	fakeCredentials(t)
	url := demoWorld(t, fakeaws.Options{PageSize: 2})
	dir := t.TempDir()
	snapPath := filepath.Join(dir, "snapshot.json")

	code, stdout, stderr := runCLI(t, "scan", "--endpoint-url", url, "--regions", "eu-west-1", "-f", "json", "--snapshot", snapPath)
	if code != 0 {
		t.Fatalf("scan: exit %d: %s", code, stderr)
	}
	live := decodeReport(t, stdout)
	_, stdout, _ = runCLI(t, "eval", demoSnapshot, "-f", "json")
	offline := decodeReport(t, stdout)
	if diff := cmp.Diff(findingKeys(t, offline, nil), findingKeys(t, live, nil)); diff != "" {
		t.Errorf("live scan of the demo world differs from eval of the demo snapshot (-eval +scan):\n%s", diff)
	}

	code, stdout, stderr = runCLI(t, "eval", snapPath, "-f", "json")
	if code != 0 {
		t.Fatalf("eval of the scan's snapshot: exit %d: %s", code, stderr)
	}
	if diff := cmp.Diff(live.Findings, decodeReport(t, stdout).Findings); diff != "" {
		t.Errorf("eval of the saved snapshot differs from the scan (-scan +eval):\n%s", diff)
	}

	collected := filepath.Join(dir, "collected.json")
	if code, _, stderr := runCLI(t, "collect", "--endpoint-url", url, "--regions", "eu-west-1", "-o", collected); code != 0 {
		t.Fatalf("collect: exit %d: %s", code, stderr)
	}
	_, stdout, _ = runCLI(t, "eval", collected, "-f", "json")
	if diff := cmp.Diff(findingKeys(t, live, nil), findingKeys(t, decodeReport(t, stdout), nil)); diff != "" {
		t.Errorf("collect + eval differs from scan (-scan +collect/eval):\n%s", diff)
	}
}

// TestDeniedServiceIsAGapNotACrash: access denied on WAF is recorded, shown
// in the table and the JSON, and exits 3.
func TestDeniedServiceIsAGapNotACrash(t *testing.T) {
	fakeCredentials(t)
	url := demoWorld(t, fakeaws.Options{Deny: []string{"wafv2"}})
	code, stdout, stderr := runCLI(t, "scan", "--endpoint-url", url, "--regions", "eu-west-1")
	if code != exitIncomplete {
		t.Errorf("exit %d, want %d; stderr: %s", code, exitIncomplete, stderr)
	}
	if !strings.Contains(stdout, "INCOMPLETE") || !strings.Contains(stdout, "AccessDenied") || !strings.Contains(stdout, "wafv2") {
		t.Errorf("the table does not show the denied service:\n%s", stdout)
	}
	_, stdout, _ = runCLI(t, "scan", "--endpoint-url", url, "--regions", "eu-west-1", "-f", "json")
	report := decodeReport(t, stdout)
	if !report.Incomplete || len(report.Errors) == 0 || report.Errors[0].Service != "wafv2" {
		t.Errorf("JSON report: incomplete=%v errors=%+v", report.Incomplete, report.Errors)
	}
	// Findings at or above --fail-on still win over the gap.
	if code, _, _ := runCLI(t, "scan", "--endpoint-url", url, "--regions", "eu-west-1", "--fail-on", "high"); code != exitFindings {
		t.Errorf("with high findings and a gap, exit %d, want 1", code)
	}
}

func TestSnapshotOutputIsValid(t *testing.T) {
	fakeCredentials(t)
	url := demoWorld(t, fakeaws.Options{})
	_, stdout, stderr := runCLI(t, "collect", "--endpoint-url", url, "--regions", "eu-west-1")
	snap, err := snapshot.Parse([]byte(stdout), "stdout")
	if err != nil {
		t.Fatalf("collect wrote an invalid snapshot: %v (stderr %s)", err, stderr)
	}
	if len(snap.LoadBalancers) != 5 || len(snap.RestAPIs) != 3 || len(snap.Calls) == 0 {
		t.Errorf("collected %d load balancers, %d REST APIs, %d call counters", len(snap.LoadBalancers), len(snap.RestAPIs), len(snap.Calls))
	}
	if strings.Contains(stdout, "AKIDGATEWATCHTEST") || strings.Contains(stdout, "secret") {
		t.Error("the snapshot contains credentials")
	}
}

// TestLiveScanSARIFForGitHub: the SARIF of a scan of an AWS-compatible
// endpoint passes the Multitool's GitHub rules with zero errors, and two
// scans of the unchanged account give identical fingerprints.
func TestLiveScanSARIFForGitHub(t *testing.T) {
	fakeCredentials(t)
	tool := judge.Multitool(t)
	url := demoWorld(t, fakeaws.Options{})
	scan := func() []byte {
		code, stdout, stderr := runCLI(t, "scan", "--endpoint-url", url, "--regions", "eu-west-1", "-f", "sarif")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		return []byte(stdout)
	}
	first, second := scan(), scan()
	if errs := judge.SARIFErrors(t, tool, first); len(errs) > 0 {
		t.Errorf("multitool (Gh;Sarif) found %d errors in the live scan's SARIF:\n%s", len(errs), strings.Join(errs, "\n"))
	}
	if a, b := sarifFingerprints(t, first), sarifFingerprints(t, second); !slices.Equal(a, b) || len(a) == 0 {
		t.Errorf("fingerprints differ between two scans of an unchanged account")
	}
}
