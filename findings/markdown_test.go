package findings

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

func TestMarkdown(t *testing.T) {
	t.Parallel()
	got := string(render(t, "markdown", testReport()))
	golden(t, "report.md", []byte(got))

	// Gaps come before the findings, prominently.
	gaps, findings := strings.Index(got, "## Coverage gaps"), strings.Index(got, "## Findings by severity")
	if gaps < 0 || findings < 0 || gaps > findings || !strings.Contains(got, "[!WARNING]") {
		t.Error("coverage gaps are missing or come after the findings")
	}
	for _, want := range []string{"### Critical (1)", "| edge-alb | 111111111111 | eu-west-1 | GW106 (medium) on thumbnailer, GW201 (info) |", "## Findings by entry point", "## Suppressed", "```mermaid\nflowchart LR\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// Hostile strings are inert: no raw tag, no raw ANSI, and table rows
	// keep their number of cells.
	if strings.Contains(got, "<script>") || strings.Contains(got, "\x1b") {
		t.Error("report contains a raw <script> tag or an escape character")
	}
	unescapedPipe := regexp.MustCompile(`(^|[^\\])\|`)
	for _, line := range strings.Split(got, "\n") {
		if strings.HasPrefix(line, "| Rule | Resource | By |") {
			continue
		}
		if strings.Contains(line, "RISK-12") && len(unescapedPipe.FindAllString(line, -1)) != 6 {
			t.Errorf("suppression row has the wrong number of cells: %s", line)
		}
	}
}

func TestMermaid(t *testing.T) {
	t.Parallel()
	got := string(render(t, "markdown", testReport()))
	start := strings.Index(got, "```mermaid\n")
	end := strings.Index(got[start+3:], "```") + start + 3
	block := got[start+len("```mermaid\n") : end]

	node := regexp.MustCompile(`^  (clients|n\d+)(\(\[|\{\{|\[/|\(|\[)"([^"]*)"(\]\)|\}\}|/\]|\)|\])$`)
	edge := regexp.MustCompile(`^  (clients|n\d+) --> n\d+$`)
	class := regexp.MustCompile(`^  (classDef (critical|high|medium|low|info) [-a-z0-9:#,]+|class [n0-9,]+ (critical|high|medium|low|info))$`)
	// A comment names each node's resource, on one line.
	comment := regexp.MustCompile(`^  %% n\d+ arn:[^\n%]+$`)
	nodes := 0
	for _, line := range strings.Split(strings.TrimSpace(block), "\n")[1:] {
		line = "  " + strings.TrimSpace(line)
		switch {
		case node.MatchString(line):
			nodes++
			label := node.FindStringSubmatch(line)[3]
			// Only our own <br/> may appear as markup.
			if rest := strings.ReplaceAll(label, "<br/>", ""); strings.ContainsAny(rest, "<>`|[]{}()$\"") {
				t.Errorf("unescaped character in label %q", label)
			}
		case edge.MatchString(line), class.MatchString(line), comment.MatchString(line):
		default:
			t.Errorf("unexpected Mermaid line %q", line)
		}
	}
	if nodes != 11 {
		t.Errorf("%d nodes, want 11", nodes)
	}
	if !strings.Contains(block, "#60;script#62;alert#40;1#41;#60;/script#62;") {
		t.Error("hostile API name not entity-encoded")
	}
	if !strings.Contains(block, "class n6 critical") {
		t.Errorf("critical node not classed:\n%s", block)
	}
}

func TestMarkdownEscapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fn       func(string) string
		in, want string
	}{
		{mdEscape, "a|b*c_d`e<f>[g](h)!j~k&l$n\\o", `a\|b\*c\_d\` + "`" + `e\<f\>\[g\]\(h\)\!j\~k\&l\$n\\o`},
		// GitHub finds e-mail autolinks, @mentions and #123 references in
		// the parsed text, where backslashes are gone: only code hides them.
		{mdEscape, "ops@example.com #12", "ops`@`example.com `#`12"},
		// GFM's URL autolink starts at an unescaped ':' followed by "//";
		// its www autolink needs "www." verbatim in the source.
		{mdEscape, "see https://evil.example/x", `see https\://evil.example/x`},
		{mdEscape, "www.evil.example", `www\.evil.example`},
		{mdEscape, "two\nlines", "two lines"},
		{mdCode, "plain", "`plain`"},
		{mdCode, "a`b``c", "``` a`b``c ```"},
		{mdCell, "a|b`c", "`` a\\|b`c ``"},                         // GFM splits a table cell at | even in code
		{mdCode, "https://evil.example", "`https://evil.example`"}, // GFM links nothing in code
		{mermaidLabel, `say "hi" | <b> ` + "`x`", "say #34;hi#34; #124; #60;b#62; #96;x#96;"},
		{mermaidLabel, "line\nbreak#1;", "line break#35;1#59;"},
		{mermaidLabel, "ünïcode-ok_1.2/3:4", "ünïcode-ok_1.2/3:4"},
	}
	for _, tt := range tests {
		if got := tt.fn(tt.in); got != tt.want {
			t.Errorf("escape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestMarkdownGroupsByRule: findings of one rule share one heading and one
// fix; the rule's commands render as code while AWS strings stay escaped.
func TestMarkdownGroupsByRule(t *testing.T) {
	t.Parallel()
	r := testReport()
	extra := r.Findings[0]
	for i := range 2 {
		f := extra
		f.Resource = fmt.Sprintf("%s-%d", extra.Resource, i)
		f.Message = "ALB `rm -rf` *bold* [x](https://evil.example)"
		r.Findings = append(r.Findings, f)
	}
	for i := range r.Findings {
		if r.Findings[i].RuleID == "GW104" {
			r.Findings[i].Remediation = "Associate one: `aws wafv2 associate-web-acl --web-acl-arn ACL_ARN`."
		}
	}
	r.Finalize()
	got := string(render(t, "markdown", r))
	if n := strings.Count(got, "#### GW104 "); n != 1 {
		t.Errorf("%d GW104 headings, want 1", n)
	}
	if !strings.Contains(got, "#### GW104 Public entry point without a WAF web ACL (3)\n\n**How to fix:** Associate one: `aws wafv2 associate-web-acl --web-acl-arn ACL_ARN`.") {
		t.Errorf("GW104's fix is not once, as code, under its heading:\n%s", got)
	}
	if n, rules := strings.Count(got, "**How to fix:**"), 6; n != rules {
		t.Errorf("%d fixes for %d rules", n, rules)
	}
	if !strings.Contains(got, "ALB \\`rm -rf\\` \\*bold\\* \\[x\\]\\(https\\://evil.example\\)") {
		t.Errorf("an AWS message is not escaped:\n%s", got)
	}
	if n := strings.Count(got, "<details><summary>Evidence</summary>"); n != 3+5 {
		t.Errorf("%d collapsed evidence blocks, want one per finding with evidence (8)", n)
	}
	if strings.Contains(got, "not shown") {
		t.Error("a small report says something was left out")
	}
}

// TestMarkdownFitsAComment: a report far larger than GitHub's comment
// limit is cut to it, says how much it left out and where the rest is,
// and still opens with the verdict and the most severe findings.
func TestMarkdownFitsAComment(t *testing.T) {
	t.Parallel()
	r := testReport()
	r.Findings = repeatFindings(r.Findings, 2000, func(f *Finding) { f.Message = strings.Repeat("long message ", 40) })
	for i := range 500 {
		r.Errors = append(r.Errors, snapshot.CollectionError{Account: acctA, Region: "eu-west-1", Service: "elbv2",
			Operation: fmt.Sprintf("DescribeTags%d", i), Code: "Throttling", Message: strings.Repeat("x", 200)})
	}
	r.Finalize()
	got := string(render(t, "markdown", r))
	if n := utf8.RuneCountInString(got); n > 65536 {
		t.Fatalf("%d characters, over GitHub's 65,536", n)
	}
	for _, want := range []string{
		"**12000 findings (2000 critical,",
		"### Critical (2000)",
		"#### GW104 Public entry point without a WAF web ACL (2000)",
		"rows not shown, to keep this report under GitHub's 65,536-character comment limit",
		"more findings of 6 rules not shown**",
		"`-o report.html`",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the cut report lacks %q", want)
		}
	}
	// Cut between items, never inside one: every fence and details
	// element that opens closes.
	if strings.Count(got, "```")%2 != 0 || strings.Count(got, "<details>") != strings.Count(got, "</details>") {
		t.Error("the cut left a code fence or a details element open")
	}
}
