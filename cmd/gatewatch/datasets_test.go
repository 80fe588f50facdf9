package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gatewatch/gatewatch/collectors/fakeaws"
	"github.com/gatewatch/gatewatch/findings"
	"github.com/gatewatch/gatewatch/policies"
)

func TestReadByRules(t *testing.T) {
	t.Parallel()
	lb := findings.Rule{ID: "A", Enabled: true, Inputs: []string{"load_balancer_attributes"}}
	off := findings.Rule{ID: "B", Enabled: false, Inputs: []string{"alarms"}}
	anything := findings.Rule{ID: "C", Enabled: true}
	if got, want := readByRules([]findings.Rule{lb, off}), []string{"load_balancer_attributes", "load_balancers"}; !cmp.Equal(want, got) {
		t.Errorf("one enabled rule, one disabled: %v, want %v", got, want)
	}
	if got := readByRules([]findings.Rule{lb, anything}); got != nil {
		t.Errorf("an enabled rule without inputs: %v, want nil (read everything)", got)
	}
	if got := readByRules(nil); got == nil || len(got) != 0 {
		t.Errorf("no enabled rule: %#v, want an empty list (read nothing)", got)
	}
}

// TestScanReadsWhatItsRulesRead: with every rule but GW209 (ALB access
// logs) turned off, a scan reads only load balancers and their attributes
// and records the rest as not collected; with --snapshot, kept for rules
// of later evaluations, it reads everything.
func TestScanReadsWhatItsRulesRead(t *testing.T) {
	fakeCredentials(t)
	engine, err := policies.New(t.Context(), policies.Options{Config: policies.DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	var cfg strings.Builder
	cfg.WriteString("rules:\n")
	for _, r := range engine.Rules() {
		if r.ID != "GW209" {
			fmt.Fprintf(&cfg, "  %s: {enabled: false}\n", r.ID)
		}
	}
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "gatewatch.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, keep := range []bool{false, true} {
		srv := demoServer(t, fakeaws.Options{})
		args := []string{"scan", "--config", cfgPath, "--endpoint-url", srv.URL, "--regions", "eu-west-1", "-f", "json"}
		if keep {
			args = append(args, "--snapshot", filepath.Join(dir, "snapshot.json"))
		}
		// Not collected by design is no gap: the exit code stays 0.
		code, stdout, stderr := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("scan (snapshot %v): exit %d: %s", keep, code, stderr)
		}
		var ops []string
		for k := range srv.Calls() {
			ops = append(ops, k)
		}
		slices.Sort(ops)
		want := []string{"elasticloadbalancingv2:DescribeLoadBalancerAttributes", "elasticloadbalancingv2:DescribeLoadBalancers", "sts:GetCallerIdentity"}
		switch {
		case !keep && !cmp.Equal(want, ops):
			t.Errorf("scan with GW209 alone made %v, want %v", ops, want)
		case keep && len(ops) <= len(want):
			t.Errorf("scan --snapshot with GW209 alone made %v, want every dataset read", ops)
		}
		if rep := decodeReport(t, stdout); len(rep.Findings) == 0 {
			t.Errorf("scan (snapshot %v): GW209 found nothing in the demo account", keep)
		}
	}
}
