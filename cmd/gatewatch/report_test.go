package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cancelOnWrite cancels the run's context when stdout is first written
// to: a signal that arrives while the first of two outputs is written.
type cancelOnWrite struct {
	cancel context.CancelFunc
	strings.Builder
}

func (c *cancelOnWrite) Write(p []byte) (int, error) {
	c.cancel()
	return c.Builder.Write(p)
}

// TestInterruptWhileWriting interrupts a run between its outputs: the
// output already written stays, the file not yet written is not created,
// stderr says which is which, and the exit code is 3.
func TestInterruptWhileWriting(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout := &cancelOnWrite{cancel: cancel}
	var stderr strings.Builder
	out := filepath.Join(t.TempDir(), "report.json")
	code := run(ctx, []string{"eval", "../../testdata/demo/snapshot.json", "-f", "table", "-f", "json", "-o", "-", "-o", out},
		strings.NewReader(""), stdout, &stderr)
	if code != exitInterrupted {
		t.Errorf("exit %d, want %d; stderr:\n%s", code, exitInterrupted, stderr.String())
	}
	if want := "not written: json to " + out + "; written: table to stdout"; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr = %q, want it to say %q", stderr.String(), want)
	}
	if !strings.Contains(stdout.String(), "findings") {
		t.Errorf("the table written before the signal is missing: %q", stdout.String())
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("report.json exists after the interruption (stat: %v)", err)
	}
}
