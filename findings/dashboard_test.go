package findings

import (
	"context"
	"encoding/csv"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/browser"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/google/go-cmp/cmp"

	"github.com/gatewatch/gatewatch/findings/judge"
	"github.com/gatewatch/gatewatch/internal/headless"
)

// pageEvents records what a page did that it must not: console errors and
// warnings (CSP refusals among them), uncaught exceptions, and every
// request it made.
type pageEvents struct {
	mu       sync.Mutex
	problems []string
	requests []string
}

func (p *pageEvents) listen(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		p.requests = append(p.requests, ev.Request.URL)
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			p.problems = append(p.problems, fmt.Sprintf("console.%s", ev.Type))
		}
	case *runtime.EventExceptionThrown:
		p.problems = append(p.problems, "exception: "+ev.ExceptionDetails.Text)
	case *cdplog.EventEntryAdded:
		if ev.Entry.Level == cdplog.EntryLevelError || ev.Entry.Level == cdplog.EntryLevelWarning {
			p.problems = append(p.problems, fmt.Sprintf("%s %s: %s", ev.Entry.Source, ev.Entry.Level, ev.Entry.Text))
		}
	}
}

// TestDashboardInChromium drives the HTML report in headless Chromium as a
// reader would: types in the search box, groups and sorts, clicks
// topology nodes, exports the CSV of the rows left and reads it back. The
// page must log no error or warning (a CSP refusal is one), throw nothing
// and make no request but its own file and the CSV it hands over.
func TestDashboardInChromium(t *testing.T) {
	path := judge.Chromium(t)
	r := testReport()
	// Cells a spreadsheet would run as formulas, to export.
	for i, f := range r.Findings {
		switch f.RuleID {
		case "GW106":
			r.Findings[i].Message = "=HYPERLINK(\"http://evil.example\",\"click\") " + f.Message
		case "GW201":
			r.Findings[i].Message = "@SUM(1+1) " + f.Message
		}
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, render(t, "html", r), 0o644); err != nil {
		t.Fatal(err)
	}
	downloads := filepath.Join(dir, "downloads")
	ctx, cancel := headless.Start(context.Background(), path, filepath.Join(dir, "profile"), 1400, 1000)
	defer cancel()
	var events pageEvents
	if err := chromedp.Listen(ctx, events.listen); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: new(true),
	}); err != nil {
		t.Fatal(err)
	}
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	// shown lists the findings left on screen, in order, as "RULE name".
	shown := func() []string {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#findings tr.finding"))
			.filter(r => !r.hidden && !r.parentNode.hidden)
			.map(r => r.dataset.rule + " " + (r.querySelector(".rname") || r.querySelector(".arn")).textContent)`))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	text := func(sel string) string {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	check := func(step string, want []string) {
		t.Helper()
		if diff := cmp.Diff(want, shown()); diff != "" {
			t.Errorf("%s: rows shown (-want +got):\n%s", step, diff)
		}
	}
	stage, api := "partners-api/prod", hostileName
	httpStage := hostileName + "/$default"

	do("open", chromedp.Navigate("file://"+page), chromedp.WaitVisible(chromedp.CSS(`html[data-ready="dashboard"] body`)))
	// Grouped by rule, most severe first; the suppressed finding hidden.
	check("on load", []string{"GW104 legacy", "GW101 " + stage, "GW108 " + api, "GW106 thumbnailer", "GW112 " + httpStage, "GW201 edge-alb"})
	if got := text("#shown"); got != "6 of 7 findings shown" {
		t.Errorf("count on load %q", got)
	}

	do("search", chromedp.SendKeys(chromedp.ID("q"), "edge-alb"))
	check("search edge-alb", []string{"GW106 thumbnailer", "GW201 edge-alb"})
	do("clear the search", chromedp.SendKeys(chromedp.ID("q"), strings.Repeat(kb.Backspace, len("edge-alb"))))

	// Ungrouped, sorted by resource name, then the other way.
	do("group by nothing", chromedp.SendKeys(chromedp.ID("f-group"), "nothing"))
	do("sort by resource", chromedp.Click(chromedp.CSS(`#findings th button[data-key="resource"]`)))
	ascending := []string{"GW108 " + api, "GW112 " + httpStage, "GW201 edge-alb", "GW104 legacy", "GW101 " + stage, "GW106 thumbnailer"}
	check("sorted by resource", ascending)
	do("sort by resource again", chromedp.Click(chromedp.CSS(`#findings th button[data-key="resource"]`)))
	descending := make([]string, len(ascending))
	for i, s := range ascending {
		descending[len(ascending)-1-i] = s
	}
	check("sorted by resource, descending", descending)
	do("sort by severity", chromedp.Click(chromedp.CSS(`#findings th button[data-key="severity"]`)))
	check("sorted by severity, most severe first", []string{"GW104 legacy", "GW101 " + stage, "GW108 " + api, "GW106 thumbnailer", "GW112 " + httpStage, "GW201 edge-alb"})
	do("sort by resource once more", chromedp.Click(chromedp.CSS(`#findings th button[data-key="resource"]`)))
	check("sorted by resource after another column", ascending)
	do("sort by resource, descending", chromedp.Click(chromedp.CSS(`#findings th button[data-key="resource"]`)))

	// A topology node filters the findings to those drawn on it; the
	// listener ARN's finding lands on its ALB.
	node := func(arn string) chromedp.CSS {
		return chromedp.CSS(fmt.Sprintf(`.picture g.node[data-arn=%q] rect`, arn))
	}
	do("click the edge ALB", chromedp.Click(node(edgeALBARN)))
	check("edge ALB clicked", []string{"GW201 edge-alb"})
	if got := text("#node-filter-text"); got != "edge-alb" {
		t.Errorf("filter chip says %q, want edge-alb", got)
	}
	do("click the HTTP API stage", chromedp.Click(node(httpStageARN)))
	// GW108 is on the API, drawn on its only stage.
	check("HTTP API stage clicked", []string{"GW112 " + httpStage, "GW108 " + api})
	do("search within the node", chromedp.SendKeys(chromedp.ID("q"), "access logs"))
	check("node and search", []string{"GW112 " + httpStage})
	do("clear the search", chromedp.SendKeys(chromedp.ID("q"), strings.Repeat(kb.Backspace, len("access logs"))))
	do("clear the node", chromedp.Click(chromedp.ID("node-filter-clear")))
	check("node cleared", descending)

	// Export what is left after hiding the info findings.
	do("hide info", chromedp.Click(chromedp.CSS(`input[name=sev][value=info]`)))
	wantRows := []string{"GW106 thumbnailer", "GW101 " + stage, "GW104 legacy", "GW112 " + httpStage, "GW108 " + api}
	check("info hidden", wantRows)
	progress := chromedp.BrowserEvents(ctx, browser.DownloadProgress)
	do("export", chromedp.Click(chromedp.ID("csv")))
	var file string
	for ev, err := range progress {
		if err != nil {
			t.Fatal(err)
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatal("the CSV download was canceled")
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			file = filepath.Join(downloads, ev.GUID)
			break
		}
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatalf("the export is not CSV: %v\n%s", err, data)
	}
	if diff := cmp.Diff([]string{"severity", "rule", "title", "resource", "name", "account", "region", "finding", "status"}, records[0]); diff != "" {
		t.Errorf("CSV header (-want +got):\n%s", diff)
	}
	var got []string
	for _, rec := range records[1:] {
		name := rec[4]
		if name == "" {
			name = rec[3]
		}
		got = append(got, rec[1]+" "+name)
		if strings.ContainsAny(rec[7][:1], "=+-@\t\r") {
			t.Errorf("CSV cell %q would run as a formula", rec[7])
		}
	}
	if diff := cmp.Diff(wantRows, got); diff != "" {
		t.Errorf("CSV rows (-want +got):\n%s", diff)
	}
	if !strings.Contains(string(data), `"'=HYPERLINK(""http://evil.example"",""click"") thumbnailer`) {
		t.Errorf("the formula cell was not made text:\n%s", data)
	}
	if !strings.Contains(string(data), `"GW104","Public entry point without a WAF web ACL","`+legacyALBARN+`","legacy","`+acctB+`","us-east-1"`) {
		t.Errorf("the CSV lacks the GW104 row as shown:\n%s", data)
	}

	events.mu.Lock()
	defer events.mu.Unlock()
	if len(events.problems) > 0 {
		t.Errorf("the page logged problems:\n%s", strings.Join(events.problems, "\n"))
	}
	if !slices.Contains(events.requests, "file://"+page) {
		t.Errorf("no request for the page itself among %q: the network listener heard nothing", events.requests)
	}
	for _, u := range events.requests {
		if u != "file://"+page && !strings.HasPrefix(u, "blob:") {
			t.Errorf("the page requested %s", u)
		}
	}
}

func TestInlineCode(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]template.HTML{
		"Run `aws wafv2 associate-web-acl --web-acl-arn ARN`.": "Run <code>aws wafv2 associate-web-acl --web-acl-arn ARN</code>.",
		"Set `a<b>` & `c`":                                        "Set <code>a&lt;b&gt;</code> &amp; <code>c</code>",
		"A stray ` backtick <i>":                                  "A stray ` backtick &lt;i&gt;",
		"Double ``code with ` inside`` here":                      "Double <code>code with ` inside</code> here",
		"`` ` `` is a backtick":                                   "<code>`</code> is a backtick",
		"<script>alert(1)</script>`<img src=x onerror=alert(1)>`": "&lt;script&gt;alert(1)&lt;/script&gt;<code>&lt;img src=x onerror=alert(1)&gt;</code>",
		"line\nbreak \x1b[31mred":                                 "line break red",
	} {
		if got := inlineCode(in); got != want {
			t.Errorf("inlineCode(%q) = %q, want %q", in, got, want)
		}
	}
}
