package snapshot_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/collectors/snapshot/synth"
)

// TestSpoolWritesWhatEncodingWould: a snapshot split into one part per
// account, spooled in any order and written, is byte for byte what
// encoding the whole snapshot writes.
func TestSpoolWritesWhatEncodingWould(t *testing.T) {
	t.Parallel()
	world := synth.SparseOrg(2, synth.OrgSpec{Accounts: 6, Regions: 3, Used: 0.5,
		Large: synth.Large{RestAPIs: 2, PathsPerAPI: 2, ALBs: 2, ListenersPerALB: 1, RulesPerListener: 1}})
	world.Calls = map[string]int{"sts:AssumeRole": 5}
	world.Incomplete = true
	// Errors and coverage of several accounts, so that ordering by account
	// matters.
	for i, a := range world.Scope.Accounts {
		world.Errors = append(world.Errors, snapshot.CollectionError{Account: a, Region: "eu-west-1", Service: "elasticloadbalancingv2",
			Operation: "DescribeTags", Code: "Throttling", Message: "<rate> & more", Resources: []string{"arn:x:" + string(rune('a'+i))}})
	}
	world.Normalize()
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetIndent("", "  ")
	if err := enc.Encode(world); err != nil {
		t.Fatal(err)
	}

	sp, err := snapshot.NewSpool(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	accounts := slices.Clone(world.Scope.Accounts)
	slices.Reverse(accounts)
	for _, a := range accounts {
		if err := sp.Add(a, ofAccount(t, world, a)); err != nil {
			t.Fatal(err)
		}
	}
	var got bytes.Buffer
	if err := sp.WriteJSON(&got, world); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.String(), got.String()); diff != "" {
		t.Errorf("spooled snapshot differs from the encoded one (-encoded +spooled):\n%s", diff)
	}
	if sp.Errors() != len(world.Errors) {
		t.Errorf("Errors = %d, want %d", sp.Errors(), len(world.Errors))
	}

	// Empty lists stay empty.
	empty, err := snapshot.NewSpool(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	meta := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, TakenAt: world.TakenAt}
	meta.Normalize()
	want.Reset()
	if err := enc.Encode(meta); err != nil {
		t.Fatal(err)
	}
	got.Reset()
	if err := empty.WriteJSON(&got, meta); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.String(), got.String()); diff != "" {
		t.Errorf("empty spool (-encoded +spooled):\n%s", diff)
	}
}

// TestSpoolRefusesAMixedPart: a part holding another account's errors
// would break the order by account.
func TestSpoolRefusesAMixedPart(t *testing.T) {
	t.Parallel()
	sp, err := snapshot.NewSpool(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	part := &snapshot.Snapshot{Errors: []snapshot.CollectionError{{Account: "222222222222", Region: "eu-west-1"}}}
	if err := sp.Add("111111111111", part); err == nil {
		t.Error("a part of 111111111111 holding an error of 222222222222 was accepted")
	}
	if err := sp.Add("222222222222", part); err != nil {
		t.Errorf("the same part as 222222222222's: %v", err)
	}
}

// ofAccount is the part of world that belongs to one account.
func ofAccount(t *testing.T, world *snapshot.Snapshot, account string) *snapshot.Snapshot {
	t.Helper()
	data, err := json.Marshal(world)
	if err != nil {
		t.Fatal(err)
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	for name, raw := range all {
		var items []map[string]any
		if json.Unmarshal(raw, &items) != nil {
			continue // not a list
		}
		kept := []map[string]any{}
		for _, it := range items {
			owner, _ := it["account"].(string)
			if name == "accounts" {
				owner, _ = it["id"].(string)
			}
			if owner == account {
				kept = append(kept, it)
			}
		}
		out[name] = kept
	}
	data, err = json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	var part snapshot.Snapshot
	if err := json.Unmarshal(data, &part); err != nil {
		t.Fatal(err)
	}
	return &part
}
