package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/google/go-cmp/cmp"

	"github.com/gatewatch/gatewatch/findings"
	"github.com/gatewatch/gatewatch/internal/motoserver"
)

// hubProxy stands in front of moto, which (5.2.1) answers
// BatchImportFindings and GetFindings but not BatchUpdateFindings: it
// answers that one itself, every finding processed, and keeps what it
// was asked; everything else goes to moto.
func hubProxy(t *testing.T, moto string) (endpoint string, updated func() map[string]string) {
	t.Helper()
	target, err := url.Parse(moto)
	if err != nil {
		t.Fatal(err)
	}
	forward := httputil.NewSingleHostReverseProxy(target)
	var (
		mu     sync.Mutex
		status = map[string]string{} // Id -> workflow status asked for
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPatch || r.URL.Path != "/findings/batchupdate" {
			forward.ServeHTTP(w, r)
			return
		}
		var in struct {
			FindingIdentifiers []struct{ Id, ProductArn string }
			Workflow           struct{ Status string }
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		for _, id := range in.FindingIdentifiers {
			status[id.Id] = in.Workflow.Status
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"ProcessedFindings": in.FindingIdentifiers, "UnprocessedFindings": []any{}})
	}))
	t.Cleanup(srv.Close)
	return srv.URL, func() map[string]string {
		mu.Lock()
		defer mu.Unlock()
		return maps.Clone(status)
	}
}

// gatewatchFindings reads back, from moto directly, the active gatewatch
// findings of cfg's account in region. moto ignores GetFindings' filters
// and page size, so the filtering is done here.
func gatewatchFindings(t *testing.T, cfg aws.Config, account, region string) map[string]types.AwsSecurityFinding {
	t.Helper()
	cfg.Region = region
	pages := securityhub.NewGetFindingsPaginator(securityhub.NewFromConfig(cfg), &securityhub.GetFindingsInput{MaxResults: aws.Int32(100)})
	got := map[string]types.AwsSecurityFinding{}
	for pages.HasMorePages() {
		page, err := pages.NextPage(context.Background())
		if err != nil {
			t.Fatalf("GetFindings %s %s: %v", account, region, err)
		}
		for _, f := range page.Findings {
			if strings.HasPrefix(aws.ToString(f.GeneratorId), "gatewatch/") && aws.ToString(f.AwsAccountId) == account &&
				f.RecordState == types.RecordStateActive {
				got[aws.ToString(f.Id)] = f
			}
		}
	}
	return got
}

// TestSecurityHubImportOfDemoScan imports the demo scan, with a
// suppression, into moto's Security Hub and reads it back from every
// region written to: one finding per finding of the report, the
// suppressed ones SUPPRESSED; a second import of the same scan, sent
// through AWS_ENDPOINT_URL, updates them and adds none.
func TestSecurityHubImportOfDemoScan(t *testing.T) {
	moto := motoserver.Start(t)
	endpoint, updated := hubProxy(t, moto)
	fakeCredentials(t)
	sup := "testdata/suppress-gw112.yaml"
	out := filepath.Join(t.TempDir(), "report.json")
	scan := func(endpointFlags ...string) *findings.Report {
		t.Helper()
		args := append([]string{"scan", "--demo", "--security-hub", "--suppressions", sup, "-f", "json", "-o", out}, endpointFlags...)
		code, _, stderr := runCLI(t, args...)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		return decodeReport(t, string(mustReadFile(t, out)))
	}
	report := scan("--endpoint-url", endpoint)

	wantIDs := map[string][]string{} // region -> Ids
	var suppressed []string
	for _, f := range report.Findings {
		region := f.Region
		if region == "global" {
			region = "us-east-1"
		}
		id := "gatewatch/" + f.RuleID + "/" + f.Fingerprint
		wantIDs[region] = append(wantIDs[region], id)
		if !f.Active() {
			suppressed = append(suppressed, id)
		}
	}
	if len(wantIDs) != 2 || len(suppressed) == 0 || report.Summary.Suppressed != len(suppressed) {
		t.Fatalf("the demo scan should have findings in eu-west-1 and global, some suppressed: %v, %d suppressed", slices.Sorted(maps.Keys(wantIDs)), len(suppressed))
	}
	cfg := aws.Config{Credentials: aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "AKIDGATEWATCHTEST", SecretAccessKey: "secret"}, nil
	})), BaseEndpoint: aws.String(moto)}
	readBack := func() int {
		t.Helper()
		total := 0
		for region, ids := range wantIDs {
			got := gatewatchFindings(t, cfg, motoserver.Account, region)
			if diff := cmp.Diff(slices.Sorted(slices.Values(ids)), slices.Sorted(maps.Keys(got))); diff != "" {
				t.Errorf("%s: finding Ids (-report +security hub):\n%s", region, diff)
			}
			for id, f := range got {
				want := types.WorkflowStatusNew
				if slices.Contains(suppressed, id) {
					want = types.WorkflowStatusSuppressed
				}
				if f.Workflow == nil || f.Workflow.Status != want {
					t.Errorf("%s %s: workflow %v, want %s", region, id, f.Workflow, want)
				}
			}
			total += len(got)
		}
		return total
	}
	first := readBack()
	if first != len(report.Findings) {
		t.Errorf("%d findings in Security Hub, want the report's %d", first, len(report.Findings))
	}
	wantUpdates := map[string]string{}
	for _, id := range suppressed {
		wantUpdates[id] = "SUPPRESSED"
	}
	if diff := cmp.Diff(wantUpdates, updated()); diff != "" {
		t.Errorf("BatchUpdateFindings (-want +got):\n%s", diff)
	}

	// The second time through AWS_ENDPOINT_URL, which is honoured too.
	t.Setenv("AWS_ENDPOINT_URL", endpoint)
	scan()
	if second := readBack(); second != first {
		t.Errorf("after a second import of the same scan %d findings, want %d", second, first)
	}
}

// TestSecurityHubImportThroughRoles: findings of an account other than the
// credentials' own go into that account, through the role collection
// assumes there; a global finding goes to us-east-1.
func TestSecurityHubImportThroughRoles(t *testing.T) {
	moto := motoserver.Start(t)
	fakeCredentials(t)
	const other = "222222222222"
	ctx := context.Background()
	a := &app{stderr: io.Discard, log: slog.New(slog.DiscardHandler)}
	flags := accessFlags{endpointURL: moto, roleName: "gatewatch-audit"}
	acc, err := flags.access(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	lb := func(account, name string) string {
		return "arn:aws:elasticloadbalancing:eu-west-1:" + account + ":loadbalancer/app/" + name + "/1"
	}
	mk := func(account, region, resource string) findings.Finding {
		return findings.Finding{RuleID: "GW104", Severity: findings.High, Title: "t", Message: "m", Resource: resource,
			Account: account, Region: region, Fingerprint: findings.Fingerprint("GW104", resource)}
	}
	r := &findings.Report{SnapshotTakenAt: "2026-11-24T02:00:00Z", Findings: []findings.Finding{
		mk(motoserver.Account, "eu-west-1", lb(motoserver.Account, "own")),
		mk(other, "eu-west-1", lb(other, "theirs")),
		mk(other, "global", "arn:aws:cloudfront::"+other+":distribution/E1"),
	}}
	r.Finalize()
	if err := (&hubImport{access: acc}).deliver(ctx, a, r); err != nil {
		t.Fatal(err)
	}
	ids := func(account, region string) []string {
		cfg, err := acc.Config(ctx, account)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range gatewatchFindings(t, cfg, account, region) {
			out = append(out, strings.TrimPrefix(aws.ToString(f.Resources[0].Id), "arn:aws:"))
		}
		slices.Sort(out)
		return out
	}
	tests := []struct {
		account, region string
		want            []string
	}{
		{motoserver.Account, "eu-west-1", []string{"elasticloadbalancing:eu-west-1:" + motoserver.Account + ":loadbalancer/app/own/1"}},
		{other, "eu-west-1", []string{"elasticloadbalancing:eu-west-1:" + other + ":loadbalancer/app/theirs/1"}},
		{other, "us-east-1", []string{"cloudfront::" + other + ":distribution/E1"}},
		{motoserver.Account, "us-east-1", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, ids(tt.account, tt.region)); diff != "" {
			t.Errorf("%s %s (-want +got):\n%s", tt.account, tt.region, diff)
		}
	}
}

// TestSecurityHubRefusalExits4: moto does not answer BatchUpdateFindings,
// so the suppressed findings' workflow cannot be set: the report is
// written, stderr names what was not done, and the exit code is 4 even
// with findings at --fail-on.
func TestSecurityHubRefusalExits4(t *testing.T) {
	moto := motoserver.Start(t)
	fakeCredentials(t)
	sup := "testdata/suppress-gw112.yaml"
	out := filepath.Join(t.TempDir(), "report.json")
	code, _, stderr := runCLI(t, "scan", "--demo", "--security-hub", "--endpoint-url", moto, "--suppressions", sup, "--fail-on", "info", "-f", "json", "-o", out)
	if code != exitDelivery {
		t.Fatalf("exit %d, want %d: %s", code, exitDelivery, stderr)
	}
	report := decodeReport(t, string(mustReadFile(t, out)))
	want := "gatewatch: security hub: 48 of 48 findings imported into 2 account-regions; 3 not imported or not updated:\n" +
		"  123456789012 eu-west-1: 3 findings imported, but workflow status not set to SUPPRESSED: BatchUpdateFindings HTTP404: "
	if len(report.Findings) != 48 || report.Summary.Suppressed != 3 || !strings.HasPrefix(stderr, want) {
		t.Errorf("report of %d findings, %d suppressed; stderr:\n%s\nwant it to start:\n%s", len(report.Findings), report.Summary.Suppressed, stderr, want)
	}
}

// TestSecurityHubNeedsCredentialsFirst: --security-hub reaches AWS before
// the rules run, so missing credentials are one line at once, even with
// --demo.
// The line does not suggest --demo: the run has it already, and
// --security-hub needs AWS all the same.
func TestSecurityHubNeedsCredentialsFirst(t *testing.T) {
	noCredentials(t)
	for _, args := range [][]string{{"scan", "--demo", "--security-hub"}, {"eval", demoSnapshot, "--security-hub"}} {
		code, stdout, stderr := runCLI(t, args...)
		if code != exitUsage || stdout != "" || stderr != "gatewatch: "+msgNoCredentialsHub+"\n" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and the one line", args, code, stdout, stderr)
		}
	}
}

// TestSecurityHubUnreachable: an endpoint that does not answer fails the
// import, said as such (there was no collection), exit 3, nothing written.
func TestSecurityHubUnreachable(t *testing.T) {
	fakeCredentials(t)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	code, stdout, stderr := runCLI(t, "eval", demoSnapshot, "--security-hub", "--endpoint-url", closed.URL)
	if code != exitIncomplete || stdout != "" || !strings.HasPrefix(stderr, "gatewatch: --security-hub failed, AWS could not be reached: ") {
		t.Errorf("exit %d, stdout %d bytes, stderr %q; want 3 and the Security Hub import named", code, len(stdout), stderr)
	}
}
