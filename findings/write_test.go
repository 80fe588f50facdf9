package findings

import (
	"bytes"
	"strings"
	"testing"
)

func TestWriteEveryFormat(t *testing.T) {
	t.Parallel()
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			r := testReport()
			before := render(t, "json", r)
			got := render(t, format, r)
			if len(got) == 0 {
				t.Fatal("empty output")
			}
			// Writers must not change the report (several formats are
			// written from one report).
			if after := render(t, "json", r); !bytes.Equal(before, after) {
				t.Error("writer changed the report")
			}
			// Deterministic: the same report gives the same bytes.
			if again := render(t, format, testReport()); !bytes.Equal(got, again) {
				t.Error("two renders of the same report differ")
			}
		})
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	t.Parallel()
	err := Write(&bytes.Buffer{}, "xml", testReport())
	if err == nil || !strings.Contains(err.Error(), `unknown format "xml"`) || !strings.Contains(err.Error(), "json") {
		t.Fatalf("Write(xml) = %v, want an error naming the format and the known ones", err)
	}
}

// TestWriteEmpty renders a clean report with no snapshot, rules or
// findings: every writer must cope, and say there is nothing.
func TestWriteEmpty(t *testing.T) {
	t.Parallel()
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			r := &Report{SnapshotTakenAt: "2026-11-24T02:00:00Z"}
			r.Finalize()
			got := string(render(t, format, r))
			switch format {
			case "table":
				if !strings.HasPrefix(got, "0 findings, 0 suppressed, 0 collection errors") {
					t.Errorf("table: %q", got)
				}
			case "json", "ocsf":
				if !strings.Contains(got, `[]`) {
					t.Errorf("%s: no empty list in %q", format, got)
				}
			case "sarif":
				if log := parseSARIF(t, []byte(got)); len(log.Runs[0].Results) != 0 {
					t.Errorf("sarif: results in an empty report")
				}
			case "markdown", "html":
				if !strings.Contains(got, "0 findings") {
					t.Errorf("%s lacks the verdict", format)
				}
			case "asff":
				if !strings.Contains(got, `"Findings": []`) {
					t.Errorf("asff: %q", got)
				}
			}
		})
	}
}
