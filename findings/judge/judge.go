// Package judge runs the external judges of gatewatch's outputs from Go
// tests: Microsoft's SARIF Multitool with GitHub's ingestion rules, and
// headless Chromium for the HTML report. Each is looked up once; a test
// skips when a judge is absent, except under CI=true, where it fails.
package judge

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// missing skips, or fails under CI, when a judge is not installed.
func missing(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// Multitool finds the SARIF Multitool: $SARIF_MULTITOOL, or
// sarif-multitool on PATH. The npm package's .bin wrapper runs the tool
// through a shell, which splits "Gh;Sarif" at the semicolon, so point
// SARIF_MULTITOOL at the Sarif.Multitool binary inside the package.
func Multitool(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("SARIF_MULTITOOL"); p != "" {
		return p
	}
	for _, name := range []string{"sarif-multitool", "Sarif.Multitool"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	missing(t, "SARIF Multitool not found: npm install --prefix DIR @microsoft/sarif-multitool-linux and set "+
		"SARIF_MULTITOOL=DIR/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool")
	return ""
}

// SARIFErrors validates data with the Multitool under GitHub's and the
// SARIF rules ("Gh;Sarif") and returns the error-level results, one line
// each: rule ID and message.
func SARIFErrors(t testing.TB, tool string, data []byte) []string {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.sarif"), filepath.Join(dir, "validation.sarif")
	if err := os.WriteFile(in, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(tool, "validate", "--rule-kind", "Gh;Sarif", "--output", out, in)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", tool, err, b)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID  string          `json:"ruleId"`
				Level   string          `json:"level"`
				Message json.RawMessage `json:"message"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(raw, &log); err != nil || len(log.Runs) == 0 {
		t.Fatalf("multitool output is not SARIF: %v", err)
	}
	var errs []string
	for _, res := range log.Runs[0].Results {
		if res.Level == "error" {
			errs = append(errs, res.RuleID+" "+string(res.Message))
		}
	}
	return errs
}

// Chromium finds a headless-capable Chromium: $CHROMIUM, then the usual
// names on PATH.
func Chromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	missing(t, "Chromium not found (apt-get install -y chromium, or set CHROMIUM)")
	return ""
}

// Headless runs Chromium on a local page with everything that could reach
// the network turned off, and returns its stdout and log.
func Headless(t testing.TB, browser, page string, args ...string) (stdout, stderr string) {
	t.Helper()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0"}
	cmd := exec.Command(browser, append(append(base, args...), "file://"+page)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%s: %v\n%s", browser, err, errb.String())
		}
	case <-time.After(90 * time.Second):
		// A hung browser is a broken judge, not a slow test.
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("%s did not finish in 90s", browser)
	}
	return out.String(), errb.String()
}

// ConsoleLines keeps the browser log lines that come from the page.
func ConsoleLines(logs string) string {
	var keep []string
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, "CONSOLE") || strings.Contains(l, "console") || strings.Contains(l, "Uncaught") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
