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
	data, err := os.ReadFile("../testdata/demo/snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	engine, err := New(context.Background(), Options{Config: DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
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
