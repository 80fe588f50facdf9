package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gatewatch/gatewatch/collectors/fakeaws"
	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/collectors/snapshot/synth"
)

// TestShardsMergeToTheUnshardedScan: collecting an organisation as n
// shards, merging the shard snapshots and evaluating the result gives the
// findings of one unsharded scan.
func TestShardsMergeToTheUnshardedScan(t *testing.T) {
	fakeCredentials(t)
	world := synth.Org(7, synth.Spec{Accounts: 4, Regions: 3})
	srv := fakeaws.New(world, fakeaws.Options{Quotas: fakeaws.AWSQuotas()})
	t.Cleanup(srv.Close)
	accounts := strings.Join(world.Scope.Accounts, ",")
	regions := strings.Join(world.Scope.Regions, ",")
	common := []string{"--endpoint-url", srv.URL, "--regions", regions, "--accounts", accounts, "--role-name", "gatewatch-audit"}

	code, stdout, stderr := runCLI(t, append([]string{"scan", "-f", "json"}, common...)...)
	if code != 0 {
		t.Fatalf("unsharded scan: exit %d: %s", code, stderr)
	}
	whole := decodeReport(t, stdout)
	if len(whole.Findings) == 0 {
		t.Fatal("the synthetic organisation produced no findings")
	}

	for _, n := range []int{2, 3} {
		t.Run(fmt.Sprint(n, " shards"), func(t *testing.T) {
			dir := t.TempDir()
			var files []string
			for i := 1; i <= n; i++ {
				out := filepath.Join(dir, fmt.Sprintf("shard-%d.json", i))
				args := append([]string{"collect", "--shard", fmt.Sprintf("%d/%d", i, n), "-o", out}, common...)
				if code, _, stderr := runCLI(t, args...); code != 0 {
					t.Fatalf("shard %d/%d: exit %d: %s", i, n, code, stderr)
				}
				part, err := snapshot.Load(out)
				if err != nil {
					t.Fatal(err)
				}
				if part.Scope.Shard != fmt.Sprintf("%d/%d", i, n) {
					t.Errorf("shard %d/%d snapshot says shard %q", i, n, part.Scope.Shard)
				}
				files = append(files, out)
			}
			merged := filepath.Join(dir, "merged.json")
			if code, _, stderr := runCLI(t, append(append([]string{"merge"}, files...), "-o", merged)...); code != 0 {
				t.Fatalf("merge: exit %d: %s", code, stderr)
			}
			code, stdout, stderr := runCLI(t, "eval", merged, "-f", "json")
			if code != 0 {
				t.Fatalf("eval merged: exit %d: %s", code, stderr)
			}
			got := decodeReport(t, stdout)
			if diff := cmp.Diff(whole.Findings, got.Findings); diff != "" {
				t.Errorf("findings of %d merged shards differ from the unsharded scan (-whole +merged):\n%s", n, diff)
			}
			if got.Scope.Shard != "" {
				t.Errorf("merged scope still says shard %q", got.Scope.Shard)
			}
		})
	}
}

func TestShardFlagAndEnvironment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		flag string
		env  map[string]string
		want string // shard String, or error text
	}{
		{"2/4", nil, "2/4"},
		{"", map[string]string{"JOB_COMPLETION_INDEX": "0", "GATEWATCH_SHARD_COUNT": "3"}, "1/3"},
		{"", map[string]string{"AWS_BATCH_JOB_ARRAY_INDEX": "4", "GATEWATCH_SHARD_COUNT": "5"}, "5/5"},
		{"", map[string]string{"JOB_COMPLETION_INDEX": "1"}, "GATEWATCH_SHARD_COUNT"},
		{"5/4", nil, "between 1 and 4"},
		{"", nil, "0/0"},
	}
	for _, tt := range tests {
		f := awsFlags{shard: tt.flag, getenv: func(k string) string { return tt.env[k] }}
		sh, err := f.resolveShard()
		got := fmt.Sprintf("%d/%d", sh.Index+1, sh.Count)
		if sh.Count == 0 {
			got = "0/0"
		}
		if err != nil {
			got = err.Error()
		}
		if !strings.Contains(got, tt.want) {
			t.Errorf("--shard %q env %v: got %q, want %q", tt.flag, tt.env, got, tt.want)
		}
	}
}
