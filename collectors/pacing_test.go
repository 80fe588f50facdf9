package collectors

import (
	"testing"
	"time"

	"golang.org/x/time/rate"
)

func TestPacerBuckets(t *testing.T) {
	t.Parallel()
	p := newPacer()
	v1 := p.buckets(serviceAPIGateway, "GetRestApis")
	v2 := p.buckets(serviceAPIGatewayV2, "GetApis")
	if len(v1) != 1 || len(v2) != 1 || v1[0] != v2[0] {
		t.Error("apigateway and apigatewayv2 must share one control-plane bucket")
	}
	if res := p.buckets(serviceAPIGateway, "GetResources"); len(res) != 2 || res[1] != v1[0] {
		t.Error("GetResources must pass its own bucket and the control-plane bucket")
	}
	if a, m := p.buckets(serviceCloudWatch, "DescribeAlarms"), p.buckets(serviceCloudWatch, "GetMetricData"); a[0] == m[0] {
		t.Error("DescribeAlarms and GetMetricData have separate quotas")
	}
	for _, s := range []string{serviceELBv2, serviceEC2, serviceWAFv2, serviceLambda, serviceCloudFront,
		serviceShield, serviceCloudWatch, serviceSTS, serviceOrganizations} {
		if len(p.buckets(s, "Any")) == 0 {
			t.Errorf("%s is not paced", s)
		}
	}
}

func TestPacerRates(t *testing.T) {
	t.Parallel()
	// Reservations at a fixed instant measure each bucket without sleeping.
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := newPacer()
	for _, tc := range []struct {
		name      string
		bucket    *rate.Limiter
		burst     int
		nextDelay time.Duration
	}{
		// Nine tenths of 10/s burst 40, 5 per 2 s, 10/s burst 40, 20/s burst 100.
		{"API Gateway control plane", p.apigw, 36, 111111111},
		{"GetResources", p.getResources, 4, 444444444},
		{"ELB Describe", p.elb, 36, 111111111},
		{"EC2 non-mutating", p.ec2, 90, 55555555},
	} {
		if d := tc.bucket.ReserveN(now, tc.burst).DelayFrom(now); d != 0 {
			t.Errorf("%s: the first %d calls wait %v, want none", tc.name, tc.burst, d)
		}
		if d := tc.bucket.ReserveN(now, 1).DelayFrom(now); d < tc.nextDelay-time.Microsecond || d > tc.nextDelay+time.Microsecond {
			t.Errorf("%s: the call after the burst waits %v, want %v", tc.name, d, tc.nextDelay)
		}
	}
}

// TestPacerStaysUnderQuota replays a long run of calls paced by each bucket
// against the published quota, with every other call arriving late by a
// few milliseconds of jitter (which makes the next one look early): AWS's
// own bucket must never run dry.
func TestPacerStaysUnderQuota(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for name, q := range map[string]quota{
		"apigateway": quotaAPIGateway, "getresources": quotaGetResources, "elb": quotaELB, "ec2": quotaEC2,
		"describealarms": quotaDescribeAlarms, "getmetricdata": quotaGetMetricData, "lambda": quotaLambda,
	} {
		client := q.limiter()
		aws := rate.NewLimiter(rate.Limit(q.rate), q.burst)
		for i := range 2000 {
			at := start.Add(client.ReserveN(start, 1).DelayFrom(start))
			if i%2 == 1 {
				at = at.Add(5 * time.Millisecond)
			}
			if !aws.AllowN(at, 1) {
				t.Errorf("%s: call %d at +%v would be throttled", name, i, at.Sub(start))
				break
			}
		}
	}
}
