package policies

import (
	"context"
	"os"
	"slices"
	"testing"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/findings"
)

// TestNotCollectedByDesignIsNotAGap: a snapshot whose source cannot
// provide metrics (a Terraform plan) marks them not_collected. The rules
// that read metrics are not evaluated there, without a gap: the report is
// not incomplete, and every other rule still judges.
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
	plan, err := snapshot.Parse(data, "demo")
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range plan.Coverage {
		if c.Dataset == "metrics" {
			plan.Coverage[i].State, plan.Coverage[i].Reason = snapshot.NotCollected, "a Terraform plan has no CloudWatch data"
		}
	}
	got, err := engine.Evaluate(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	if got.Incomplete {
		t.Error("a dataset not collected by design made the report incomplete")
	}
	metricRules := 0
	for _, f := range want.Findings {
		i := slices.IndexFunc(engine.Rules(), func(r findings.Rule) bool { return r.ID == f.RuleID })
		reads := slices.Contains(engine.Rules()[i].Inputs, "metrics")
		found := false
		for _, g := range got.Findings {
			found = found || (g.RuleID == f.RuleID && g.Resource == f.Resource)
		}
		switch {
		case reads && found:
			t.Errorf("%s on %s reads metrics that were not collected, yet was reported", f.RuleID, f.Resource)
		case reads:
			metricRules++
			if !slices.ContainsFunc(got.NotEvaluated, func(e findings.NotEvaluated) bool {
				return e.RuleID == f.RuleID && e.Resource == f.Resource && !e.Gap && slices.Contains(e.Inputs, "metrics")
			}) {
				t.Errorf("%s on %s is not listed as not evaluated (not a gap) for want of metrics", f.RuleID, f.Resource)
			}
		case !found:
			t.Errorf("%s on %s does not read metrics but was lost", f.RuleID, f.Resource)
		}
	}
	if metricRules == 0 {
		t.Fatal("no demo finding reads metrics: the test proves nothing")
	}
}
