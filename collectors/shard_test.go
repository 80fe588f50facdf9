package collectors

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestParseShard(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Shard
		wantErr string
	}{
		{in: "1/4", want: Shard{Index: 0, Count: 4}},
		{in: "4/4", want: Shard{Index: 3, Count: 4}},
		{in: " 2 / 3 ", want: Shard{Index: 1, Count: 3}},
		{in: "1/1", want: Shard{Index: 0, Count: 1}},
		{in: "0/4", wantErr: "shard number must be between 1 and 4, got 0"},
		{in: "5/4", wantErr: "shard number must be between 1 and 4, got 5"},
		{in: "1/0", wantErr: "shard count must be at least 1, got 0"},
		{in: "1/-2", wantErr: "shard count must be at least 1, got -2"},
		{in: "1/20000", wantErr: "shard count 20000 is more than 10000"},
		{in: "3", wantErr: "want i/n"},
		{in: "", wantErr: "want i/n"},
		{in: "a/4", wantErr: `shard number "a" is not an integer`},
		{in: "1/four", wantErr: `shard count "four" is not an integer`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseShard(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), "--shard ") {
					t.Fatalf("ParseShard(%q) error = %v, want one starting --shard and containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseShard(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseShard(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if got.String() != strings.ReplaceAll(tt.in, " ", "") {
				t.Errorf("String() = %q, want the flag form back", got.String())
			}
		})
	}
}

func TestShardFromEnv(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     map[string]string
		want    Shard
		wantOK  bool
		wantErr string
	}{
		{name: "unset", env: map[string]string{EnvShardCount: "4"}},
		{name: "kubernetes", env: map[string]string{EnvK8sCompletionIndex: "0", EnvShardCount: "4"}, want: Shard{0, 4}, wantOK: true},
		{name: "batch", env: map[string]string{EnvBatchArrayIndex: "3", EnvShardCount: "4"}, want: Shard{3, 4}, wantOK: true},
		{name: "no count", env: map[string]string{EnvK8sCompletionIndex: "1"}, wantErr: "JOB_COMPLETION_INDEX is set but GATEWATCH_SHARD_COUNT is not"},
		{name: "index past count", env: map[string]string{EnvBatchArrayIndex: "4", EnvShardCount: "4"}, wantErr: "AWS_BATCH_JOB_ARRAY_INDEX=4, GATEWATCH_SHARD_COUNT=4: shard number must be between 1 and 4, got 5"},
		{name: "bad index", env: map[string]string{EnvK8sCompletionIndex: "x", EnvShardCount: "4"}, wantErr: `JOB_COMPLETION_INDEX="x": not an integer`},
		{name: "bad count", env: map[string]string{EnvK8sCompletionIndex: "1", EnvShardCount: "many"}, wantErr: `GATEWATCH_SHARD_COUNT="many": not an integer`},
		{name: "both schedulers", env: map[string]string{EnvK8sCompletionIndex: "1", EnvBatchArrayIndex: "1", EnvShardCount: "4"}, wantErr: "both JOB_COMPLETION_INDEX and AWS_BATCH_JOB_ARRAY_INDEX are set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok, err := ShardFromEnv(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("ShardFromEnv = %+v, %v; want %+v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

// TestShardsPartitionTargets holds Owns to its contract: over n shards
// every account-region has exactly one owner, and the shards are even.
func TestShardsPartitionTargets(t *testing.T) {
	t.Parallel()
	regions := []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3",
		"eu-central-1", "eu-north-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ap-south-1",
		"ca-central-1", "sa-east-1", "me-south-1", "af-south-1"}
	var accounts []string
	for i := range 300 {
		// Organisation account IDs are often close together.
		accounts = append(accounts, fmt.Sprintf("1234567%05d", i*3))
	}
	targets := len(accounts) * len(regions)
	for _, n := range []int{1, 2, 3, 4, 7, 8, 16, 64} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			owned := make([]int, n)
			for _, a := range accounts {
				for _, r := range regions {
					owners := 0
					for i := range n {
						if (Shard{Index: i, Count: n}).Owns(a, r) {
							owners++
							owned[i]++
						}
					}
					if owners != 1 {
						t.Fatalf("%s/%s has %d owners over %d shards, want 1", a, r, owners, n)
					}
				}
			}
			// Even: every shard within four standard deviations of the mean
			// of a uniform random assignment. The input is fixed, so this is
			// deterministic; the bound is what "as even as a good hash" means.
			mean := float64(targets) / float64(n)
			bound := 4 * math.Sqrt(mean)
			for i, c := range owned {
				if math.Abs(float64(c)-mean) > bound {
					t.Errorf("shard %d/%d owns %d of %d targets, mean %.0f: uneven %v", i+1, n, c, targets, mean, owned)
				}
			}
		})
	}
}

// TestShardAssignmentIsStable pins a few assignments: the mapping is part
// of the output contract (shards from two versions must still partition).
func TestShardAssignmentIsStable(t *testing.T) {
	t.Parallel()
	var got []string
	for _, target := range [][2]string{{"111122223333", "eu-west-1"}, {"111122223333", "us-east-1"}, {"444455556666", "eu-west-1"}, {"777788889999", "ap-south-1"}} {
		for i := range 4 {
			if (Shard{Index: i, Count: 4}).Owns(target[0], target[1]) {
				got = append(got, fmt.Sprintf("%s/%s=%d", target[0], target[1], i+1))
			}
		}
	}
	want := []string{"111122223333/eu-west-1=3", "111122223333/us-east-1=4", "444455556666/eu-west-1=4", "777788889999/ap-south-1=2"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("assignments = %q, want %q", got, want)
	}
}

func TestOneShardOwnsAnAccountsGlobalServices(t *testing.T) {
	t.Parallel()
	for _, account := range []string{"111122223333", "444455556666", "777788889999"} {
		owners := 0
		for i := range 5 {
			sh := Shard{Index: i, Count: 5}
			if sh.OwnsGlobal(account) {
				owners++
				if !sh.Owns(account, "us-east-1") {
					t.Errorf("shard %s owns the global services of %s but not its us-east-1", sh, account)
				}
			}
		}
		if owners != 1 {
			t.Errorf("%s: %d shards own the global services, want 1", account, owners)
		}
	}
}

func TestZeroShardOwnsEverything(t *testing.T) {
	t.Parallel()
	if !(Shard{}).Owns("111122223333", "eu-west-1") {
		t.Error("the zero Shard must own every account-region")
	}
	if s := (Shard{}).String(); s != "" {
		t.Errorf("zero Shard String() = %q, want empty", s)
	}
}
