package policies

import (
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// TestRuleCacheKeepsOnlyIndexes: the evaluation cache keeps the library's
// rules and function calls, not the deny sets the query reads once nor the
// results lib.result builds.
func TestRuleCacheKeepsOnlyIndexes(t *testing.T) {
	c := newRuleCache()
	value := ast.StringTerm("v")
	index := ast.MustParseRef("data.gatewatch.lib.load_balancers_by_arn")
	deny := ast.MustParseRef("data.gatewatch.rules.gw104.deny")
	nested := ast.MustParseRef("data.gatewatch.rules.gw104.deny_helper")
	call := ast.Ref{ast.NewTerm(ast.MustParseRef("data.gatewatch.lib.api_key")), ast.StringTerm("arg")}
	result := ast.Ref{ast.NewTerm(ast.MustParseRef("data.gatewatch.lib.result")), ast.StringTerm("arn"), ast.StringTerm("message")}
	for _, ref := range []ast.Ref{index, deny, nested, call, result} {
		c.Put(ref, value)
	}
	for ref, want := range map[string]bool{index.String(): true, deny.String(): false, nested.String(): true} {
		got, _ := c.Get(ast.MustParseRef(ref))
		if (got != nil) != want {
			t.Errorf("%s cached = %v, want %v", ref, got != nil, want)
		}
	}
	if got, _ := c.Get(call); got == nil {
		t.Error("a function call was not cached")
	}
	if got, _ := c.Get(result); got != nil {
		t.Error("a lib.result call was cached")
	}
}
