package collectors_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gatewatch/gatewatch/collectors"
	"github.com/gatewatch/gatewatch/collectors/fakeaws"
	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

const (
	caller   = "111122223333"
	member2  = "222233334444"
	member3  = "333344445555"
	roleTmpl = "arn:{partition}:iam::{account}:role/gatewatch-audit"
)

// orgWorld is the basic world three times over: the caller's account and
// two member accounts holding copies of its resources.
func orgWorld(t *testing.T) *snapshot.Snapshot {
	t.Helper()
	world, err := snapshot.Merge(loadWorld(t, "basic.json"),
		copyAccount(t, loadWorld(t, "basic.json"), member2, "b"),
		copyAccount(t, loadWorld(t, "basic.json"), member3, "c"))
	if err != nil {
		t.Fatal(err)
	}
	if err := world.Validate(); err != nil {
		t.Fatal(err)
	}
	return world
}

// copyAccount moves a world into another account. API Gateway ARNs carry
// no account and its IDs are unique across AWS, so those get a suffix.
func copyAccount(t *testing.T, w *snapshot.Snapshot, id, suffix string) *snapshot.Snapshot {
	t.Helper()
	data, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	pairs := []string{caller, id}
	for _, old := range []string{"a1b2c3d4e5", "z9y8x7w6v5", "h77http001", "ws88sock01", "euhttp0001", "vl1abc", "vl2xyz"} {
		pairs = append(pairs, old, old+suffix)
	}
	pairs = append(pairs, `"up1"`, `"up1`+suffix+`"`, "/usageplans/up1", "/usageplans/up1"+suffix,
		"api.example.com", "api."+suffix+".example.com", "m.example.com", "m."+suffix+".example.com")
	var out snapshot.Snapshot
	if err := json.Unmarshal([]byte(strings.NewReplacer(pairs...).Replace(string(data))), &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

// ofAccounts keeps the world's resources of the given accounts.
func ofAccounts(w *snapshot.Snapshot, ids ...string) *snapshot.Snapshot {
	out := keepWhere(w, func(account, _ string) bool { return slices.Contains(ids, account) })
	out.Scope.Accounts = ids
	return out
}

func withAccounts(ids ...string) func(*collectors.Options) {
	return func(o *collectors.Options) {
		o.Accounts = ids
		o.RoleARN = roleTmpl
		o.ExternalID = "xid-42"
	}
}

// TestCollectAccountsThroughRoles scans three accounts, two through an
// assumed role, against a fake that enforces AWS's published quotas per
// account-region: every account is collected in full, without one failed
// call.
func TestCollectAccountsThroughRoles(t *testing.T) {
	t.Parallel()
	world := orgWorld(t)
	srv := fakeaws.New(world, fakeaws.Options{Quotas: fakeaws.AWSQuotas(), ExternalID: "xid-42", PageSize: 1})
	defer srv.Close()
	got := collectWith(context.Background(), t, srv, "AKID", withAccounts(caller, member2, member3, member2), "us-east-1", "eu-west-1")

	if len(got.Errors) != 0 {
		t.Errorf("errors: %+v", got.Errors)
	}
	if diff := cmp.Diff(world, got, inventory); diff != "" {
		t.Errorf("collected snapshot differs from the world (-world +collected):\n%s", diff)
	}
	// The caller's own account is scanned with its own credentials; each
	// other account costs one AssumeRole, however long the scan.
	if n := srv.Calls()["sts:AssumeRole"]; n != 2 {
		t.Errorf("AssumeRole calls = %d, want 2", n)
	}
	if diff := cmp.Diff(srv.Calls(), got.Calls); diff != "" {
		t.Errorf("call counts differ (-server +snapshot):\n%s", diff)
	}
	t.Logf("%d calls, %d throttled answers", sum(got.Calls), srv.Throttled())
}

func TestCollectAccountRoleDenied(t *testing.T) {
	t.Parallel()
	world := orgWorld(t)
	srv := fakeaws.New(world, fakeaws.Options{ExternalID: "xid-42", DenyAssumeRole: []string{member3}})
	defer srv.Close()
	got := collectWith(context.Background(), t, srv, "AKID", withAccounts(caller, member2, member3), "us-east-1", "eu-west-1")

	want := []snapshot.CollectionError{{Account: member3, Region: "global", Service: "sts", Operation: "AssumeRole", Code: "AccessDenied"}}
	if diff := cmp.Diff(want, got.Errors, cmpopts.IgnoreFields(snapshot.CollectionError{}, "Message")); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if len(got.Errors) == 1 && !strings.Contains(got.Errors[0].Message, "arn:aws:iam::"+member3+":role/gatewatch-audit") {
		t.Errorf("the error does not name the role: %q", got.Errors[0].Message)
	}
	wantWorld := ofAccounts(world, caller, member2)
	wantWorld.Scope.Accounts = []string{caller, member2, member3}
	got.Errors = nil
	if diff := cmp.Diff(wantWorld, got, inventory); diff != "" {
		t.Errorf("the other accounts (-world +collected):\n%s", diff)
	}
}

func TestCollectAccountsNeedARole(t *testing.T) {
	t.Parallel()
	srv := fakeaws.New(orgWorld(t), fakeaws.Options{})
	defer srv.Close()
	for name, opts := range map[string]collectors.Options{
		"no role":       {Accounts: []string{caller, member2}},
		"bad ID":        {Accounts: []string{"12345"}, RoleARN: roleTmpl},
		"list plus org": {Accounts: []string{member2}, RoleARN: roleTmpl, Organization: &collectors.Organization{}},
	} {
		opts.Config = collectWithConfig("AKID")
		opts.EndpointURL = srv.URL
		if _, err := collectors.Collect(context.Background(), opts); err == nil {
			t.Errorf("%s: Collect succeeded", name)
		}
	}
}

func TestCollectOrganization(t *testing.T) {
	t.Parallel()
	org := &fakeaws.Organization{
		Parents: map[string]string{
			"ou-prod": "r-root", "ou-prod-eu": "ou-prod", "ou-sandbox": "r-root",
			member2: "ou-prod-eu", member3: "ou-sandbox",
		},
		Admins: []string{caller},
	}
	for _, tc := range []struct {
		name      string
		filter    collectors.Organization
		suspended []string
		want      []string
		// wantCalls are the Organizations calls discovery may make.
		wantCalls map[string]int
	}{
		{"every active account", collectors.Organization{}, []string{member3}, []string{caller, member2},
			map[string]int{"organizations:ListAccounts": 1}},
		{"one OU and the OUs below it", collectors.Organization{IncludeOUs: []string{"ou-prod"}}, nil, []string{member2},
			map[string]int{"organizations:ListAccountsForParent": 2, "organizations:ListChildren": 2}},
		{"all but one OU", collectors.Organization{ExcludeOUs: []string{"ou-sandbox"}}, nil, []string{caller, member2},
			map[string]int{"organizations:ListAccounts": 1, "organizations:ListAccountsForParent": 1, "organizations:ListChildren": 1}},
		{"an OU minus a nested one", collectors.Organization{IncludeOUs: []string{"r-root"}, ExcludeOUs: []string{"ou-prod-eu"}}, nil,
			[]string{caller, member3},
			map[string]int{"organizations:ListAccountsForParent": 4, "organizations:ListChildren": 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			world := orgWorld(t)
			for i := range world.Accounts {
				world.Accounts[i].Name = "account-" + world.Accounts[i].ID[:3]
			}
			o := *org
			o.Suspended = tc.suspended
			srv := fakeaws.New(world, fakeaws.Options{Organization: &o})
			defer srv.Close()
			got := collectWith(context.Background(), t, srv, "AKID", func(opts *collectors.Options) {
				opts.Organization = &tc.filter
				opts.RoleARN = roleTmpl
			}, "us-east-1")

			if diff := cmp.Diff(tc.want, got.Scope.Accounts); diff != "" {
				t.Errorf("accounts (-want +got):\n%s", diff)
			}
			if len(got.Errors) != 0 {
				t.Errorf("errors: %+v", got.Errors)
			}
			names := map[string]string{}
			for _, a := range got.Accounts {
				names[a.ID] = a.Name
			}
			for _, a := range world.Accounts {
				if slices.Contains(tc.want, a.ID) && names[a.ID] != a.Name {
					t.Errorf("account %s named %q, want %q from Organizations", a.ID, names[a.ID], a.Name)
				}
			}
			calls := map[string]int{}
			for k, n := range srv.Calls() {
				if strings.HasPrefix(k, "organizations:") {
					calls[k] = n
				}
			}
			if diff := cmp.Diff(tc.wantCalls, calls); diff != "" {
				t.Errorf("organizations calls (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCollectOrganizationNotAllowed(t *testing.T) {
	t.Parallel()
	srv := fakeaws.New(orgWorld(t), fakeaws.Options{Organization: &fakeaws.Organization{Admins: []string{member2}}})
	defer srv.Close()
	_, err := collectors.Collect(context.Background(), collectors.Options{Config: collectWithConfig("AKID"), EndpointURL: srv.URL,
		Organization: &collectors.Organization{}, RoleARN: roleTmpl})
	if err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("err = %v, want the AccessDenied of ListAccounts", err)
	}
}

// TestCollectCanceledMarksEveryUnfinishedTarget interrupts a three-account
// scan while a load balancer call hangs: every account-region is then
// marked Canceled, whether it was running, waiting for a slot, or in an
// account whose role was still being assumed.
func TestCollectCanceledMarksEveryUnfinishedTarget(t *testing.T) {
	t.Parallel()
	srv := fakeaws.New(orgWorld(t), fakeaws.Options{ExternalID: "xid-42",
		Hang: []string{"elasticloadbalancingv2:DescribeLoadBalancers"}})
	defer srv.Close()
	ctx := canceledOnHang(t, srv)
	got := collectWith(ctx, t, srv, "AKID", func(o *collectors.Options) {
		withAccounts(caller, member2, member3)(o)
		o.MaxCallsInFlight = 2
	}, "us-east-1", "eu-west-1")

	if !got.Incomplete {
		t.Error("an interrupted scan must be marked incomplete")
	}
	marked := map[string]bool{}
	for _, e := range got.Errors {
		if e.Code != "Canceled" {
			t.Errorf("unexpected error %+v", e)
		}
		if e.Operation == "Collect" {
			marked[e.Account+" "+e.Region] = true
		}
	}
	// Load balancers hang in every region, so no region can finish.
	for _, a := range []string{caller, member2, member3} {
		for _, r := range []string{"us-east-1", "eu-west-1"} {
			if !marked[a+" "+r] {
				t.Errorf("%s %s is not marked as interrupted", a, r)
			}
		}
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// TestCollectMakesTheFewestCalls: with nothing throttled, the collector
// makes exactly the calls fakeaws.MinimumCalls says the world needs at
// AWS's largest pages, in one account and in three.
func TestCollectMakesTheFewestCalls(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		world    *snapshot.Snapshot
		accounts []string
	}{
		{"one account", loadWorld(t, "basic.json"), nil},
		{"three accounts", orgWorld(t), []string{caller, member2, member3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := fakeaws.New(tc.world, fakeaws.Options{ExternalID: "xid-42"})
			defer srv.Close()
			got := collectWith(context.Background(), t, srv, "AKID", withAccounts(tc.accounts...), tc.world.Scope.Regions...)
			want := map[string]int{}
			for _, calls := range fakeaws.MinimumCalls(tc.world, caller, "us-east-1") {
				for k, n := range calls {
					want[k] += n
				}
			}
			if diff := cmp.Diff(want, neededCalls(t, got)); diff != "" {
				t.Errorf("calls (-minimum +made):\n%s", diff)
			}
		})
	}
}

// TestCollectCanceledShardMarksOnlyItsOwn: a shard interrupted while it
// assumes the role of an account it owns one region of marks that region
// alone, not the account-regions the other shards own.
func TestCollectCanceledShardMarksOnlyItsOwn(t *testing.T) {
	t.Parallel()
	srv := fakeaws.New(orgWorld(t), fakeaws.Options{ExternalID: "xid-42", Hang: []string{"sts:AssumeRole"}})
	defer srv.Close()
	ctx := canceledOnHang(t, srv)
	// Shard 3 of 8 owns member3's eu-west-1 and nothing else of the world.
	shard := collectors.Shard{Index: 2, Count: 8}
	got := collectWith(ctx, t, srv, "AKID", func(o *collectors.Options) {
		withAccounts(caller, member2, member3)(o)
		o.Shard = shard
		// The credentials cache lets AssumeRole run on, detached from the
		// canceled scan, until the attempt's timeout; keep that short so
		// the server can close.
		o.CallTimeout = 100 * time.Millisecond
	}, "us-east-1", "eu-west-1")

	var marked []string
	for _, e := range got.Errors {
		if e.Operation == "Collect" {
			marked = append(marked, e.Account+" "+e.Region)
		}
	}
	if diff := cmp.Diff([]string{member3 + " eu-west-1"}, marked); diff != "" {
		t.Errorf("interrupted account-regions (-want +got):\n%s", diff)
	}
	if !got.Incomplete {
		t.Error("not marked incomplete")
	}
}

// canceledOnHang is a context canceled when the first request srv holds
// starts hanging, as Ctrl-C would cancel a scan at that moment.
func canceledOnHang(t *testing.T, srv *fakeaws.Server) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() {
		<-srv.Hung()
		cancel()
	}()
	return ctx
}
