package collectors_test

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gatewatch/gatewatch/collectors"
	"github.com/gatewatch/gatewatch/collectors/fakeaws"
	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/collectors/snapshot/synth"
)

// busyAccount is one account using all of 6 regions: many calls that could
// run side by side.
func busyAccount() *snapshot.Snapshot {
	return synth.SparseOrg(5, synth.OrgSpec{Accounts: 1, Regions: 6, Used: 1})
}

// TestCallsInFlightStayWithinTheBound: however many account-regions and
// services could call at once, no more calls than MaxCallsInFlight reach
// the endpoint together, and the scan still reads everything with the
// fewest calls. With a wider bound the same scan does run more at once,
// so the bound is what holds it.
func TestCallsInFlightStayWithinTheBound(t *testing.T) {
	t.Parallel()
	world := busyAccount()
	caller := world.Scope.Accounts[0]
	for _, tc := range []struct {
		inFlight int
		check    func(peak int) bool
		want     string
	}{
		{3, func(peak int) bool { return peak <= 3 }, "at most 3"},
		{64, func(peak int) bool { return peak > 3 }, "more than 3"},
	} {
		srv := fakeaws.New(world, fakeaws.Options{Latency: fakeaws.Latency{Fixed: 20 * time.Millisecond}})
		got := collectWith(context.Background(), t, srv, "AKID", func(o *collectors.Options) {
			o.MaxCallsInFlight = tc.inFlight
		}, world.Scope.Regions...)
		srv.Close()
		if peak := srv.PeakServing(); !tc.check(peak) {
			t.Errorf("--max-calls-in-flight %d: %d calls at once at the endpoint, want %s", tc.inFlight, peak, tc.want)
		}
		if diff := cmp.Diff(arns(world), arns(got)); diff != "" || len(got.Errors) != 0 {
			t.Errorf("--max-calls-in-flight %d: errors %+v; resources (-world +collected):\n%s", tc.inFlight, got.Errors, diff)
		}
		if diff := cmp.Diff(minimum(world, caller), neededCalls(t, got)); diff != "" {
			t.Errorf("--max-calls-in-flight %d: calls (-minimum +made):\n%s", tc.inFlight, diff)
		}
	}
}

// TestOneConnectionPool: every account-region and service of a scan shares
// one pool of connections, so a scan opens no more connections than it
// has calls in flight (the SDK's default is a pool per service client:
// here 6 regions x 5 services).
func TestOneConnectionPool(t *testing.T) {
	t.Parallel()
	world := busyAccount()
	srv := fakeaws.New(world, fakeaws.Options{Latency: fakeaws.Latency{Fixed: 5 * time.Millisecond}})
	defer srv.Close()
	collectWith(context.Background(), t, srv, "AKID", func(o *collectors.Options) { o.MaxCallsInFlight = 4 }, world.Scope.Regions...)
	// GetCallerIdentity, the first call, takes no call slot.
	if n := srv.Connections(); n > 5 {
		t.Errorf("%d connections opened for 4 calls in flight, want at most 5", n)
	}
}

// TestTrackerCountsTheScan: at the end of a scan of every enabled region
// of three accounts, the tracker has every account and account-region
// done, every call and every throttling answer counted.
func TestTrackerCountsTheScan(t *testing.T) {
	t.Parallel()
	world := orgWorld(t)
	srv := fakeaws.New(world, fakeaws.Options{ExternalID: "xid-42",
		Throttle: map[string]int{"elasticloadbalancingv2:DescribeLoadBalancers": 2}})
	defer srv.Close()
	tracker := &collectors.Tracker{}
	got := collectWith(context.Background(), t, srv, "AKID", func(o *collectors.Options) {
		withAccounts(caller, member2, member3)(o)
		o.Tracker = tracker
	}, collectors.AllRegions)
	if len(got.Errors) != 0 {
		t.Fatalf("errors: %+v", got.Errors)
	}
	p := tracker.Progress()
	calls := 0
	for _, n := range got.Calls {
		calls += n
	}
	regions := 3 * len(world.Scope.Regions)
	want := collectors.Progress{Accounts: 3, AccountsDone: 3, AccountRegions: regions, AccountRegionsDone: regions,
		Calls: calls, Throttles: 2, Elapsed: p.Elapsed}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("progress at the end (-want +got):\n%s", diff)
	}
	if left, ok := p.ETA(); !ok || left != 0 {
		t.Errorf("ETA at the end = %v, %v; want 0, true", left, ok)
	}
}

// arns lists the ARNs of the snapshot's resources.
func arns(s *snapshot.Snapshot) []string {
	var out []string
	for _, r := range s.Resources() {
		out = append(out, r.ARN)
	}
	return out
}

// TestSpooledCollectionWritesTheSameSnapshot: a scan whose accounts go to
// a spool as they finish writes the snapshot a scan held in memory
// writes, errors and coverage included.
func TestSpooledCollectionWritesTheSameSnapshot(t *testing.T) {
	t.Parallel()
	world := orgWorld(t)
	srv := fakeaws.New(world, fakeaws.Options{ExternalID: "xid-42", DenyAssumeRole: []string{member3},
		Deny: []string{"elasticloadbalancingv2:DescribeTags"}})
	defer srv.Close()
	encode := func(s *snapshot.Snapshot) string {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	inMemory := collectWith(context.Background(), t, srv, "AKID", withAccounts(caller, member2, member3), world.Scope.Regions...)
	if len(inMemory.Errors) == 0 {
		t.Fatal("the scan recorded no error: the comparison would not cover them")
	}
	sp, err := snapshot.NewSpool(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	meta := collectWith(context.Background(), t, srv, "AKID", func(o *collectors.Options) {
		withAccounts(caller, member2, member3)(o)
		o.Spool = sp
	}, world.Scope.Regions...)
	if len(meta.LoadBalancers)+len(meta.Coverage)+len(meta.Errors) != 0 {
		t.Error("a spooled scan returned lists: they belong in the spool")
	}
	// Call counts may differ between two runs (a retried attempt); the
	// rest may not.
	meta.Calls = inMemory.Calls
	var spooled bytes.Buffer
	if err := sp.WriteJSON(&spooled, meta); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(encode(inMemory), spooled.String()); diff != "" {
		t.Errorf("spooled scan differs (-in memory +spooled):\n%s", diff)
	}
}

// TestOnlyTheDatasetsAsked: a scan asked for some datasets makes only
// their calls (and those of the datasets they sit in and depend on), and
// records every other dataset as not collected, with the reason, never as
// complete: an empty list there is not known to be empty.
func TestOnlyTheDatasetsAsked(t *testing.T) {
	t.Parallel()
	world := loadWorld(t, "basic.json")
	for _, tc := range []struct {
		datasets []string
		calls    []string // the operations made, besides GetCallerIdentity
		read     []string // the datasets whose coverage is not not_collected
	}{
		{[]string{"load_balancers"}, []string{"elasticloadbalancingv2:DescribeLoadBalancers"}, []string{"load_balancers"}},
		// Security groups are read for the load balancers that name them.
		{[]string{"security_groups"}, []string{"ec2:DescribeSecurityGroups", "elasticloadbalancingv2:DescribeLoadBalancers"},
			[]string{"load_balancers", "security_groups"}},
		{[]string{"shield_subscription"}, []string{"shield:DescribeSubscription"}, []string{"shield_subscription"}},
	} {
		srv := fakeaws.New(world, fakeaws.Options{})
		got := collectWith(context.Background(), t, srv, "AKID", func(o *collectors.Options) { o.Datasets = tc.datasets }, world.Scope.Regions...)
		srv.Close()
		var calls []string
		for k := range got.Calls {
			if k != "sts:GetCallerIdentity" {
				calls = append(calls, k)
			}
		}
		slices.Sort(calls)
		if diff := cmp.Diff(tc.calls, calls); diff != "" {
			t.Errorf("%v: operations (-want +made):\n%s", tc.datasets, diff)
		}
		read := map[string]bool{}
		for _, c := range got.Coverage {
			switch {
			case c.State != snapshot.NotCollected:
				read[c.Dataset] = true
			case c.Reason != collectors.ReasonNotRead:
				t.Errorf("%v: %s %s %s not collected for %q", tc.datasets, c.Account, c.Region, c.Dataset, c.Reason)
			}
		}
		if diff := cmp.Diff(tc.read, slices.Sorted(maps.Keys(read))); diff != "" {
			t.Errorf("%v: datasets read (-want +got):\n%s", tc.datasets, diff)
		}
		if len(got.Errors) != 0 {
			t.Errorf("%v: errors %+v", tc.datasets, got.Errors)
		}
	}
}

// manyLoadBalancers is one account-region with enough load balancers and
// target groups for the tagging API to read their tags in fewer calls than
// DescribeTags.
func manyLoadBalancers() *snapshot.Snapshot {
	world := synth.SparseOrg(3, synth.OrgSpec{Accounts: 1, Regions: 1,
		Large: synth.Large{ALBs: 20, ListenersPerALB: 1, RulesPerListener: 0}})
	// One load balancer that was never tagged: GetResources does not list
	// it.
	world.LoadBalancers[0].Tags = snapshot.Tags{}
	return world
}

// elbTagsOf maps every load balancer and target group ARN to its tags.
func elbTagsOf(s *snapshot.Snapshot) map[string]snapshot.Tags {
	out := map[string]snapshot.Tags{}
	for _, lb := range s.LoadBalancers {
		out[lb.ARN] = lb.Tags
		for _, l := range lb.Listeners {
			out[l.ARN] = l.Tags
			for _, r := range l.Rules {
				out[r.ARN] = r.Tags
			}
		}
	}
	for _, tg := range s.TargetGroups {
		out[tg.ARN] = tg.Tags
	}
	return out
}

// TestTagsThroughTheTaggingAPI: where load balancers are many, their tags
// and their target groups' come from the tagging API in fewer calls, the
// fewest fakeaws.MinimumCalls counts; where the tagging API lists none of
// a type (an emulator that does not cover it, as moto's does not list
// load balancers), or is refused, that type's tags are read with
// DescribeTags, never taken for absent.
func TestTagsThroughTheTaggingAPI(t *testing.T) {
	t.Parallel()
	world := manyLoadBalancers()
	caller := world.Scope.Accounts[0]
	untagged := 0
	for _, lb := range world.LoadBalancers {
		if len(lb.Tags) == 0 {
			untagged++
		}
	}
	for _, tc := range []struct {
		name        string
		opts        fakeaws.Options
		wantTagging bool
	}{
		{"tagging API", fakeaws.Options{}, true},
		{"load balancers not covered", fakeaws.Options{TaggingOmits: []string{"elasticloadbalancing:loadbalancer"}}, true},
		{"neither type covered", fakeaws.Options{TaggingOmits: []string{"elasticloadbalancing:loadbalancer", "elasticloadbalancing:targetgroup"}}, true},
		{"tagging API refused", fakeaws.Options{Deny: []string{"tagging"}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := fakeaws.New(world, tc.opts)
			defer srv.Close()
			got := collectWith(context.Background(), t, srv, "AKID", func(o *collectors.Options) { o.QuotaShare = 1 }, world.Scope.Regions...)
			if diff := cmp.Diff(elbTagsOf(world), elbTagsOf(got), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s: tags (-world +collected):\n%s", tc.name, diff)
			}
			if len(got.Errors) != 0 {
				t.Errorf("%s: errors %+v", tc.name, got.Errors)
			}
			if (got.Calls["tagging:GetResources"] > 0) != tc.wantTagging {
				t.Errorf("%s: %d GetResources calls", tc.name, got.Calls["tagging:GetResources"])
			}
			if tc.name != "tagging API" {
				return
			}
			if diff := cmp.Diff(minimum(world, caller), neededCalls(t, got)); diff != "" {
				t.Errorf("%s: calls (-minimum +made):\n%s", tc.name, diff)
			}
			if got.Calls["elasticloadbalancingv2:DescribeTags"]*20 >= len(elbTagsOf(world)) {
				t.Errorf("%s: %d DescribeTags calls, no fewer than reading every tag with it", tc.name, got.Calls["elasticloadbalancingv2:DescribeTags"])
			}
		})
	}
	if untagged == 0 {
		t.Error("every load balancer of the world carries tags: an untagged one is not tried")
	}
}

// TestRetriesAreLoggedApart: a call that is throttled twice costs two more
// attempts, counted as calls; the collector logs each retry with the
// failure it repeats, so the calls the scan needed are still the fewest.
func TestRetriesAreLoggedApart(t *testing.T) {
	t.Parallel()
	world := busyAccount()
	const op = "elasticloadbalancingv2:DescribeTargetGroups"
	srv := fakeaws.New(world, fakeaws.Options{Throttle: map[string]int{op: 2}})
	defer srv.Close()
	got := collectWith(context.Background(), t, srv, "AKID", nil, world.Scope.Regions...)
	want := minimum(world, world.Scope.Accounts[0])
	if got.Calls[op] != want[op]+2 {
		t.Errorf("%s: %d attempts counted, want the %d needed and 2 retries", op, got.Calls[op], want[op])
	}
	needed, answered := retried(t, got)
	if diff := cmp.Diff(want, needed); diff != "" {
		t.Errorf("calls less retries (-minimum +made):\n%s", diff)
	}
	if len(answered) != 2 {
		t.Errorf("%d retries logged as following an answer from the endpoint, want the 2 throttles: %q", len(answered), answered)
	}
}

// minimum is fakeaws.MinimumCalls of world from caller's us-east-1, summed
// over account-regions.
func minimum(world *snapshot.Snapshot, caller string) map[string]int {
	want := map[string]int{}
	for _, calls := range fakeaws.MinimumCalls(world, caller, "us-east-1") {
		for k, n := range calls {
			want[k] += n
		}
	}
	return want
}
