package findings

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mattn/go-runewidth"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

func TestTable(t *testing.T) {
	t.Parallel()
	got := string(render(t, "table", testReport()))
	golden(t, "report.txt", []byte(got))

	for _, want := range []string{
		"6 findings (1 critical, 2 high, 1 medium, 1 low, 1 info), 1 suppressed, 2 collection errors",
		"Scanned 2 accounts (111111111111 (shop-prod), 222222222222 (legacy)), 2 regions (eu-west-1, us-east-1).",
		"16 resources: 1 CloudFront distribution, 1 web ACL, 1 REST API,",
		"INCOMPLETE",
		"AccessDeniedException",
		"Rate exceeded <retries exhausted>", // newline flattened
		"Partners are throttled by the edge WAF",
		"Could not evaluate (1 rule and resource checks)",
		"grant wafv2:GetWebACL, wafv2:ListWebACLs",
		"gatewatch rules GW104", // the most severe finding's rule
	} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q", want)
		}
	}
	// Terminal safety: no escape or other control character survives;
	// the visible text of the hostile tag does.
	for i, c := range got {
		if c < 0x20 && c != '\n' || c == 0x7f || c >= 0x80 && c < 0xa0 {
			t.Fatalf("control character %U at byte %d: %q", c, i, got[max(0, i-20):min(len(got), i+20)])
		}
	}
	if !strings.Contains(got, "red|` next") {
		t.Errorf("table lost the visible text of the tag: %q", got)
	}
	// Grouped by severity: each severity named once, most severe first,
	// a blank line between the groups.
	var order []string
	for _, l := range strings.Split(got, "\n") {
		if f := strings.Fields(l); len(f) > 1 && strings.HasPrefix(f[1], "GW") && f[0] == strings.ToUpper(f[0]) && !strings.HasPrefix(f[0], "GW") {
			order = append(order, f[0])
		}
	}
	if diff := cmp.Diff([]string{"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO"}, order); diff != "" {
		t.Errorf("severity groups (-want +got):\n%s", diff)
	}
	if !strings.Contains(got, "a public endpoint.\n\nMEDIUM") {
		t.Errorf("no blank line between the high and medium groups:\n%s", got)
	}
}

// wideReport is testReport with text a terminal shows two cells wide per
// character (CJK, emoji) and a long unbroken ARN in a message: what a
// byte or rune count gets wrong.
func wideReport() *Report {
	r := testReport()
	r.Findings = append(r.Findings,
		finding("GW108", restAPIARN, snapshot.TypeRestAPI, acctA, "eu-west-1",
			"API 東京リージョンの注文サービス 🚀 only reaches internal backends but has a public endpoint: "+
				"arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/very-long-internal-load-balancer-name/50dc6c495c0c9188",
			nil))
	r.Snapshot.RestAPIs[0].Name = "注文API-東京-パートナー向け"
	r.Finalize()
	return r
}

// writeTableAt renders r as the table with o.
func writeTableAt(t *testing.T, r *Report, o Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteWith(context.Background(), &buf, "table", r, o); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

var sgrPattern = regexp.MustCompile("\x1b\\[[0-9;]*m")

// assertFits fails for each line wider than width display cells, colour
// codes not counted.
func assertFits(t *testing.T, out string, width int) {
	t.Helper()
	for i, l := range strings.Split(out, "\n") {
		if w := runewidth.StringWidth(sgrPattern.ReplaceAllString(l, "")); w > width {
			t.Errorf("line %d is %d cells wide, more than %d: %q", i+1, w, width, l)
		}
	}
}

func TestTableFitsTheWidth(t *testing.T) {
	t.Parallel()
	r := wideReport()
	for _, width := range []int{80, 100, 120} {
		out := writeTableAt(t, r, Options{Width: width, Color: true, Demo: true})
		assertFits(t, out, width)
		// Rule IDs and severities are never wrapped or cut: each active
		// finding's rule starts a row, whole.
		plain := sgrPattern.ReplaceAllString(out, "")
		rows := regexp.MustCompile(`(?m)^(?:CRITICAL|HIGH|MEDIUM|LOW|INFO)?\s+(GW\d{3})\s`).FindAllStringSubmatch(plain, -1)
		if len(rows) < r.Summary.Total {
			t.Errorf("width %d: %d rows start with a whole rule ID, want at least %d:\n%s", width, len(rows), r.Summary.Total, plain)
		}
		if !strings.Contains(plain, "CRITICAL") {
			t.Errorf("width %d: severity cut:\n%s", width, plain)
		}
	}
	// Without a width, one line per finding, whatever its length.
	out := writeTableAt(t, r, Options{})
	if !strings.Contains(out, "東京リージョンの注文サービス 🚀 only reaches internal backends but has a public endpoint: arn:aws:") {
		t.Errorf("unlimited width wrapped a message:\n%s", out)
	}
}

func TestTableColourOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	r := testReport()
	plain := writeTableAt(t, r, Options{Width: 100})
	if strings.Contains(plain, "\x1b") {
		t.Fatalf("escape sequence without Color:\n%q", plain)
	}
	colour := writeTableAt(t, r, Options{Width: 100, Color: true})
	if !strings.Contains(colour, "\x1b[1;31mCRITICAL\x1b[0m") || !strings.Contains(colour, "\x1b[33mMEDIUM\x1b[0m") {
		t.Errorf("severities not coloured:\n%q", colour)
	}
	// Colour changes nothing of the layout, and the hostile tag's own
	// escapes are still gone: every escape left is one of ours.
	if diff := cmp.Diff(plain, sgrPattern.ReplaceAllString(colour, "")); diff != "" {
		t.Errorf("colour changed the text (-plain +coloured without SGR):\n%s", diff)
	}
	if strings.Contains(sgrPattern.ReplaceAllString(colour, ""), "\x1b") {
		t.Error("an escape other than our colours survived")
	}
}

func TestTableColumnsAndHeaderFollowTheScope(t *testing.T) {
	t.Parallel()
	r := testReport()
	// One account and one region: no columns for them, the header names them.
	var keep []Finding
	for _, f := range r.Findings {
		if f.Account == acctA {
			keep = append(keep, f)
		}
	}
	r.Findings, r.Errors, r.NotEvaluated = keep, nil, nil
	r.Scope = snapshot.Scope{Accounts: []string{acctA}, Regions: []string{"eu-west-1"}}
	r.Finalize()
	out := writeTableAt(t, r, Options{Width: 200, Demo: true})
	if strings.Contains(out, "ACCOUNT") || strings.Contains(out, "REGION") {
		t.Errorf("one account and region, yet columns for them:\n%s", out)
	}
	for _, want := range []string{
		"Scanned the bundled demo account (sample data, not your AWS): account 111111111111 (shop-prod), region eu-west-1.",
		"gatewatch scan --demo -o report.html",
		"gatewatch scan --profile PROFILE",
		"SEVERITY  RULE   RESOURCE",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	// Near miss: the two-account report has both columns, and a real scan
	// is not called the demo.
	out = writeTableAt(t, testReport(), Options{Width: 200})
	if !strings.Contains(out, "SEVERITY  RULE   ACCOUNT       REGION     RESOURCE") || strings.Contains(out, "demo") {
		t.Errorf("two accounts and regions: want both columns and no demo hints:\n%s", out)
	}
}

func TestFitWidths(t *testing.T) {
	t.Parallel()
	cols := []column{{header: "severity"}, {header: "rule"}, {header: "resource", wrap: 1}, {header: "message", wrap: 2}}
	natural := []int{8, 5, 30, 150}
	gaps := 3 * len(columnGap)
	for _, tc := range []struct {
		width int
		want  []int
	}{
		{0, natural},                                  // no limit
		{250, natural},                                // fits
		{80, []int{8, 5, 20, 41}},                     // 61 left, shared 1:2
		{150, []int{8, 5, 30, 150 - 43 - gaps}},       // resource needs less than its share: the message gets the rest
		{20, []int{8, 5, minWrapWidth, minWrapWidth}}, // too narrow: wrapped columns keep a minimum
	} {
		if diff := cmp.Diff(tc.want, fitWidths(cols, natural, tc.width)); diff != "" {
			t.Errorf("width %d (-want +got):\n%s", tc.width, diff)
		}
	}
}

func TestWrapName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"orders-internal-http/$default", 20, "orders-internal-\nhttp/$default"},
		{"short", 20, "short"},
		{"abcdefghij", 4, "abcd\nefgh\nij"},   // no punctuation: cut
		{"東京東京東京", 5, "東京\n東京\n東京"},           // two cells each
		{"a/b/c/d/e/f", 4, "a/b/\nc/d/\ne/f"}, // break after the last '/' that fits
	} {
		if got := wrapName(tc.in, tc.n); got != tc.want {
			t.Errorf("wrapName(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}
