package main

import (
	"testing"

	"github.com/gatewatch/gatewatch/findings/judge"
)

// TestDemoScanOCSFValidates checks the OCSF output of the demo scan,
// with suppressed findings among them, against the OCSF 1.6.0 schema:
// zero errors.
func TestDemoScanOCSFValidates(t *testing.T) {
	t.Parallel()
	schema := judge.OCSFSchema(t)
	for _, args := range [][]string{
		{"scan", "--demo", "-f", "ocsf"},
		{"scan", "--demo", "-f", "ocsf", "--suppressions", "testdata/suppress-gw112.yaml"},
	} {
		code, stdout, stderr := runCLI(t, args...)
		if code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		for _, e := range schema.OCSFErrors([]byte(stdout)) {
			t.Errorf("%v: %s", args, e)
		}
	}
}
