package findings

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/internal/safetext"
)

// hostile are AWS-provided strings that try to drive a terminal, reorder
// text, break lines, link somewhere or flood the output.
var hostile = []string{
	"\x1b]0;pwn\x07title",
	"\x1b[2Jclear",
	"\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
	"\u202eevil\u202c",
	"\u2066isolate\u2069",
	"\u009b31mc1",
	"line\u2028sep\u2029para",
	"https://evil.example/x www.evil.example ops@evil.example",
	strings.Repeat("A", 1<<20),
}

// badRune reports a rune no human-facing output may hold: one Sanitize
// removes, but for the formats' own line breaks.
func badRune(r rune) bool { return r != '\n' && safetext.Unsafe(r) }

// checkHumanOutput fails on any control character in out and on output
// that grew with the 1 MB name.
func checkHumanOutput(t *testing.T, what, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Errorf("%s: invalid UTF-8", what)
	}
	for i, r := range out {
		if badRune(r) {
			t.Errorf("%s: %U at byte %d: %q", what, r, i, out[max(0, i-30):min(len(out), i+30)])
			return
		}
	}
	if len(out) > 512<<10 {
		t.Errorf("%s: %d bytes for one hostile resource: long values are not elided", what, len(out))
	}
}

// hostileReport carries h in every AWS-provided place a human format
// shows: names, tags, messages, evidence, reasons, collection errors.
func hostileReport(h string) *Report {
	const (
		apiARN   = "arn:aws:apigateway:eu-west-1::/restapis/abc"
		stageARN = apiARN + "/stages/prod"
		lbARN    = "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/x/1"
	)
	snap := &snapshot.Snapshot{
		SchemaVersion: snapshot.SchemaVersion,
		Scope:         snapshot.Scope{Accounts: []string{"111111111111", h}, Regions: []string{"eu-west-1"}},
		RestAPIs: []snapshot.RestAPI{{
			ARN: apiARN, Account: "111111111111", Region: "eu-west-1", ID: "abc", Name: h,
			EndpointTypes: []string{"REGIONAL"},
			Stages:        []snapshot.RestStage{{ARN: stageARN, Name: h, Tags: snapshot.Tags{"team": h}}},
		}},
		LoadBalancers: []snapshot.LoadBalancer{{
			ARN: lbARN, Account: "111111111111", Region: "eu-west-1", Name: h, Type: "application",
			Scheme: "internet-facing", DNSName: "x-1.eu-west-1.elb.amazonaws.com",
		}},
	}
	r := &Report{
		Snapshot: snap,
		Scope:    snap.Scope,
		Findings: []Finding{
			{RuleID: "GW104", Severity: High, Title: "t", Resource: stageARN, Account: "111111111111", Region: "eu-west-1",
				Message: "stage " + h + " is public", Evidence: map[string]any{h: h, "list": []any{h}}, Fingerprint: "f1"},
			{RuleID: "GW207", Severity: Medium, Title: "t", Resource: lbARN, Account: h, Region: h,
				Message: h, Suppression: &Suppression{Kind: "file", Reason: h}, Fingerprint: "f2"},
		},
		Errors: []snapshot.CollectionError{{Account: h, Region: "eu-west-1", Service: "elbv2", Operation: "DescribeTags", Code: h, Message: h}},
		Fixed:  []Finding{{RuleID: "GW201", Severity: Low, Resource: h}},
	}
	r.Finalize()
	return r
}

// TestHumanFormatsNeutraliseHostileStrings renders every hostile string
// in every human-facing format: no control character survives, a 1 MB
// name does not make a 1 MB report, and Markdown links nothing of it.
func TestHumanFormatsNeutraliseHostileStrings(t *testing.T) {
	t.Parallel()
	for i, h := range hostile {
		r := hostileReport(h)
		for _, format := range []string{"table", "markdown", "html"} {
			t.Run(fmt.Sprintf("%s/%d", format, i), func(t *testing.T) {
				t.Parallel()
				out := string(render(t, format, r))
				checkHumanOutput(t, format, out)
				if format == "markdown" {
					text := outsideFences(out)
					for _, link := range []string{"https://evil", "www.evil", "ops@evil"} {
						if strings.Contains(text, link) {
							t.Errorf("markdown holds %q as GFM would autolink it", link)
						}
					}
				}
			})
		}
		t.Run(fmt.Sprintf("mermaid/%d", i), func(t *testing.T) {
			t.Parallel()
			checkHumanOutput(t, "mermaid label", mermaidLabel(h))
		})
	}
}

// outsideFences drops the fenced blocks (evidence JSON, the Mermaid
// diagram) and the code spans (identifiers) of a Markdown document, where
// GFM links nothing.
func outsideFences(md string) string {
	var b strings.Builder
	in := false
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			in = !in
			continue
		}
		if !in {
			b.WriteString(withoutCodeSpans(line) + "\n")
		}
	}
	return b.String()
}

// withoutCodeSpans drops the code spans of a line: a run of n backticks
// up to the next run of exactly n (CommonMark's rule).
func withoutCodeSpans(line string) string {
	var b strings.Builder
	run := func(i int) int {
		j := i
		for j < len(line) && line[j] == '`' {
			j++
		}
		return j - i
	}
	for i := 0; i < len(line); {
		if line[i] != '`' || i > 0 && line[i-1] == '\\' {
			b.WriteByte(line[i])
			i++
			continue
		}
		n := run(i)
		end := -1
		for j := i + n; j < len(line); {
			if line[j] != '`' {
				j++
				continue
			}
			if m := run(j); m == n {
				end = j + m
				break
			} else {
				j += m
			}
		}
		if end < 0 { // no closing run: literal backticks
			b.WriteString(line[i : i+n])
			i += n
			continue
		}
		i = end
	}
	return b.String()
}
