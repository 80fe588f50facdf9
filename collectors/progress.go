package collectors

import (
	"sync/atomic"
	"time"
)

// Tracker counts a collection's progress while it runs, for a display
// that reads it from another goroutine (Options.Tracker). The zero value
// is ready; a nil Tracker counts nothing.
type Tracker struct {
	started        atomic.Int64 // unix nanoseconds
	accounts       atomic.Int64
	accountsDone   atomic.Int64
	accountRegions atomic.Int64
	regionsDone    atomic.Int64
	calls          atomic.Int64
	throttles      atomic.Int64
	errors         atomic.Int64
}

// Progress is what a Tracker has counted so far.
type Progress struct {
	Accounts, AccountsDone int
	// AccountRegions is the account-regions to collect as far as known:
	// with --regions all, an account not reached yet counts with the
	// regions of the caller's account until its own are listed.
	AccountRegions, AccountRegionsDone int
	// Calls counts attempts, Throttles the throttling answers among them,
	// Errors the calls that failed for good.
	Calls, Throttles, Errors int
	Elapsed                  time.Duration
}

// CallsPerSecond is the average call rate so far.
func (p Progress) CallsPerSecond() float64 {
	if p.Elapsed <= 0 {
		return 0
	}
	return float64(p.Calls) / p.Elapsed.Seconds()
}

// ETA estimates the time left from the account-regions done so far; ok is
// false before the first is done.
func (p Progress) ETA() (left time.Duration, ok bool) {
	if p.AccountRegionsDone == 0 || p.AccountRegions == 0 {
		return 0, false
	}
	rest := max(p.AccountRegions-p.AccountRegionsDone, 0)
	return time.Duration(float64(p.Elapsed) * float64(rest) / float64(p.AccountRegionsDone)), true
}

// Progress returns the counts so far.
func (t *Tracker) Progress() Progress {
	if t == nil {
		return Progress{}
	}
	p := Progress{
		Accounts: int(t.accounts.Load()), AccountsDone: int(t.accountsDone.Load()),
		AccountRegions: int(t.accountRegions.Load()), AccountRegionsDone: int(t.regionsDone.Load()),
		Calls: int(t.calls.Load()), Throttles: int(t.throttles.Load()), Errors: int(t.errors.Load()),
	}
	if s := t.started.Load(); s != 0 {
		p.Elapsed = time.Since(time.Unix(0, s))
	}
	return p
}

// plan records the accounts and the account-regions in scope as first
// known.
func (t *Tracker) plan(accounts, accountRegions int) {
	if t == nil {
		return
	}
	t.started.CompareAndSwap(0, time.Now().UnixNano())
	t.accounts.Store(int64(accounts))
	t.accountRegions.Store(int64(accountRegions))
}

// replan corrects the account-regions in scope once an account's own
// regions are known.
func (t *Tracker) replan(delta int) {
	if t != nil {
		t.accountRegions.Add(int64(delta))
	}
}

func (t *Tracker) accountDone() {
	if t != nil {
		t.accountsDone.Add(1)
	}
}

// unitDone counts a finished unit of work and its errors; regional says
// whether it was an account-region (rather than an account's global
// services).
func (t *Tracker) unitDone(regional bool, errors int) {
	if t == nil {
		return
	}
	if regional {
		t.regionsDone.Add(1)
	}
	t.errors.Add(int64(errors))
}

// skip counts account-regions that end without being collected (their
// account could not be reached, or the scan stopped first) as done, with
// the errors that ended them.
func (t *Tracker) skip(accountRegions, errors int) {
	if t != nil {
		t.regionsDone.Add(int64(accountRegions))
		t.errors.Add(int64(errors))
	}
}

func (t *Tracker) call() {
	if t != nil {
		t.calls.Add(1)
	}
}

func (t *Tracker) throttle() {
	if t != nil {
		t.throttles.Add(1)
	}
}
