package policies

import (
	"bytes"
	"encoding/json"
	"slices"
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
	// Lists from splitLen on are converted in runs on several CPUs.
	large := synth.Org(5, synth.Spec{Regions: 2, Resources: 12000})
	if longest := slices.Max([]int{len(large.LoadBalancers), len(large.TargetGroups), len(large.LambdaFunctions), len(large.RestAPIs), len(large.Alarms), len(large.Metrics)}); longest < splitLen {
		t.Fatalf("the large snapshot's longest list has %d entries: no list is converted in runs", longest)
	}
	tests := map[string]*snapshot.Snapshot{
		"large":        large,
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

// TestEqualPartsShareOneTerm: equal small parts of the input (tag sets,
// attribute maps) are one term, so the input value does not grow with
// how often the inventory repeats them; unequal ones stay apart.
func TestEqualPartsShareOneTerm(t *testing.T) {
	lb := func(arn string, tags snapshot.Tags) snapshot.LoadBalancer {
		return snapshot.LoadBalancer{ARN: arn, Tags: tags, Attributes: map[string]string{"deletion_protection.enabled": "true"}}
	}
	snap := &snapshot.Snapshot{LoadBalancers: []snapshot.LoadBalancer{
		lb("arn:a", snapshot.Tags{"team": "payments", "env": "prod"}),
		lb("arn:b", snapshot.Tags{"env": "prod", "team": "payments"}),
		lb("arn:c", snapshot.Tags{"env": "dev", "team": "payments"}),
	}}
	v, err := toValue(snap)
	if err != nil {
		t.Fatal(err)
	}
	lbs := v.(ast.Object).Get(ast.StringTerm("load_balancers")).Value.(*ast.Array)
	part := func(i int, key string) *ast.Term { return lbs.Elem(i).Value.(ast.Object).Get(ast.StringTerm(key)) }
	if part(0, "tags") != part(1, "tags") {
		t.Error("equal tag sets are two terms")
	}
	if part(0, "tags") == part(2, "tags") || !part(2, "tags").Equal(ast.MustParseTerm(`{"env": "dev", "team": "payments"}`)) {
		t.Errorf("a different tag set shares the others' term: %v", part(2, "tags"))
	}
	if part(0, "attributes") != part(2, "attributes") {
		t.Error("equal attribute maps are two terms")
	}
	if lbs.Elem(0) == lbs.Elem(1) {
		t.Error("load balancers with different ARNs share a term")
	}
}
