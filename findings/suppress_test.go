package findings

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// unsuppressed is the fixture with every suppression removed.
func unsuppressed() *Report {
	r := testReport()
	for i := range r.Findings {
		r.Findings[i].Suppression = nil
	}
	r.Finalize()
	return r
}

func TestParseSuppressions(t *testing.T) {
	t.Parallel()
	good := `
suppressions:
  - rule: GW104
    resource: "arn:aws:elasticloadbalancing:*:222222222222:loadbalancer/app/legacy/*"
    reason: behind the partner's WAF
    expires: 2027-01-31
  - {rule: "GW2*", resource: "*", reason: hygiene later}
`
	s, err := ParseSuppressions([]byte(good), "s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Entries) != 2 || s.Entries[0].Expires != "2027-01-31" || s.Entries[1].Rule != "GW2*" {
		t.Fatalf("entries %+v", s.Entries)
	}
	js, err := ParseSuppressions([]byte(`{"suppressions":[{"rule":"GW101","resource":"arn:*","reason":"r"}]}`), "s.json")
	if err != nil || len(js.Entries) != 1 {
		t.Fatalf("JSON file: %v %+v", err, js)
	}

	for _, empty := range []string{"", "# nothing waived yet\n", "suppressions: []\n"} {
		if s, err := ParseSuppressions([]byte(empty), "s.yaml"); err != nil || len(s.Entries) != 0 {
			t.Errorf("ParseSuppressions(%q) = %+v, %v; want no entries", empty, s, err)
		}
	}

	tests := []struct{ name, in, want string }{
		{"unknown key", "suppressions:\n- rule: GW104\n  resource: x\n  reson: typo\n",
			`s.yaml: entry 1 (rule "GW104", resource "x"): unknown key "reson" (want rule, resource, reason, expires)`},
		{"second entry named", "suppressions:\n- {rule: a, resource: b, reason: c}\n- {rule: GW1, resource: arn-y, reason: z, resources: q}\n",
			`entry 2 (rule "GW1", resource "arn-y"): unknown key "resources"`},
		{"reason required", "suppressions:\n- rule: GW104\n  resource: x\n", `entry 1 (rule "GW104", resource "x"): reason is required`},
		{"blank reason", "suppressions:\n- {rule: GW104, resource: x, reason: '  '}\n", "reason is required"},
		{"bad date", "suppressions:\n- {rule: a, resource: b, reason: c, expires: 31/01/2027}\n", `expires "31/01/2027" is not a YYYY-MM-DD date`},
		{"top-level key", "suppresions: []\n", `unknown top-level key "suppresions"`},
		{"not a list", "suppressions: {rule: a}\n", "suppressions must be a list of mappings"},
		{"not a string", "suppressions:\n- {rule: [a], resource: b, reason: c}\n", "rule must be a string"},
		{"bad yaml", "suppressions: [\n", "s.yaml: not valid YAML: line "},
		{"key twice", "suppressions:\n- rule: GW104\n  rule: GW105\n  resource: x\n  reason: r\n", `s.yaml: line 3: key "rule" is set twice in one mapping`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSuppressions([]byte(tt.in), "s.yaml")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestSuppressionsOfUnknownRules: an entry whose rule pattern matches no
// loaded rule would waive nothing; it is an error naming the file and the
// entry, as an unknown rule ID in the configuration is.
func TestSuppressionsOfUnknownRules(t *testing.T) {
	t.Parallel()
	s, err := ParseSuppressions([]byte("suppressions:\n- {rule: gw104, resource: x, reason: r}\n- {rule: 'GW2*', resource: x, reason: r}\n- {rule: GW999, resource: z, reason: r}\n"), "s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"GW104", "GW201", "ACME001"}
	want := `suppressions s.yaml: entry 3 (rule "GW999", resource "z"): no rule matches GW999`
	if err := s.CheckRules(ids); err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("CheckRules = %v, want %q", err, want)
	}
	s.Entries = s.Entries[:2]
	if err := s.CheckRules(ids); err != nil {
		t.Errorf("CheckRules of known rules, in other case and as a pattern: %v", err)
	}
}

func TestLoadSuppressions(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "s.yaml")
	if err := os.WriteFile(path, []byte("suppressions: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if s, err := LoadSuppressions(path); err != nil || s.Source != path {
		t.Fatalf("LoadSuppressions = %+v, %v", s, err)
	}
	if _, err := LoadSuppressions(path + ".missing"); err == nil {
		t.Fatal("no error for a missing file")
	}
}

func TestApply(t *testing.T) {
	t.Parallel()
	s := Suppressions{Source: "s.yaml", Entries: []SuppressionEntry{
		{Rule: "GW104", Resource: "arn:aws:elasticloadbalancing:*:222222222222:loadbalancer/app/legacy/*", Reason: "partner WAF", Expires: "2026-11-24"},
		{Rule: "gw2*", Resource: "*edge-alb*", Reason: "hygiene later"}, // rule case does not matter
		{Rule: "GW106", Resource: lambdaARN, Reason: "expired waiver", Expires: "2026-11-23"},
	}}
	r := unsuppressed()
	warnings := Apply(r, s, now)

	got := make(map[string]*Suppression)
	for _, f := range r.Findings {
		got[f.RuleID] = f.Suppression
	}
	want := map[string]*Suppression{
		"GW104": {Kind: "file", Reason: "partner WAF", Expires: "2026-11-24"}, // last day still counts
		"GW201": {Kind: "file", Reason: "hygiene later"},
		"GW107": {Kind: "tag", Reason: "partners throttle at their edge"}, // gatewatch:ignore on the stage
	}
	for _, id := range []string{"GW101", "GW104", "GW106", "GW107", "GW108", "GW112", "GW201"} {
		g, w := got[id], want[id]
		if (g == nil) != (w == nil) || g != nil && *g != *w {
			t.Errorf("%s: suppression %+v, want %+v", id, g, w)
		}
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "entry 3 (rule GW106 resource "+lambdaARN+") expired on 2026-11-23") {
		t.Errorf("warnings %q", warnings)
	}
	if r.Summary.Suppressed != 3 || r.Summary.Total != 4 {
		t.Errorf("summary %+v not finalized", r.Summary)
	}

	// The day after, the first entry has expired too.
	r = unsuppressed()
	if warnings := Apply(r, s, now.Add(24*time.Hour)); len(warnings) != 2 || r.Summary.Suppressed != 2 {
		t.Errorf("a day later: warnings %q, %d suppressed", warnings, r.Summary.Suppressed)
	}
}

func TestWaiver(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value, rule, reason string
		ok                  bool
	}{
		{"GW104", "GW104", "waived by the gatewatch:ignore tag on the resource", true},
		{"GW101, gw104:fronted by partner WAF", "GW104", "fronted by partner WAF", true},
		{"GW1040", "GW104", "", false},
		{"", "GW104", "", false},
		{"GW999", "GW104", "", false},
	}
	for _, tt := range tests {
		reason, ok := waiver(tt.value, tt.rule)
		if ok != tt.ok || reason != tt.reason {
			t.Errorf("waiver(%q, %s) = %q, %v; want %q, %v", tt.value, tt.rule, reason, ok, tt.reason, tt.ok)
		}
	}
}

func TestGlobMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "anything/at:all", true},
		{"arn:aws:apigateway:*::/restapis/*/stages/prod", restStageARN, true},
		{"arn:aws:apigateway:*::/restapis/*/stages/dev", restStageARN, false},
		{"GW10?", "GW104", true},
		{"GW10?", "GW1040", false},
		{"GW2*", "GW104", false},
		{"*legacy*", legacyALBARN, true},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
		{"[", "[", true}, // no character classes: never malformed
		// A '*' in the pattern stays a wildcard where s holds a '*' (found
		// by FuzzGlobMatch).
		{"x*", "x*y", true},
		{"arn:*:loadbalancer/*", "arn:aws:elasticloadbalancing:*:1:loadbalancer/*/x", true},
		{"*", "*", true},
		{"", "", true},
		// A star matches a literal star too: wildcard custom domains.
		{"arn:aws:apigateway:eu-west-1::/domainnames/*", "arn:aws:apigateway:eu-west-1::/domainnames/*.example.com", true},
		{"arn:aws:apigateway:*::/domainnames/*.example.com", "arn:aws:apigateway:eu-west-1::/domainnames/*.example.com", true},
		{"arn:aws:apigateway:*::/domainnames/*.example.com", "arn:aws:apigateway:eu-west-1::/domainnames/api.example.org", false},
		{"*/*", "a/*", true},
		{"*x", "**x", true},
		{"*?", "*", true},
		{"a*", "*a", false},
		// Backtracking to the last star only stays fast on adversarial input.
		{strings.Repeat("*a", 30) + "b", strings.Repeat("a", 5000), false},
	}
	for _, tt := range tests {
		if got := globMatch(tt.pattern, tt.s); got != tt.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

// TestApplyWildcardDomain is the case that slipped through: an entry for
// every custom domain of a region must waive the wildcard domain too.
func TestApplyWildcardDomain(t *testing.T) {
	t.Parallel()
	const domain = "arn:aws:apigateway:eu-west-1::/domainnames/*.example.com"
	r := &Report{Findings: []Finding{{RuleID: "GW219", Severity: Medium, Resource: domain, Message: "m", Fingerprint: Fingerprint("GW219", domain)}}}
	s, err := ParseSuppressions([]byte("suppressions:\n- {rule: GW219, resource: \"arn:aws:apigateway:eu-west-1::/domainnames/*\", reason: legacy TLS until RISK-7}\n"), "s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	Apply(r, s, now)
	if got := r.Findings[0].Suppression; got == nil || got.Reason != "legacy TLS until RISK-7" {
		t.Errorf("suppression of %s = %+v, want the file entry", domain, got)
	}
}
