package policies

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"

	"github.com/gatewatch/gatewatch/findings"
	"github.com/gatewatch/gatewatch/internal/safetext"
)

// ruleCache is OPA's virtual document cache, less what only holds garbage.
// OPA caches, for the rest of the query, every rule it evaluates in full
// and every function call by its arguments. Two kinds of entry are never
// read again:
//   - the rules' deny sets: the query reads each once, and the cache kept
//     all of them (at 100k resources about 90k result objects) until the
//     query ended;
//   - calls of lib.result, the constructor of every deny result: each call
//     builds a different object (24 hits in 8,021 calls at 10k
//     resources), so the memo held every result a second time.
//
// The library's indexes and its other functions stay cached: they are
// read again and again (lib.public_rest_api: 1,610 hits for 322 calls).
type ruleCache struct{ topdown.VirtualCache }

func newRuleCache() topdown.VirtualCache {
	return ruleCache{topdown.NewVirtualCache()}
}

func (c ruleCache) Put(ref ast.Ref, value *ast.Term) {
	if isDenySet(ref) || len(ref) > 0 && ref[0].Equal(resultFunction) {
		return
	}
	c.VirtualCache.Put(ref, value)
}

// resultFunction is the first term of the cache key of a lib.result call:
// OPA keys a function call by the function's reference, then the
// arguments, where a rule's key starts with the variable data.
var resultFunction = ast.NewTerm(ast.MustParseRef("data.gatewatch.lib.result"))

var (
	denyTerm  = ast.StringTerm("deny")
	rulesPath = ast.MustParseRef(rulesRoot)
)

// isDenySet reports whether ref is data.gatewatch.rules.<package>.deny.
func isDenySet(ref ast.Ref) bool {
	return len(ref) == len(rulesPath)+2 && ref.HasPrefix(rulesPath) && ref[len(ref)-1].Equal(denyTerm)
}

// denyResult is one deny result, read out of OPA's form as the query
// produces it. Holding every result as OPA terms until the query ended
// (objects cost about 3.5x their JSON) was a quarter of the evaluation's
// peak memory at 100k resources; converted one at a time, each is garbage
// as soon as it is read.
type denyResult struct {
	resource, message string
	account, region   string
	evidence          json.RawMessage
	inputs            []string
	// problem is what breaks the rule contract, reported with the rule
	// once the result is matched to it.
	problem string
}

// readBinding is the query's result hook (rego.EvalGenerateJSON): the
// package name as a string, a deny set as its results read one by one
// (a *denyResult per object; anything else as it came, for toFinding to
// reject).
func readBinding(t *ast.Term, _ *rego.EvalContext) (any, error) {
	switch v := t.Value.(type) {
	case ast.String:
		return string(v), nil
	case ast.Set:
		out := make([]any, 0, v.Len())
		v.Foreach(func(e *ast.Term) {
			if obj, ok := e.Value.(ast.Object); ok {
				out = append(out, readResult(obj))
			} else {
				out = append(out, e)
			}
		})
		return out, nil
	}
	return t, nil
}

func readResult(obj ast.Object) *denyResult {
	field := func(key string) ast.Value {
		if v := obj.Get(ast.InternedTerm(key)); v != nil {
			return v.Value
		}
		return nil
	}
	str := func(key string) string {
		s, _ := field(key).(ast.String)
		return string(s)
	}
	r := &denyResult{resource: str("resource"), message: str("message"), account: str("account"), region: str("region")}
	for _, key := range []string{"resource", "message"} {
		want := map[string]string{"resource": "the resource's ARN", "message": "what is wrong with the resource"}[key]
		switch v := field(key); v.(type) {
		case nil:
			r.problem = fmt.Sprintf("deny produced a result without a %q (want %s, a string)", key, want)
			return r
		case ast.String:
			if v.(ast.String) == "" {
				r.problem = fmt.Sprintf("deny produced a result whose %q is empty (want %s)", key, want)
				return r
			}
		default:
			r.problem = fmt.Sprintf("deny produced a result whose %q is not a string but the %s %s (want %s)", key, ast.ValueName(v), safetext.Elide(v.String(), 80), want)
			return r
		}
	}
	if ev := field("evidence"); ev != nil {
		if _, ok := ev.(ast.Object); !ok {
			r.problem = "deny produced an \"evidence\" that is not an object"
			return r
		}
		// Held as JSON until the rules' input is released: a tenth of
		// the memory of Go maps (toFinding decodes it).
		v, err := ast.JSONWithOpt(ev, ast.JSONOpt{SortSets: true})
		if err == nil {
			r.evidence, err = json.Marshal(v)
		}
		if err != nil {
			r.problem = fmt.Sprintf("evidence: %v", err)
			return r
		}
	}
	if raw := field("inputs"); raw != nil {
		var items []*ast.Term
		switch v := raw.(type) {
		case *ast.Array:
			v.Foreach(func(t *ast.Term) { items = append(items, t) })
		case ast.Set:
			v.Sorted().Foreach(func(t *ast.Term) { items = append(items, t) })
		default:
			r.problem = "deny produced \"inputs\" that is not a list of dataset names"
			return r
		}
		for _, it := range items {
			name, ok := it.Value.(ast.String)
			if !ok {
				r.problem = fmt.Sprintf("deny result names input %v, which is not a dataset name", it)
				return r
			}
			r.inputs = append(r.inputs, string(name))
		}
	}
	return r
}

// toFinding checks one deny result against the rule contract and fills the
// finding from the rule's metadata and the resource index. where is the
// file and line of the rule's deny, for messages.
func toFinding(rule findings.Rule, where string, raw any, index *places) (findings.Finding, error) {
	fail := func(msg string) (findings.Finding, error) {
		return findings.Finding{}, fmt.Errorf("%s: rule %s: %s", where, rule.ID, msg)
	}
	r, ok := raw.(*denyResult)
	if !ok {
		return fail("deny produced a result that is not an object; want {\"resource\", \"message\", \"evidence\"}")
	}
	if r.problem != "" {
		return fail(r.problem)
	}
	evidence := map[string]any{}
	if r.evidence != nil {
		d := json.NewDecoder(bytes.NewReader(r.evidence))
		d.UseNumber() // numbers as OPA gives them (ast.JSON)
		if err := d.Decode(&evidence); err != nil {
			return fail(fmt.Sprintf("evidence: %v", err))
		}
	}
	f := findings.Finding{
		RuleID:      rule.ID,
		Severity:    rule.Severity,
		Title:       rule.Title,
		Resource:    r.resource,
		Message:     r.message,
		Remediation: rule.Remediation,
		Evidence:    evidence,
		Controls:    rule.Controls,
		Fingerprint: findings.Fingerprint(rule.ID, r.resource),
	}
	if at, ok := index.of(r.resource); ok {
		f.ResourceType, f.Account, f.Region = at.Type, at.Account, at.Region
	}
	if r.account != "" {
		f.Account = r.account
	}
	if r.region != "" {
		f.Region = r.region
	}
	// A result may narrow the datasets it rests on to a subset of the
	// rule's declaration.
	for _, name := range r.inputs {
		if rule.Inputs != nil && !slices.Contains(rule.Inputs, name) {
			return fail(fmt.Sprintf("deny result names input %s, which the rule's METADATA custom.inputs does not declare", name))
		}
	}
	f.Inputs = r.inputs
	return f, nil
}
