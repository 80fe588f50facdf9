package main

import (
	"path/filepath"
	"testing"

	"github.com/gatewatch/gatewatch/collectors/fakeaws"
	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/findings"
)

// TestTimeoutWritesWhatWasCollected: when --timeout passes, scan and
// collect write what they collected, each unfinished account-region marked
// Timeout, and exit 3. The load balancers hang until the limit ends the
// scan, so only the limit can release them.
func TestTimeoutWritesWhatWasCollected(t *testing.T) {
	fakeCredentials(t)
	url := demoWorld(t, fakeaws.Options{Hang: []string{"elasticloadbalancingv2:DescribeLoadBalancers"}})
	for _, tc := range []struct {
		name string
		args func(snap, report string) []string
	}{
		{"collect", func(snap, _ string) []string {
			return []string{"collect", "--endpoint-url", url, "--regions", "eu-west-1", "--timeout", "1s", "-o", snap}
		}},
		{"scan", func(snap, report string) []string {
			return []string{"scan", "--endpoint-url", url, "--regions", "eu-west-1", "--timeout", "1s",
				"--snapshot", snap, "-f", "json", "-o", report}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			snapPath, reportPath := filepath.Join(dir, "snapshot.json"), filepath.Join(dir, "report.json")
			code, _, stderr := runCLI(t, tc.args(snapPath, reportPath)...)
			if code != exitIncomplete {
				t.Fatalf("exit %d, want %d: %s", code, exitIncomplete, stderr)
			}
			snap, err := snapshot.Load(snapPath)
			if err != nil {
				t.Fatalf("no valid snapshot after the timeout: %v", err)
			}
			timedOut := false
			for _, e := range snap.Errors {
				timedOut = timedOut || (e.Code == "Timeout" && e.Region == "eu-west-1" && e.Service == "all")
			}
			if !snap.Incomplete || !timedOut {
				t.Errorf("incomplete %v, errors %+v: want the account-region marked Timeout", snap.Incomplete, snap.Errors)
			}
			if tc.name == "scan" {
				if _, err := findings.LoadBaseline(reportPath); err != nil {
					t.Errorf("no report after the timeout: %v", err)
				}
			}
		})
	}
}
