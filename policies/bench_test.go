package policies

import (
	"context"
	"fmt"
	"testing"

	"github.com/gatewatch/gatewatch/collectors/snapshot/synth"
)

// BenchmarkEvaluate measures one evaluation of every built-in rule over a
// synthetic organisation of 10k and 100k resources, the engine compiled
// once outside the loop as a scan uses it. It reports resources/s; the
// figures and their targets are in BENCHMARKS.md (go run ./cmd/gatewatch-bench
// prints them beside the targets, with the opa eval comparison).
func BenchmarkEvaluate(b *testing.B) {
	ctx := context.Background()
	engine, err := New(ctx, Options{Config: DefaultConfig()})
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			snap := synth.Org(1, synth.Spec{Regions: 2, Resources: n})
			resources := len(snap.Resources())
			b.ReportAllocs()
			for b.Loop() {
				if _, err := engine.Evaluate(ctx, snap); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(resources)*float64(b.N)/b.Elapsed().Seconds(), "resources/s")
		})
	}
}
