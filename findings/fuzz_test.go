package findings

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"
)

// FuzzParseSuppressions: parsing never panics, and what parses can be
// applied to a report.
func FuzzParseSuppressions(f *testing.F) {
	for _, s := range []string{
		"",
		"suppressions: []\n",
		"suppressions:\n  - rule: GW104\n    resource: \"arn:aws:elasticloadbalancing:*:222222222222:loadbalancer/app/legacy/*\"\n    reason: behind the partner's WAF\n    expires: 2027-01-31\n  - {rule: \"GW2*\", resource: \"*\", reason: hygiene later}\n",
		`{"suppressions":[{"rule":"GW101","resource":"arn:*","reason":"r"}]}`,
		"suppressions:\n- rule: GW104\n  resource: x\n  reson: typo\n",
		"[]",
	} {
		f.Add([]byte(s))
	}
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSuppressions(data, "fuzz.yaml")
		if err != nil {
			return
		}
		Apply(testReport(), s, now)
	})
}

// FuzzParseReport: the strict (merge) and lenient (baseline) report
// parsers never panic; what the strict one accepts the lenient one does
// too; an accepted baseline can be applied; an accepted report written
// again as JSON parses again.
func FuzzParseReport(f *testing.F) {
	golden, err := os.ReadFile("testdata/report.json")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range [][]byte{
		golden,
		[]byte(`{"report_version": 1}`),
		[]byte(`{"report_version": 1, "findings": [{"rule_id": "GW104", "resource": "arn:x"}]}`),
		[]byte(`{"report_version": 2}`),
		[]byte(`[]`),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		strict, strictErr := ParseReport(data, "fuzz.json")
		base, baseErr := ParseBaseline(data, "fuzz.json")
		if strictErr == nil && baseErr != nil {
			t.Fatalf("ParseReport accepts what ParseBaseline refuses: %v", baseErr)
		}
		if baseErr == nil {
			ApplyBaseline(testReport(), base)
		}
		if strictErr != nil {
			return
		}
		var buf bytes.Buffer
		if err := Write(context.Background(), &buf, "json", strict); err != nil {
			return // a report may hold what JSON cannot say again (no panic is the point)
		}
		if _, err := ParseReport(buf.Bytes(), "again.json"); err != nil {
			t.Fatalf("a parsed report, written again, does not parse: %v\n%s", err, buf.Bytes())
		}
	})
}

// globReference is the specification of globMatch, written for clarity
// rather than speed: m[i][j] says whether the first i runes of the pattern
// match the first j runes of s. '*' matches any run of runes ('/', ':' and
// '*' included), '?' any one rune, anything else itself.
func globReference(pattern, s string) bool {
	p, str := []rune(pattern), []rune(s)
	m := make([][]bool, len(p)+1)
	for i := range m {
		m[i] = make([]bool, len(str)+1)
	}
	m[0][0] = true
	for i := 1; i <= len(p); i++ {
		for j := 0; j <= len(str); j++ {
			switch p[i-1] {
			case '*':
				m[i][j] = m[i-1][j] || j > 0 && m[i][j-1]
			case '?':
				m[i][j] = j > 0 && m[i-1][j-1]
			default:
				m[i][j] = j > 0 && m[i-1][j-1] && p[i-1] == str[j-1]
			}
		}
	}
	return m[len(p)][len(str)]
}

// FuzzGlobMatch holds globMatch to globReference.
func FuzzGlobMatch(f *testing.F) {
	for _, c := range [][2]string{
		{"*", "anything/at:all"},
		{"arn:aws:apigateway:*::/restapis/*/stages/prod", restStageARN},
		{"GW10?", "GW104"},
		{"a*b*c", "axxbyyc"},
		{"a*b*c", "axxbyy"},
		{"*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
		{"x*", "x*y"},
		{"[", "["},
		{"", ""},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if len(pattern)*len(s) > 1<<20 {
			return // the reference is quadratic in memory
		}
		if got, want := globMatch(pattern, s), globReference(pattern, s); got != want {
			t.Fatalf("globMatch(%q, %q) = %v, want %v", pattern, s, got, want)
		}
	})
}
