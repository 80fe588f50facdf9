package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/gatewatch/gatewatch/collectors"
)

// --progress values.
const (
	progressAuto = "auto"
	progressLog  = "log"
	progressOff  = "off"
)

// Progress display intervals: a terminal line is redrawn often, a log line
// written seldom enough not to litter a job's log.
const (
	progressRedraw   = 250 * time.Millisecond
	progressLogEvery = 30 * time.Second
)

// showProgress shows tracker's counts on w until the returned function is
// called: with mode auto on a terminal, one status line redrawn in place
// (and erased at the end); with log, or auto elsewhere, a structured log
// line (slog, level INFO) every logEvery, whatever --log-level, so that a
// nightly organisation scan in a CI or Kubernetes log says how far it got;
// with off, nothing.
func showProgress(mode string, w io.Writer, tracker *collectors.Tracker, logEvery time.Duration) (stop func()) {
	if mode == progressOff {
		return func() {}
	}
	f, ok := w.(*os.File)
	tty := ok && term.IsTerminal(int(f.Fd()))
	every, show := logEvery, logProgress(slog.New(slog.NewTextHandler(w, nil)))
	if mode == progressAuto && tty {
		every, show = progressRedraw, func(p collectors.Progress) { fmt.Fprintf(w, "\r\033[K%s", progressLine(p)) }
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				show(tracker.Progress())
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
		if mode == progressAuto && tty {
			fmt.Fprint(w, "\r\033[K")
		}
	}
}

// progressLine is the terminal's status line.
func progressLine(p collectors.Progress) string {
	eta := "ETA unknown"
	if left, ok := p.ETA(); ok {
		eta = "ETA " + left.Round(time.Second).String()
	}
	return fmt.Sprintf("collecting: accounts %d/%d, account-regions %d/%d, %.0f calls/s, %d throttled, %d errors, %s",
		p.AccountsDone, p.Accounts, p.AccountRegionsDone, p.AccountRegions, p.CallsPerSecond(), p.Throttles, p.Errors, eta)
}

// logProgress writes progress as one structured log line.
func logProgress(log *slog.Logger) func(collectors.Progress) {
	return func(p collectors.Progress) {
		attrs := []any{"accounts_done", p.AccountsDone, "accounts", p.Accounts,
			"account_regions_done", p.AccountRegionsDone, "account_regions", p.AccountRegions,
			"calls", p.Calls, "calls_per_second", fmt.Sprintf("%.0f", p.CallsPerSecond()),
			"throttled", p.Throttles, "errors", p.Errors, "elapsed", p.Elapsed.Round(time.Second).String()}
		if left, ok := p.ETA(); ok {
			attrs = append(attrs, "eta", left.Round(time.Second).String())
		}
		log.Info("collecting", attrs...)
	}
}
