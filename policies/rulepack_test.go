package policies

import (
	"os"
	"regexp"
	"testing"
	"testing/fstest"
)

func TestRulePackVersionHashesTheRuleFilesOnDisk(t *testing.T) {
	t.Parallel()
	// The embedded tree is the rules and lib folders beside this file: the
	// version a binary reports must be the hash of exactly those files.
	onDisk, err := rulePackHash(os.DirFS("."))
	if err != nil {
		t.Fatal(err)
	}
	got := RulePackVersion()
	if got != onDisk {
		t.Errorf("RulePackVersion() = %s, want %s (the hash of rules/ and lib/ on disk)", got, onDisk)
	}
	if !regexp.MustCompile(`^sha256:[0-9a-f]{16}$`).MatchString(got) {
		t.Errorf("RulePackVersion() = %q, want sha256: and 16 hex digits", got)
	}
}

func TestRulePackVersionChangesWithRulesOnly(t *testing.T) {
	t.Parallel()
	base := fstest.MapFS{
		"rules/a/a.rego":      {Data: []byte("package gatewatch.rules.a\n")},
		"rules/a/a_test.rego": {Data: []byte("package gatewatch.rules.a_test\n")},
		"lib/lib.rego":        {Data: []byte("package gatewatch.lib\n")},
		"rules/README.md":     {Data: []byte("notes\n")},
	}
	hash := func(fsys fstest.MapFS) string {
		t.Helper()
		v, err := rulePackHash(fsys)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// with returns base with each path set to its content, or removed
	// when the content is empty: path, content, path, content...
	with := func(pairs ...string) fstest.MapFS {
		out := fstest.MapFS{}
		for k, v := range base {
			out[k] = v
		}
		for i := 0; i < len(pairs); i += 2 {
			if pairs[i+1] == "" {
				delete(out, pairs[i])
			} else {
				out[pairs[i]] = &fstest.MapFile{Data: []byte(pairs[i+1])}
			}
		}
		return out
	}
	want := hash(base)
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		changes bool
	}{
		{"same files", with("lib/lib.rego", "package gatewatch.lib\n"), false},
		{"a test changes", with("rules/a/a_test.rego", "package gatewatch.rules.a_test\n# more\n"), false},
		{"a non-rego file changes", with("rules/README.md", "other notes\n"), false},
		{"a rule changes", with("rules/a/a.rego", "package gatewatch.rules.a\n# fixed\n"), true},
		{"the library changes", with("lib/lib.rego", "package gatewatch.lib\nx := 1\n"), true},
		{"a rule is added", with("rules/b/b.rego", "package gatewatch.rules.b\n"), true},
		{"a rule is removed", with("rules/a/a.rego", ""), true},
		{"a rule is renamed", with("rules/a/a.rego", "", "rules/a/c.rego", "package gatewatch.rules.a\n"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hash(tt.fsys); (got != want) != tt.changes {
				t.Errorf("hash = %s, base %s: changed = %v, want %v", got, want, got != want, tt.changes)
			}
		})
	}
}
