package snapshot_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gatewatch/gatewatch/collectors"
	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/collectors/snapshot/synth"
)

// shardOf is what shard sh of a sharded collection of org would hold: the
// resources of the account-regions it owns, and the global resources of the
// accounts whose global services it owns.
func shardOf(org *snapshot.Snapshot, sh collectors.Shard) *snapshot.Snapshot {
	regional := func(account, region string) bool { return sh.Owns(account, region) }
	out := &snapshot.Snapshot{
		SchemaVersion: org.SchemaVersion, Tool: org.Tool, TakenAt: org.TakenAt,
		Scope:    snapshot.Scope{Accounts: org.Scope.Accounts, Regions: org.Scope.Regions, Shard: sh.String()},
		Accounts: org.Accounts,
	}
	out.APIGatewayAccounts = filter(org.APIGatewayAccounts, func(a snapshot.APIGatewayAccount) bool { return regional(a.Account, a.Region) })
	out.RestAPIs = filter(org.RestAPIs, func(a snapshot.RestAPI) bool { return regional(a.Account, a.Region) })
	out.V2APIs = filter(org.V2APIs, func(a snapshot.V2API) bool { return regional(a.Account, a.Region) })
	out.UsagePlans = filter(org.UsagePlans, func(p snapshot.UsagePlan) bool { return regional(p.Account, p.Region) })
	out.VPCLinks = filter(org.VPCLinks, func(l snapshot.VPCLink) bool { return regional(l.Account, l.Region) })
	out.DomainNames = filter(org.DomainNames, func(d snapshot.DomainName) bool { return regional(d.Account, d.Region) })
	out.LoadBalancers = filter(org.LoadBalancers, func(lb snapshot.LoadBalancer) bool { return regional(lb.Account, lb.Region) })
	out.TargetGroups = filter(org.TargetGroups, func(tg snapshot.TargetGroup) bool { return regional(tg.Account, tg.Region) })
	out.SecurityGroups = filter(org.SecurityGroups, func(sg snapshot.SecurityGroup) bool { return regional(sg.Account, sg.Region) })
	// CLOUDFRONT-scope web ACLs live in us-east-1, so OwnsGlobal's shard
	// holds them.
	out.WebACLs = filter(org.WebACLs, func(w snapshot.WebACL) bool { return regional(w.Account, w.Region) })
	out.LambdaFunctions = filter(org.LambdaFunctions, func(f snapshot.LambdaFunction) bool { return regional(f.Account, f.Region) })
	out.Distributions = filter(org.Distributions, func(d snapshot.Distribution) bool { return sh.OwnsGlobal(d.Account) })
	out.ShieldProtections = filter(org.ShieldProtections, func(p snapshot.ShieldProtection) bool { return sh.OwnsGlobal(p.Account) })
	out.Alarms = filter(org.Alarms, func(a snapshot.Alarm) bool { return regional(a.Account, a.Region) })
	out.Metrics = filter(org.Metrics, func(m snapshot.MetricSummary) bool { return regional(m.Account, m.Region) })
	out.Coverage = filter(org.Coverage, func(c snapshot.Coverage) bool {
		if c.Region == snapshot.GlobalRegion {
			return sh.OwnsGlobal(c.Account)
		}
		return regional(c.Account, c.Region)
	})
	out.Normalize()
	return out
}

func filter[T any](s []T, keep func(T) bool) []T {
	return slices.DeleteFunc(slices.Clone(s), func(x T) bool { return !keep(x) })
}

// TestShardsMergeBackToTheWholeRun splits a synthetic organisation the way
// n shards would collect it and merges the shards: the result must be the
// whole run, byte for byte, and a missing shard must show.
func TestShardsMergeBackToTheWholeRun(t *testing.T) {
	t.Parallel()
	org := synth.Org(3, synth.Spec{Accounts: 12, Regions: 3})
	want, err := json.Marshal(org)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, 2, 5} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			var parts []*snapshot.Snapshot
			for i := range n {
				parts = append(parts, shardOf(org, collectors.Shard{Index: i, Count: n}))
			}
			merged, err := snapshot.Merge(parts...)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.Marshal(merged)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("%d shards merged differ from the whole run (-whole +merged):\n%.2000s", n, diff)
			}
			if n < 2 {
				return
			}
			partial, err := snapshot.Merge(parts[1:]...)
			if err != nil {
				t.Fatal(err)
			}
			if partial.Scope.Shard == "" {
				t.Errorf("merge without shard 1/%d claims to be a whole run", n)
			}
		})
	}
}
