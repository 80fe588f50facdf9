package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/gatewatch/gatewatch/collectors"
	"github.com/gatewatch/gatewatch/collectors/fakeaws"
	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/collectors/snapshot/synth"
)

// Organisation targets, from GitHub issue 16.
const (
	targetOrgWall      = 10 * time.Minute // the whole organisation
	targetOrgRatio     = 1.5              // wall / latency floor
	targetShardWallSum = 1.1              // the shards' walls summed / the unsharded wall
)

// orgSpec is what -org measures.
type orgSpec struct {
	spec            synth.OrgSpec
	latency, jitter time.Duration
	inFlight        int
	quotaShare      float64
	shards          int
}

// orgRun is one collection of the organisation, written to a file as
// `gatewatch collect -o FILE` writes it.
type orgRun struct {
	meta   *snapshot.Snapshot
	path   string
	errors int
	wall   time.Duration
}

// runOrg serves a sparse organisation (synth.SparseOrg, seed 1) from the
// fake endpoint with AWS's quotas enforced and a per-call latency, collects
// every enabled region of every account through assumed roles, and prints
// one "org:" line of key=value fields comparing the run with the latency
// floor: the longer of the longest chain of dependent calls and all the
// calls spread over the calls in flight. With shards above 1 it then
// collects the organisation again as that many shards, one after the
// other, and compares their walls and their merge with the unsharded run.
func runOrg(ctx context.Context, o orgSpec, dir string, stdout, stderr io.Writer) error {
	printMachine(stdout, moduleVersion("github.com/open-policy-agent/opa"))
	world := synth.SparseOrg(1, o.spec)
	caller := world.Scope.Accounts[0]
	srv := fakeaws.New(world, fakeaws.Options{Quotas: fakeaws.AWSQuotas(),
		Latency: fakeaws.Latency{Fixed: o.latency, Jitter: o.jitter}})
	defer srv.Close()

	minimum := fakeaws.MinimumCalls(world, caller, "us-east-1")
	fakeaws.AddRegionDiscovery(minimum, world, "us-east-1")
	least := 0
	for _, calls := range minimum {
		for _, n := range calls {
			least += n
		}
	}
	mean := o.latency + o.jitter/2
	critical := time.Duration(fakeaws.CriticalPath(world, caller, true)) * mean
	floor := max(critical, time.Duration(float64(least)*float64(mean)/float64(o.inFlight)))
	quotaFloor := fakeaws.QuotaFloor(minimum, fakeaws.AWSQuotas())
	fmt.Fprintf(stderr, "collecting %d accounts x %d regions (%d resources) at %v per call, %d calls in flight: at best %.0f s...\n",
		len(world.Scope.Accounts), len(world.Scope.Regions), len(world.Resources()), mean, o.inFlight, floor.Seconds())

	peak := watchHeap()
	serving := watchServing(srv)
	whole, err := collectOrg(ctx, srv, world, o, collectors.Shard{}, filepath.Join(dir, "org.json"))
	heap := peak()
	meanServing, maxServing := serving()
	if err != nil {
		return err
	}
	made := 0
	for _, n := range whole.meta.Calls {
		made += n
	}
	hwm := vmHWM()
	fmt.Fprintf(stdout, "\nsynth.SparseOrg(seed 1, %+v), latency %v + up to %v, %d calls in flight, fakeaws.AWSQuotas() enforced per account-region\n",
		o.spec, o.latency, o.jitter, o.inFlight)
	fmt.Fprintf(stdout, "org: accounts=%d regions=%d calls=%d min_calls=%d wall_s=%.1f floor_s=%.1f ratio=%.2f rss_mib=%.0f failed=%d\n",
		len(world.Scope.Accounts), len(world.Scope.Regions), made, least, whole.wall.Seconds(), floor.Seconds(),
		whole.wall.Seconds()/floor.Seconds(), float64(hwm)/(1<<20), whole.errors)
	fmt.Fprintf(stdout, "info      latency floor %.1f s: longest chain of dependent calls %.1f s, %d calls x %v / %d in flight %.1f s; quota floor %.1f s\n",
		floor.Seconds(), critical.Seconds(), least, mean, o.inFlight, float64(least)*mean.Seconds()/float64(o.inFlight), quotaFloor.Seconds())
	fmt.Fprintf(stdout, "info      calls in flight at the endpoint: %.1f on average, %d at most (sampled every 50 ms)\n", meanServing, maxServing)
	fmt.Fprintf(stdout, "wall      %.1f s                                 target < %v   %s\n", whole.wall.Seconds(), targetOrgWall, verdict(whole.wall < targetOrgWall))
	fmt.Fprintf(stdout, "ratio     wall / latency floor = %.2f              target <= %.1f   %s\n", whole.wall.Seconds()/floor.Seconds(), targetOrgRatio,
		verdict(whole.wall.Seconds() <= targetOrgRatio*floor.Seconds()))
	fmt.Fprintf(stdout, "calls     %d made / %d minimum                target equal   %s\n", made, least, verdict(made == least))
	fmt.Fprintf(stdout, "memory    peak RSS %s (fake endpoint and world included), peak Go heap %s   target < 1 GiB   %s\n",
		mib(hwm), mib(heap), verdict(hwm > 0 && hwm < targetPeakMemory))
	fmt.Fprintf(stdout, "failed    %d collection errors, %d throttling answers   target 0   %s\n", whole.errors, srv.Throttled(),
		verdict(whole.errors == 0))
	if o.shards <= 1 && whole.errors == 0 {
		return nil
	}
	snap, err := snapshot.Load(whole.path)
	if err != nil {
		return err
	}
	for _, e := range snap.Errors[:min(len(snap.Errors), 5)] {
		fmt.Fprintf(stdout, "error     %s %s %s:%s %s\n", e.Account, e.Region, e.Service, e.Operation, e.Code)
	}
	if o.shards <= 1 {
		return nil
	}

	var parts []*snapshot.Snapshot
	var sum time.Duration
	for i := range o.shards {
		fmt.Fprintf(stderr, "collecting shard %d/%d...\n", i+1, o.shards)
		run, err := collectOrg(ctx, srv, world, o, collectors.Shard{Index: i, Count: o.shards}, filepath.Join(dir, fmt.Sprintf("shard-%d.json", i+1)))
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "shard     %d/%d: %.1f s, %d errors\n", i+1, o.shards, run.wall.Seconds(), run.errors)
		sum += run.wall
		part, err := snapshot.Load(run.path)
		if err != nil {
			return err
		}
		parts = append(parts, part)
	}
	merged, err := snapshot.Merge(parts...)
	if err != nil {
		return err
	}
	same, err := sameInventory(snap, merged)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "shards    %d walls sum to %.1f s / unsharded %.1f s = %.2f   target <= %.1f   %s\n", o.shards, sum.Seconds(),
		whole.wall.Seconds(), sum.Seconds()/whole.wall.Seconds(), targetShardWallSum, verdict(sum.Seconds() <= targetShardWallSum*whole.wall.Seconds()))
	fmt.Fprintf(stdout, "merge     the %d shards merged equal the unsharded snapshot: %v   %s\n", o.shards, same, verdict(same))
	return nil
}

// collectOrg collects world from srv as the benchmark's caller does, every
// enabled region of every account through a role in each, and writes the
// snapshot to path through a spool, as `gatewatch collect -o` does.
func collectOrg(ctx context.Context, srv *fakeaws.Server, world *snapshot.Snapshot, o orgSpec, shard collectors.Shard, path string) (orgRun, error) {
	start := time.Now()
	spool, err := snapshot.NewSpool(filepath.Dir(path))
	if err != nil {
		return orgRun{}, err
	}
	defer spool.Close()
	meta, err := collectors.Collect(ctx, collectors.Options{
		Config: aws.Config{Region: "us-east-1",
			Credentials: credentials.NewStaticCredentialsProvider("AKIDBENCH", "secret", "")},
		EndpointURL:      srv.URL,
		Regions:          []string{collectors.AllRegions},
		Accounts:         world.Scope.Accounts,
		RoleARN:          "arn:{partition}:iam::{account}:role/gatewatch-audit",
		MaxCallsInFlight: o.inFlight,
		QuotaShare:       o.quotaShare,
		Shard:            shard,
		Spool:            spool,
		Clock:            func() time.Time { return synth.TakenAt },
		ToolVersion:      "bench",
	})
	if err != nil {
		return orgRun{}, err
	}
	f, err := os.Create(path)
	if err != nil {
		return orgRun{}, err
	}
	defer f.Close()
	if err := spool.WriteJSON(f, meta); err != nil {
		return orgRun{}, err
	}
	if err := f.Close(); err != nil {
		return orgRun{}, err
	}
	return orgRun{meta: meta, path: path, errors: spool.Errors(), wall: time.Since(start)}, nil
}

// sameInventory reports whether two snapshots hold the same inventory,
// errors and coverage, call counts aside (shards each assume every
// account's role and list its regions).
func sameInventory(a, b *snapshot.Snapshot) (bool, error) {
	encode := func(s *snapshot.Snapshot) ([]byte, error) {
		c := *s
		c.Calls = nil
		return json.Marshal(&c)
	}
	ja, err := encode(a)
	if err != nil {
		return false, err
	}
	jb, err := encode(b)
	if err != nil {
		return false, err
	}
	return bytes.Equal(ja, jb), nil
}

// watchServing samples the requests srv is answering every 50 ms until the
// returned function is called, which returns their mean and maximum.
func watchServing(srv *fakeaws.Server) func() (float64, int) {
	var sum, n, most int
	stop := every(50*time.Millisecond, func() {
		v := srv.Serving()
		sum, n, most = sum+v, n+1, max(most, v)
	})
	return func() (float64, int) {
		stop()
		return float64(sum) / float64(max(n, 1)), most
	}
}
