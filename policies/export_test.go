package policies

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/gatewatch/gatewatch/collectors/snapshot/synth"
)

// TestWriteOPAFilesEvaluatesLikeTheEngine loads the written files the way
// `opa eval -d DIR` does and checks they give the engine's findings.
func TestWriteOPAFilesEvaluatesLikeTheEngine(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	off := false
	cfg := DefaultConfig()
	cfg.Rules = map[string]RuleSettings{"GW103": {Enabled: &off}}
	dir := t.TempDir()
	snap := synth.Org(1, synth.Spec{Accounts: 3, Regions: 2})
	if err := WriteOPAFiles(dir, cfg, snap); err != nil {
		t.Fatal(err)
	}
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.rego") || strings.Contains(f, "gw103") {
			t.Errorf("wrote %s: tests and disabled rules must be left out", f)
		}
	}
	if !slices.Contains(files, "data.json") || !slices.Contains(files, "lib/gatewatch.rego") {
		t.Fatalf("files = %v, want data.json and the library among them", files)
	}

	engine, err := New(ctx, Options{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	report, err := engine.Evaluate(ctx, snap)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, f := range report.Findings {
		want = append(want, f.Resource+" "+f.Message)
	}

	data, _ := json.Marshal(snap)
	var input any
	if err := json.Unmarshal(data, &input); err != nil {
		t.Fatal(err)
	}
	rs, err := rego.New(rego.Query(Query), rego.Load([]string{dir}, nil), rego.Input(input)).Eval(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rs {
		for _, raw := range r.Bindings["results"].([]any) {
			res := raw.(map[string]any)
			got = append(got, res["resource"].(string)+" "+res["message"].(string))
		}
	}
	slices.Sort(got)
	got = slices.Compact(got)
	slices.Sort(want)
	if len(want) == 0 {
		t.Fatal("the engine found nothing: the comparison would prove nothing")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("opa over the written files differs from the engine (-engine +opa):\n%s", diff)
	}
	if _, err := os.Stat(filepath.Join(dir, "rules", "architecture", "gw101_reverse_proxy", "gw101_reverse_proxy.rego")); err != nil {
		t.Errorf("rule files keep their layout: %v", err)
	}
}
