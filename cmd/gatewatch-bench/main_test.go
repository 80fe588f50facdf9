package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestMain lets the test binary stand in for gatewatch-bench when the
// harness runs itself (timeEvaluations): it records the child's size in
// the file BENCH_TEST_ORDER names, then runs as the bench would.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		if log := os.Getenv("BENCH_TEST_ORDER"); log != "" && len(os.Args) == 3 {
			f, err := os.OpenFile(log, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			fmt.Fprintf(f, "evaluate-%s\n", os.Args[2])
			f.Close()
		}
		if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestRunPrintsFiguresBesideTargets runs the harness end to end at small
// sizes against a stand-in for the opa CLI that answers as opa eval
// --metrics does.
func TestRunPrintsFiguresBesideTargets(t *testing.T) {
	dir := t.TempDir()
	fakeOPA := filepath.Join(dir, "opa")
	// Two rules' deny sets, of one and two results.
	order := filepath.Join(dir, "order.log")
	script := "#!/bin/sh\necho opa >> " + order + "\necho '{\"result\": [{\"bindings\": {\"results\": [{}]}}, {\"bindings\": {\"results\": [{}, {}]}}], \"metrics\": {\"timer_rego_query_eval_ns\": 1500000}}'\n"
	if err := os.WriteFile(fakeOPA, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	// A stand-in for gatewatch eval that writes its output file.
	fakeGatewatch := filepath.Join(dir, "gatewatch")
	script = "#!/bin/sh\necho gatewatch >> " + order + "\necho '{}' > \"$5\"\n"
	if err := os.WriteFile(fakeGatewatch, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("BENCH_TEST_ORDER", order)
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-sizes", "300,3000", "-runs", "2", "-opa", fakeOPA, "-gatewatch", fakeGatewatch, "-keep", dir}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("run: %v\nstderr:\n%s", err, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"machine:", "scaling   time(3k)/time(300)", "target <= 12", "gatewatch Evaluate / opa eval wall",
		"gatewatch eval -f json -o F / opa eval --format json > F", "target <= 0.8", "(CPU time: ",
		"gatewatch Evaluate / (opa's input parse + its query eval timer)", "target <= 1.0", "(3 results)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// Evaluate: one process per run, the sizes alternating. Then per
	// size: a warm-up of each process, then the timed runs alternating.
	runs, err := os.ReadFile(order)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Fields("evaluate-300 evaluate-3000 evaluate-300 evaluate-3000 " + strings.Repeat("opa gatewatch opa gatewatch opa gatewatch ", 2))
	if got := strings.Fields(string(runs)); !slices.Equal(got, want) {
		t.Errorf("processes ran in the order %v, want %v", got, want)
	}
	for _, f := range []string{"input-300.json", "input-3000.json", "policy-300/data.json", "policy-3000/lib/gatewatch.rego"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("-keep: %v", err)
		}
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-sizes", "10k"}, {"-runs", "0"}} {
		var stdout, stderr bytes.Buffer
		if err := run(context.Background(), args, &stdout, &stderr); err == nil {
			t.Errorf("run(%q) succeeded, want an error", args)
		}
	}
}

// TestCollectModeAccountsForEveryCall runs -collect on a small
// organisation: every resource is collected, the calls made equal the
// minimum the data needs, and every figure is printed beside its target.
func TestCollectModeAccountsForEveryCall(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-collect", "-accounts", "3", "-regions", "2", "-large=false"}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("run: %v\nstderr:\n%s", err, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"calls ", "= 1.000", "target <= 1.05", "wall ", "quota floor at share 0.5", "throttled ", "failed    0 collection errors", "peak RSS"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	var collected, total int
	if _, err := fmt.Sscanf(out[strings.Index(out, "collected "):], "collected %d of %d resources", &collected, &total); err != nil || collected != total {
		t.Errorf("collected %d of %d resources (%v):\n%s", collected, total, err, out)
	}
}

// TestOrgModePrintsOneLine runs -org on a tiny organisation in two shards:
// one "org:" line with every field, the calls made equal to the minimum,
// nothing failed, and the shards' merge equal to the unsharded snapshot.
func TestOrgModePrintsOneLine(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-org", "-accounts", "4", "-regions", "3", "-large=false", "-latency", "2ms", "-shards", "2"}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("run: %v\nstderr:\n%s", err, stderr.String())
	}
	out := stdout.String()
	i := strings.Index(out, "\norg: ")
	if i < 0 {
		t.Fatalf("no org: line:\n%s", out)
	}
	line, _, _ := strings.Cut(out[i+1:], "\n")
	fields := map[string]string{}
	for _, kv := range strings.Fields(strings.TrimPrefix(line, "org: ")) {
		k, v, _ := strings.Cut(kv, "=")
		fields[k] = v
	}
	for _, k := range []string{"accounts", "regions", "calls", "min_calls", "wall_s", "floor_s", "ratio", "rss_mib", "failed"} {
		if fields[k] == "" {
			t.Errorf("org: line lacks %s: %q", k, line)
		}
	}
	if fields["accounts"] != "4" || fields["regions"] != "3" || fields["failed"] != "0" || fields["calls"] != fields["min_calls"] {
		t.Errorf("org: line %q: want 4 accounts, 3 regions, nothing failed and the minimum calls", line)
	}
	if !strings.Contains(out, "merged equal the unsharded snapshot: true") {
		t.Errorf("the shards' merge differs from the unsharded snapshot:\n%s", out)
	}
}

// TestParseEvaluateOnce: the parent reads the child's one line, and
// refuses anything else rather than report a time of zero.
func TestParseEvaluateOnce(t *testing.T) {
	e, err := parseEvaluateOnce([]byte("evaluate_ns=1500000000 findings=42\n"))
	if err != nil || e.time != 1500*time.Millisecond || e.findings != 42 {
		t.Errorf("parseEvaluateOnce = %+v, %v; want 1.5s, 42 findings", e, err)
	}
	for _, bad := range []string{"", "evaluate_ns=0 findings=1", "evaluate_ns=abc findings=1", "panic: boom"} {
		if _, err := parseEvaluateOnce([]byte(bad)); err == nil {
			t.Errorf("parseEvaluateOnce(%q) succeeded, want an error", bad)
		}
	}
}
