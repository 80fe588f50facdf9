package policies

import (
	"bytes"
	"context"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/format"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestRego runs every Rego test of the built-in pack through OPA's tester,
// with the default configuration as data, one Go subtest per Rego test.
func TestRego(t *testing.T) {
	mods, err := builtinModules(true)
	if err != nil {
		t.Fatal(err)
	}
	byFile := make(map[string]*ast.Module, len(mods))
	for _, m := range mods {
		byFile[m.file] = m.ast
	}
	cfg, err := DefaultConfig().regoData()
	if err != nil {
		t.Fatal(err)
	}
	store := inmem.NewFromObject(map[string]any{"gatewatch": map[string]any{"config": cfg}})
	ch, err := tester.NewRunner().AddCustomBuiltins(testBuiltins()).SetStore(store).SetModules(byFile).RaiseBuiltinErrors(true).Run(context.Background(), byFile)
	if err != nil {
		t.Fatalf("rego tests did not compile: %v", regoError(err))
	}
	ran := 0
	for res := range ch {
		ran++
		name := strings.TrimPrefix(res.Package, "data.gatewatch.rules.") + "/" + res.Name
		t.Run(name, func(t *testing.T) {
			switch {
			case res.Error != nil:
				t.Errorf("%s: %v", res.Location, res.Error)
			case res.Fail:
				t.Errorf("%s: test failed", res.Location)
			case res.Skip:
				t.Skipf("%s: skipped (todo_ prefix)", res.Location)
			}
		})
	}
	if ran == 0 {
		t.Fatal("no Rego tests ran")
	}
}

// TestRegoFormatted keeps the built-in pack in `opa fmt` form, so diffs of
// rules show changes of meaning only.
func TestRegoFormatted(t *testing.T) {
	err := fs.WalkDir(builtin, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rego") {
			return err
		}
		src, err := fs.ReadFile(builtin, p)
		if err != nil {
			return err
		}
		got, err := format.SourceWithOpts(p, src, format.Opts{RegoVersion: ast.RegoV1})
		if err != nil {
			t.Errorf("policies/%s: %v", p, err)
			return nil
		}
		if !bytes.Equal(got, src) {
			t.Errorf("policies/%s is not formatted; run `go run github.com/open-policy-agent/opa fmt -w --rego-v1 policies`", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// wholeResultSet finds a Rego test comparing a rule's whole deny set with a
// set literal of results.
var wholeResultSet = regexp.MustCompile(`(results|rule\.deny\b[^\n]*) == \{\s*\{\s*"`)

// controlRef is how rules name the hygiene controls they map to.
var controlRef = regexp.MustCompile(`^[A-Za-z]+:[A-Za-z0-9][A-Za-z0-9._:/-]*$`)

// TestCatalogue holds every built-in rule to the contract: well-formed
// unique IDs, complete metadata, and a test file beside it with tests that
// both fire and stay quiet.
func TestCatalogue(t *testing.T) {
	mods, err := builtinModules(true)
	if err != nil {
		t.Fatal(err)
	}
	tests := make(map[string]string) // rule package -> test source
	for _, m := range mods {
		if strings.HasSuffix(m.file, "_test.rego") {
			src, err := fs.ReadFile(builtin, strings.TrimPrefix(m.file, "policies/"))
			if err != nil {
				t.Fatal(err)
			}
			tests[strings.TrimSuffix(m.ast.Package.Path.String(), "_test")] = string(src)
		}
	}
	seen := make(map[string]string)
	rules := 0
	for _, m := range mods {
		if m.rule == nil {
			continue
		}
		rules++
		r := m.rule
		t.Run(r.ID, func(t *testing.T) {
			if prev, dup := seen[r.ID]; dup {
				t.Errorf("%s: id %s already used by %s", m.file, r.ID, prev)
			}
			seen[r.ID] = m.file
			if len(r.ResourceTypes) == 0 {
				t.Errorf("%s: METADATA custom.resource_types is empty", m.file)
			}
			if r.Category == "hygiene" && len(r.Controls) == 0 {
				t.Errorf("%s: hygiene rule maps to no control", m.file)
			}
			for _, c := range r.Controls {
				if !controlRef.MatchString(c) {
					t.Errorf("%s: control %q is not SCHEME:ID (SecurityHub:ELB.1, AWSConfig:..., Trivy:..., Prowler:..., CWE:...)", m.file, c)
				}
			}
			if r.Details == "" {
				t.Errorf("%s: METADATA custom.details is empty; docs/rules.md explains each rule from it", m.file)
			}
			dir := path.Base(path.Dir(m.file))
			if want := strings.TrimPrefix(r.Package, rulesRoot+"."); dir != want {
				t.Errorf("%s: folder %s should be named after its package %s", m.file, dir, want)
			}
			src, ok := tests[r.Package]
			if !ok {
				t.Fatalf("%s: no %s_test.rego beside the rule", m.file, dir)
			}
			if !strings.Contains(src, "test_fires") || !strings.Contains(src, "test_quiet") {
				t.Errorf("%s: tests must include test_fires_* and test_quiet_* cases", m.file)
			}
			if !wholeResultSet.MatchString(src) {
				t.Errorf("%s: no test asserts a whole result set (results == {{\"resource\": ..., \"message\": ..., \"evidence\": ...}}); counts and single fields let a wrong message or evidence through", m.file)
			}
		})
	}
	if rules == 0 {
		t.Fatal("no built-in rules found")
	}
}

// TestRuleKit holds the pack to its authoring kit: every rule builds its
// results with lib.result instead of an object literal of its own, and the
// shared fixture package (policies/lib/fixtures_test.rego) is loaded for
// the Rego tests only: never as a rule, never into the engine.
func TestRuleKit(t *testing.T) {
	withTests, err := builtinModules(true)
	if err != nil {
		t.Fatal(err)
	}
	fixtures := false
	for _, m := range withTests {
		if m.ast.Package.Path.String() == "data.gatewatch.fixtures" {
			fixtures = true
			if m.rule != nil {
				t.Errorf("%s: the fixture package was read as a rule", m.file)
			}
		}
		if m.rule == nil {
			continue
		}
		src, err := fs.ReadFile(builtin, strings.TrimPrefix(m.file, "policies/"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(src), "lib.result(") || strings.Contains(string(src), `"message":`) {
			t.Errorf("%s: build results with lib.result(resource, message, evidence), not an object literal", m.file)
		}
	}
	if !fixtures {
		t.Error("package gatewatch.fixtures is not loaded with the Rego tests")
	}
	runtime, err := builtinModules(false)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range runtime {
		if strings.HasSuffix(m.file, "_test.rego") || m.ast.Package.Path.String() == "data.gatewatch.fixtures" {
			t.Errorf("%s: test code is compiled into the engine", m.file)
		}
		src, err := fs.ReadFile(builtin, strings.TrimPrefix(m.file, "policies/"))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(src), "gatewatch.fixtures") {
			t.Errorf("%s: a rule or library module reads the test fixtures", m.file)
		}
	}
}

// testBuiltins are the custom builtins the Rego test runner needs.
func testBuiltins() []*tester.Builtin {
	return []*tester.Builtin{{
		Decl: &ast.Builtin{Name: graphBuiltin.Name, Decl: graphBuiltin.Decl},
		Func: graphFunction(),
	}}
}
