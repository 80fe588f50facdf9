package policies

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/gatewatch/gatewatch"
	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/collectors/snapshot/synth"
)

// TestInputValueMatchesJSON holds the direct conversion to the value the
// snapshot's JSON form parses to, down to how numbers are written, so the
// rules see the same input from a live scan and from a saved file.
func TestInputValueMatchesJSON(t *testing.T) {
	t.Parallel()
	demo, err := snapshot.Parse(gatewatch.DemoSnapshot, "demo")
	if err != nil {
		t.Fatal(err)
	}
	burst, rate, reserved := 0, 1e-7, 25
	edge := &snapshot.Snapshot{
		SchemaVersion: snapshot.SchemaVersion,
		TakenAt:       time.Date(2026, 11, 20, 2, 0, 0, 123456789, time.FixedZone("x", 3600)),
		Calls:         map[string]int{"elbv2:DescribeLoadBalancers": 3},
		RestAPIs: []snapshot.RestAPI{{
			ARN: "a", Account: "1", Name: "bad utf-8 \xff\xfe here, \u2028 and <html>&",
			Policy: json.RawMessage(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "N": 1.50}]}`),
			Stages: []snapshot.RestStage{{ARN: "a/s", MethodSettings: map[string]snapshot.MethodSetting{
				"*/*": {ThrottlingBurstLimit: &burst, ThrottlingRateLimit: &rate},
			}}},
		}},
		APIGatewayAccounts: []snapshot.APIGatewayAccount{{Account: "1", ThrottleRateLimit: 1e21}},
		Alarms:             []snapshot.Alarm{{ARN: "al", Account: "1", Threshold: 0.1}},
		Metrics:            []snapshot.MetricSummary{{Value: 123456789.125}, {Value: -2.5e-9}, {Value: 4e7}},
		LambdaFunctions:    []snapshot.LambdaFunction{{ARN: "f", Account: "1", ReservedConcurrency: &reserved}},
	}
	tests := map[string]*snapshot.Snapshot{
		"demo":         demo,
		"synthetic":    synth.Org(5, synth.Spec{Accounts: 4, Regions: 3}),
		"edge cases":   edge,
		"unnormalised": {SchemaVersion: snapshot.SchemaVersion},
	}
	for name, snap := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data, err := json.Marshal(snap)
			if err != nil {
				t.Fatal(err)
			}
			want, err := ast.ValueFromReader(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			got, err := inputValue(snap)
			if err != nil {
				t.Fatal(err)
			}
			if got.Compare(want) != 0 {
				t.Errorf("inputValue differs from the JSON round trip")
			}
			// String forms compare number spellings and key sets exactly.
			if diff := cmp.Diff(want.String(), got.String()); diff != "" {
				t.Errorf("inputValue differs from the JSON round trip (-json +direct):\n%s", diff)
			}
		})
	}
}
