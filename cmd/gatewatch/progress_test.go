package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatewatch/gatewatch/collectors"
)

func TestProgressLine(t *testing.T) {
	t.Parallel()
	p := collectors.Progress{Accounts: 1000, AccountsDone: 120, AccountRegions: 17000, AccountRegionsDone: 2000,
		Calls: 30000, Throttles: 2, Errors: 1, Elapsed: 20 * time.Second}
	want := "collecting: accounts 120/1000, account-regions 2000/17000, 1500 calls/s, 2 throttled, 1 errors, ETA 2m30s"
	if got := progressLine(p); got != want {
		t.Errorf("progressLine =\n%q, want\n%q", got, want)
	}
	if got := progressLine(collectors.Progress{Accounts: 3}); !strings.HasSuffix(got, "ETA unknown") {
		t.Errorf("before any account-region is done: %q, want the ETA unknown", got)
	}
}

// TestProgressOffTerminal: off a terminal, progress is a structured log
// line every interval, whatever the log level; with off, nothing.
func TestProgressOffTerminal(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{progressAuto, progressLog, progressOff} {
		out := &lockedBuffer{}
		stop := showProgress(mode, out, &collectors.Tracker{}, time.Millisecond)
		for deadline := time.Now().Add(10 * time.Second); mode != progressOff && time.Now().Before(deadline) && out.String() == ""; {
			time.Sleep(time.Millisecond)
		}
		stop()
		got := out.String()
		lines := strings.Count(got, "level=INFO msg=collecting accounts_done=0 accounts=0 account_regions_done=0")
		switch {
		case mode == progressOff && got != "":
			t.Errorf("--progress off wrote %q", got)
		case mode != progressOff && lines == 0:
			t.Errorf("--progress %s off a terminal wrote %q, want log lines", mode, got)
		}
	}
}

// lockedBuffer is a buffer one goroutine writes while another reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
