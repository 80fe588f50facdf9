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
