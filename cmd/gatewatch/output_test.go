package main

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mattn/go-runewidth"
	"github.com/spf13/pflag"

	"github.com/gatewatch/gatewatch/findings"
)

func TestPlanPairsFormatsWithOutputs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name             string
		formats, outputs []string
		want             []output
	}{
		{"default", nil, nil, []output{{format: "table"}}},
		{"one format to stdout", []string{"JSON"}, nil, []output{{format: "json"}}},
		{"format from the extension", nil, []string{"report.json"}, []output{{"json", "report.json"}}},
		{"every extension", nil,
			[]string{"a.sarif", "b.HTML", "c.md", "d.csv", "e.asff.json", "f.ocsf.json", "g.txt", "h.sarif.json", "i.htm", "j.markdown"},
			[]output{{"sarif", "a.sarif"}, {"html", "b.HTML"}, {"markdown", "c.md"}, {"csv", "d.csv"}, {"asff", "e.asff.json"},
				{"ocsf", "f.ocsf.json"}, {"table", "g.txt"}, {"sarif", "h.sarif.json"}, {"html", "i.htm"}, {"markdown", "j.markdown"}}},
		{"stdout without a format is the table", nil, []string{"-", "report.html"}, []output{{"table", "-"}, {"html", "report.html"}}},
		{"pairs in order", []string{"table", "sarif"}, []string{"-", "gatewatch.sarif"}, []output{{"table", "-"}, {"sarif", "gatewatch.sarif"}}},
		{"outputs past the formats infer", []string{"sarif"}, []string{"out", "report.json", "-"},
			[]output{{"sarif", "out"}, {"json", "report.json"}, {"table", "-"}}},
		{"unknown extension with a format", []string{"json", "html"}, []string{"report.out", "/dev/null"}, []output{{"json", "report.out"}, {"html", "/dev/null"}}},
		{"JSON-based formats accept .json", []string{"sarif", "asff", "ocsf"}, []string{"a.json", "b.json", "c.json"},
			[]output{{"sarif", "a.json"}, {"asff", "b.json"}, {"ocsf", "c.json"}}},
		{"a dot-file is no extension", []string{"markdown"}, []string{".md"}, []output{{"markdown", ".md"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := reportFlags{formats: tc.formats, outputs: tc.outputs, failOn: "none"}
			got, err := f.plan()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(output{})); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPlanRejectsAmbiguousOutputs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name             string
		formats, outputs []string
		want             string
	}{
		{"two formats to stdout", []string{"table", "json"}, nil, "only one format can go to stdout"},
		{"a format without its output", []string{"json", "html"}, []string{"a.json"}, "--format html has no --output"},
		{"contradicting extension", []string{"json"}, []string{"report.html"}, "a .html file holds html"},
		{"ASFF is not plain JSON", []string{"json"}, []string{"x.asff.json"}, "a .asff.json file holds asff"},
		{"table into a .json file", []string{"table"}, []string{"report.json"}, "a .json file holds json"},
		{"unknown extension, no format", nil, []string{"report"}, "cannot tell the format from the file name"},
		{"bad format", []string{"xml"}, []string{"a.xml"}, `--format "xml"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := reportFlags{formats: tc.formats, outputs: tc.outputs, failOn: "none"}
			_, err := f.plan()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("plan() error = %v, want %q", err, tc.want)
			}
			if ee, ok := err.(*exitError); !ok || ee.code != exitUsage {
				t.Errorf("error %v is not an input error (exit 2)", err)
			}
		})
	}
}

// TestOutputFromExtension is the first complaint: -o report.json
// wrote the table into report.json.
func TestOutputFromExtension(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	jsonOut, csvOut := filepath.Join(dir, "report.json"), filepath.Join(dir, "findings.csv")
	code, stdout, stderr := runCLI(t, "scan", "--demo", "-o", jsonOut, "-o", csvOut)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("an -o was given, yet stdout got %d bytes: %.200q", len(stdout), stdout)
	}
	var rep findings.Report
	if err := json.Unmarshal(mustReadFile(t, jsonOut), &rep); err != nil || rep.Summary.Total == 0 {
		t.Fatalf("%s is not the JSON report (%v)", jsonOut, err)
	}
	lines := strings.Split(strings.TrimSpace(string(mustReadFile(t, csvOut))), "\n")
	if lines[0] != "rule,severity,title,account,region,resource,message,controls,status" || len(lines) != rep.Summary.Total+1 {
		t.Errorf("%s: want the CSV header and %d rows, got %d lines starting %q", csvOut, rep.Summary.Total, len(lines), lines[0])
	}
}

func TestTableLayout(t *testing.T) {
	t.Parallel()
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	for _, tc := range []struct {
		name     string
		tty      bool
		ttyWidth int
		getenv   func(string) string
		noColor  bool
		want     findings.Options
	}{
		{"terminal", true, 93, env("COLUMNS", "200"), false, findings.Options{Width: 93, Color: true}},
		{"terminal, --no-color", true, 93, env(), true, findings.Options{Width: 93}},
		{"terminal, NO_COLOR", true, 93, env("NO_COLOR", "1"), false, findings.Options{Width: 93}},
		{"terminal, TERM=dumb", true, 93, env("TERM", "dumb"), false, findings.Options{Width: 93}},
		{"terminal of unknown size", true, 0, env("COLUMNS", "120"), false, findings.Options{Width: 120, Color: true}},
		{"pipe with COLUMNS", false, 0, env("COLUMNS", "80"), false, findings.Options{Width: 80}},
		{"pipe", false, 0, env(), false, findings.Options{Width: defaultPipeWidth}},
		{"pipe, bad COLUMNS", false, 0, env("COLUMNS", "wide"), false, findings.Options{Width: defaultPipeWidth}},
	} {
		if got := tableLayout(tc.tty, tc.ttyWidth, tc.getenv, tc.noColor); got != tc.want {
			t.Errorf("%s: tableLayout = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")

// TestDemoTableFitsTheTerminal renders the demo as a user sees it at 80 and
// 200 columns (COLUMNS, as on a pipe): no line is wider than that in
// display cells, and every finding is there. Not parallel: it sets
// COLUMNS for the process.
func TestDemoTableFitsTheTerminal(t *testing.T) {
	_, full, _ := runCLI(t, "scan", "--demo", "-f", "json")
	total := decodeReport(t, full).Summary.Total
	row := regexp.MustCompile(`^(HIGH|MEDIUM|LOW)?\s+GW\d{3}\s`)
	for _, limit := range []int{80, 200} {
		width := strconv.Itoa(limit)
		t.Setenv("COLUMNS", width)
		code, stdout, stderr := runCLI(t, "scan", "--demo")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		rows := 0
		for i, l := range strings.Split(stdout, "\n") {
			if n := runewidth.StringWidth(sgr.ReplaceAllString(l, "")); n > limit {
				t.Errorf("COLUMNS=%s: line %d is %d cells wide: %q", width, i+1, n, l)
			}
			if row.MatchString(l) {
				rows++
			}
		}
		if rows != total {
			t.Errorf("COLUMNS=%s: %d finding rows, want %d:\n%s", width, rows, total, stdout)
		}
		for _, want := range []string{"Scanned the bundled demo account", "resources:", "gatewatch rules GW104", "gatewatch scan --demo -o report.html"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("COLUMNS=%s: the table lacks %q", width, want)
			}
		}
		if strings.Contains(stdout, "\x1b") {
			t.Errorf("COLUMNS=%s: colour on a pipe", width)
		}
	}
}

// TestDocumentedOutputsPair holds every scan and eval command of the
// README and of --help to the pairing rules of plan: an example that would
// now fail (a -f left without its -o) fails here first.
func TestDocumentedOutputsPair(t *testing.T) {
	t.Parallel()
	readme := strings.ReplaceAll(string(mustReadFile(t, readmePath)), "\\\n", " ")
	commands := strings.Split(readme, "\n")
	a := &app{}
	for _, c := range newRootCommand(a).Commands() {
		commands = append(commands, strings.Split(c.Example, "\n")...)
	}
	checked := 0
	for _, l := range commands {
		_, rest, ok := strings.Cut(l, "gatewatch scan ")
		if !ok {
			_, rest, ok = strings.Cut(l, "gatewatch eval ")
		}
		if !ok {
			_, rest, ok = strings.Cut(l, "args: scan ")
		}
		if !ok || strings.Contains(rest, "[report flags]") {
			continue
		}
		rest, _, _ = strings.Cut(rest, "#")
		rest, _, _ = strings.Cut(rest, "`")
		var args []string
		for _, a := range strings.Fields(rest) {
			if !strings.Contains(a, "$") {
				args = append(args, strings.Trim(a, `'"`))
			}
		}
		var f reportFlags
		fs := pflag.NewFlagSet("example", pflag.ContinueOnError)
		fs.ParseErrorsAllowlist.UnknownFlags = true
		f.register(fs)
		if err := fs.Parse(args); err != nil {
			t.Errorf("%q: %v", l, err)
			continue
		}
		f.failOnNew = false // its --baseline comes from a step output
		if _, err := f.plan(); err != nil {
			t.Errorf("documented command %q: %v", strings.TrimSpace(l), err)
		}
		checked++
	}
	if checked < 10 {
		t.Errorf("checked %d documented commands; the extraction is broken", checked)
	}
}
