package policies

import (
	"context"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"

	"github.com/gatewatch/gatewatch/collectors/snapshot/synth"
)

// TestNoIndexByKeyRules keeps the built-in rules free of rules of the form
// `index[key] contains value` or `index[key] := value`. OPA (v1.22) checks
// every element such a rule produces against every element produced
// before it, so building one is quadratic in its size, and looking one up
// with a ground key evaluates it again per key. BENCHMARKS.md shows the
// linear form: an object comprehension over the input.
func TestNoIndexByKeyRules(t *testing.T) {
	t.Parallel()
	mods, err := builtinModules(false)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, m := range mods {
		for _, r := range m.ast.Rules {
			checked++
			ref := r.Head.Ref()
			if len(ref) > 1 && !ref.IsGround() { // IsGround skips the rule name
				t.Errorf("%s:%d: %s builds an index by key, which OPA evaluates in quadratic time; build it as an object comprehension (see BENCHMARKS.md)",
					m.file, r.Location.Row, strings.SplitN(ref.String(), "[", 2)[0])
			}
		}
	}
	if checked == 0 {
		t.Fatal("no rules checked")
	}
}

// stepCounter counts evaluation events: a measure of work that, unlike
// time, is the same on every machine and every run.
type stepCounter struct{ n int }

func (c *stepCounter) Enabled() bool               { return true }
func (c *stepCounter) TraceEvent(topdown.Event)    { c.n++ }
func (c *stepCounter) Config() topdown.TraceConfig { return topdown.TraceConfig{} }

// TestEvaluationStepsGrowLinearly evaluates synthetic organisations of
// about 1,000 and 4,000 resources and holds the evaluation steps to grow
// no faster than the inventory (with a quarter of slack): a rule that joins
// by nested iteration, or looks up a multi-value rule by key, grows with
// the square instead (the library as it was took 8x the steps for 4x the
// resources).
func TestEvaluationStepsGrowLinearly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	engine, err := New(ctx, Options{Config: DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	steps := func(n int) (resources, events int) {
		snap := synth.Org(1, synth.Spec{Regions: 2, Resources: n})
		input, err := inputValue(snap)
		if err != nil {
			t.Fatal(err)
		}
		// The graph as Evaluate hands it over: without it, each rule's
		// query would derive it again from its input.
		graph, err := graphTerm(snap.Graph())
		if err != nil {
			t.Fatal(err)
		}
		c := &stepCounter{}
		if _, err := engine.evalRules(withGraphTerm(ctx, graph), input, 1, rego.EvalQueryTracer(c)); err != nil {
			t.Fatal(err)
		}
		return len(snap.Resources()), c.n
	}
	r1, s1 := steps(1000)
	r4, s4 := steps(4000)
	grow, want := float64(s4)/float64(s1), 1.25*float64(r4)/float64(r1)
	if grow > want {
		t.Errorf("evaluation steps grew %.1fx (%d -> %d) for %.1fx the resources (%d -> %d): some rule is superlinear; profile it with opa eval --profile (see BENCHMARKS.md)",
			grow, s1, s4, float64(r4)/float64(r1), r1, r4)
	}
}
