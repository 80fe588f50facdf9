package collectors_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gatewatch/gatewatch/collectors"
	"github.com/gatewatch/gatewatch/collectors/fakeaws"
	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// TestCompleteMeansRead: whichever dataset a scan is asked for, and
// whether or not that dataset's calls are refused, every dataset the
// coverage calls complete everywhere holds exactly what the world holds
// there. A dataset left empty because its calls were skipped, refused or
// never reached must not say complete: a rule would read its emptiness as
// a fact.
func TestCompleteMeansRead(t *testing.T) {
	t.Parallel()
	world := loadWorld(t, "basic.json")
	want := asJSON(t, world)
	for _, d := range snapshot.Datasets {
		for _, denied := range []bool{false, true} {
			name := d.Name
			if denied {
				name += "/denied"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				var opts fakeaws.Options
				if denied {
					opts.Deny = d.Operations
				}
				srv := fakeaws.New(world, opts)
				defer srv.Close()
				got := collectWith(context.Background(), t, srv, "AKIDBASIC", func(o *collectors.Options) {
					o.Datasets = []string{d.Name}
					o.QuotaShare = 1
				}, world.Scope.Regions...)
				if denied && completeEverywhere(got, d.Name) {
					t.Errorf("%s: complete although %v were refused", d.Name, d.Operations)
				}
				have := asJSON(t, got)
				for _, e := range snapshot.Datasets {
					if !completeEverywhere(got, e.Name) {
						continue
					}
					for _, p := range e.Paths {
						if diff := cmp.Diff(ownPart(want, p), ownPart(have, p)); diff != "" {
							t.Errorf("%s is complete, but %s is not the world's (-world +collected):\n%s", e.Name, p, diff)
						}
					}
				}
			})
		}
	}
}

// completeEverywhere reports whether the coverage has dataset entries,
// every one of them complete.
func completeEverywhere(s *snapshot.Snapshot, dataset string) bool {
	n := 0
	for _, c := range s.Coverage {
		if c.Dataset != dataset {
			continue
		}
		if c.State != snapshot.Complete {
			return false
		}
		n++
	}
	return n > 0
}

func asJSON(t *testing.T, s *snapshot.Snapshot) map[string]any {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// ownPart is what lies at a dataset path of a snapshot's JSON form (through
// lists), less the fields other datasets fill inside it: the load balancers
// without their attributes, listeners and tags.
func ownPart(root map[string]any, path string) []any {
	var inner []string
	for _, d := range snapshot.Datasets {
		for _, p := range d.Paths {
			if rest, ok := strings.CutPrefix(p, path+"."); ok {
				inner = append(inner, strings.Split(rest, ".")[0])
			}
		}
	}
	var out []any
	snapshot.AtPath(root, path, func(obj map[string]any, key string) {
		out = append(out, without(obj[key], inner))
	})
	return out
}

// without drops keys from an object, or from each object of a list.
func without(v any, keys []string) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			if !slices.Contains(keys, k) {
				out[k] = x
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, el := range v {
			out[i] = without(el, keys)
		}
		return out
	}
	return v
}

// TestEmptyShardClaimsNothing: a shard that owns none of a small scope
// writes a snapshot with no coverage; read back, it still claims nothing
// (a snapshot from before coverage was recorded would be derived as read
// whole), so merged with some of the other shards it leaves the missing
// shards' scopes unknown, never complete.
func TestEmptyShardClaimsNothing(t *testing.T) {
	t.Parallel()
	world := loadWorld(t, "basic.json")
	srv := fakeaws.New(world, fakeaws.Options{})
	defer srv.Close()
	const count = 4
	var parts []*snapshot.Snapshot
	empty := -1
	for i := range count {
		got := collectWith(context.Background(), t, srv, "AKIDBASIC", func(o *collectors.Options) {
			o.Shard = collectors.Shard{Index: i, Count: count}
		}, world.Scope.Regions...)
		data, err := json.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		back, err := snapshot.Parse(data, "shard.json")
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Coverage) == 0 {
			empty = i
			if len(back.Coverage) != 0 {
				t.Errorf("shard %d/%d owns nothing, but read back it claims %d coverage records", i+1, count, len(back.Coverage))
			}
		}
		parts = append(parts, back)
	}
	if empty < 0 {
		t.Fatal("every shard owns part of the world: the empty shard is not tried")
	}
	// The empty shard with one that owns something, without the rest.
	other := (empty + 1) % count
	for len(parts[other].Coverage) == 0 {
		other = (other + 1) % count
	}
	merged, err := snapshot.Merge(parts[empty], parts[other])
	if err != nil {
		t.Fatal(err)
	}
	ix := merged.IndexCoverage()
	unknown := 0
	for _, acct := range world.Scope.Accounts {
		for _, region := range append(slices.Clone(world.Scope.Regions), snapshot.GlobalRegion) {
			for _, d := range snapshot.ScopeDatasets(region) {
				ds, _ := snapshot.DatasetByName(d)
				for _, c := range ix.Needed(acct, region, ds) {
					if c.State != snapshot.Complete {
						unknown++
					}
				}
			}
		}
	}
	if unknown == 0 {
		t.Errorf("shards %d and %d of %d merged claim the whole scope read", empty+1, other+1, count)
	}
}
