package collectors_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gatewatch/gatewatch/collectors/fakeaws"
	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// TestCollectMetrics reads a week of request counts and p99 latencies: a
// count CloudWatch has no datapoint for is zero requests, a percentile
// without datapoints is left out, WebSocket stages publish neither, and
// the queries of a region travel 500 to a GetMetricData call.
func TestCollectMetrics(t *testing.T) {
	t.Parallel()
	world := loadWorld(t, "basic.json")
	const mobile = "arn:aws:apigateway:us-east-1::/apis/h77http001/stages/$default"
	world.Metrics = filter(world.Metrics, func(m snapshot.MetricSummary) bool {
		return m.Resource != mobile || m.Name != "Count"
	})
	bulk := snapshot.RestAPI{ARN: "arn:aws:apigateway:us-east-1::/restapis/bulk01", Account: "111122223333",
		Region: "us-east-1", ID: "bulk01", Name: "bulk", EndpointTypes: []string{"REGIONAL"}}
	for i := range 170 {
		name := fmt.Sprintf("v%03d", i)
		bulk.Stages = append(bulk.Stages, snapshot.RestStage{ARN: bulk.ARN + "/stages/" + name, Name: name})
	}
	world.RestAPIs = append(world.RestAPIs, bulk)
	world.Normalize()
	srv := fakeaws.New(world, fakeaws.Options{Quotas: fakeaws.AWSQuotas()})
	defer srv.Close()
	got := collect(t, srv, "AKID", "us-east-1", "eu-west-1")
	if len(got.Errors) != 0 {
		t.Fatalf("errors: %+v", got.Errors)
	}

	type key struct{ resource, name string }
	values := map[key]float64{}
	for _, m := range got.Metrics {
		if m.PeriodSeconds != 604800 || m.Account != "111122223333" {
			t.Errorf("metric %+v: want a week's period in the scanned account", m)
		}
		values[key{m.Resource, m.Name}] = m.Value
	}
	for k, want := range map[key]float64{
		{mobile, "Count"}:   0,
		{mobile, "Latency"}: 41,
		{"arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/prod", "IntegrationLatency"}:                             97,
		{"arn:aws:apigateway:us-east-1::/restapis/bulk01/stages/v007", "Count"}:                                              0,
		{"arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/eu-edge/1a2b3c4d5e6f7a8b", "RequestCount"}:    6048,
		{"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/public-web/50dc6c495c0c9188", "ConsumedLCUs"}: 3.2,
	} {
		if v, ok := values[k]; !ok || v != want {
			t.Errorf("%s %s = %v (present %v), want %v", k.resource, k.name, v, ok, want)
		}
	}
	for _, k := range []key{{mobile, "IntegrationLatency"}, {"arn:aws:apigateway:us-east-1::/apis/ws88sock01/stages/prod", "Count"}} {
		if _, ok := values[k]; ok {
			t.Errorf("%s %s collected without datapoints", k.resource, k.name)
		}
	}
	// us-east-1: 172 REST stages and one HTTP stage with 3 queries each,
	// and 2 ALBs with 2: 523 queries in 2 calls; eu-west-1: one ALB, one
	// call.
	if diff := cmp.Diff(3, got.Calls["cloudwatch:GetMetricData"]); diff != "" {
		t.Errorf("GetMetricData calls (-want +got):\n%s", diff)
	}
	// A count per stage and ALB, the three p99s and one LCU average with
	// datapoints.
	if n := len(got.Metrics); n != 173+3+3+1 {
		t.Errorf("%d metric summaries", n)
	}
}
