package main

import (
	"slices"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gatewatch/gatewatch"
	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

const demoSnapshot = "../../testdata/demo/snapshot.json"

// demoExpected is the intended-finding table of testdata/demo/README.md:
// for each rule listed, exactly these resources are flagged, and so every
// resource built to comply stays quiet.
var demoExpected = map[string][]string{
	"GW101": {
		"arn:aws:apigateway:eu-west-1::/apis/9w1bq7ztd3",     // orders-internal-http
		"arn:aws:apigateway:eu-west-1::/restapis/x9fj2la0qe", // internal-proxy-api
	},
	"GW103": {
		"arn:aws:apigateway:eu-west-1::/restapis/x9fj2la0qe/stages/prod", // internal-proxy-api/prod; rule 30 inherits web-public-alb's owner
	},
	"GW104": {
		"arn:aws:apigateway:eu-west-1::/apis/9w1bq7ztd3/stages/$default",                                         // HTTP APIs cannot carry a web ACL
		"arn:aws:apigateway:eu-west-1::/restapis/c4tq8m2zpw/stages/prod",                                         // catalog-public-api/prod
		"arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/legacy-admin-alb/3e9f1a7b5c2d8064", // legacy-admin-alb
	},
	"GW106": {
		"arn:aws:lambda:eu-west-1:123456789012:function:reports-export", // behind legacy-admin-alb
	},
}

func TestDemoFindingsHitIntendedResources(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runCLI(t, "eval", demoSnapshot, "--format", "json")
	if code != 0 {
		t.Fatalf("eval demo: exit %d: %s", code, stderr)
	}
	report := decodeReport(t, stdout)
	got := map[string][]string{}
	for _, f := range report.Findings {
		if _, listed := demoExpected[f.RuleID]; listed {
			got[f.RuleID] = append(got[f.RuleID], f.Resource)
		}
	}
	for _, arns := range got {
		sort.Strings(arns)
	}
	if diff := cmp.Diff(demoExpected, got); diff != "" {
		t.Errorf("demo findings differ from testdata/demo/README.md (-want +got):\n%s", diff)
	}
}

// TestDemoExercisesEveryRule: every built-in rule fires somewhere in the
// demo account and stays quiet on some resource of a type it applies to.
func TestDemoExercisesEveryRule(t *testing.T) {
	t.Parallel()
	snap, err := snapshot.Parse(gatewatch.DemoSnapshot, "demo")
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "scan", "--demo", "--format", "json")
	if code != 0 {
		t.Fatalf("scan --demo: exit %d: %s", code, stderr)
	}
	report := decodeReport(t, stdout)
	flagged := map[string]map[string]bool{}
	for _, f := range report.Findings {
		if flagged[f.RuleID] == nil {
			flagged[f.RuleID] = map[string]bool{}
		}
		flagged[f.RuleID][f.Resource] = true
	}
	code, stdout, _ = runCLI(t, "rules", "--format", "json")
	if code != 0 {
		t.Fatal("rules failed")
	}
	for _, rule := range decodeRules(t, stdout) {
		if len(flagged[rule.ID]) == 0 {
			t.Errorf("%s never fires in the demo account", rule.ID)
			continue
		}
		quiet := slices.ContainsFunc(snap.Resources(), func(r snapshot.Resource) bool {
			return slices.Contains(rule.ResourceTypes, r.Type) && !flagged[rule.ID][r.ARN]
		})
		if !quiet {
			t.Errorf("%s fires on every resource of types %v in the demo account; none shows it staying quiet", rule.ID, rule.ResourceTypes)
		}
	}
}
