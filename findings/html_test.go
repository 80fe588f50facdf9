package findings

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gatewatch/gatewatch/findings/judge"
	"golang.org/x/net/html"
)

func TestHTML(t *testing.T) {
	t.Parallel()
	got := render(t, "html", testReport())
	golden(t, "report.html", got)

	doc, err := html.Parse(bytes.NewReader(got))
	if err != nil {
		t.Fatal(err)
	}
	var scripts, svgs, rows int
	var text strings.Builder
	var csp, script string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script":
				scripts++
				if n.FirstChild != nil {
					script = n.FirstChild.Data
				}
			case "meta":
				if attr(n, "http-equiv") == "Content-Security-Policy" {
					csp = attr(n, "content")
				}
			case "svg":
				svgs++
			case "tr":
				for _, a := range n.Attr {
					if a.Key == "data-rule" {
						rows++
					}
				}
			case "link", "iframe", "img", "object", "embed":
				t.Errorf("<%s> element in a self-contained page", n.Data)
			}
			for _, a := range n.Attr {
				// No event handler attributes, no fetches.
				if strings.HasPrefix(a.Key, "on") {
					t.Errorf("<%s> has an event handler attribute %s=%q", n.Data, a.Key, a.Val)
				}
				if a.Key == "src" || a.Key == "srcset" || a.Key == "href" && n.Data != "a" {
					t.Errorf("<%s %s=%q> fetches", n.Data, a.Key, a.Val)
				}
			}
		}
		if n.Type == html.TextNode {
			text.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	// The CSP admits the page's own script by hash, and nothing else.
	if !strings.Contains(csp, "script-src 'sha256-"+cspHash(script)+"'") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP %q does not pin the script", csp)
	}
	if scripts != 1 || svgs != 1 || rows != 7 {
		t.Errorf("%d scripts, %d svgs, %d finding rows; want 1, 1, 7", scripts, svgs, rows)
	}
	// The hostile strings are shown as text, not run.
	for _, want := range []string{hostileName, `team=` + hostileTag, "Rate exceeded <retries exhausted>"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("page text lacks %q", want)
		}
	}
	if bytes.Contains(got, []byte(hostileName)) || bytes.Contains(got, []byte(`" onmouseover="`)) {
		t.Error("a hostile string appears unescaped in the markup")
	}
	if bytes.Contains(got, []byte("\x1b")) {
		t.Error("an escape character reached the page")
	}
	if regexp.MustCompile(`(?i)@import|url\((?:["']?)(?:https?:|//)`).Match(got) {
		t.Error("the stylesheet fetches")
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// TestHTMLChromium opens the page in headless Chromium: the script must run
// to the end (it marks the root element), the console must stay free of
// errors and CSP refusals, and a screenshot is left for a person to look
// at (GATEWATCH_SCREENSHOT=path keeps it).
func TestHTMLChromium(t *testing.T) {
	browser := judge.Chromium(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, render(t, "html", testReport()), 0o644); err != nil {
		t.Fatal(err)
	}
	dom, logs := judge.Headless(t, browser, page, "--dump-dom", "--virtual-time-budget=2000")
	if !strings.Contains(dom, `data-ready="filters"`) {
		t.Errorf("the page script did not run to the end; console:\n%s", judge.ConsoleLines(logs))
	}
	if !strings.Contains(dom, "6 of 7 findings shown") {
		t.Error("the filters did not apply on load (suppressed rows hidden)")
	}
	if strings.Contains(dom, "<script>alert") {
		t.Error("the hostile name became markup in the live DOM")
	}
	if bad := regexp.MustCompile(`(?i)uncaught|refused to|console\(\d+\)].*error`).FindAllString(logs, -1); len(bad) > 0 {
		t.Errorf("console errors: %q\n%s", bad, judge.ConsoleLines(logs))
	}

	shot := os.Getenv("GATEWATCH_SCREENSHOT")
	if shot == "" {
		shot = filepath.Join(dir, "report.png")
	}
	judge.Headless(t, browser, page, "--screenshot="+shot, "--window-size=1500,1400", "--hide-scrollbars")
	if info, err := os.Stat(shot); err != nil || info.Size() < 10_000 {
		t.Errorf("screenshot %s missing or blank: %v", shot, err)
	}
}
