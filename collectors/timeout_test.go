package collectors_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gatewatch/gatewatch/collectors"
	"github.com/gatewatch/gatewatch/collectors/fakeaws"
	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// TestCollectTimeoutMarksUnfinished: when the collection's time limit
// passes, the account-regions still in progress are marked Timeout (not
// Canceled), their datasets are gaps, and what was collected is returned.
func TestCollectTimeoutMarksUnfinished(t *testing.T) {
	t.Parallel()
	world := loadWorld(t, "basic.json")
	srv := fakeaws.New(world, fakeaws.Options{Hang: []string{"elasticloadbalancingv2:DescribeLoadBalancers"}})
	defer srv.Close()
	// The load balancers hang until the time limit ends the scan; only
	// the limit releases them, whatever the machine's speed.
	got := collectWith(context.Background(), t, srv, "AKID", func(o *collectors.Options) {
		o.Timeout = 500 * time.Millisecond
		o.CallTimeout = time.Hour
	}, "us-east-1", "eu-west-1")

	if !got.Incomplete {
		t.Error("a timed-out scan must be marked incomplete")
	}
	marked := map[string]bool{}
	for _, e := range got.Errors {
		// The calls in flight, the load balancers' among them, were cut
		// off by the limit, not slow.
		if e.Code != "Timeout" {
			t.Errorf("recorded as %s, want Timeout: %+v", e.Code, e)
		}
		if e.Operation == "Collect" && e.Service == "all" && e.Code == "Timeout" {
			marked[e.Region] = true
		}
	}
	for _, region := range []string{"us-east-1", "eu-west-1"} {
		if !marked[region] {
			t.Errorf("%s: no Timeout marker in %+v", region, got.Errors)
		}
		wantCoverage(t, got, region, "load_balancers", snapshot.Failed)
	}
}

// TestCollectTimeoutBeforeTheAccountIsKnown: a time limit that passes while
// the caller is identified ends Collect with an error that says so.
func TestCollectTimeoutBeforeTheAccountIsKnown(t *testing.T) {
	t.Parallel()
	srv := fakeaws.New(loadWorld(t, "basic.json"), fakeaws.Options{Hang: []string{"sts:GetCallerIdentity"}})
	defer srv.Close()
	_, err := collectors.Collect(context.Background(), collectors.Options{Config: collectWithConfig("AKID"), EndpointURL: srv.URL,
		Regions: []string{"us-east-1"}, Timeout: 200 * time.Millisecond, CallTimeout: time.Hour})
	if !errors.Is(err, collectors.ErrTimeout) {
		t.Errorf("Collect error = %v, want ErrTimeout", err)
	}
}
