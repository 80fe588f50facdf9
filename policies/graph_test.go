package policies

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/collectors/snapshot/synth"
	"github.com/gatewatch/gatewatch/findings"
)

// rulesGraph asks OPA for the edges of the request graph as the rules see
// them (data.gatewatch.lib.graph over the snapshot as input), as "from to"
// pairs.
func rulesGraph(t *testing.T, snap *snapshot.Snapshot) map[string]bool {
	t.Helper()
	mods, err := builtinModules(false)
	if err != nil {
		t.Fatal(err)
	}
	opts := []func(*rego.Rego){rego.Query("data.gatewatch.lib.graph.edges"), graphFunction(), rego.SetRegoVersion(ast.RegoV1)}
	for _, m := range mods {
		if m.ast.Package.Path.String() == "data.gatewatch.lib" {
			opts = append(opts, rego.ParsedModule(m.ast))
		}
	}
	data, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	input, err := ast.ValueFromReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := rego.New(append(opts, rego.ParsedInput(input))...).Eval(context.Background())
	if err != nil || len(rs) != 1 {
		t.Fatalf("query the graph: %v (%d results)", err, len(rs))
	}
	edges := map[string]bool{}
	for _, e := range rs[0].Expressions[0].Value.([]any) {
		m := e.(map[string]any)
		edges[m["from"].(string)+" "+m["to"].(string)] = true
	}
	return edges
}

var (
	mermaidEdge    = regexp.MustCompile(`(?m)^  (clients|n\d+) --> (n\d+)$`)
	mermaidComment = regexp.MustCompile(`(?m)^  %% (n\d+) (\S+)$`)
	svgNode        = regexp.MustCompile(`<g class="node" id="(n\d+|clients)" data-arn="([^"]*)"`)
	svgEdge        = regexp.MustCompile(`<path class="edge[^"]*" data-from="(n\d+|clients)" data-to="(n\d+)"`)
)

// pictureEdges reads the edges a picture draws as "from to" ARN pairs
// (clients as snapshot.Internet), given its node and edge matches.
func pictureEdges(t *testing.T, nodes, edges [][]string) map[string]bool {
	t.Helper()
	arn := map[string]string{"clients": snapshot.Internet}
	for _, m := range nodes {
		if m[2] != "" {
			arn[m[1]] = m[2]
		}
	}
	out := map[string]bool{}
	for _, m := range edges {
		from, to := arn[m[1]], arn[m[2]]
		if from == "" || to == "" {
			t.Fatalf("edge %s -> %s between nodes without an ARN", m[1], m[2])
		}
		out[from+" "+to] = true
	}
	return out
}

// TestPicturesDrawTheRulesGraph renders the Markdown (Mermaid) and HTML
// (SVG) reports of the demo account and of a synthetic organisation,
// reads the edges they draw, and compares them with the request graph the
// rules query: equal both ways.
func TestPicturesDrawTheRulesGraph(t *testing.T) {
	t.Parallel()
	demoData, err := os.ReadFile("../testdata/demo/snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	demo, err := snapshot.Parse(demoData, "demo")
	if err != nil {
		t.Fatal(err)
	}
	engine, err := New(context.Background(), Options{Config: DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	// The Markdown report keeps under GitHub's comment limit and leaves a
	// diagram over a third of it to the HTML report: the 3x2 organisation's
	// picture is checked in SVG, the 2x1 one's in both.
	drawsMermaid := map[string]bool{"demo": true, "org": false, "org-2x1": true}
	for name, snap := range map[string]*snapshot.Snapshot{
		"demo":    demo,
		"org":     synth.Org(7, synth.Spec{Accounts: 3, Regions: 2}),
		"org-2x1": synth.Org(7, synth.Spec{Accounts: 2, Regions: 1}),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want := rulesGraph(t, snap)
			if len(want) < 10 {
				t.Fatalf("the graph has %d edges: the test proves nothing", len(want))
			}
			report, err := engine.Evaluate(context.Background(), snap)
			if err != nil {
				t.Fatal(err)
			}
			var md, html bytes.Buffer
			if err := findings.Write(context.Background(), &md, "markdown", report); err != nil {
				t.Fatal(err)
			}
			if err := findings.Write(context.Background(), &html, "html", report); err != nil {
				t.Fatal(err)
			}
			mermaid := pictureEdges(t, mermaidComment.FindAllStringSubmatch(md.String(), -1), mermaidEdge.FindAllStringSubmatch(md.String(), -1))
			svg := pictureEdges(t, svgNode.FindAllStringSubmatch(html.String(), -1), svgEdge.FindAllStringSubmatch(html.String(), -1))
			if !drawsMermaid[name] {
				if len(mermaid) > 0 || !strings.Contains(md.String(), "too large for a comment") {
					t.Errorf("the Markdown of %s should leave its diagram to the HTML report, and say so", name)
				}
			} else if diff := cmp.Diff(sortedKeys(want), sortedKeys(mermaid)); diff != "" {
				t.Errorf("Mermaid edges differ from the rules' graph (-rules +picture):\n%s", diff)
			}
			if diff := cmp.Diff(sortedKeys(want), sortedKeys(svg)); diff != "" {
				t.Errorf("SVG edges differ from the rules' graph (-rules +picture):\n%s", diff)
			}
			if !slices.ContainsFunc(sortedKeys(want), func(e string) bool { return strings.Contains(e, "/domainnames/") }) && name == "demo" {
				t.Error("the demo graph has no custom-domain hop: CloudFront -> custom domain -> stage is not drawn")
			}
		})
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
