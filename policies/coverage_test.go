package policies

import (
	"context"
	"os"
	"slices"
	"testing"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/findings"
)

// TestNotCollectedByDesignIsNotAGap marks one dataset at a time not
// collected in the demo account (as a Terraform plan marks metrics): every
// finding of a rule that reads it becomes not evaluated, without a gap;
// the findings of the other rules stay; the report is not incomplete.
func TestNotCollectedByDesignIsNotAGap(t *testing.T) {
	t.Parallel()
	engine, data := demoEngine(t)
	full, err := snapshot.Parse(data, "demo")
	if err != nil {
		t.Fatal(err)
	}
	want, err := engine.Evaluate(context.Background(), full)
	if err != nil {
		t.Fatal(err)
	}
	rules := map[string]findings.Rule{}
	for _, r := range engine.Rules() {
		rules[r.ID] = r
	}
	withheld := 0
	for _, dataset := range snapshot.DatasetNames() {
		t.Run(dataset, func(t *testing.T) {
			got := evaluateWithout(t, engine, data, dataset)
			if got.Incomplete {
				t.Error("a dataset not collected by design made the report incomplete")
			}
			for _, f := range want.Findings {
				reads := slices.Contains(rules[f.RuleID].Needs(f.ResourceType), dataset)
				found := slices.ContainsFunc(got.Findings, func(g findings.Finding) bool {
					return g.RuleID == f.RuleID && g.Resource == f.Resource
				})
				switch {
				case reads && found:
					t.Errorf("%s on %s reads %s, which was not collected, yet was reported", f.RuleID, f.Resource, dataset)
				case reads:
					withheld++
					if !slices.ContainsFunc(got.NotEvaluated, func(e findings.NotEvaluated) bool {
						return e.RuleID == f.RuleID && e.Resource == f.Resource && !e.Gap && slices.Contains(e.Inputs, dataset)
					}) {
						t.Errorf("%s on %s is not listed as not evaluated (not a gap) for want of %s", f.RuleID, f.Resource, dataset)
					}
				case !found:
					t.Errorf("%s on %s does not read %s but was lost", f.RuleID, f.Resource, dataset)
				}
			}
		})
	}
	if withheld < len(want.Findings) {
		t.Fatalf("only %d findings withheld over all datasets for %d findings: the test proves little", withheld, len(want.Findings))
	}
}

// evaluateWithout evaluates the demo snapshot (data) with one dataset
// marked not collected, as a Terraform plan marks metrics.
func evaluateWithout(t *testing.T, engine *Engine, data []byte, dataset string) *findings.Report {
	t.Helper()
	plan, err := snapshot.Parse(data, "demo")
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range plan.Coverage {
		if c.Dataset == dataset {
			plan.Coverage[i].State, plan.Coverage[i].Reason = snapshot.NotCollected, "not in the source"
		}
	}
	got, err := engine.Evaluate(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestInputsByTypeWithholdOnlyTheirType: a rule that declares its inputs
// per resource type (GW102 reads REST stages for REST APIs, v2 stages for
// HTTP and WebSocket APIs) loses only the findings of the type that reads
// the missing dataset, and datasets a rule used to declare without reading
// them (GW105's distribution and ELB tags, GW102's target group
// attributes) withhold nothing.
func TestInputsByTypeWithholdOnlyTheirType(t *testing.T) {
	t.Parallel()
	engine, data := demoEngine(t)
	type finding struct{ rule, typ string }
	for _, tc := range []struct {
		dataset        string
		kept, withheld []finding
	}{
		{"v2_stages",
			[]finding{{"GW102", snapshot.TypeRestAPI}, {"GW112", snapshot.TypeRestStage}, {"GW112", snapshot.TypeLoadBalancer}},
			[]finding{{"GW102", snapshot.TypeV2API}, {"GW112", snapshot.TypeV2Stage}}},
		{"rest_stages",
			[]finding{{"GW102", snapshot.TypeV2API}, {"GW104", snapshot.TypeV2Stage}, {"GW112", snapshot.TypeV2Stage}},
			[]finding{{"GW102", snapshot.TypeRestAPI}, {"GW104", snapshot.TypeRestStage}}},
		{"v2_apis",
			[]finding{{"GW216", snapshot.TypeRestAPI}, {"GW220", snapshot.TypeRestAPI}, {"GW101", snapshot.TypeRestAPI}},
			[]finding{{"GW216", snapshot.TypeV2API}, {"GW101", snapshot.TypeV2API}}},
		{"target_group_attributes", []finding{{"GW102", snapshot.TypeRestAPI}, {"GW102", snapshot.TypeV2API}}, nil},
		{"distribution_tags", []finding{{"GW105", snapshot.TypeDistribution}}, nil},
		{"elb_tags", []finding{{"GW105", snapshot.TypeDistribution}}, []finding{{"GW109", snapshot.TypeTargetGroup}}},
	} {
		t.Run(tc.dataset, func(t *testing.T) {
			got := evaluateWithout(t, engine, data, tc.dataset)
			for _, f := range tc.kept {
				if !slices.ContainsFunc(got.Findings, func(g findings.Finding) bool { return g.RuleID == f.rule && g.ResourceType == f.typ }) {
					t.Errorf("%s on a %s was not reported without %s, which it does not read", f.rule, f.typ, tc.dataset)
				}
			}
			for _, f := range tc.withheld {
				if !slices.ContainsFunc(got.NotEvaluated, func(e findings.NotEvaluated) bool {
					return e.RuleID == f.rule && e.ResourceType == f.typ && slices.Contains(e.Inputs, tc.dataset)
				}) {
					t.Errorf("%s on a %s was not withheld for want of %s, which it reads", f.rule, f.typ, tc.dataset)
				}
			}
		})
	}
}

// demoEngine is the built-in rules with the default configuration, and
// the demo snapshot as JSON.
func demoEngine(t *testing.T) (*Engine, []byte) {
	t.Helper()
	data, err := os.ReadFile("../testdata/demo/snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	engine, err := New(context.Background(), Options{Config: DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	return engine, data
}
