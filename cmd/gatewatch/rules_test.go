package main

import (
	"strings"
	"testing"

	"github.com/gatewatch/gatewatch/findings"
)

// TestRulesExplainedAsText: at a terminal (or a pipe) `rules ID` is text
// with each section once and no Markdown punctuation, for every built-in
// rule; --format markdown keeps the Markdown.
func TestRulesExplainedAsText(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runCLI(t, "rules", "--format", "json")
	if code != exitOK {
		t.Fatalf("rules: exit %d: %s", code, stderr)
	}
	rules := decodeRules(t, stdout)
	if len(rules) < 30 {
		t.Fatalf("%d rules", len(rules))
	}
	// Every rule through the writer, one through the command.
	code, gw104, stderr := runCLI(t, "rules", "gw104")
	if code != exitOK || !strings.HasPrefix(gw104, "GW104  Public entry point without a WAF web ACL\n") {
		t.Fatalf("rules gw104: exit %d: %s%s", code, gw104, stderr)
	}
	for _, r := range rules {
		var b strings.Builder
		if err := findings.WriteRuleText(&b, r, findings.Options{}); err != nil {
			t.Fatal(err)
		}
		text := b.String()
		if r.ID == "GW104" && text != gw104 {
			t.Errorf("rules GW104 differs from WriteRuleText")
		}
		for _, punct := range []string{"**", "```", "`"} {
			if strings.Contains(text, punct) {
				t.Errorf("rules %s keeps Markdown punctuation %q:\n%s", r.ID, punct, text)
			}
		}
		for _, section := range []string{"What it checks", "Why it matters", "What triggers it", "Evidence", "How to fix"} {
			if n := strings.Count(text, "\n"+section+"\n"); n != 1 {
				t.Errorf("rules %s: section %q appears %d times, want once:\n%s", r.ID, section, n, text)
			}
		}
		if strings.Contains(text, "\nFix\n") || strings.Contains(text, "\nDetails\n") {
			t.Errorf("rules %s: the details' fix is a section apart from How to fix:\n%s", r.ID, text)
		}
	}
	code, md, _ := runCLI(t, "rules", "GW104", "--format", "markdown")
	if code != exitOK || !strings.Contains(md, "### How to fix\n") || !strings.Contains(md, "```sh\n") || !strings.Contains(md, "`web_acls`") {
		t.Errorf("rules GW104 --format markdown lost its Markdown:\n%s", md)
	}
}
