package policies

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/types"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// graphBuiltin is the Rego function that hands the rules the request graph
// of their input: gatewatch.request_graph(input). The graph is derived in
// Go (snapshot.Graph), the one place that normalises host names and parses
// ARNs, so the rules and the pictures see the same edges. The library
// binds it once per evaluation (data.gatewatch.lib.graph).
var graphBuiltin = &rego.Function{
	Name:        "gatewatch.request_graph",
	Description: "The request graph (edges, fronts, targets) of a gatewatch snapshot.",
	Decl:        types.NewFunction(types.Args(types.A), types.A),
	// Not Memoize: OPA would key its cache by the text of the whole
	// input (over a second at 100k resources). The library binds the
	// result to a rule, which OPA evaluates once per query anyway.
}

// graphKey carries the graph of the snapshot being evaluated, so the
// builtin need not rebuild the snapshot from its OPA value.
type graphKey struct{}

// graphTerm is the value of g the builtin answers with.
func graphTerm(g *snapshot.Graph) (*ast.Term, error) {
	v, err := toValue(g)
	if err != nil {
		return nil, fmt.Errorf("request graph: %w", err)
	}
	return ast.NewTerm(v), nil
}

// withGraphTerm stores the value of the snapshot's graph in ctx for the
// builtin.
func withGraphTerm(ctx context.Context, t *ast.Term) context.Context {
	return context.WithValue(ctx, graphKey{}, t)
}

// requestGraph answers the builtin: the graph Evaluate derived, or, for an
// input given any other way (a Rego test's `with input as`), the graph of
// that input read as a snapshot.
func requestGraph(bctx rego.BuiltinContext, input *ast.Term) (*ast.Term, error) {
	if t, ok := bctx.Context.Value(graphKey{}).(*ast.Term); ok {
		return t, nil
	}
	raw, err := ast.JSON(input.Value)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(raw)
	if err != nil {
		return nil, err
	}
	var s snapshot.Snapshot
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&s); err != nil {
		return nil, fmt.Errorf("gatewatch.request_graph: input is not a snapshot: %w", err)
	}
	v, err := toValue(s.Graph())
	if err != nil {
		return nil, err
	}
	return ast.NewTerm(v), nil
}

// graphFunction registers the builtin with a rego.Rego.
func graphFunction() func(*rego.Rego) { return rego.Function1(graphBuiltin, requestGraph) }
