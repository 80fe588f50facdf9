package main

import (
	"context"
	"maps"
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
