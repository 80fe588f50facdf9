package policies

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// orgSnapshot is the demo account copied into n account-regions, each
// copy under its own account ID and region so no ARN, API ID or DNS name
// is shared: the inventory of an organisation scan.
func orgSnapshot(tb testing.TB, n int) *snapshot.Snapshot {
	tb.Helper()
	demo, err := os.ReadFile("../testdata/demo/snapshot.json")
	if err != nil {
		tb.Fatal(err)
	}
	base, err := snapshot.Parse(demo, "demo")
	if err != nil {
		tb.Fatal(err)
	}
	org := &snapshot.Snapshot{SchemaVersion: base.SchemaVersion, Tool: base.Tool, TakenAt: base.TakenAt}
	for i := range n {
		copyJSON := bytes.ReplaceAll(demo, []byte("123456789012"), fmt.Appendf(nil, "%012d", 100000000000+i))
		copyJSON = bytes.ReplaceAll(copyJSON, []byte("eu-west-1"), fmt.Appendf(nil, "eu-test-%d", i))
		c, err := snapshot.Parse(copyJSON, "demo copy")
		if err != nil {
			tb.Fatal(err)
		}
		org.Append(c)
		org.Scope.Accounts = append(org.Scope.Accounts, c.Scope.Accounts...)
		org.Scope.Regions = append(org.Scope.Regions, c.Scope.Regions...)
	}
	org.Normalize()
	return org
}

// TestEvaluateScalesWithInventory checks that n copies of an account give
// exactly n times its findings: no rule joins one account's resources with
// another's.
func TestEvaluateScalesWithInventory(t *testing.T) {
	ctx := context.Background()
	eng, err := New(ctx, Options{Config: DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	one, err := eng.Evaluate(ctx, orgSnapshot(t, 1))
	if err != nil {
		t.Fatal(err)
	}
	five, err := eng.Evaluate(ctx, orgSnapshot(t, 5))
	if err != nil {
		t.Fatal(err)
	}
	if len(one.Findings) == 0 {
		t.Fatal("the demo account gave no findings")
	}
	count := func(r []string) map[string]int {
		m := map[string]int{}
		for _, id := range r {
			m[id]++
		}
		return m
	}
	var ids1, ids5 []string
	for _, f := range one.Findings {
		ids1 = append(ids1, f.RuleID)
	}
	for _, f := range five.Findings {
		ids5 = append(ids5, f.RuleID)
	}
	c1, c5 := count(ids1), count(ids5)
	for id, n := range c1 {
		if c5[id] != 5*n {
			t.Errorf("%s: %d findings in 5 copies of the account, want 5 x %d", id, c5[id], n)
		}
	}
	for id := range c5 {
		if _, ok := c1[id]; !ok {
			t.Errorf("%s fires on 5 copies but not on one", id)
		}
	}
}

// BenchmarkEvaluateOrg evaluates 1, 10 and 100 copies of the demo account;
// ns/op should grow about tenfold per step (linear in the inventory).
func BenchmarkEvaluateOrg(b *testing.B) {
	ctx := context.Background()
	eng, err := New(ctx, Options{Config: DefaultConfig()})
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1, 10, 100} {
		snap := orgSnapshot(b, n)
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := eng.Evaluate(ctx, snap); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
