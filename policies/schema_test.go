package policies

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"
)

// TestBuiltinRulesCompileStrict compiles every built-in rule as the engine
// does, in strict mode against the snapshot's schema, and shows that the
// same compile rejects a rule reading a field the model does not have.
func TestBuiltinRulesCompileStrict(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	if _, err := New(ctx, Options{Config: DefaultConfig()}); err != nil {
		t.Fatalf("built-in rules do not compile strictly against the snapshot schema:\n%v", err)
	}

	dir := t.TempDir()
	typo := `# METADATA
# title: Stages without a name
# description: reads stage.nme, a field stages do not have
# custom:
#   id: ACME003
#   severity: low
#   remediation: none
package gatewatch.rules.acme_stage_typo

import rego.v1

deny contains result if {
	some api in input.rest_apis
	some stage in api.stages
	stage.nme == ""
	result := {"resource": stage.arn, "message": "unnamed", "evidence": {}}
}
`
	if err := os.WriteFile(filepath.Join(dir, "typo.rego"), []byte(typo), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := New(ctx, Options{Config: DefaultConfig(), PolicyDirs: []string{dir}})
	want := filepath.Join(dir, "typo.rego") + ":15: rego_type_error: undefined ref: stage.nme"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("compile of a rule reading stage.nme: error %v, want one containing %q", err, want)
	}
}

// TestInputSchemaAcceptsSnapshots validates the demo snapshot against the
// generated schema with OPA's own JSON Schema matcher: the schema
// describes what snapshots really hold.
func TestInputSchemaAcceptsSnapshots(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../testdata/demo/snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc, schema any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(InputSchema())
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	rs, err := rego.New(
		rego.Query("[ok, errs] := json.match_schema(input.doc, input.schema)"),
		rego.Input(map[string]any{"doc": doc, "schema": schema}),
	).Eval(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Bindings["ok"] != true {
		t.Errorf("the demo snapshot does not match the generated schema: %v", rs)
	}
}

// TestRulePackagesAreTheirOwn: each rule is evaluated as its own query,
// so two rules in one package are refused with both files named, and a
// user rule in a package of its own gives its findings beside the
// built-in ones.
func TestRulePackagesAreTheirOwn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rule := func(id, pkg string) string { return userRule(id, "gatewatch.rules."+pkg) }
	dir := t.TempDir()
	for name, src := range map[string]string{"a.rego": rule("ACME001", "acme_shared"), "b.rego": rule("ACME002", "acme_shared")} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	_, err := New(ctx, Options{Config: DefaultConfig(), PolicyDirs: []string{dir}})
	if err == nil || !strings.Contains(err.Error(), "package gatewatch.rules.acme_shared is already a rule's") ||
		!strings.Contains(err.Error(), "a.rego") || !strings.Contains(err.Error(), "b.rego") {
		t.Errorf("two rules in one package: error %v, want one naming the package and both files", err)
	}

	own := t.TempDir()
	if err := os.WriteFile(filepath.Join(own, "a.rego"), []byte(rule("ACME001", "acme_every_lb")), 0o600); err != nil {
		t.Fatal(err)
	}
	engine, err := New(ctx, Options{Config: DefaultConfig(), PolicyDirs: []string{own}})
	if err != nil {
		t.Fatal(err)
	}
	report, err := engine.Evaluate(ctx, orgSnapshot(t, 1))
	if err != nil {
		t.Fatal(err)
	}
	byRule := map[string]int{}
	for _, f := range report.Findings {
		byRule[f.RuleID]++
	}
	if lbs := len(orgSnapshot(t, 1).LoadBalancers); byRule["ACME001"] != lbs || lbs == 0 {
		t.Errorf("ACME001 gave %d findings, want one per load balancer (%d)", byRule["ACME001"], lbs)
	}
	if len(byRule) < 10 {
		t.Errorf("findings of %d rules, want the built-in rules' beside ACME001: %v", len(byRule), byRule)
	}
}
