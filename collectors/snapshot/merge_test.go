package snapshot

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// shardPart is a small snapshot of one account-region as shard i/n wrote it.
func shardPart(shard, account, region string, at time.Time) *Snapshot {
	lb := "arn:aws:elasticloadbalancing:" + region + ":" + account + ":loadbalancer/app/web/1"
	s := &Snapshot{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "gatewatch", Version: "1.0.0"},
		TakenAt:       at,
		Scope:         Scope{Accounts: []string{account}, Regions: []string{region}, Shard: shard},
		Calls:         map[string]int{"elasticloadbalancing:DescribeLoadBalancers": 1},
		Accounts:      []Account{{ID: account}},
		LoadBalancers: []LoadBalancer{{ARN: lb, Account: account, Region: region, Name: "web", Listeners: []Listener{{ARN: lb + "/l"}}}},
		LambdaFunctions: []LambdaFunction{{
			ARN: "arn:aws:lambda:" + region + ":" + account + ":function:f", Account: account, Region: region, Name: "f",
		}},
	}
	s.Normalize()
	return s
}

var t0 = time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)

func TestMergeAllShards(t *testing.T) {
	t.Parallel()
	a := shardPart("1/3", "111122223333", "eu-west-1", t0.Add(time.Minute))
	b := shardPart("2/3", "111122223333", "us-east-1", t0)
	b.Accounts[0].ShieldAdvanced = true
	b.Errors = []CollectionError{{Account: "111122223333", Region: "us-east-1", Service: "wafv2", Operation: "ListWebACLs", Code: "AccessDeniedException"}}
	c := shardPart("3/3", "444455556666", "eu-west-1", t0.Add(2*time.Minute))
	c.Incomplete = true

	got, err := Merge(c, a, b)
	if err != nil {
		t.Fatal(err)
	}
	if got.Scope.Shard != "" {
		t.Errorf("Shard = %q, want empty: all three shards are present", got.Scope.Shard)
	}
	if want := []string{"111122223333", "444455556666"}; !cmp.Equal(got.Scope.Accounts, want) {
		t.Errorf("Scope.Accounts = %v, want %v", got.Scope.Accounts, want)
	}
	if want := []string{"eu-west-1", "us-east-1"}; !cmp.Equal(got.Scope.Regions, want) {
		t.Errorf("Scope.Regions = %v, want %v", got.Scope.Regions, want)
	}
	if want := []Account{{ID: "111122223333", ShieldAdvanced: true}, {ID: "444455556666"}}; !cmp.Equal(got.Accounts, want) {
		t.Errorf("Accounts = %+v, want one entry per account with Shield from any part: %+v", got.Accounts, want)
	}
	if !got.TakenAt.Equal(t0) {
		t.Errorf("TakenAt = %v, want the earliest part's %v", got.TakenAt, t0)
	}
	if !got.Incomplete {
		t.Error("Incomplete = false, want true: one part was incomplete")
	}
	if len(got.Errors) != 1 {
		t.Errorf("Errors = %v, want the one error of part b", got.Errors)
	}
	if n := got.Calls["elasticloadbalancing:DescribeLoadBalancers"]; n != 3 {
		t.Errorf("calls = %d, want the sum 3", n)
	}
	if len(got.LoadBalancers) != 3 || len(got.LambdaFunctions) != 3 {
		t.Errorf("got %d load balancers and %d functions, want 3 and 3", len(got.LoadBalancers), len(got.LambdaFunctions))
	}
	if err := got.Validate(); err != nil {
		t.Errorf("merged snapshot does not validate: %v", err)
	}

	// The order of the parts does not matter: the result is normalised.
	again, err := Merge(b, c, a)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := json.Marshal(got)
	second, _ := json.Marshal(again)
	if diff := cmp.Diff(string(first), string(second)); diff != "" {
		t.Errorf("merge depends on the order of parts (-c,a,b +b,c,a):\n%s", diff)
	}
}

func TestMergePartialShardsStayMarked(t *testing.T) {
	t.Parallel()
	a := shardPart("1/4", "111122223333", "eu-west-1", t0)
	c := shardPart("3/4", "111122223333", "us-east-1", t0)
	got, err := Merge(c, a)
	if err != nil {
		t.Fatal(err)
	}
	if got.Scope.Shard != "1,3/4" {
		t.Fatalf("Shard = %q, want \"1,3/4\": shards 2 and 4 are missing", got.Scope.Shard)
	}
	// The partial merge merges again with the rest into a whole run.
	b := shardPart("2/4", "444455556666", "eu-west-1", t0)
	d := shardPart("4/4", "444455556666", "us-east-1", t0)
	whole, err := Merge(got, d, b)
	if err != nil {
		t.Fatal(err)
	}
	if whole.Scope.Shard != "" {
		t.Errorf("Shard = %q, want empty after merging the missing shards", whole.Scope.Shard)
	}
}

func TestMergeUnshardedParts(t *testing.T) {
	t.Parallel()
	got, err := Merge(shardPart("", "111122223333", "eu-west-1", t0), shardPart("", "444455556666", "eu-west-1", t0))
	if err != nil {
		t.Fatal(err)
	}
	if got.Scope.Shard != "" || len(got.Accounts) != 2 {
		t.Errorf("got shard %q and %d accounts, want no shard and 2 accounts", got.Scope.Shard, len(got.Accounts))
	}
}

func TestMergeRefuses(t *testing.T) {
	t.Parallel()
	part := func(shard, account string) *Snapshot { return shardPart(shard, account, "eu-west-1", t0) }
	tests := []struct {
		name  string
		parts []*Snapshot
		want  string
	}{
		{"nothing", nil, "merge: no snapshots given"},
		{"overlapping resources", []*Snapshot{part("1/2", "111122223333"), part("2/2", "111122223333")},
			"merge: arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/web/1 is in both a.json and b.json: the snapshots overlap"},
		{"same shard twice", []*Snapshot{part("1/2", "111122223333"), part("1/2", "444455556666")},
			"merge: shard 1/2 is in both a.json and b.json"},
		{"different counts", []*Snapshot{part("1/2", "111122223333"), part("2/3", "444455556666")},
			"merge: b.json is shard 2/3 but a.json is shard 1/2: shards of different shard counts overlap"},
		{"sharded then whole", []*Snapshot{part("1/2", "111122223333"), part("", "444455556666")},
			"merge: b.json is not sharded but a.json is shard 1/2"},
		{"whole then sharded", []*Snapshot{part("", "111122223333"), part("2/2", "444455556666")},
			"merge: b.json is shard 2/2 but a.json is not sharded"},
		{"bad shard marking", []*Snapshot{part("2/x", "111122223333")},
			`merge: a.json: scope.shard: "2/x": shard count must be a positive integer`},
		{"shard out of range", []*Snapshot{part("5/4", "111122223333")},
			`merge: a.json: scope.shard: "5/4": shard number "5" must be between 1 and 4`},
		{"schema version", []*Snapshot{{SchemaVersion: 7}},
			"merge: a.json: schema_version 7 is not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			names := []string{"a.json", "b.json"}[:len(tt.parts)]
			_, err := MergeNamed(names, tt.parts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("MergeNamed error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestMergeNamesPartsByNumber(t *testing.T) {
	t.Parallel()
	p := shardPart("", "111122223333", "eu-west-1", t0)
	_, err := Merge(p, shardPart("", "444455556666", "eu-west-1", t0), p)
	if err == nil || !strings.Contains(err.Error(), "is in both part 1 and part 3") {
		t.Errorf("Merge error = %v, want the overlapping parts named by number", err)
	}
}
