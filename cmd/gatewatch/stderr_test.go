package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gatewatch/gatewatch/internal/safetext"
)

// TestErrorsOnStderrAreSanitised evaluates snapshots whose invalid
// resource is named with a hostile string: the validation error quotes the
// name, and stderr must carry no control character nor the 1 MB of it.
func TestErrorsOnStderrAreSanitised(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, value string }{
		{"OSC title", "\x1b]0;pwn\x07"},
		{"clear screen", "\x1b[2J"},
		{"OSC 8 hyperlink", "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"},
		{"right-to-left override", "\u202eevil"},
		{"isolate", "\u2066isolate\u2069"},
		{"C1 CSI", "\u009b2J"},
		{"line separator", "a\u2028b"},
		{"1 MB", strings.Repeat("A", 1<<20)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			snap, err := json.Marshal(map[string]any{
				"schema_version":   1,
				"taken_at":         "2026-11-20T02:00:00Z",
				"scope":            map[string]any{"accounts": []string{"1"}, "regions": []string{"eu-west-1"}},
				"lambda_functions": []any{map[string]any{"account": "1", "name": "fn " + tt.value}},
			})
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "s.json")
			if err := os.WriteFile(path, snap, 0o644); err != nil {
				t.Fatal(err)
			}
			code, _, stderr := runCLI(t, "eval", path)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if !strings.Contains(stderr, "has no arn") {
				t.Errorf("stderr does not give the validation error: %.300q", stderr)
			}
			for i, r := range stderr {
				if r != '\n' && safetext.Unsafe(r) {
					t.Fatalf("stderr has %U at byte %d: %.300q", r, i, stderr)
				}
			}
			if len(stderr) > 4096 {
				t.Errorf("stderr is %d bytes long", len(stderr))
			}
		})
	}
}

// TestPrintError holds the last line of defence to its contract: whatever
// an error quotes, stderr gets its lines without control characters, each
// bounded.
func TestPrintError(t *testing.T) {
	t.Parallel()
	tests := []struct{ msg, want string }{
		{"plain", "gatewatch: plain\n"},
		{"two\nlines", "gatewatch: two\nlines\n"},
		{"title \x1b]0;pwn\x07 clear \x1b[2J rtl \u202e c1 \u009b2J sep \u2028.", "gatewatch: title  clear  rtl  c1  sep  .\n"},
		{strings.Repeat("x", 2000), "gatewatch: " + strings.Repeat("x", maxErrorLineRunes) + "… [976 more characters]\n"},
	}
	for _, tt := range tests {
		var b strings.Builder
		printError(&b, tt.msg)
		if got := b.String(); got != tt.want {
			t.Errorf("printError(%.40q) wrote %.80q, want %.80q", tt.msg, got, tt.want)
		}
	}
}
