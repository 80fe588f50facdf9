package collectors_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gatewatch/gatewatch/collectors"
	"github.com/gatewatch/gatewatch/collectors/fakeaws"
	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

var fixedClock = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }

func loadWorld(t *testing.T, name string) *snapshot.Snapshot {
	t.Helper()
	w, err := snapshot.Load(filepath.Join("..", "testdata", "worlds", name))
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// collect runs Collect with the real SDK clients against srv.
func collect(t *testing.T, srv *fakeaws.Server, key string, regions ...string) *snapshot.Snapshot {
	t.Helper()
	return collectWith(context.Background(), t, srv, key, nil, regions...)
}

// collectWith is collect with a context and a hook to adjust the options.
func collectWith(ctx context.Context, t *testing.T, srv *fakeaws.Server, key string, adjust func(*collectors.Options), regions ...string) *snapshot.Snapshot {
	t.Helper()
	opts := collectors.Options{
		Config:      collectWithConfig(key),
		EndpointURL: srv.URL,
		Regions:     regions,
		Clock:       fixedClock,
		ToolVersion: "test",
		MaxBackoff:  time.Millisecond,
	}
	if adjust != nil {
		adjust(&opts)
	}
	var failed *attemptLog
	if opts.Logger == nil {
		failed = &attemptLog{calls: map[string]int{}}
		opts.Logger = slog.New(failed)
	}
	got, err := collectors.Collect(ctx, opts)
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	if failed != nil {
		failedAttempts.Store(got, failed)
	}
	return got
}

// failedAttempts holds the attemptLog of each snapshot collectWith
// returned.
var failedAttempts sync.Map

// attemptLog records the retries the collector logged.
type attemptLog struct {
	mu    sync.Mutex
	calls map[string]int // "service:Operation" -> retries
	errs  []string
	// answered are the retries of calls the endpoint answered with an
	// error (a throttle, a 5xx), as opposed to calls the machine lost.
	answered []string
}

func (h *attemptLog) Enabled(context.Context, slog.Level) bool { return true }
func (h *attemptLog) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *attemptLog) WithGroup(string) slog.Handler            { return h }

func (h *attemptLog) Handle(_ context.Context, r slog.Record) error {
	if r.Message != "retry" {
		return nil
	}
	var call, msg string
	var status int64
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "call":
			call = a.Value.String()
		case "after":
			msg = a.Value.String()
		case "status":
			status = a.Value.Int64()
		}
		return true
	})
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls[call]++
	h.errs = append(h.errs, call+": "+msg)
	if status >= 400 {
		h.answered = append(h.answered, call+": "+msg)
	}
	return nil
}

// neededCalls is what a collection that ended without errors asked for:
// the attempts it made (got.Calls) less its retries. An emulator on a
// loaded machine can lose an attempt (a refused or reset connection, an
// attempt timeout), which the retryer rightly repeats; those repeats are
// the machine's, not the collector's choice of calls, and each is logged
// for the record. A retry after an error the endpoint answered (a
// throttle, a 5xx) is the collector's or the fake's doing: it fails the
// test.
func neededCalls(t *testing.T, got *snapshot.Snapshot) map[string]int {
	t.Helper()
	needed, answered := retried(t, got)
	for _, e := range answered {
		t.Errorf("retried after an answer from the endpoint, which no fault of this test explains: %s", e)
	}
	return needed
}

// retried is got.Calls less the retries the collector logged, and the
// retries that followed an error the endpoint answered.
func retried(t *testing.T, got *snapshot.Snapshot) (needed map[string]int, answered []string) {
	t.Helper()
	if len(got.Errors) != 0 {
		t.Fatalf("calls of a collection with errors: %+v", got.Errors)
	}
	v, ok := failedAttempts.Load(got)
	if !ok {
		t.Fatal("the snapshot did not come from collectWith with its own logger")
	}
	failed := v.(*attemptLog)
	failed.mu.Lock()
	defer failed.mu.Unlock()
	needed = maps.Clone(got.Calls)
	for call, n := range failed.calls {
		if needed[call] -= n; needed[call] == 0 {
			delete(needed, call)
		}
	}
	for _, e := range failed.errs {
		t.Logf("retried after: %s", e)
	}
	return needed, slices.Clone(failed.answered)
}

// collectWithConfig is the AWS configuration of a test: static keys that
// the fake maps to an account.
func collectWithConfig(key string) aws.Config {
	return aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider(key, "secret", "")}
}

// inventory compares snapshots on what was collected, not on run metadata.
var inventory = cmp.Options{
	cmpopts.IgnoreFields(snapshot.Snapshot{}, "Tool", "TakenAt", "Calls", "Coverage"),
	cmpopts.EquateEmpty(),
	// Policies compare as JSON, whatever their whitespace; the filter keeps
	// this comparer apart from EquateEmpty's.
	cmp.FilterValues(func(a, b json.RawMessage) bool { return len(a) > 0 || len(b) > 0 },
		cmp.Comparer(func(a, b json.RawMessage) bool {
			var ca, cb bytes.Buffer
			if json.Compact(&ca, a) != nil || json.Compact(&cb, b) != nil {
				return bytes.Equal(a, b)
			}
			return bytes.Equal(ca.Bytes(), cb.Bytes())
		})),
}

func TestCollectRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		pageSize int
	}{
		{"whole pages", 0},
		{"one item per page", 1},
		{"two items per page", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			world := loadWorld(t, "basic.json")
			srv := fakeaws.New(world, fakeaws.Options{PageSize: tc.pageSize})
			defer srv.Close()

			got := collect(t, srv, "AKIDBASIC", "us-east-1", "eu-west-1")
			if diff := cmp.Diff(world, got, inventory); diff != "" {
				t.Errorf("collected snapshot differs from the world (-world +collected):\n%s", diff)
			}
			if got.TakenAt != fixedClock() || got.Tool.Version != "test" || got.SchemaVersion != snapshot.SchemaVersion {
				t.Errorf("metadata = %v %+v %d", got.TakenAt, got.Tool, got.SchemaVersion)
			}
			// Every call the fake answered was counted, and nothing else.
			if diff := cmp.Diff(srv.Calls(), got.Calls); diff != "" {
				t.Errorf("call counts differ (-server +snapshot):\n%s", diff)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("collected snapshot is invalid: %v", err)
			}
		})
	}
}

func TestCollectPagingCostsCalls(t *testing.T) {
	t.Parallel()
	world := loadWorld(t, "basic.json")
	whole := fakeaws.New(world, fakeaws.Options{})
	defer whole.Close()
	paged := fakeaws.New(world, fakeaws.Options{PageSize: 1})
	defer paged.Close()

	w := collect(t, whole, "AKID", "us-east-1").Calls
	p := collect(t, paged, "AKID", "us-east-1").Calls
	for _, op := range []string{"apigateway:GetRestApis", "elasticloadbalancingv2:DescribeTargetGroups",
		"apigatewayv2:GetApis", "cloudwatch:DescribeAlarms", "cloudfront:ListDistributions"} {
		if p[op] <= w[op] {
			t.Errorf("%s: %d calls with one item per page, %d with whole pages; paging was not exercised", op, p[op], w[op])
		}
	}
	// Fewest calls: one GetResources per REST API, one DescribeTags per 20
	// ELB resources, one ListResourcesForWebACL per ACL and resource type.
	want := map[string]int{
		"apigateway:GetResources":              2,
		"elasticloadbalancingv2:DescribeTags":  1,
		"wafv2:ListResourcesForWebACL":         2,
		"lambda:GetFunction":                   4, // two routed to, two authorizers (deleted: no error)
		"sts:GetCallerIdentity":                1,
		"ec2:DescribeSecurityGroups":           1,
		"shield:DescribeSubscription":          1,
		"elasticloadbalancingv2:DescribeRules": 3,
	}
	for op, n := range want {
		if w[op] != n {
			t.Errorf("%s: %d calls, want %d", op, w[op], n)
		}
	}
}

func TestCollectFaults(t *testing.T) {
	t.Parallel()
	const account = "111122223333"
	for _, tc := range []struct {
		name    string
		opts    fakeaws.Options
		regions []string
		// wantErrors are the (service, operation, code) triples recorded.
		wantErrors []snapshot.CollectionError
		// check inspects the rest of the inventory.
		check func(t *testing.T, world, got *snapshot.Snapshot)
	}{
		{
			name:    "access denied on one service",
			opts:    fakeaws.Options{Deny: []string{"wafv2"}},
			regions: []string{"us-east-1"},
			// Once for the CLOUDFRONT scope (recorded as global) and once for
			// the region.
			wantErrors: []snapshot.CollectionError{
				{Account: account, Region: "global", Service: "wafv2", Operation: "ListWebACLs", Code: "AccessDeniedException"},
				{Account: account, Region: "us-east-1", Service: "wafv2", Operation: "ListWebACLs", Code: "AccessDeniedException"},
			},
			check: func(t *testing.T, world, got *snapshot.Snapshot) {
				wantCoverage(t, got, "us-east-1", "web_acls", snapshot.Failed)
				wantCoverage(t, got, "global", "web_acls", snapshot.Failed)
				wantCoverage(t, got, "us-east-1", "load_balancers", snapshot.Complete)
				wantCoverage(t, got, "global", "cloudfront_distributions", snapshot.Complete)
				if len(got.WebACLs) != 0 {
					t.Errorf("web ACLs collected despite denial: %d", len(got.WebACLs))
				}
				if len(got.RestAPIs) != len(world.RestAPIs) || len(got.LoadBalancers) != len(world.LoadBalancers) ||
					len(got.Distributions) != len(world.Distributions) {
					t.Errorf("rest of the scan incomplete: %d apis, %d lbs, %d distributions", len(got.RestAPIs), len(got.LoadBalancers), len(got.Distributions))
				}
			},
		},
		{
			name:    "access denied on one nested operation",
			opts:    fakeaws.Options{Deny: []string{"apigateway:GetResources"}},
			regions: []string{"us-east-1"},
			// One error per API, naming it: the dataset is partial.
			wantErrors: []snapshot.CollectionError{
				{Account: account, Region: "us-east-1", Service: "apigateway", Operation: "GetResources", Code: "AccessDeniedException",
					Resources: []string{"arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5"}},
				{Account: account, Region: "us-east-1", Service: "apigateway", Operation: "GetResources", Code: "AccessDeniedException",
					Resources: []string{"arn:aws:apigateway:us-east-1::/restapis/z9y8x7w6v5"}},
			},
			check: func(t *testing.T, world, got *snapshot.Snapshot) {
				if c := wantCoverage(t, got, "us-east-1", "rest_resources", snapshot.Partial); len(c.Resources) != 2 {
					t.Errorf("partial rest_resources name %v, want both APIs", c.Resources)
				}
				wantCoverage(t, got, "us-east-1", "rest_stages", snapshot.Complete)
				if len(got.RestAPIs) != 2 || len(got.RestAPIs[0].Stages) == 0 {
					t.Errorf("REST APIs and stages should still be collected: %+v", got.RestAPIs)
				}
				// The proxy integration's Lambda is unknown without resources.
				if len(got.LambdaFunctions) != 2 {
					t.Errorf("lambda functions = %d, want 2 (one via target group, one via HTTP API)", len(got.LambdaFunctions))
				}
			},
		},
		{
			name: "throttled then served",
			opts: fakeaws.Options{Throttle: map[string]int{
				"apigateway:GetRestApis": 2, "elasticloadbalancingv2:DescribeLoadBalancers": 2, "ec2:DescribeSecurityGroups": 1,
				"wafv2:GetWebACL": 1, "cloudwatch:DescribeAlarms": 2, "cloudfront:ListDistributions": 1, "lambda:GetFunction": 1,
			}},
			regions: []string{"us-east-1", "eu-west-1"},
			check: func(t *testing.T, world, got *snapshot.Snapshot) {
				if diff := cmp.Diff(world, got, inventory); diff != "" {
					t.Errorf("throttling lost data (-world +collected):\n%s", diff)
				}
				if got.Calls["apigateway:GetRestApis"] < 4 {
					t.Errorf("retries not counted: %d GetRestApis calls", got.Calls["apigateway:GetRestApis"])
				}
			},
		},
		{
			name:    "throttled beyond the retry budget",
			opts:    fakeaws.Options{Throttle: map[string]int{"elasticloadbalancingv2:DescribeLoadBalancers": 100}},
			regions: []string{"us-east-1"},
			wantErrors: []snapshot.CollectionError{
				{Account: account, Region: "us-east-1", Service: "elasticloadbalancingv2", Operation: "DescribeLoadBalancers", Code: "Throttling"},
			},
			check: func(t *testing.T, world, got *snapshot.Snapshot) {
				wantCoverage(t, got, "us-east-1", "load_balancers", snapshot.Failed)
				wantCoverage(t, got, "us-east-1", "target_groups", snapshot.Complete)
				if got.Calls["elasticloadbalancingv2:DescribeLoadBalancers"] != 5 {
					t.Errorf("attempts = %d, want 5", got.Calls["elasticloadbalancingv2:DescribeLoadBalancers"])
				}
				if len(got.TargetGroups) == 0 {
					t.Error("target groups should still be collected")
				}
			},
		},
		{
			name:    "region not enabled",
			opts:    fakeaws.Options{DisabledRegions: []string{"eu-west-1"}},
			regions: []string{"us-east-1", "eu-west-1"},
			check: func(t *testing.T, world, got *snapshot.Snapshot) {
				services := map[string]bool{}
				for _, e := range got.Errors {
					if e.Region != "eu-west-1" || (e.Code != "UnrecognizedClientException" && e.Code != "InvalidClientTokenId") {
						t.Errorf("unexpected error %+v", e)
					}
					services[e.Service] = true
				}
				for _, s := range []string{"apigateway", "apigatewayv2", "elasticloadbalancingv2", "wafv2", "cloudwatch"} {
					if !services[s] {
						t.Errorf("no error recorded for %s in the disabled region", s)
					}
				}
				for _, ds := range []string{"rest_apis", "load_balancers", "web_acl_associations", "alarms", "lambda_functions"} {
					wantCoverage(t, got, "eu-west-1", ds, snapshot.Failed)
					wantCoverage(t, got, "us-east-1", ds, snapshot.Complete)
				}
				for _, lb := range got.LoadBalancers {
					if lb.Region != "us-east-1" {
						t.Errorf("resource from disabled region: %s", lb.ARN)
					}
				}
				if want := len(restrict(world, []string{"us-east-1"}).LoadBalancers); len(got.LoadBalancers) != want {
					t.Errorf("us-east-1 load balancers = %d, want %d", len(got.LoadBalancers), want)
				}
			},
		},
		{
			name:    "all regions skips disabled ones",
			opts:    fakeaws.Options{DisabledRegions: []string{"eu-west-1"}},
			regions: []string{collectors.AllRegions},
			check: func(t *testing.T, world, got *snapshot.Snapshot) {
				if diff := cmp.Diff([]string{"us-east-1"}, got.Scope.Regions); diff != "" {
					t.Errorf("scope regions (-want +got):\n%s", diff)
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			world := loadWorld(t, "basic.json")
			srv := fakeaws.New(world, tc.opts)
			defer srv.Close()
			got := collect(t, srv, "AKID", tc.regions...)

			if tc.wantErrors != nil {
				ignoreMessage := cmpopts.IgnoreFields(snapshot.CollectionError{}, "Message")
				if diff := cmp.Diff(tc.wantErrors, got.Errors, ignoreMessage); diff != "" {
					t.Errorf("errors (-want +got):\n%s", diff)
				}
				for _, e := range got.Errors {
					if e.Message == "" {
						t.Errorf("error without message: %+v", e)
					}
				}
			}
			if tc.check != nil {
				// Compare against the world restricted to the scanned regions.
				world.Scope.Regions = got.Scope.Regions
				tc.check(t, restrict(world, got.Scope.Regions), got)
			}
		})
	}
}

func TestCollectEmptyAccount(t *testing.T) {
	t.Parallel()
	srv := fakeaws.New(loadWorld(t, "basic.json"), fakeaws.Options{Accounts: map[string]string{"AKIDEMPTY": "999999999999"}})
	defer srv.Close()
	got := collect(t, srv, "AKIDEMPTY", "us-east-1", "eu-west-1")

	if len(got.Errors) != 0 {
		t.Errorf("errors in an empty account: %+v", got.Errors)
	}
	if diff := cmp.Diff([]snapshot.Account{{ID: "999999999999"}}, got.Accounts); diff != "" {
		t.Errorf("accounts (-want +got):\n%s", diff)
	}
	if n := len(got.Resources()); n != 0 {
		t.Errorf("%d resources in an empty account", n)
	}
	if len(got.APIGatewayAccounts) != 2 {
		t.Errorf("API Gateway account settings = %d, want one per region", len(got.APIGatewayAccounts))
	}
	if got.Calls["shield:ListProtections"] != 0 {
		t.Error("ListProtections called without a Shield Advanced subscription")
	}
}

func TestCollectInvalidPolicyIsRecorded(t *testing.T) {
	t.Parallel()
	world := loadWorld(t, "basic.json")
	world.RestAPIs[0].Policy = json.RawMessage(`{"Version": not json`)
	srv := fakeaws.New(world, fakeaws.Options{})
	defer srv.Close()
	got := collect(t, srv, "AKID", "us-east-1")

	var codes []string
	for _, e := range got.Errors {
		codes = append(codes, e.Service+":"+e.Operation+":"+e.Code)
	}
	if !slices.Contains(codes, "apigateway:GetRestApis:InvalidPolicyDocument") {
		t.Errorf("errors = %v, want an InvalidPolicyDocument for the REST API", codes)
	}
	if len(got.RestAPIs) != 2 {
		t.Errorf("REST APIs = %d, want 2 (the bad policy must not drop the API)", len(got.RestAPIs))
	}
}

// restrict keeps the world's regional resources of the given regions.
func restrict(w *snapshot.Snapshot, regions []string) *snapshot.Snapshot {
	return keepWhere(w, func(_, region string) bool { return region == "" || slices.Contains(regions, region) })
}

// keepWhere keeps the world's resources for which in(account, region)
// holds. Account-wide resources, and Lambda functions (looked up in
// whatever region they live), are asked about with region "".
func keepWhere(w *snapshot.Snapshot, in func(account, region string) bool) *snapshot.Snapshot {
	out := *w
	out.Accounts = filter(w.Accounts, func(a snapshot.Account) bool { return in(a.ID, "") })
	out.APIGatewayAccounts = filter(w.APIGatewayAccounts, func(a snapshot.APIGatewayAccount) bool { return in(a.Account, a.Region) })
	out.RestAPIs = filter(w.RestAPIs, func(a snapshot.RestAPI) bool { return in(a.Account, a.Region) })
	out.V2APIs = filter(w.V2APIs, func(a snapshot.V2API) bool { return in(a.Account, a.Region) })
	out.UsagePlans = filter(w.UsagePlans, func(a snapshot.UsagePlan) bool { return in(a.Account, a.Region) })
	out.VPCLinks = filter(w.VPCLinks, func(a snapshot.VPCLink) bool { return in(a.Account, a.Region) })
	out.DomainNames = filter(w.DomainNames, func(a snapshot.DomainName) bool { return in(a.Account, a.Region) })
	out.LoadBalancers = filter(w.LoadBalancers, func(a snapshot.LoadBalancer) bool { return in(a.Account, a.Region) })
	out.TargetGroups = filter(w.TargetGroups, func(a snapshot.TargetGroup) bool { return in(a.Account, a.Region) })
	out.SecurityGroups = filter(w.SecurityGroups, func(a snapshot.SecurityGroup) bool { return in(a.Account, a.Region) })
	out.WebACLs = filter(w.WebACLs, func(a snapshot.WebACL) bool {
		if a.Scope == "CLOUDFRONT" {
			return in(a.Account, "")
		}
		return in(a.Account, a.Region)
	})
	out.LambdaFunctions = filter(w.LambdaFunctions, func(a snapshot.LambdaFunction) bool { return in(a.Account, "") })
	out.Distributions = filter(w.Distributions, func(a snapshot.Distribution) bool { return in(a.Account, "") })
	out.ShieldProtections = filter(w.ShieldProtections, func(a snapshot.ShieldProtection) bool { return in(a.Account, "") })
	out.Alarms = filter(w.Alarms, func(a snapshot.Alarm) bool { return in(a.Account, a.Region) })
	out.Metrics = filter(w.Metrics, func(a snapshot.MetricSummary) bool { return in(a.Account, a.Region) })
	return &out
}

func filter[T any](s []T, keep func(T) bool) []T {
	out := []T{}
	for _, v := range s {
		if keep(v) {
			out = append(out, v)
		}
	}
	return out
}

// wantCoverage checks the state of one dataset of the test account and
// returns its record.
func wantCoverage(t *testing.T, s *snapshot.Snapshot, region, dataset, state string) snapshot.Coverage {
	t.Helper()
	c, ok := s.IndexCoverage().Get("111122223333", region, dataset)
	if !ok || c.State != state {
		t.Errorf("coverage of %s in %s = %+v (recorded %v), want %s", dataset, region, c, ok, state)
	}
	return c
}

func TestCollectHungCallTimesOut(t *testing.T) {
	t.Parallel()
	world := restrict(loadWorld(t, "basic.json"), []string{"us-east-1"})
	srv := fakeaws.New(world, fakeaws.Options{Hang: []string{"cloudfront:ListDistributions"}})
	defer srv.Close()
	got := collectWith(context.Background(), t, srv, "AKID", func(o *collectors.Options) {
		o.CallTimeout = 50 * time.Millisecond
	}, "us-east-1")

	want := []snapshot.CollectionError{{Account: "111122223333", Region: "global", Service: "cloudfront",
		Operation: "ListDistributions", Code: "RequestTimeout"}}
	if diff := cmp.Diff(want, got.Errors, cmpopts.IgnoreFields(snapshot.CollectionError{}, "Message")); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if len(got.Distributions) != 0 || len(got.LoadBalancers) != len(world.LoadBalancers) || got.Incomplete {
		t.Errorf("distributions %d, load balancers %d, incomplete %v", len(got.Distributions), len(got.LoadBalancers), got.Incomplete)
	}
	// A timed-out attempt is retried once: of the 5 attempts the retryer
	// allows, a call that hangs twice spends 2.
	if n := srv.Calls()["cloudfront:ListDistributions"]; n != 2 {
		t.Errorf("ListDistributions attempts = %d, want 2", n)
	}
}

func TestCollectCanceledIsIncomplete(t *testing.T) {
	t.Parallel()
	srv := fakeaws.New(loadWorld(t, "basic.json"), fakeaws.Options{Hang: []string{"elasticloadbalancingv2:DescribeLoadBalancers"}})
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := collectWith(ctx, t, srv, "AKID", func(o *collectors.Options) {
		// The load balancers hang until the scan is canceled, which happens
		// once API Gateway is done: a deterministic interruption.
		o.Progress = func(ev collectors.ProgressEvent) {
			if ev.Service == "apigateway" && ev.Done {
				cancel()
			}
		}
	}, "us-east-1")

	if !got.Incomplete {
		t.Error("an interrupted scan must be marked incomplete")
	}
	found := false
	for _, e := range got.Errors {
		found = found || cmp.Equal(e, snapshot.CollectionError{Account: "111122223333", Region: "us-east-1",
			Service: "elasticloadbalancingv2", Operation: "DescribeLoadBalancers", Code: "Canceled", Message: e.Message})
	}
	if !found {
		t.Errorf("no Canceled error for the interrupted call: %+v", got.Errors)
	}
	// The canceled attempt is not retried.
	if n := srv.Calls()["elasticloadbalancingv2:DescribeLoadBalancers"]; n != 1 {
		t.Errorf("DescribeLoadBalancers attempts = %d, want 1", n)
	}
	if len(got.RestAPIs) != 2 {
		t.Errorf("REST APIs finished before the cancel = %d, want 2", len(got.RestAPIs))
	}
}

func TestFakeQuotasArePerAccountRegion(t *testing.T) {
	t.Parallel()
	// A bucket of one token that never refills: each account-region may
	// call GetAccount exactly once.
	srv := fakeaws.New(loadWorld(t, "basic.json"), fakeaws.Options{Quotas: []fakeaws.Quota{
		{Name: "once", Match: []string{"apigateway:GetAccount"}, Rate: 1e-9, Burst: 1}}})
	defer srv.Close()

	first := collect(t, srv, "AKID", "us-east-1", "eu-west-1")
	if len(first.Errors) != 0 {
		t.Fatalf("first scan: %+v", first.Errors)
	}
	second := collect(t, srv, "AKID", "us-east-1", "eu-west-1")
	var regions []string
	for _, e := range second.Errors {
		if e.Operation != "GetAccount" || e.Code != "TooManyRequestsException" {
			t.Errorf("unexpected error %+v", e)
		}
		regions = append(regions, e.Region)
	}
	if diff := cmp.Diff([]string{"eu-west-1", "us-east-1"}, regions); diff != "" {
		t.Errorf("throttled regions (-want +got):\n%s", diff)
	}
}

// TestPacingKeepsWithinAWSQuotas scans an account big enough to exceed
// API Gateway's burst against a fake enforcing AWS's published quotas: the
// collector's own buckets must keep it from failing.
func TestPacingKeepsWithinAWSQuotas(t *testing.T) {
	t.Parallel()
	world := loadWorld(t, "basic.json")
	for i := range 20 {
		id := fmt.Sprintf("bulk%06d", i)
		world.RestAPIs = append(world.RestAPIs, snapshot.RestAPI{
			ARN: "arn:aws:apigateway:us-east-1::/restapis/" + id, Account: "111122223333", Region: "us-east-1",
			ID: id, Name: id, EndpointTypes: []string{"EDGE"},
			Resources: []snapshot.RestResource{{ID: id + "r", Path: "/"}},
		})
	}
	world.Normalize()
	srv := fakeaws.New(world, fakeaws.Options{Quotas: fakeaws.AWSQuotas()})
	defer srv.Close()
	got := collect(t, srv, "AKID", "us-east-1", "eu-west-1")

	if len(got.Errors) != 0 {
		t.Errorf("errors under AWS quotas: %+v", got.Errors)
	}
	if diff := cmp.Diff(world, got, inventory); diff != "" {
		t.Errorf("collected snapshot differs (-world +collected):\n%s", diff)
	}
	t.Logf("%d GetResources calls, %d throttled answers", got.Calls["apigateway:GetResources"], srv.Throttled())
}

// iamAction is the IAM action that authorises a "service:Operation" call.
func iamAction(call string) string {
	service, op, _ := strings.Cut(call, ":")
	switch service {
	case "apigateway", "apigatewayv2":
		return "apigateway:GET"
	case "elasticloadbalancingv2":
		return "elasticloadbalancing:" + op
	case "tagging":
		return "tag:" + op
	}
	return service + ":" + op
}

func TestIAMActionsCoverEveryCall(t *testing.T) {
	t.Parallel()
	world := loadWorld(t, "basic.json")
	srv := fakeaws.New(world, fakeaws.Options{})
	defer srv.Close()
	calls := map[string]int{}
	for _, regions := range [][]string{{collectors.AllRegions}, {"us-east-1"}} {
		maps.Copy(calls, collect(t, srv, "AKID", regions...).Calls)
	}
	// The web ACL association fallback runs only when the inverted
	// look-up is refused.
	refused := fakeaws.New(world, fakeaws.Options{Deny: []string{"wafv2:ListResourcesForWebACL"}})
	defer refused.Close()
	maps.Copy(calls, collect(t, refused, "AKID", "us-east-1").Calls)
	// The tagging API is asked only where load balancers are many.
	many := manyLoadBalancers()
	tagging := fakeaws.New(many, fakeaws.Options{})
	defer tagging.Close()
	maps.Copy(calls, collect(t, tagging, "AKID", many.Scope.Regions...).Calls)
	declared := collectors.IAMActions()
	if !slices.IsSorted(declared) {
		t.Error("IAMActions is not sorted")
	}
	used := map[string]bool{}
	for call := range calls {
		a := iamAction(call)
		used[a] = true
		if !slices.Contains(declared, a) {
			t.Errorf("%s needs %s, which IAMActions does not list", call, a)
		}
	}
	for _, a := range declared {
		if !used[a] {
			t.Errorf("IAMActions lists %s, which no call of the basic world needs", a)
		}
	}
}

func TestCollectDeniedEverywhere(t *testing.T) {
	t.Parallel()
	// Every service but STS and ELB denies: each protocol's AccessDenied
	// answer must decode to the code AWS sends, one error per parent list.
	world := restrict(loadWorld(t, "basic.json"), []string{"us-east-1"})
	srv := fakeaws.New(world, fakeaws.Options{Deny: []string{
		"apigateway", "apigatewayv2", "ec2", "wafv2", "lambda", "cloudfront", "shield", "cloudwatch"}})
	defer srv.Close()
	got := collect(t, srv, "AKID", "us-east-1")

	codes := map[string]string{}
	for _, e := range got.Errors {
		codes[e.Service+":"+e.Operation] = e.Code
	}
	want := map[string]string{
		"apigateway:GetAccount":        "AccessDeniedException",
		"apigateway:GetRestApis":       "AccessDeniedException",
		"apigateway:GetUsagePlans":     "AccessDeniedException",
		"apigateway:GetVpcLinks":       "AccessDeniedException",
		"apigateway:GetDomainNames":    "AccessDeniedException",
		"apigatewayv2:GetApis":         "AccessDeniedException",
		"apigatewayv2:GetVpcLinks":     "AccessDeniedException",
		"apigatewayv2:GetDomainNames":  "AccessDeniedException",
		"ec2:DescribeSecurityGroups":   "UnauthorizedOperation",
		"wafv2:ListWebACLs":            "AccessDeniedException",
		"lambda:GetFunction":           "AccessDeniedException",
		"cloudfront:ListDistributions": "AccessDenied",
		"shield:DescribeSubscription":  "AccessDeniedException",
		"cloudwatch:DescribeAlarms":    "AccessDenied",
		"cloudwatch:GetMetricData":     "AccessDenied",
	}
	if diff := cmp.Diff(want, codes); diff != "" {
		t.Errorf("error codes (-want +got):\n%s", diff)
	}
	if len(got.LoadBalancers) != len(world.LoadBalancers) || len(got.TargetGroups) != len(world.TargetGroups) {
		t.Errorf("ELB inventory lost: %d load balancers, %d target groups", len(got.LoadBalancers), len(got.TargetGroups))
	}
}

func TestCollectAdaptiveRetryMode(t *testing.T) {
	t.Parallel()
	world := loadWorld(t, "basic.json")
	srv := fakeaws.New(world, fakeaws.Options{Throttle: map[string]int{"apigateway:GetRestApis": 2}})
	defer srv.Close()
	got := collectWith(context.Background(), t, srv, "AKID", func(o *collectors.Options) {
		o.Config.RetryMode = aws.RetryModeAdaptive
	}, "us-east-1", "eu-west-1")
	if diff := cmp.Diff(world, got, inventory); diff != "" {
		t.Errorf("adaptive retries lost data (-world +collected):\n%s", diff)
	}
}
