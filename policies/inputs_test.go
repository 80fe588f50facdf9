package policies

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/collectors/snapshot/synth"
	"github.com/gatewatch/gatewatch/findings"
)

// detection is what a rule's deny bodies read, per resource type they
// report, with the deny bodies (by line) behind each dataset.
type detection struct {
	byType   map[string][]string
	lines    map[string]map[string][]int // type -> dataset -> deny lines
	problems []string                    // types the deny bodies report that resource_types lacks, or the reverse
}

// detect evaluates the deny bodies of a rule package (see
// inputs_detect_test.go) and sorts what they read by resource type.
func detect(d *detector, m module) detection {
	types := m.rule.ResourceTypes
	if len(types) == 0 {
		types = []string{""}
	}
	det := detection{byType: map[string][]string{}, lines: map[string]map[string][]int{}}
	for _, typ := range types {
		det.byType[typ], det.lines[typ] = []string{}, map[string][]int{}
	}
	for _, w := range d.denyWorlds(m.ast.Package.Path.String()) {
		wt := w.types
		if wt == nil || types[0] == "" {
			wt = types
		}
		for _, typ := range wt {
			if _, ok := det.byType[typ]; !ok {
				det.problems = append(det.problems, fmt.Sprintf("the deny body at line %d reports resources of type %s, which resource_types does not list", w.line, typ))
				continue
			}
			det.byType[typ] = append(det.byType[typ], w.datasets...)
			for _, ds := range w.datasets {
				if !slices.Contains(det.lines[typ][ds], w.line) {
					det.lines[typ][ds] = append(det.lines[typ][ds], w.line)
				}
			}
		}
	}
	for typ, ds := range det.byType {
		slices.Sort(ds)
		det.byType[typ] = slices.Compact(ds)
		if len(ds) == 0 && typ != "" {
			det.problems = append(det.problems, fmt.Sprintf("no deny body reports resources of type %s", typ))
		}
	}
	sort.Strings(det.problems)
	return det
}

// inputProblems holds a rule's METADATA custom.inputs to what its deny
// bodies read, type by type: a dataset read but not declared (with the
// datasets declared ones sit in or depend on) would let a finding rest on
// data that was not collected; one declared but not read withholds
// findings for nothing.
func inputProblems(rule *findings.Rule, det detection) []string {
	problems := slices.Clone(det.problems)
	if rule.Inputs == nil {
		return append(problems, "METADATA declares no custom.inputs; it reads:\n"+suggestInputs(det))
	}
	for _, typ := range slices.Sorted(maps.Keys(det.byType)) {
		declared, ok := rule.InputsByType[typ]
		if !ok {
			declared = rule.Inputs
		}
		with := snapshot.WithParents(declared)
		for _, ds := range det.byType[typ] {
			if !slices.Contains(with, ds) {
				problems = append(problems, fmt.Sprintf("reads dataset %s for %s (deny at line %s) but custom.inputs does not declare it", ds, typ, lineList(det.lines[typ][ds])))
			}
		}
		for _, ds := range declared {
			if !slices.Contains(det.byType[typ], ds) {
				problems = append(problems, fmt.Sprintf("declares dataset %s for %s, but its deny bodies for %s read nothing of it", ds, typ, typ))
			}
		}
	}
	return problems
}

func lineList(lines []int) string {
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = fmt.Sprint(l)
	}
	return strings.Join(parts, ", ")
}

// suggestInputs writes the declaration that matches det: a list when every
// type reads the same, else a map by type.
func suggestInputs(det detection) string {
	types := slices.Sorted(maps.Keys(det.byType))
	same := true
	for _, typ := range types {
		same = same && slices.Equal(det.byType[typ], det.byType[types[0]])
	}
	if same {
		return fmt.Sprintf("#   inputs: [%s]", strings.Join(det.byType[types[0]], ", "))
	}
	lines := []string{"#   inputs:"}
	for _, typ := range types {
		lines = append(lines, fmt.Sprintf("#     %s: [%s]", typ, strings.Join(det.byType[typ], ", ")))
	}
	return strings.Join(lines, "\n")
}

// TestRuleInputsMatchWhatTheyRead holds every built-in rule's METADATA
// custom.inputs to what its Rego (and the library rules it calls) reads of
// the snapshot, for each resource type it reports.
func TestRuleInputsMatchWhatTheyRead(t *testing.T) {
	mods, err := builtinModules(false)
	if err != nil {
		t.Fatal(err)
	}
	d := newDetector(mods)
	for _, m := range mods {
		if m.rule == nil {
			continue
		}
		det := detect(d, m)
		problems := inputProblems(m.rule, det)
		for _, p := range problems {
			t.Errorf("%s (%s): %s", m.rule.ID, m.file, p)
		}
		if len(problems) > 0 {
			t.Logf("%s reads:\n%s", m.rule.ID, suggestInputs(det))
		}
	}
	for _, n := range slices.Sorted(maps.Keys(d.notes)) {
		t.Logf("detector fell back to matching by field name: %s", n)
	}
}

// detectModule runs the detector on a rule module written for a test,
// with the built-in library.
func detectModule(t *testing.T, src string) (*detector, module, detection) {
	t.Helper()
	mods, err := builtinModules(false)
	if err != nil {
		t.Fatal(err)
	}
	m, err := parseModule("synthetic.rego", []byte(src), "builtin", false)
	if err != nil {
		t.Fatal(err)
	}
	d := newDetector(append(mods, m))
	return d, m, detect(d, m)
}

// TestInputsDetector proves the detector on a rule written to trip it: a
// collection reached through object.get(input, ...), a field of a variable
// bound by some ... in, a library helper given an element, and a field
// ("tags") that several collections have, read of one of them.
func TestInputsDetector(t *testing.T) {
	const src = `# METADATA
# title: Synthetic
# description: Reads what its declaration leaves out.
# custom:
#   id: GW999
#   severity: low
#   remediation: None.
#   resource_types: [AWS::ElasticLoadBalancingV2::LoadBalancer, AWS::ApiGatewayV2::Api]
#   inputs: [load_balancers, web_acls]
package gatewatch.rules.gw999_synthetic

import data.gatewatch.lib
import rego.v1

deny contains lib.result(lb.arn, "attributes", {"owner": acl.tags.owner}) if {
	some lb in input.load_balancers
	lib.lb_attribute(lb, "deletion_protection.enabled", "false") == "false"
	some acl in input.web_acls
	lb.arn in acl.associated_resources
}

deny contains lib.result(api.arn, "v2", {}) if {
	some api in object.get(input, "v2_apis", [])
	api.disable_execute_api_endpoint == false
}
`
	_, m, det := detectModule(t, src)
	lb, v2 := snapshot.TypeLoadBalancer, snapshot.TypeV2API
	if got, want := det.byType[lb], []string{"load_balancer_attributes", "load_balancers", "web_acl_associations", "web_acl_tags", "web_acls"}; !slices.Equal(got, want) {
		t.Errorf("load balancer body reads %v, want %v (web ACL tags are not elb_tags)", got, want)
	}
	if got, want := det.byType[v2], []string{"v2_apis"}; !slices.Equal(got, want) {
		t.Errorf("v2 body reads %v, want %v", got, want)
	}
	got := inputProblems(m.rule, det)
	want := []string{
		"reads dataset load_balancer_attributes for " + lb + " (deny at line 15) but custom.inputs does not declare it",
		"reads dataset web_acl_associations for " + lb + " (deny at line 15) but custom.inputs does not declare it",
		"reads dataset web_acl_tags for " + lb + " (deny at line 15) but custom.inputs does not declare it",
		"reads dataset v2_apis for " + v2 + " (deny at line 22) but custom.inputs does not declare it",
		"declares dataset load_balancers for " + v2 + ", but its deny bodies for " + v2 + " read nothing of it",
		"declares dataset web_acls for " + v2 + ", but its deny bodies for " + v2 + " read nothing of it",
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestInputsDetectorFallsBack: a value the detector cannot follow (here
// data it does not know) counts as reading every dataset, so the test
// fails rather than pass a rule it does not understand.
func TestInputsDetectorFallsBack(t *testing.T) {
	const src = `# METADATA
# title: Synthetic
# description: Reads what the detector cannot follow.
# custom:
#   id: GW998
#   severity: low
#   remediation: None.
#   resource_types: [AWS::ElasticLoadBalancingV2::LoadBalancer]
#   inputs: [load_balancers]
package gatewatch.rules.gw998_synthetic

import data.gatewatch.lib
import rego.v1

deny contains lib.result(x.arn, "unknown", {}) if {
	some x in data.gatewatch.elsewhere
	x.deletion_protection == false
}
`
	d, m, det := detectModule(t, src)
	if got, want := det.byType[snapshot.TypeLoadBalancer], slices.Sorted(slices.Values(snapshot.DatasetNames())); !slices.Equal(got, want) {
		t.Errorf("an unknown value reads %v, want every dataset", got)
	}
	if len(d.notes) == 0 {
		t.Error("the detector does not say where it fell back")
	}
	if len(inputProblems(m.rule, det)) == 0 {
		t.Error("a rule the detector cannot follow passes with a narrow declaration")
	}
}

// TestRulesIgnoreWhatTheyDoNotDeclare checks the declarations the other
// way, by running the rules: with the data of a dataset removed from the
// demo snapshot and from a synthetic organisation, every finding of a rule
// on a resource type whose inputs (with the datasets they sit in) do not
// name that dataset is reported as before, message and evidence alike.
func TestRulesIgnoreWhatTheyDoNotDeclare(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	engine, demo := demoEngine(t)
	demoSnap, err := snapshot.Parse(demo, "demo")
	if err != nil {
		t.Fatal(err)
	}
	rules := map[string]findings.Rule{}
	for _, r := range engine.Rules() {
		rules[r.ID] = r
	}
	// outcome keys each finding by rule, type and resource.
	outcome := func(snap *snapshot.Snapshot) map[[3]string]string {
		report, err := engine.Evaluate(ctx, snap)
		if err != nil {
			t.Fatal(err)
		}
		out := map[[3]string]string{}
		for _, f := range report.Findings {
			ev, _ := json.Marshal(f.Evidence)
			out[[3]string{f.RuleID, f.ResourceType, f.Resource}] = f.Message + " " + string(ev)
		}
		return out
	}
	for name, full := range map[string]*snapshot.Snapshot{"demo": demoSnap, "synthetic": synth.Org(1, synth.Spec{Accounts: 2, Regions: 1})} {
		want := outcome(full)
		checked := 0
		for _, dataset := range snapshot.DatasetNames() {
			cut, err := snapshot.WithoutDataset(full, dataset)
			if err != nil {
				t.Fatal(err)
			}
			got := outcome(cut)
			ignores := func(k [3]string) bool { return !slices.Contains(rules[k[0]].Needs(k[1]), dataset) }
			for k, w := range want {
				if !ignores(k) {
					continue
				}
				checked++
				if g, ok := got[k]; !ok {
					t.Errorf("%s: %s on %s is lost without %s, which it does not declare for %s", name, k[0], k[2], dataset, k[1])
				} else if g != w {
					t.Errorf("%s: %s on %s changes without %s, which it does not declare for %s:\n%s\nwas\n%s", name, k[0], k[2], dataset, k[1], g, w)
				}
			}
			for k := range got {
				if _, ok := want[k]; !ok && ignores(k) {
					t.Errorf("%s: %s on %s appears without %s, which it does not declare for %s", name, k[0], k[2], dataset, k[1])
				}
			}
		}
		if checked == 0 {
			t.Errorf("%s: no finding checked", name)
		}
	}
}
