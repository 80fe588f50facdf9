package findings

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gatewatch/gatewatch/findings/judge"
)

// TestMermaidRenders renders the report's diagram with Mermaid itself, in
// headless Chromium, in the strict security level GitHub uses: the
// diagram must parse, keep every node, and show the hostile API name as
// text. Needs Chromium and MERMAID_JS (the path of mermaid.min.js from the
// npm package mermaid); skips without them unless CI=true.
func TestMermaidRenders(t *testing.T) {
	browser := judge.Chromium(t)
	lib := os.Getenv("MERMAID_JS")
	if lib == "" {
		msg := "MERMAID_JS not set (npm install --prefix DIR mermaid@11; MERMAID_JS=DIR/node_modules/mermaid/dist/mermaid.min.js)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	md := string(render(t, "markdown", testReport()))
	start := strings.Index(md, "```mermaid\n") + len("```mermaid\n")
	code := md[start : start+strings.Index(md[start:], "```")]

	dir := t.TempDir()
	js, err := os.ReadFile(lib)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "mermaid.min.js"), js, 0o644); err != nil {
		t.Fatal(err)
	}
	quoted, _ := json.Marshal(code) // escapes <, > and & for a script block
	page := `<!DOCTYPE html><html><head><meta charset="utf-8"><script src="mermaid.min.js"></script></head>
<body><div id="out"></div><script>
mermaid.initialize({startOnLoad: false, securityLevel: "strict"});
mermaid.render("topo", ` + string(quoted) + `).then(function (r) {
  document.getElementById("out").innerHTML = r.svg;
  document.documentElement.setAttribute("data-mermaid", "ok");
}).catch(function (e) {
  document.documentElement.setAttribute("data-mermaid", "error: " + ((e && e.message) || e));
});
</script></body></html>`
	path := filepath.Join(dir, "mermaid.html")
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	dom, logs := judge.Headless(t, browser, path, "--dump-dom", "--virtual-time-budget=10000")
	if !strings.Contains(dom, `data-mermaid="ok"`) {
		m := regexp.MustCompile(`data-mermaid="[^"]*"`).FindString(dom)
		t.Fatalf("Mermaid did not render the diagram: %s\n%s", m, judge.ConsoleLines(logs))
	}
	if n := strings.Count(dom, `class="node `); n != 11 {
		t.Errorf("rendered %d nodes, want 11", n)
	}
	for _, want := range []string{"partners-api/prod", "&lt;script&gt;alert(1)&lt;/script&gt;/$default", "⚠ 1 critical"} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered diagram lacks %q", want)
		}
	}
	if strings.Contains(dom, "<script>alert") {
		t.Error("the hostile name became markup in the rendered diagram")
	}
	if shot := os.Getenv("GATEWATCH_MERMAID_SCREENSHOT"); shot != "" {
		judge.Headless(t, browser, path, "--screenshot="+shot, "--window-size=1600,700", "--virtual-time-budget=10000")
	}
}
