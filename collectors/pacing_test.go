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
	for _, s := range []string{serviceELBv2, serviceEC2, serviceWAFv2, serviceLambda, serviceCloudFront,
		serviceShield, serviceCloudWatch, serviceSTS} {
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
		{"API Gateway control plane", p.apigw, 40, 100 * time.Millisecond},
		{"GetResources", p.getResources, 5, 400 * time.Millisecond},
		{"ELB Describe", p.elb, 40, 100 * time.Millisecond},
		{"EC2 non-mutating", p.ec2, 100, 50 * time.Millisecond},
	} {
		if d := tc.bucket.ReserveN(now, tc.burst).DelayFrom(now); d != 0 {
			t.Errorf("%s: the first %d calls wait %v, want none", tc.name, tc.burst, d)
		}
		if d := tc.bucket.ReserveN(now, 1).DelayFrom(now); d != tc.nextDelay {
			t.Errorf("%s: the call after the burst waits %v, want %v", tc.name, d, tc.nextDelay)
		}
	}
}
