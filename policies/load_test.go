package policies

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// userRule is a valid user rule in package pkg.
func userRule(id, pkg string) string {
	return `# METADATA
# title: Every load balancer
# description: fires on every load balancer
# custom:
#   id: ` + id + `
#   severity: low
#   remediation: none
package ` + pkg + `

import rego.v1

deny contains result if {
	some lb in input.load_balancers
	result := {"resource": lb.arn, "message": "` + id + `", "evidence": {}}
}
`
}

// policyDir writes files (name to content) into a new directory.
func policyDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const helperModule = "package acme.lib\n\nimport rego.v1\n\nis_public(lb) if lb.scheme == \"internet-facing\"\n"

// TestPolicyDirsThatAddNoRuleAreRefused: --policy directories whose rules
// would never run were accepted silently: an empty one, one without .rego
// files, a rule outside gatewatch.rules.*. A helper module outside it is
// fine beside rules, not alone.
func TestPolicyDirsThatAddNoRuleAreRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	acme := policyDir(t, map[string]string{"x.rego": userRule("ACME001", "acme.rules")})
	meta := policyDir(t, map[string]string{"y.rego": strings.Replace(userRule("ACME002", "acme.checks"), "deny contains", "denied contains", 1)})
	empty := policyDir(t, nil)
	notRego := policyDir(t, map[string]string{"README.md": "rules\n", "x_test.rego": "package gatewatch.rules.x_test\n"})
	helpers := policyDir(t, map[string]string{"lib.rego": helperModule})
	rules := policyDir(t, map[string]string{"r.rego": userRule("ACME003", "gatewatch.rules.acme_r")})
	for _, tc := range []struct {
		name string
		dirs []string
		want string // "" when the rules load
	}{
		{"rule outside gatewatch.rules", []string{acme}, filepath.Join(acme, "x.rego") + ":8: package acme.rules is outside gatewatch.rules.*: a rule module"},
		{"rule metadata outside gatewatch.rules", []string{meta}, filepath.Join(meta, "y.rego") + ":8: package acme.checks is outside gatewatch.rules.*"},
		{"empty directory", []string{empty}, "no rules found in " + empty + ": a rule is a .rego file"},
		{"no .rego file", []string{notRego}, "no rules found in " + notRego},
		{"helpers alone", []string{helpers}, "no rules found in " + helpers + ": only helper modules"},
		{"helpers beside rules", []string{helpers, rules}, ""},
		{"rules alone", []string{rules}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e, err := New(ctx, Options{Config: DefaultConfig(), PolicyDirs: tc.dirs})
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("error %v, want the rules loaded", err)
			case tc.want == "":
				found := false
				for _, r := range e.Rules() {
					found = found || r.ID == "ACME003"
				}
				if !found {
					t.Errorf("ACME003 is not among the rules")
				}
			case err == nil || !strings.HasPrefix(err.Error(), tc.want):
				t.Errorf("error %v, want one starting %q", err, tc.want)
			}
		})
	}
}

// TestParseErrorSaidOnce: OPA's parser reports some mistakes twice at one
// place, once bare and once with what it expected; the message says it
// once, the longer way.
func TestParseErrorSaidOnce(t *testing.T) {
	t.Parallel()
	dir := policyDir(t, map[string]string{"bad.rego": "package gatewatch.rules.bad\nimport rego.v1\nfoo(\n"})
	_, err := New(context.Background(), Options{Config: DefaultConfig(), PolicyDirs: []string{dir}})
	want := filepath.Join(dir, "bad.rego") + ":4: rego_parse_error: unexpected eof token: expected rule head name"
	if err == nil || err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

// TestDenyResultOfWrongTypeNamesTheRule: a result whose resource or
// message is not a string names the rule's file, line and ID and what it
// got, not only that the ARN is missing.
func TestDenyResultOfWrongTypeNamesTheRule(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct{ from, to, want string }{
		{`"resource": lb.arn`, `"resource": 42`, `rule ACME001: deny produced a result whose "resource" is not a string but the number 42 (want the resource's ARN)`},
		{`"resource": lb.arn, `, ``, `rule ACME001: deny produced a result without a "resource" (want the resource's ARN, a string)`},
		{`"message": "ACME001"`, `"message": ["x"]`, `rule ACME001: deny produced a result whose "message" is not a string but the array ["x"]`},
		{`"message": "ACME001"`, `"message": ""`, `rule ACME001: deny produced a result whose "message" is empty`},
	} {
		src := strings.Replace(userRule("ACME001", "gatewatch.rules.acme_every_lb"), tc.from, tc.to, 1)
		dir := policyDir(t, map[string]string{"r.rego": src})
		e, err := New(ctx, Options{Config: DefaultConfig(), PolicyDirs: []string{dir}, NoBuiltin: true})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.Evaluate(ctx, orgSnapshot(t, 1))
		if want := filepath.Join(dir, "r.rego") + ":12: " + tc.want; err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", tc.to, err, want)
		}
	}
}
