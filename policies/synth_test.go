package policies

import (
	"context"
	"testing"

	"github.com/gatewatch/gatewatch/collectors/snapshot/synth"
)

// TestSynthOrgExercisesEveryRule holds the synthetic organisation the
// benchmarks evaluate to its promise: every built-in rule finds something
// in it, and no rule flags everything it looks at, so the benchmark
// measures rules doing real work on a realistic mix.
func TestSynthOrgExercisesEveryRule(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	engine, err := New(ctx, Options{Config: DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	snap := synth.Org(1, synth.Spec{Accounts: 10, Regions: 2})
	report, err := engine.Evaluate(ctx, snap)
	if err != nil {
		t.Fatal(err)
	}
	flagged := make(map[string]map[string]bool) // rule -> resources
	for _, f := range report.Findings {
		if flagged[f.RuleID] == nil {
			flagged[f.RuleID] = make(map[string]bool)
		}
		flagged[f.RuleID][f.Resource] = true
	}
	byType := make(map[string]int)
	for _, r := range snap.Resources() {
		byType[r.Type]++
	}
	for _, rule := range engine.Rules() {
		n := len(flagged[rule.ID])
		if n == 0 {
			t.Errorf("%s (%s) finds nothing in the synthetic organisation: teach collectors/snapshot/synth the mistake it catches", rule.ID, rule.Title)
			continue
		}
		total := 0
		for _, typ := range rule.ResourceTypes {
			total += byType[typ]
		}
		if n >= total {
			t.Errorf("%s flags all %d of its resources: the synthetic organisation should also hold resources that comply", rule.ID, total)
		}
		t.Logf("%s: %d of %d resources flagged", rule.ID, n, total)
	}
}
