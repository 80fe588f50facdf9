package collectors

import (
	"testing"
	"time"

	"golang.org/x/time/rate"
)

func TestPacerBuckets(t *testing.T) {
	t.Parallel()
	p := newPacer(DefaultQuotaShare)
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
	whole, half := newPacer(1), newPacer(0.5)
	for _, tc := range []struct {
		name      string
		bucket    *bucket
		burst     int
		nextDelay time.Duration
	}{
		// 98 % of 10/s burst 40, 5 per 2 s, 10/s burst 40, 20/s burst 100.
		{"API Gateway control plane", whole.apigw, 39, 102040816},
		{"GetResources", whole.getResources, 4, 408163265},
		{"ELB Describe", whole.elb, 39, 102040816},
		{"EC2 non-mutating", whole.ec2, 98, 51020408},
		// Half of it at the default share, which leaves jitter room
		// enough.
		{"ELB Describe, half", half.elb, 20, 200000000},
		{"GetResources, half", half.getResources, 2, 800000000},
	} {
		if d := tc.bucket.lim.ReserveN(now, tc.burst).DelayFrom(now); d != 0 {
			t.Errorf("%s: the first %d calls wait %v, want none", tc.name, tc.burst, d)
		}
		if d := tc.bucket.lim.ReserveN(now, 1).DelayFrom(now); d < tc.nextDelay-time.Microsecond || d > tc.nextDelay+time.Microsecond {
			t.Errorf("%s: the call after the burst waits %v, want %v", tc.name, d, tc.nextDelay)
		}
	}
}

// TestPacerStaysUnderQuota replays a long run of calls paced by each bucket
// at the whole quota (--quota-share 1) against the published quota, with
// every other call arriving late by a few milliseconds of jitter (which
// makes the next one look early): AWS's own bucket must never run dry.
func TestPacerStaysUnderQuota(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for name, q := range map[string]quota{
		"apigateway": quotaAPIGateway, "getresources": quotaGetResources, "elb": quotaELB, "ec2": quotaEC2,
		"describealarms": quotaDescribeAlarms, "getmetricdata": quotaGetMetricData, "lambda": quotaLambda,
	} {
		client := q.bucket(1).lim
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

// TestBucketBacksOffAndRecovers: a throttle halves the rate and empties
// the bucket, throttles within the next second change nothing more, the
// rate never drops below a sixteenth of the share, and it grows back by a
// twentieth of the share per second.
func TestBucketBacksOffAndRecovers(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := quota{10, 40}.bucket(0.5) // 5/s
	ceiling := b.lim.Limit()
	b.throttled(now)
	if got := b.lim.Limit(); got != ceiling/2 {
		t.Fatalf("after a throttle: %v/s, want half of %v/s", got, ceiling)
	}
	if tokens := b.lim.TokensAt(now); tokens >= 1 {
		t.Errorf("after a throttle %v tokens are left, want the bucket emptied", tokens)
	}
	b.throttled(now.Add(500 * time.Millisecond))
	if got := b.lim.Limit(); got != ceiling/2 {
		t.Errorf("a second throttle within a second cut the rate again: %v/s", got)
	}
	for i := range 10 {
		b.throttled(now.Add(time.Duration(i+1) * 1100 * time.Millisecond))
	}
	if got := b.lim.Limit(); got != ceiling/16 {
		t.Errorf("after many throttles: %v/s, want the floor of %v/s", got, ceiling/16)
	}
	last := now.Add(11 * time.Second)
	b.succeeded(last.Add(4 * time.Second))
	if got, want := b.lim.Limit(), ceiling/16+ceiling/5; got < want-1e-9 || got > want+1e-9 {
		t.Errorf("4 s after the last throttle: %v/s, want %v/s", got, want)
	}
	b.succeeded(last.Add(time.Minute))
	if got := b.lim.Limit(); got != ceiling {
		t.Errorf("a minute later: %v/s, want back at %v/s and no further", got, ceiling)
	}
}
