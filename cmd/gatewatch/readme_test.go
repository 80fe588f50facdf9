package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gatewatch/gatewatch/collectors"
	"github.com/gatewatch/gatewatch/findings/hubimport"
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
	checkReadmeSection(t, "rules", b.String())
}

// TestReadmeIAMPolicy keeps the README's least-privilege policy equal to the
// actions the collectors call.
func TestReadmeIAMPolicy(t *testing.T) {
	type statement struct {
		Sid      string
		Effect   string
		Action   []string
		Resource string
	}
	policy := struct {
		Version   string
		Statement []statement
	}{"2012-10-17", []statement{{"GatewatchReadOnly", "Allow", collectors.IAMActions(), "*"}}}
	data, err := json.MarshalIndent(policy, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	checkReadmeSection(t, "iam", "```json\n"+string(data)+"\n```\n")
	// The Security Hub import's actions, a separate statement to add.
	data, err = json.MarshalIndent(statement{"GatewatchSecurityHubImport", "Allow", hubimport.IAMActions(), "*"}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	checkReadmeSection(t, "iam-securityhub", "```json\n"+string(data)+"\n```\n")
}

// checkReadmeSection compares the README text between the markers
// <!-- name:start --> and <!-- name:end --> with want, and rewrites it
// under -update.
func checkReadmeSection(t *testing.T, name, want string) {
	t.Helper()
	startMark, endMark := "<!-- "+name+":start -->\n", "<!-- "+name+":end -->"
	data, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	start := strings.Index(readme, startMark)
	end := strings.Index(readme, endMark)
	if start < 0 || end < start {
		t.Fatalf("README.md lacks the %q ... %q markers", startMark, endMark)
	}
	got := readme[start+len(startMark) : end]
	if got == want {
		return
	}
	if *update {
		readme = readme[:start+len(startMark)] + want + readme[end:]
		if err := os.WriteFile(readmePath, []byte(readme), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README section %q is out of date; run: go test ./cmd/gatewatch -run TestReadme -update\ngot:\n%s\nwant:\n%s", name, got, want)
}

// TestReadmeConfigExample loads the README's configuration example, so the
// documented keys are the keys the code accepts.
func TestReadmeConfigExample(t *testing.T) {
	data, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "<!-- config:start -->\n```yaml\n")
	example, _, ok2 := strings.Cut(rest, "```\n<!-- config:end -->")
	if !ok || !ok2 {
		t.Fatal("README.md lacks the config example markers")
	}
	path := filepath.Join(t.TempDir(), ".gatewatch.yaml")
	if err := os.WriteFile(path, []byte(example), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "rules", "--config", path); code != 0 {
		t.Errorf("the README config example is rejected: %s", stderr)
	}
}
