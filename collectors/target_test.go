package collectors_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gatewatch/gatewatch/collectors"
	"github.com/gatewatch/gatewatch/collectors/fakeaws"
)

// TestCollectRetriesFlakyAttempts: an attempt that gets no answer within
// the attempt timeout, and a 200 response whose body is cut off, are
// retried, and the scan loses nothing to them.
func TestCollectRetriesFlakyAttempts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts fakeaws.Options
		// extra are the attempts the faults add, by operation.
		extra map[string]int
	}{
		{
			name:  "attempt timed out",
			opts:  fakeaws.Options{HangFirst: map[string]int{"cloudfront:ListDistributions": 1, "apigateway:GetAccount": 1}},
			extra: map[string]int{"cloudfront:ListDistributions": 1, "apigateway:GetAccount": 1},
		},
		{
			name: "connection dropped mid-response",
			// One of each protocol family: query/XML, REST-JSON, JSON 1.1,
			// REST-XML, CBOR.
			opts: fakeaws.Options{Drop: map[string]int{"elasticloadbalancingv2:DescribeListeners": 2, "apigateway:GetResources": 1,
				"wafv2:ListWebACLs": 1, "cloudfront:ListDistributions": 1, "cloudwatch:DescribeAlarms": 1}},
			extra: map[string]int{"elasticloadbalancingv2:DescribeListeners": 2, "apigateway:GetResources": 1,
				"wafv2:ListWebACLs": 1, "cloudfront:ListDistributions": 1, "cloudwatch:DescribeAlarms": 1},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			world := loadWorld(t, "basic.json")
			clean := fakeaws.New(world, fakeaws.Options{})
			defer clean.Close()
			flaky := fakeaws.New(world, tc.opts)
			defer flaky.Close()

			want := collect(t, clean, "AKID", "us-east-1", "eu-west-1").Calls
			got := collectWith(context.Background(), t, flaky, "AKID", func(o *collectors.Options) {
				o.CallTimeout = 100 * time.Millisecond
			}, "us-east-1", "eu-west-1")
			if diff := cmp.Diff(world, got, inventory); diff != "" {
				t.Errorf("collected snapshot differs from the world (-world +collected):\n%s", diff)
			}
			for op, n := range tc.extra {
				want[op] += n
			}
			if diff := cmp.Diff(want, got.Calls); diff != "" {
				t.Errorf("attempts (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCollectLosesNothingToDroppedConnections: with 30 % of the responses
// cut mid-body, the retries recover every resource. Before they were
// retried, 11 of 18 resources of a scan like this were lost.
func TestCollectLosesNothingToDroppedConnections(t *testing.T) {
	t.Parallel()
	world := loadWorld(t, "basic.json")
	srv := fakeaws.New(world, fakeaws.Options{DropRatio: 0.3})
	defer srv.Close()

	got := collect(t, srv, "AKID", "us-east-1", "eu-west-1")
	if diff := cmp.Diff(world, got, inventory); diff != "" {
		t.Errorf("collected snapshot differs from the world (-world +collected):\n%s", diff)
	}
	attempts := 0
	for _, n := range got.Calls {
		attempts += n
	}
	if dropped := srv.Dropped(); dropped < attempts/5 {
		t.Errorf("%d of %d responses dropped; the fault was not exercised", dropped, attempts)
	}
}

// TestCollectAttemptsRunOut: an operation that never answers is recorded as
// a RequestTimeout after the last attempt, and its dataset as failed.
func TestCollectAttemptsRunOut(t *testing.T) {
	t.Parallel()
	world := restrict(loadWorld(t, "basic.json"), []string{"us-east-1"})
	srv := fakeaws.New(world, fakeaws.Options{Drop: map[string]int{"elasticloadbalancingv2:DescribeLoadBalancers": 3}})
	defer srv.Close()
	got := collectWith(context.Background(), t, srv, "AKID", func(o *collectors.Options) { o.MaxAttempts = 3 }, "us-east-1")

	if len(got.Errors) != 1 || got.Errors[0].Operation != "DescribeLoadBalancers" || got.Errors[0].Code != "IncompleteResponse" {
		t.Errorf("errors = %+v, want one IncompleteResponse of DescribeLoadBalancers", got.Errors)
	}
	if n := srv.Calls()["elasticloadbalancingv2:DescribeLoadBalancers"]; n != 3 {
		t.Errorf("DescribeLoadBalancers attempts = %d, want 3", n)
	}
	wantCoverage(t, got, "us-east-1", "load_balancers", "failed")
}

// TestCollectHangDoesNotSerialiseResources: while one per-resource call of
// an account-region hangs, the same call for the other resources is sent.
// The fake holds every request of the operation until the client gives up,
// which with an hour's attempt timeout happens only when the scan is
// canceled: a second held request means it was sent while the first hung.
func TestCollectHangDoesNotSerialiseResources(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		op   string
		deny []string
	}{
		{op: "elasticloadbalancingv2:DescribeListeners"},
		{op: "elasticloadbalancingv2:DescribeTargetHealth"},
		{op: "apigateway:GetStages"},
		{op: "apigatewayv2:GetRoutes"},
		// The per-load-balancer fallback when the inverted look-up is
		// refused.
		{op: "wafv2:GetWebACLForResource", deny: []string{"wafv2:ListResourcesForWebACL"}},
	} {
		op := tc.op
		t.Run(op, func(t *testing.T) {
			t.Parallel()
			world := restrict(loadWorld(t, "basic.json"), []string{"us-east-1"})
			srv := fakeaws.New(world, fakeaws.Options{Hang: []string{op}, Deny: tc.deny})
			defer srv.Close()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() {
				_, err := collectors.Collect(ctx, collectors.Options{Config: collectWithConfig("AKID"), EndpointURL: srv.URL,
					Regions: []string{"us-east-1"}, Clock: fixedClock, CallTimeout: time.Hour})
				done <- err
			}()
			for held := range 2 {
				select {
				case <-srv.Hung():
				case err := <-done:
					t.Fatalf("scan ended (%v) with %d requests of %s held", err, held, op)
				case <-time.After(time.Minute):
					// Only reached when the calls are made one by one.
					t.Fatalf("%d requests of %s held after a minute; the others wait behind it", held, op)
				}
			}
			cancel()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		})
	}
}
