package snapshot

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Merge joins snapshots of disjoint parts of an organisation, typically the
// outputs of the shards of one scan, into one snapshot. See MergeNamed.
func Merge(parts ...*Snapshot) (*Snapshot, error) {
	names := make([]string, len(parts))
	for i := range parts {
		names[i] = "part " + strconv.Itoa(i+1)
	}
	return MergeNamed(names, parts)
}

// MergeNamed is Merge with a name per part (usually its file), used in
// error messages.
//
//   - Resources and collection errors are concatenated, call counts summed,
//     and the result is normalised. A resource ARN found in two parts is an
//     error naming both: the parts overlap (two runs of one shard, or shards
//     of different shard counts), and keeping either copy would hide it.
//   - Accounts listed by several parts (an account's regions are split over
//     shards) are listed once; Shield Advanced holds if any part saw it.
//   - Scope is the union; see MergeScope for the shard marking.
//   - Incomplete holds if any part is incomplete.
//   - TakenAt is the earliest part's: the merged inventory is at least as
//     fresh as that and no fresher, so reports never overstate freshness.
//   - Tool is the first part's.
//
// The result shares nested lists and maps with the parts; do not modify
// the parts afterwards.
func MergeNamed(names []string, parts []*Snapshot) (*Snapshot, error) {
	if len(parts) == 0 {
		return nil, errors.New("merge: no snapshots given")
	}
	if len(names) != len(parts) {
		return nil, fmt.Errorf("merge: %d names for %d snapshots", len(names), len(parts))
	}
	scopes := make([]Scope, len(parts))
	for i, p := range parts {
		if p.SchemaVersion != SchemaVersion {
			return nil, fmt.Errorf("merge: %s: schema_version %d is not supported (this build reads version %d)", names[i], p.SchemaVersion, SchemaVersion)
		}
		scopes[i] = p.Scope
	}
	scope, err := MergeScope(names, scopes)
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	if err := checkDisjoint(names, parts); err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}

	out := &Snapshot{
		SchemaVersion: SchemaVersion,
		Tool:          parts[0].Tool,
		Scope:         scope,
	}
	accounts := make(map[string]Account)
	for _, p := range parts {
		if !p.TakenAt.IsZero() && (out.TakenAt.IsZero() || p.TakenAt.Before(out.TakenAt)) {
			out.TakenAt = p.TakenAt
		}
		out.Incomplete = out.Incomplete || p.Incomplete
		for k, n := range p.Calls {
			if out.Calls == nil {
				out.Calls = make(map[string]int)
			}
			out.Calls[k] += n
		}
		for _, a := range p.Accounts {
			prev := accounts[a.ID]
			accounts[a.ID] = Account{ID: a.ID, Name: cmp.Or(prev.Name, a.Name), ShieldAdvanced: prev.ShieldAdvanced || a.ShieldAdvanced}
		}
		out.Append(p)
	}
	out.Accounts = slices.Collect(maps.Values(accounts))
	out.LambdaFunctions = dedupeFunctions(out.LambdaFunctions)
	out.Normalize()
	return out, nil
}

// dedupeFunctions keeps one copy of each function ARN, preferring the copy
// read last by position (shard reads of one run are seconds apart).
func dedupeFunctions(fns []LambdaFunction) []LambdaFunction {
	seen := make(map[string]int, len(fns))
	out := fns[:0:0]
	for _, f := range fns {
		if i, ok := seen[f.ARN]; ok {
			out[i] = f
			continue
		}
		seen[f.ARN] = len(out)
		out = append(out, f)
	}
	return out
}

// Append adds every resource list, account, metric and collection error of
// src to s, without checks or sorting: the one place that knows every list
// of the model, for collectors assembling a snapshot from parts and for
// Merge. Call Normalize when done.
func (s *Snapshot) Append(src *Snapshot) {
	s.Errors = append(s.Errors, src.Errors...)
	s.Coverage = append(s.Coverage, src.Coverage...)
	s.Accounts = append(s.Accounts, src.Accounts...)
	s.APIGatewayAccounts = append(s.APIGatewayAccounts, src.APIGatewayAccounts...)
	s.RestAPIs = append(s.RestAPIs, src.RestAPIs...)
	s.V2APIs = append(s.V2APIs, src.V2APIs...)
	s.UsagePlans = append(s.UsagePlans, src.UsagePlans...)
	s.VPCLinks = append(s.VPCLinks, src.VPCLinks...)
	s.DomainNames = append(s.DomainNames, src.DomainNames...)
	s.LoadBalancers = append(s.LoadBalancers, src.LoadBalancers...)
	s.TargetGroups = append(s.TargetGroups, src.TargetGroups...)
	s.SecurityGroups = append(s.SecurityGroups, src.SecurityGroups...)
	s.WebACLs = append(s.WebACLs, src.WebACLs...)
	s.LambdaFunctions = append(s.LambdaFunctions, src.LambdaFunctions...)
	s.Distributions = append(s.Distributions, src.Distributions...)
	s.ShieldProtections = append(s.ShieldProtections, src.ShieldProtections...)
	s.Alarms = append(s.Alarms, src.Alarms...)
	s.Metrics = append(s.Metrics, src.Metrics...)
	s.Planned = append(s.Planned, src.Planned...)
}

// checkDisjoint refuses resources present in two parts, and per-region API
// Gateway account settings collected twice, naming the parts.
func checkDisjoint(names []string, parts []*Snapshot) error {
	owner := make(map[string]int)
	for i, p := range parts {
		for _, r := range p.Resources() {
			if r.Type == TypeLambda {
				// Functions are read because something routes to them, and
				// a function in one region may be the target of resources
				// in regions two shards own: both read it, and
				// dedupeFunctions keeps one copy.
				continue
			}
			if j, dup := owner[r.ARN]; dup && j != i {
				return fmt.Errorf("%s is in both %s and %s: the snapshots overlap (the same shard twice, or shards of different runs)", r.ARN, names[j], names[i])
			}
			owner[r.ARN] = i
		}
		for _, a := range p.APIGatewayAccounts {
			key := "apigateway account settings " + a.Account + "/" + a.Region
			if j, dup := owner[key]; dup && j != i {
				return fmt.Errorf("%s are in both %s and %s: the snapshots overlap", key, names[j], names[i])
			}
			owner[key] = i
		}
	}
	return nil
}

// MergeScope joins the scopes of merged snapshots or reports: accounts and
// regions are united, and the shard marking stays honest.
//
//   - No part sharded: no shard.
//   - Every part a shard "i/n" of the same n, each shard once: when they
//     cover 1..n the result is a whole run and Shard is cleared; otherwise
//     Shard lists the shards present, e.g. "1,3/4", so a report shows that
//     shards 2 and 4 are missing. Such a partial merge can be merged again
//     with the rest.
//   - Sharded and unsharded parts, different counts, or a shard given twice
//     are errors: the result could not say what it covers.
func MergeScope(names []string, scopes []Scope) (Scope, error) {
	var out Scope
	count := 0
	var shardOwner map[int]int // shard number -> part index
	sharded := -1              // index of a sharded part, -1 when none
	for i, sc := range scopes {
		out.Accounts = append(out.Accounts, sc.Accounts...)
		out.Regions = append(out.Regions, sc.Regions...)
		if sc.Shard == "" {
			if sharded >= 0 {
				return Scope{}, fmt.Errorf("%s is not sharded but %s is shard %s: merge all shards of one run, or only unsharded snapshots", names[i], names[sharded], scopes[sharded].Shard)
			}
			continue
		}
		if sharded < 0 && i > 0 {
			return Scope{}, fmt.Errorf("%s is shard %s but %s is not sharded: merge all shards of one run, or only unsharded snapshots", names[i], sc.Shard, names[0])
		}
		nums, n, err := parseShardSet(sc.Shard)
		if err != nil {
			return Scope{}, fmt.Errorf("%s: scope.shard: %w", names[i], err)
		}
		if sharded < 0 {
			sharded, count, shardOwner = i, n, make(map[int]int)
		} else if n != count {
			return Scope{}, fmt.Errorf("%s is shard %s but %s is shard %s: shards of different shard counts overlap", names[i], sc.Shard, names[sharded], scopes[sharded].Shard)
		}
		for _, k := range nums {
			if j, dup := shardOwner[k]; dup {
				return Scope{}, fmt.Errorf("shard %d/%d is in both %s and %s", k, n, names[j], names[i])
			}
			shardOwner[k] = i
		}
	}
	if sharded >= 0 && len(shardOwner) < count {
		nums := slices.Sorted(maps.Keys(shardOwner))
		parts := make([]string, len(nums))
		for i, k := range nums {
			parts[i] = strconv.Itoa(k)
		}
		out.Shard = strings.Join(parts, ",") + "/" + strconv.Itoa(count)
	}
	out.Accounts = sortedStrings(out.Accounts)
	out.Regions = sortedStrings(out.Regions)
	return out, nil
}

// parseShardSet reads a scope shard marking: "i/n" as a sharded run writes
// it, or "i,j,.../n" as a partial merge writes it; numbers count from 1.
func parseShardSet(s string) (nums []int, n int, err error) {
	list, count, ok := strings.Cut(s, "/")
	if !ok {
		return nil, 0, fmt.Errorf("%q: want i/n", s)
	}
	if n, err = strconv.Atoi(count); err != nil || n < 1 {
		return nil, 0, fmt.Errorf("%q: shard count must be a positive integer", s)
	}
	for _, f := range strings.Split(list, ",") {
		k, err := strconv.Atoi(f)
		if err != nil || k < 1 || k > n {
			return nil, 0, fmt.Errorf("%q: shard number %q must be between 1 and %d", s, f, n)
		}
		if slices.Contains(nums, k) {
			return nil, 0, fmt.Errorf("%q: shard %d is listed twice", s, k)
		}
		nums = append(nums, k)
	}
	return nums, n, nil
}
