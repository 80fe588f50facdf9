package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/findings"
)

// writeJSONFile writes v to dir/name and returns the path.
func writeJSONFile(t *testing.T, dir, name string, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// shardSnapshot is shard i/n holding one internet-facing ALB with no web
// ACL in account/region, so evaluating it gives one GW104 finding.
func shardSnapshot(shard, account, region string) *snapshot.Snapshot {
	s := &snapshot.Snapshot{
		SchemaVersion: snapshot.SchemaVersion,
		Tool:          snapshot.Tool{Name: "gatewatch", Version: "test"},
		TakenAt:       time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC),
		Scope:         snapshot.Scope{Accounts: []string{account}, Regions: []string{region}, Shard: shard},
		Accounts:      []snapshot.Account{{ID: account}},
		LoadBalancers: []snapshot.LoadBalancer{{
			ARN:     "arn:aws:elasticloadbalancing:" + region + ":" + account + ":loadbalancer/app/web/1",
			Account: account, Region: region, Name: "web", Type: "application", Scheme: "internet-facing",
			DNSName: "web-1." + region + ".elb.amazonaws.com",
		}},
	}
	s.CoverWholeScope() // the shard read its scope whole
	s.Normalize()
	return s
}

func TestMergeSnapshots(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := writeJSONFile(t, dir, "shard-1.json", shardSnapshot("1/2", "111122223333", "eu-west-1"))
	b := writeJSONFile(t, dir, "shard-2.json", shardSnapshot("2/2", "444455556666", "us-east-1"))
	out := filepath.Join(dir, "merged.json")

	code, stdout, stderr := runCLI(t, "merge", a, b, "--output", out)
	if code != exitOK {
		t.Fatalf("merge: exit %d: %s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("merge with --output wrote to stdout: %q", stdout)
	}
	merged, err := snapshot.Load(out)
	if err != nil {
		t.Fatalf("merged output does not load as a snapshot: %v", err)
	}
	if merged.Scope.Shard != "" || len(merged.LoadBalancers) != 2 {
		t.Errorf("merged: shard %q and %d load balancers, want no shard and 2", merged.Scope.Shard, len(merged.LoadBalancers))
	}

	// The merged snapshot evaluates to both shards' findings.
	code, stdout, stderr = runCLI(t, "eval", out, "--format", "json")
	if code != exitOK {
		t.Fatalf("eval merged: exit %d: %s", code, stderr)
	}
	var report findings.Report
	if err := json.Unmarshal([]byte(stdout), &report); err != nil {
		t.Fatal(err)
	}
	unprotected := 0
	for _, f := range report.Findings {
		if f.RuleID == "GW104" {
			unprotected++
		}
	}
	if unprotected != 2 {
		t.Errorf("eval of merged snapshot: %d GW104 findings, want 2 (one per shard's ALB)", unprotected)
	}
}

func TestMergeReportsEqualsEvalOfMergedSnapshot(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	shards := []string{
		writeJSONFile(t, dir, "s1.json", shardSnapshot("1/2", "111122223333", "eu-west-1")),
		writeJSONFile(t, dir, "s2.json", shardSnapshot("2/2", "444455556666", "us-east-1")),
	}
	var reports []string
	for i, s := range shards {
		r := filepath.Join(dir, "r"+string(rune('1'+i))+".json")
		if code, _, stderr := runCLI(t, "eval", s, "--format", "json", "--output", r); code != exitOK {
			t.Fatalf("eval %s: exit %d: %s", s, code, stderr)
		}
		reports = append(reports, r)
	}
	code, mergedReport, stderr := runCLI(t, append([]string{"merge"}, reports...)...)
	if code != exitOK {
		t.Fatalf("merge reports: exit %d: %s", code, stderr)
	}
	snap := filepath.Join(dir, "merged.json")
	if code, _, stderr := runCLI(t, append([]string{"merge", "-o", snap}, shards...)...); code != exitOK {
		t.Fatalf("merge snapshots: exit %d: %s", code, stderr)
	}
	code, evalReport, stderr := runCLI(t, "eval", snap, "--format", "json")
	if code != exitOK {
		t.Fatalf("eval: exit %d: %s", code, stderr)
	}
	var got, want any
	if err := json.Unmarshal([]byte(mergedReport), &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(evalReport), &want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("merging reports differs from evaluating the merged snapshot (-eval +merge):\n%s", diff)
	}
}

func TestMergeErrorsNameTheFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	one := writeJSONFile(t, dir, "one.json", shardSnapshot("1/2", "111122223333", "eu-west-1"))
	again := writeJSONFile(t, dir, "again.json", shardSnapshot("2/2", "111122223333", "eu-west-1"))
	report := writeJSONFile(t, dir, "report.json", &findings.Report{ReportVersion: findings.ReportVersion})
	futureReport := writeJSONFile(t, dir, "future.json", map[string]any{"report_version": 1, "findings": []any{}, "surprise": true})
	broken := filepath.Join(dir, "broken.json")
	if err := os.WriteFile(broken, []byte(`{"schema_version": 1, "rest_apis": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no files", []string{"merge"}, "merge takes FILE..."},
		{"missing file", []string{"merge", one, filepath.Join(dir, "nope.json")}, "merge " + filepath.Join(dir, "nope.json") + ": no such file or directory"},
		{"overlap", []string{"merge", one, again}, "is in both " + one + " and " + again + ": the snapshots overlap"},
		{"broken", []string{"merge", one, broken}, "snapshot " + broken + ": invalid JSON: unexpected end of file"},
		{"mixed", []string{"merge", one, report}, "the files mix snapshots and reports"},
		{"unknown report field", []string{"merge", futureReport}, "report " + futureReport + `: json: unknown field "surprise"`},
		{"unwritable output", []string{"merge", one, "--output", filepath.Join(dir, "no", "such", "dir.json")}, "directory " + filepath.Join(dir, "no", "such") + " does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := runCLI(t, tt.args...)
			if code != exitUsage {
				t.Errorf("exit code = %d, want %d; stderr: %s", code, exitUsage, stderr)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr = %q, want %q", stderr, tt.want)
			}
		})
	}
}

func TestMergeReportsRefusesOverlap(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := writeJSONFile(t, dir, "s.json", shardSnapshot("", "111122223333", "eu-west-1"))
	r1, r2 := filepath.Join(dir, "r1.json"), filepath.Join(dir, "r2.json")
	for _, r := range []string{r1, r2} {
		if code, _, stderr := runCLI(t, "eval", s, "-f", "json", "-o", r); code != exitOK {
			t.Fatalf("eval: exit %d: %s", code, stderr)
		}
	}
	code, _, stderr := runCLI(t, "merge", r1, r2)
	if code != exitUsage || !strings.Contains(stderr, "is in both "+r1+" and "+r2+": the reports overlap") {
		t.Errorf("merge of one report twice: exit %d, stderr %q; want exit 2 naming both files", code, stderr)
	}
}
