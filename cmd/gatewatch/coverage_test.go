package main

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/gatewatch/gatewatch"
	"github.com/gatewatch/gatewatch/collectors"
	"github.com/gatewatch/gatewatch/collectors/fakeaws"
	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/findings"
	"github.com/gatewatch/gatewatch/policies"
)

// scanDemoWorld collects the demo account from the fake endpoint with
// faults and evaluates it with engine.
func scanDemoWorld(t *testing.T, engine *policies.Engine, opts fakeaws.Options) (*snapshot.Snapshot, *findings.Report) {
	t.Helper()
	world, err := snapshot.Parse(gatewatch.DemoSnapshot, "demo")
	if err != nil {
		t.Fatal(err)
	}
	// STS answers from a region that is not disabled.
	home := world.Scope.Regions[0]
	if slices.Contains(opts.DisabledRegions, home) {
		home = "us-east-1"
	}
	srv := fakeaws.New(world, opts)
	defer srv.Close()
	snap, err := collectors.Collect(context.Background(), collectors.Options{
		// Standard retries: the adaptive mode's client-side rate would
		// make the throttling cases slow for nothing.
		Config: aws.Config{Region: home, RetryMode: aws.RetryModeStandard,
			Credentials: credentials.NewStaticCredentialsProvider("AKIDGATEWATCHTEST", "secret", "")},
		EndpointURL: srv.URL, Regions: world.Scope.Regions, MaxAttempts: 2, MaxBackoff: time.Millisecond,
		Clock: func() time.Time { return world.TakenAt },
	})
	if err != nil {
		t.Fatal(err)
	}
	report, err := engine.Evaluate(context.Background(), snap)
	if err != nil {
		t.Fatal(err)
	}
	return snap, report
}

// TestNoFindingRestsOnDataThatWasNotRead denies every operation the
// collector calls, one at a time (and throttles each past its retries, and
// disables a region), scans the demo world and holds the report to two
// promises: every finding it makes is one the fault-free scan makes too
// (nothing is claimed from missing data), and every finding of the
// fault-free scan is either still reported or listed as not evaluated
// (nothing silently disappears).
func TestNoFindingRestsOnDataThatWasNotRead(t *testing.T) {
	t.Parallel()
	engine, err := policies.New(context.Background(), policies.Options{Config: policies.DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	clean, want := scanDemoWorld(t, engine, fakeaws.Options{})
	if len(clean.Errors) != 0 || len(want.NotEvaluated) != 0 {
		t.Fatalf("the fault-free scan has gaps: %+v %+v", clean.Errors, want.NotEvaluated)
	}
	wanted := map[string]findings.Finding{}
	for _, f := range want.Findings {
		wanted[f.RuleID+" "+f.Resource+" "+f.Message] = f
	}
	// Every operation the collector calls, the fallback of the web ACL
	// associations included.
	ops := slices.Sorted(maps.Keys(clean.Calls))
	ops = append(ops, "wafv2:ListResourcesForWebACL+wafv2:GetWebACLForResource")
	if len(ops) < 25 {
		t.Fatalf("only %d operations called: %v", len(ops), ops)
	}
	type fault struct {
		name string
		opts fakeaws.Options
	}
	var faults []fault
	for _, op := range ops {
		if op == "sts:GetCallerIdentity" {
			continue // without it there is no scan at all (exit 2)
		}
		faults = append(faults, fault{"deny " + op, fakeaws.Options{Deny: strings.Split(op, "+")}})
		if !strings.Contains(op, "+") {
			faults = append(faults, fault{"throttle " + op, fakeaws.Options{Throttle: map[string]int{op: 1000}}})
		}
	}
	for _, r := range clean.Scope.Regions {
		faults = append(faults, fault{"disable " + r, fakeaws.Options{DisabledRegions: []string{r}}})
	}
	for _, fa := range faults {
		t.Run(fa.name, func(t *testing.T) {
			t.Parallel()
			snap, got := scanDemoWorld(t, engine, fa.opts)
			// Every fault must leave a trace, or the test proves nothing;
			// only the inverted web ACL look-up is recovered, by asking each
			// load balancer instead.
			if len(snap.Errors) == 0 && !strings.HasSuffix(fa.name, " wafv2:ListResourcesForWebACL") {
				t.Fatalf("%s recorded no error", fa.name)
			}
			for _, f := range got.Findings {
				if _, ok := wanted[f.RuleID+" "+f.Resource+" "+f.Message]; !ok {
					t.Errorf("claimed from missing data: %s %s: %s", f.RuleID, f.Resource, f.Message)
				}
			}
			reported := map[string]bool{}
			for _, f := range got.Findings {
				reported[f.RuleID+" "+f.Resource+" "+f.Message] = true
			}
			for key, f := range wanted {
				if reported[key] || notEvaluated(got, f) {
					continue
				}
				t.Errorf("silently lost: %s %s (%s/%s): %s", f.RuleID, f.Resource, f.Account, f.Region, f.Message)
			}
		})
	}
}

// notEvaluated reports whether the report lists f's rule as not evaluated
// for f's resource or for its whole account-region.
func notEvaluated(r *findings.Report, f findings.Finding) bool {
	return slices.ContainsFunc(r.NotEvaluated, func(e findings.NotEvaluated) bool {
		return e.RuleID == f.RuleID && e.Account == f.Account && e.Region == f.Region && (e.Resource == f.Resource || e.Resource == "")
	})
}

// TestBaselineCountsOnlyWhatWasJudged: last night's scan was complete;
// tonight one API stage got its owner tag while WAF is denied in the same
// region. The tagged rule is fixed (its data was read completely);
// what rests on WAF is carried as not evaluated, neither fixed nor new, and
// --fail-on-new does not fail on it: the gap alone gives exit 3.
func TestBaselineCountsOnlyWhatWasJudged(t *testing.T) {
	fakeCredentials(t)
	dir := t.TempDir()
	baseline := filepath.Join(dir, "last-night.json")
	url := demoWorld(t, fakeaws.Options{})
	if code, _, stderr := runCLI(t, "scan", "--endpoint-url", url, "--regions", "eu-west-1", "-f", "json", "-o", baseline); code != exitOK {
		t.Fatalf("last night: exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(baseline)
	if err != nil {
		t.Fatal(err)
	}
	last := decodeReport(t, string(data))
	var untagged string
	for _, f := range last.Findings {
		if f.RuleID == "GW103" && f.ResourceType == snapshot.TypeRestStage {
			untagged = f.Resource
			break
		}
	}
	if untagged == "" {
		t.Fatal("the demo has no GW103 finding on a REST stage")
	}

	world, err := snapshot.Parse(gatewatch.DemoSnapshot, "demo")
	if err != nil {
		t.Fatal(err)
	}
	for i := range world.RestAPIs {
		for j, st := range world.RestAPIs[i].Stages {
			if st.ARN == untagged {
				tags := maps.Clone(st.Tags)
				if tags == nil {
					tags = snapshot.Tags{}
				}
				tags["owner"] = "team-orders"
				world.RestAPIs[i].Stages[j].Tags = tags
			}
		}
	}
	srv := fakeaws.New(world, fakeaws.Options{Deny: []string{"wafv2"}})
	defer srv.Close()
	code, stdout, stderr := runCLI(t, "scan", "--endpoint-url", srv.URL, "--regions", "eu-west-1", "-f", "json",
		"--baseline", baseline, "--fail-on-new", "--fail-on", "low")
	if code != exitIncomplete {
		t.Errorf("a gap and no new finding: exit %d, want %d: %s", code, exitIncomplete, stderr)
	}
	tonight := decodeReport(t, stdout)
	if len(tonight.Fixed) != 1 || tonight.Fixed[0].RuleID != "GW103" || tonight.Fixed[0].Resource != untagged {
		t.Errorf("fixed = %+v, want only GW103 on %s", tonight.Fixed, untagged)
	}
	for _, f := range tonight.Findings {
		if f.Baseline != findings.BaselineUnchanged {
			t.Errorf("%s on %s is %q, want unchanged", f.RuleID, f.Resource, f.Baseline)
		}
	}
	// Last night's findings that read WAF data are carried, by resource:
	// those of GW104 and GW106 whose type reads web ACLs (not GW104's
	// v2 stages, which cannot carry one: they stay reported).
	engine, err := policies.New(t.Context(), policies.Options{Config: policies.DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	rules := map[string]findings.Rule{}
	for _, r := range engine.Rules() {
		rules[r.ID] = r
	}
	carried := 0
	for _, f := range last.Findings {
		if f.RuleID != "GW104" && f.RuleID != "GW106" {
			continue
		}
		if !slices.Contains(rules[f.RuleID].Needs(f.ResourceType), "web_acls") {
			if findingOn(tonight, f.RuleID, f.Resource) == nil {
				t.Errorf("%s on %s reads no WAF data, yet was not reported", f.RuleID, f.Resource)
			}
			continue
		}
		carried++
		if findingOn(tonight, f.RuleID, f.Resource) != nil {
			t.Errorf("%s on %s reported although WAF was denied", f.RuleID, f.Resource)
		}
		if !slices.ContainsFunc(tonight.NotEvaluated, func(e findings.NotEvaluated) bool {
			return e.RuleID == f.RuleID && e.Resource == f.Resource && e.Gap && len(e.Errors) > 0 && e.Errors[0].Service == "wafv2"
		}) {
			t.Errorf("%s on %s is not carried as not evaluated", f.RuleID, f.Resource)
		}
	}
	if carried == 0 {
		t.Fatal("last night had no GW104 or GW106 finding: the test proves nothing")
	}
	if tonight.Summary.NotEvaluated != len(tonight.NotEvaluated) || tonight.Summary.ByRule["GW104"].NotEvaluated == 0 {
		t.Errorf("summary: not_evaluated %d of %d entries, GW104 %+v", tonight.Summary.NotEvaluated, len(tonight.NotEvaluated), tonight.Summary.ByRule["GW104"])
	}
}
