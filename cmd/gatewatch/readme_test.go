package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/gatewatch/gatewatch/policies"
)

var update = flag.Bool("update", false, "rewrite generated files (README rule table, golden files)")

const (
	readmePath = "../../README.md"
	rulesStart = "<!-- rules:start -->\n"
	rulesEnd   = "<!-- rules:end -->"
)

// TestReadmeRuleTable keeps the README's rule list equal to the catalogue
// generated from rule metadata.
func TestReadmeRuleTable(t *testing.T) {
	engine, err := policies.New(context.Background(), policies.Options{Config: policies.DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("| ID | Severity | Title | Applies to | Controls |\n| --- | --- | --- | --- | --- |\n")
	for _, r := range engine.Rules() {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", r.ID, r.Severity, r.Title, shortTypes(r.ResourceTypes), strings.Join(r.Controls, ", "))
	}
	want := b.String()

	data, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	start := strings.Index(readme, rulesStart)
	end := strings.Index(readme, rulesEnd)
	if start < 0 || end < start {
		t.Fatalf("README.md lacks the %q ... %q markers", rulesStart, rulesEnd)
	}
	got := readme[start+len(rulesStart) : end]
	if got == want {
		return
	}
	if *update {
		readme = readme[:start+len(rulesStart)] + want + readme[end:]
		if err := os.WriteFile(readmePath, []byte(readme), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README rule table is out of date; run: go test ./cmd/gatewatch -run TestReadmeRuleTable -update\ngot:\n%s\nwant:\n%s", got, want)
}
