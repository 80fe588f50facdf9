package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gatewatch/gatewatch"
	"github.com/gatewatch/gatewatch/collectors/fakeaws"
	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

const (
	demoAccount   = "123456789012"
	emptyAccount  = "210987654321"
	deniedAccount = "333333333333"
)

// demoOrg serves the demo account beside an empty member account and one
// whose role refuses to be assumed.
func demoOrg(t *testing.T, opts fakeaws.Options) *fakeaws.Server {
	t.Helper()
	world, err := snapshot.Parse(gatewatch.DemoSnapshot, "demo")
	if err != nil {
		t.Fatal(err)
	}
	world.Scope.Accounts = append(world.Scope.Accounts, emptyAccount, deniedAccount)
	opts.DenyAssumeRole = append(opts.DenyAssumeRole, deniedAccount)
	srv := fakeaws.New(world, opts)
	t.Cleanup(srv.Close)
	return srv
}

// TestCollectSeveralAccounts: accounts from a file, reached through a role
// name; the denied one is one recorded error and exit 3, the others are
// collected.
func TestCollectSeveralAccounts(t *testing.T) {
	fakeCredentials(t)
	srv := demoOrg(t, fakeaws.Options{ExternalID: "nightly", Quotas: fakeaws.AWSQuotas()})
	dir := t.TempDir()
	list := filepath.Join(dir, "accounts.txt")
	content := "# production\n" + demoAccount + "\n\n" + emptyAccount + "  # sandbox\n" + deniedAccount + "\n"
	if err := os.WriteFile(list, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "snapshot.json")
	code, _, stderr := runCLI(t, "collect", "--endpoint-url", srv.URL, "--regions", "eu-west-1",
		"--accounts", "@"+list, "--role-name", "gatewatch-audit", "--external-id", "nightly", "--max-calls-in-flight", "8", "-o", out)
	if code != exitIncomplete {
		t.Fatalf("exit %d, want %d: %s", code, exitIncomplete, stderr)
	}
	snap, err := snapshot.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	want := []snapshot.CollectionError{{Account: deniedAccount, Region: "global", Service: "sts", Operation: "AssumeRole", Code: "AccessDenied"}}
	if diff := cmp.Diff(want, snap.Errors, cmpopts.IgnoreFields(snapshot.CollectionError{}, "Message")); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{demoAccount, emptyAccount, deniedAccount}, snap.Scope.Accounts); diff != "" {
		t.Errorf("scope (-want +got):\n%s", diff)
	}
	var ids []string
	for _, a := range snap.Accounts {
		ids = append(ids, a.ID)
	}
	if diff := cmp.Diff([]string{demoAccount, emptyAccount}, ids); diff != "" {
		t.Errorf("collected accounts (-want +got):\n%s", diff)
	}
	if len(snap.LoadBalancers) != 5 || len(snap.RestAPIs) != 3 {
		t.Errorf("demo account: %d load balancers, %d REST APIs", len(snap.LoadBalancers), len(snap.RestAPIs))
	}
	if n := srv.Calls()["sts:AssumeRole"]; n != 2 {
		t.Errorf("AssumeRole calls = %d, want 2 (the credentials' own account needs none)", n)
	}
}

func TestAccountFlagErrorsExit2(t *testing.T) {
	fakeCredentials(t)
	url := demoOrg(t, fakeaws.Options{}).URL
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--accounts", emptyAccount}, "needs a role to assume"},
		{[]string{"--accounts", demoAccount + "," + emptyAccount}, "pass --role-name or --role-arn-template"},
		{[]string{"--org"}, "pass --role-name or --role-arn-template"},
		{[]string{"--accounts", "12", "--role-name", "r"}, `"12" is not a 12-digit account ID`},
		{[]string{"--accounts", "@" + filepath.Join(t.TempDir(), "none.txt"), "--role-name", "r"}, "--accounts: open"},
		{[]string{"--role-name", "a", "--role-arn-template", "arn:aws:iam::{account}:role/b"}, "pass one of them"},
		{[]string{"--role-arn-template", "arn:aws:iam::111111111111:role/b"}, "must contain {account}"},
		{[]string{"--org", "--accounts", emptyAccount, "--role-name", "r"}, "--org and --accounts"},
		{[]string{"--ou-include", "ou-1"}, "need --org"},
		{[]string{"--org", "--role-name", "r"}, "AWSOrganizationsNotInUseException"},
	} {
		args := append([]string{"collect", "--endpoint-url", url, "--regions", "eu-west-1"}, tc.args...)
		code, _, stderr := runCLI(t, args...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

// TestInterruptedCollectWritesIncompleteSnapshot cancels the context of a
// collect run as soon as a call hangs, the way Ctrl-C cancels main's: the
// snapshot is still written, marked incomplete, with the unfinished
// account-regions listed; a scan with --snapshot does the same and still
// reports.
func TestInterruptedCollectWritesIncompleteSnapshot(t *testing.T) {
	fakeCredentials(t)
	for _, cmd := range []string{"collect", "scan"} {
		t.Run(cmd, func(t *testing.T) {
			srv := demoOrg(t, fakeaws.Options{Hang: []string{"elasticloadbalancingv2:DescribeLoadBalancers"}})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go func() {
				<-srv.Hung()
				cancel()
			}()
			out := filepath.Join(t.TempDir(), "snapshot.json")
			args := []string{cmd, "--endpoint-url", srv.URL, "--regions", "eu-west-1", "--accounts", demoAccount + "," + emptyAccount,
				"--role-name", "gatewatch-audit", "--concurrency", "1"}
			if cmd == "collect" {
				args = append(args, "-o", out)
			} else {
				args = append(args, "--snapshot", out, "-f", "json")
			}
			var stdout, stderr bytes.Buffer
			code := run(ctx, args, strings.NewReader(""), &stdout, &stderr)
			if code != exitIncomplete {
				t.Fatalf("exit %d, want %d: %s", code, exitIncomplete, stderr.String())
			}
			snap, err := snapshot.Load(out)
			if err != nil {
				t.Fatalf("the interrupted run wrote no valid snapshot: %v", err)
			}
			if !snap.Incomplete {
				t.Error("snapshot not marked incomplete")
			}
			canceled := map[string]bool{}
			for _, e := range snap.Errors {
				if e.Code == "Canceled" {
					canceled[e.Account+" "+e.Region] = true
				}
			}
			for _, want := range []string{demoAccount + " eu-west-1", emptyAccount + " eu-west-1"} {
				if !canceled[want] {
					t.Errorf("%s is not marked Canceled: %+v", want, snap.Errors)
				}
			}
			if cmd == "scan" {
				if report := decodeReport(t, stdout.String()); !report.Incomplete {
					t.Error("the report of an interrupted scan is not marked incomplete")
				}
			}
		})
	}
}
