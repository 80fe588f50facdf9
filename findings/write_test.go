package findings

import (
	"bytes"
	"context"
	"errors"
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
	err := Write(context.Background(), &bytes.Buffer{}, "xml", testReport())
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
				if !strings.Contains(got, "\n0 findings, 0 suppressed, 0 collection errors\n") || strings.Contains(got, "SEVERITY") {
					t.Errorf("table: %q", got)
				}
			case "csv":
				if got != strings.Join(csvHeader, ",")+"\n" {
					t.Errorf("csv: want the header alone, got %q", got)
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
				if got != `{"Findings":[]}` {
					t.Errorf("asff: %q", got)
				}
			}
		})
	}
}

// cancelOnFirstWrite cancels its context when the first bytes arrive and
// counts what it is given.
type cancelOnFirstWrite struct {
	cancel context.CancelFunc
	n      int
}

func (c *cancelOnFirstWrite) Write(p []byte) (int, error) {
	c.cancel()
	c.n += len(p)
	return len(p), nil
}

// TestWriteStopsWhenCanceled interrupts every writer at its first write
// of a large report: it must stop with the context's error, not render
// the rest.
func TestWriteStopsWhenCanceled(t *testing.T) {
	t.Parallel()
	r := testReport()
	r.Findings = repeatFindings(r.Findings, 3000, nil)
	r.Finalize()
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			full := len(render(t, format, r))
			if format == "markdown" {
				// Markdown is held under GitHub's comment limit, less than
				// one chunk: it is written in one go, nothing to stop.
				if full > mdBudget || full > ctxChunk {
					t.Fatalf("markdown of 18k findings is %d bytes, over the budget of %d", full, mdBudget)
				}
				return
			}
			ctx, cancel := context.WithCancel(context.Background())
			w := &cancelOnFirstWrite{cancel: cancel}
			err := Write(ctx, w, format, r)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Write = %v, want context.Canceled", err)
			}
			if w.n > ctxChunk || w.n >= full {
				t.Errorf("wrote %d of %d bytes after the cancellation, want at most one chunk of %d", w.n, full, ctxChunk)
			}
		})
	}
}
