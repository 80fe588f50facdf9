package policies

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// reads is what a piece of Rego touches of the input: the top-level
// collections it names (input.load_balancers), the field names it reads
// anywhere (lb.attributes, object.get(lb, "tags", {})), and the library
// rules it calls.
type reads struct {
	collections, fields, lib map[string]bool
}

func newReads() reads {
	return reads{collections: map[string]bool{}, fields: map[string]bool{}, lib: map[string]bool{}}
}

// readsOf walks rules and collects what they read. libNames are the rules
// of the library package, which the library refers to by bare name.
func readsOf(rules []*ast.Rule, libNames map[string]bool, inLib bool) reads {
	r := newReads()
	for _, rule := range rules {
		ast.WalkTerms(rule, func(t *ast.Term) bool {
			switch v := t.Value.(type) {
			case ast.Ref:
				head := v[0].Value.String()
				switch {
				case head == "input" && len(v) > 1:
					if s, ok := v[1].Value.(ast.String); ok {
						r.collections[string(s)] = true
					}
				case head == "lib" && len(v) > 1:
					if s, ok := v[1].Value.(ast.String); ok {
						r.lib[string(s)] = true
					}
				case head == "data" && len(v) > 3 && v[1].Value.Compare(ast.String("gatewatch")) == 0 && v[2].Value.Compare(ast.String("lib")) == 0:
					if s, ok := v[3].Value.(ast.String); ok {
						r.lib[string(s)] = true
					}
				case inLib && libNames[head]:
					r.lib[head] = true
				}
				for _, el := range v[1:] {
					if s, ok := el.Value.(ast.String); ok {
						r.fields[string(s)] = true
					}
				}
			case ast.Var:
				if inLib && libNames[string(v)] {
					r.lib[string(v)] = true
				}
			case ast.String:
				// object.get(x, "field", default) and other literal keys.
				r.fields[string(v)] = true
			}
			return false
		})
	}
	return r
}

// detectedInputs lists the datasets each rule package reads, through the
// library rules it calls, by matching what it touches against the dataset
// paths of the snapshot model.
func detectedInputs(t *testing.T) map[string][]string {
	t.Helper()
	mods, err := builtinModules(false)
	if err != nil {
		t.Fatal(err)
	}
	libRules := map[string][]*ast.Rule{}
	var ruleMods []module
	for _, m := range mods {
		if m.rule != nil {
			ruleMods = append(ruleMods, m)
			continue
		}
		if m.ast.Package.Path.String() == "data.gatewatch.lib" {
			for _, r := range m.ast.Rules {
				name := r.Head.Ref()[0].Value.String()
				libRules[name] = append(libRules[name], r)
			}
		}
	}
	libNames := map[string]bool{}
	for name := range libRules {
		libNames[name] = true
	}
	libReads := map[string]reads{}
	for name, rs := range libRules {
		libReads[name] = readsOf(rs, libNames, true)
	}
	out := map[string][]string{}
	for _, m := range ruleMods {
		total := readsOf(m.ast.Rules, libNames, false)
		// Close over the library rules called, directly or through others.
		queue := make([]string, 0, len(total.lib))
		for name := range total.lib {
			queue = append(queue, name)
		}
		seen := map[string]bool{}
		for len(queue) > 0 {
			name := queue[0]
			queue = queue[1:]
			if seen[name] {
				continue
			}
			seen[name] = true
			lr := libReads[name]
			for k := range lr.collections {
				total.collections[k] = true
			}
			for k := range lr.fields {
				total.fields[k] = true
			}
			for k := range lr.lib {
				queue = append(queue, k)
			}
		}
		var ds []string
		// The request graph is derived from datasets too (see
		// snapshot.GraphDatasets): reading a field of it reads them.
		if seen["graph"] {
			for field, names := range snapshot.GraphDatasets {
				if total.fields[field] {
					ds = append(ds, names...)
				}
			}
		}
		for _, d := range snapshot.Datasets {
			for _, p := range d.Paths {
				parts := strings.Split(p, ".")
				if !total.collections[parts[0]] {
					continue
				}
				if len(parts) == 1 || total.fields[parts[len(parts)-1]] {
					ds = append(ds, d.Name)
					break
				}
			}
		}
		sort.Strings(ds)
		out[m.rule.ID] = slices.Compact(ds)
	}
	return out
}

// TestRuleInputsMatchWhatTheyRead holds every built-in rule's METADATA
// custom.inputs to what its Rego (and the library rules it calls) reads of
// the snapshot: a dataset it reads but does not declare would let a
// finding rest on data that was not collected; one it declares but does
// not read would withhold findings for nothing.
func TestRuleInputsMatchWhatTheyRead(t *testing.T) {
	detected := detectedInputs(t)
	mods, err := builtinModules(false)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mods {
		if m.rule == nil {
			continue
		}
		rule := m.rule
		got := detected[rule.ID]
		if rule.Inputs == nil {
			t.Errorf("%s (%s): METADATA declares no custom.inputs; it reads:\n#   inputs: [%s]", rule.ID, m.file, strings.Join(got, ", "))
			continue
		}
		declared := snapshot.WithParents(rule.Inputs)
		for _, d := range got {
			if !slices.Contains(declared, d) {
				t.Errorf("%s (%s): reads dataset %s but its custom.inputs does not declare it", rule.ID, m.file, d)
			}
		}
		for _, d := range rule.Inputs {
			if !slices.Contains(got, d) {
				t.Errorf("%s (%s): declares dataset %s but reads nothing of it", rule.ID, m.file, d)
			}
		}
	}
}
