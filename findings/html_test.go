package findings

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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
	var scripts, rows int
	var pictures []string
	var text strings.Builder
	var csp, script, style string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script":
				scripts++
				if n.FirstChild != nil {
					script = n.FirstChild.Data
				}
			case "style":
				if n.FirstChild != nil {
					style = n.FirstChild.Data
				}
			case "meta":
				if attr(n, "http-equiv") == "Content-Security-Policy" {
					csp = attr(n, "content")
				}
			case "svg":
				if attr(n, "role") == "img" {
					pictures = append(pictures, attr(n, "aria-label"))
				}
			case "tr":
				if strings.Contains(attr(n, "class"), "finding") {
					rows++
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
	if scripts != 1 || rows != 7 {
		t.Errorf("%d scripts, %d finding rows; want 1, 7", scripts, rows)
	}
	wantPictures := []string{"Findings by severity", "Findings by rule", "Findings by account and region", "Topology of the audited entry points"}
	if diff := cmp.Diff(wantPictures, pictures); diff != "" {
		t.Errorf("pictures (-want +got):\n%s", diff)
	}
	if !strings.Contains(csp, "style-src 'sha256-"+cspHash(style)+"'") {
		t.Errorf("CSP %q does not pin the style", csp)
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
