package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/gatewatch/gatewatch/collectors"
	"github.com/gatewatch/gatewatch/collectors/fakeaws"
	"github.com/gatewatch/gatewatch/collectors/snapshot/synth"
)

// Collection targets, from GitHub issue 6.
const (
	targetCallsVsMinimum = 1.05    // API calls made / the fewest the data needs
	targetWallVsFloor    = 1.05    // wall time / the time the quotas force at the share spent (issue 16; 1.2 in issue 6)
	targetPeakMemory     = 1 << 30 // bytes
)

// collectSpec is what -collect measures.
type collectSpec struct {
	spec       synth.Spec
	inFlight   int
	quotaShare float64
}

// runCollect serves a synthetic organisation from the fake AWS endpoint
// with AWS's published quotas enforced per account-region, collects it
// through assumed roles with the real SDK, and compares the run with what
// the data and the quotas allow: calls against fakeaws.MinimumCalls, wall
// time against fakeaws.QuotaFloor.
func runCollect(ctx context.Context, cs collectSpec, stdout, stderr io.Writer) error {
	printMachine(stdout, moduleVersion("github.com/open-policy-agent/opa"))
	world := synth.Org(1, cs.spec)
	resources := len(world.Resources())
	caller := world.Scope.Accounts[0]
	quotas := fakeaws.AWSQuotas()
	srv := fakeaws.New(world, fakeaws.Options{Quotas: quotas})
	defer srv.Close()

	minimum := fakeaws.MinimumCalls(world, caller, "us-east-1")
	// At a share of each quota, the floor is the whole quota's divided by
	// the share.
	floor := time.Duration(float64(fakeaws.QuotaFloor(minimum, quotas)) / cs.quotaShare)
	fmt.Fprintf(stderr, "collecting %d accounts x %d regions, %d resources; the quotas allow it in %.0f s at best...\n",
		len(world.Scope.Accounts), len(world.Scope.Regions), resources, floor.Seconds())

	peak := watchHeap()
	start := time.Now()
	snap, err := collectors.Collect(ctx, collectors.Options{
		Config: aws.Config{Region: "us-east-1",
			Credentials: credentials.NewStaticCredentialsProvider("AKIDBENCH", "secret", "")},
		EndpointURL:      srv.URL,
		Regions:          world.Scope.Regions,
		Accounts:         world.Scope.Accounts,
		RoleARN:          "arn:{partition}:iam::{account}:role/gatewatch-audit",
		MaxCallsInFlight: cs.inFlight,
		QuotaShare:       cs.quotaShare,
		Clock:            func() time.Time { return synth.TakenAt },
		ToolVersion:      "bench",
	})
	wall := time.Since(start)
	heap := peak()
	if err != nil {
		return err
	}

	made, least := 0, 0
	for _, n := range snap.Calls {
		made += n
	}
	for _, calls := range minimum {
		for _, n := range calls {
			least += n
		}
	}
	hwm := vmHWM()
	fmt.Fprintf(stdout, "\nsynth.Org(seed 1, %+v), --max-calls-in-flight %d, --quota-share %g, fakeaws.AWSQuotas() enforced per account-region\n\n",
		cs.spec, cs.inFlight, cs.quotaShare)
	fmt.Fprintf(stdout, "collected %d of %d resources in %d accounts x %d regions\n", len(snap.Resources()), resources,
		len(world.Scope.Accounts), len(world.Scope.Regions))
	served := 0
	for _, n := range srv.Calls() {
		served += n
	}
	fmt.Fprintf(stdout, "calls     %d made (%d reached the endpoint) / %d minimum = %.3f   target <= %.2f   %s\n",
		made, served, least, float64(made)/float64(least), targetCallsVsMinimum, verdict(float64(made) <= targetCallsVsMinimum*float64(least)))
	fmt.Fprintf(stdout, "wall      %.1f s / quota floor at share %g %.1f s = %.2f            target <= %.2f    %s\n",
		wall.Seconds(), cs.quotaShare, floor.Seconds(), wall.Seconds()/floor.Seconds(), targetWallVsFloor, verdict(wall.Seconds() <= targetWallVsFloor*floor.Seconds()))
	fmt.Fprintf(stdout, "throttled %d answers                                   target 0      %s\n", srv.Throttled(), verdict(srv.Throttled() == 0))
	fmt.Fprintf(stdout, "failed    %d collection errors                         target 0      %s\n", len(snap.Errors), verdict(len(snap.Errors) == 0))
	fmt.Fprintf(stdout, "memory    peak RSS %s (VmHWM, fake endpoint and world included), peak Go heap %s   target < 1 GiB   %s\n",
		mib(hwm), mib(heap), verdict(hwm > 0 && hwm < targetPeakMemory))
	fmt.Fprintf(stdout, "info      slowest quota-bound account-regions:\n")
	for _, line := range slowest(minimum, quotas, 3) {
		fmt.Fprintf(stdout, "            %s\n", line)
	}
	byOp := map[string]int{}
	for _, calls := range minimum {
		for k, n := range calls {
			byOp[k] += n
		}
	}
	for _, k := range slices.Sorted(maps.Keys(snap.Calls)) {
		if d := snap.Calls[k] - byOp[k]; d != 0 {
			fmt.Fprintf(stdout, "info      %s: %d made, %d minimum\n", k, snap.Calls[k], byOp[k])
		}
	}
	for _, e := range snap.Errors[:min(len(snap.Errors), 5)] {
		fmt.Fprintf(stdout, "error     %s %s %s:%s %s\n", e.Account, e.Region, e.Service, e.Operation, e.Code)
	}
	return nil
}

// slowest describes the n account-regions whose quotas force the longest
// time, with the quota that forces it.
func slowest(calls map[fakeaws.AccountRegion]map[string]int, quotas []fakeaws.Quota, n int) []string {
	type row struct {
		ar    fakeaws.AccountRegion
		quota string
		d     time.Duration
	}
	var rows []row
	for ar, byOp := range calls {
		r := row{ar: ar}
		for _, q := range quotas {
			d := fakeaws.QuotaFloor(map[fakeaws.AccountRegion]map[string]int{ar: byOp}, []fakeaws.Quota{q})
			if d > r.d {
				r.quota, r.d = q.Name, d
			}
		}
		rows = append(rows, r)
	}
	slices.SortFunc(rows, func(a, b row) int { return int(b.d - a.d) })
	var out []string
	for _, r := range rows[:min(n, len(rows))] {
		total := 0
		for _, c := range calls[r.ar] {
			total += c
		}
		out = append(out, fmt.Sprintf("%s %-10s %5d calls, %6.1f s by %s", r.ar.Account, r.ar.Region, total, r.d.Seconds(), r.quota))
	}
	return out
}

// watchHeap samples the Go heap every 50 ms until the returned function is
// called, which returns the largest sample.
func watchHeap() func() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	stop := every(50*time.Millisecond, func() {
		metrics.Read(sample)
		peak = max(peak, sample[0].Value.Uint64())
	})
	return func() uint64 {
		stop()
		return peak
	}
}

// every calls f at once and then every d, on a goroutine of its own, until
// the returned function is called; once it returns, f has run for the last
// time.
func every(d time.Duration, f func()) (stop func()) {
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(d)
		defer tick.Stop()
		for {
			f()
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() {
		close(done)
		<-stopped
	}
}

// vmHWM is the process's peak resident set size, from /proc/self/status.
func vmHWM() uint64 {
	kb, err := strconv.ParseUint(strings.TrimSuffix(procField("/proc/self/status", "VmHWM"), " kB"), 10, 64)
	if err != nil {
		return 0
	}
	return kb << 10
}

func mib(b uint64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }
