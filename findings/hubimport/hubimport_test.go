package hubimport

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/time/rate"

	"github.com/gatewatch/gatewatch/findings"
)

// fakeHub is one account-region of Security Hub: it keeps what it is
// sent and refuses what the test says.
type fakeHub struct {
	mu      sync.Mutex
	target  Target
	imports [][]string // Ids per BatchImportFindings call
	updates [][]string // Ids per BatchUpdateFindings call
	stored  map[string]types.AwsSecurityFinding
	// refuse answers a record with an error code, "" to accept it; it is
	// told how many times the record was sent before.
	refuse func(id string, sent int) string
	// unprocessed answers a BatchUpdateFindings entry likewise.
	unprocessed func(id string, sent int) string
	sent        map[string]int
	callErr     error
}

func (h *fakeHub) BatchImportFindings(_ context.Context, in *securityhub.BatchImportFindingsInput, _ ...func(*securityhub.Options)) (*securityhub.BatchImportFindingsOutput, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.callErr != nil {
		return nil, h.callErr
	}
	out := &securityhub.BatchImportFindingsOutput{}
	var ids []string
	for _, f := range in.Findings {
		id := aws.ToString(f.Id)
		ids = append(ids, id)
		if aws.ToString(f.AwsAccountId) != h.target.Account || aws.ToString(f.Region) != h.target.Region {
			out.FailedFindings = append(out.FailedFindings, types.ImportFindingsError{Id: f.Id, ErrorCode: aws.String("AccessDeniedException"),
				ErrorMessage: aws.String("not this account-region")})
			continue
		}
		if h.refuse != nil {
			if code := h.refuse(id, h.sent[id]); code != "" {
				h.sent[id]++
				out.FailedFindings = append(out.FailedFindings, types.ImportFindingsError{Id: f.Id, ErrorCode: aws.String(code), ErrorMessage: aws.String("refused")})
				continue
			}
		}
		h.sent[id]++
		h.stored[id] = f
	}
	h.imports = append(h.imports, ids)
	return out, nil
}

func (h *fakeHub) BatchUpdateFindings(_ context.Context, in *securityhub.BatchUpdateFindingsInput, _ ...func(*securityhub.Options)) (*securityhub.BatchUpdateFindingsOutput, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := &securityhub.BatchUpdateFindingsOutput{}
	var ids []string
	for _, fi := range in.FindingIdentifiers {
		id := aws.ToString(fi.Id)
		ids = append(ids, id)
		if h.unprocessed != nil {
			if code := h.unprocessed(id, h.sent["update "+id]); code != "" {
				h.sent["update "+id]++
				out.UnprocessedFindings = append(out.UnprocessedFindings, types.BatchUpdateFindingsUnprocessedFinding{
					FindingIdentifier: &fi, ErrorCode: aws.String(code), ErrorMessage: aws.String("not processed")})
				continue
			}
		}
		f := h.stored[id]
		f.Workflow = &types.Workflow{Status: in.Workflow.Status}
		h.stored[id] = f
		out.ProcessedFindings = append(out.ProcessedFindings, fi)
	}
	h.updates = append(h.updates, ids)
	return out, nil
}

// fakeHubs hands out one fakeHub per target.
type fakeHubs struct {
	mu    sync.Mutex
	hubs  map[Target]*fakeHub
	setup func(*fakeHub)
	deny  map[string]error // account -> error of Client
}

func (f *fakeHubs) client(_ context.Context, t Target) (API, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.deny[t.Account]; err != nil {
		return nil, err
	}
	if f.hubs == nil {
		f.hubs = map[Target]*fakeHub{}
	}
	h, ok := f.hubs[t]
	if !ok {
		h = &fakeHub{target: t, stored: map[string]types.AwsSecurityFinding{}, sent: map[string]int{}}
		if f.setup != nil {
			f.setup(h)
		}
		f.hubs[t] = h
	}
	return h, nil
}

const (
	acctA = "111111111111"
	acctB = "222222222222"
)

// report has n findings of GW104 on load balancers of account A in
// eu-west-1, one on a CloudFront distribution (global), one of account B,
// the last eu-west-1 finding suppressed, and one fixed finding.
func report(n int) *findings.Report {
	r := &findings.Report{SnapshotTakenAt: "2026-11-24T02:00:00Z"}
	add := func(account, region, resource string) findings.Finding {
		return findings.Finding{RuleID: "GW104", Severity: findings.High, Title: "t", Resource: resource, Account: account, Region: region,
			Message: "m", Fingerprint: findings.Fingerprint("GW104", resource)}
	}
	for i := range n {
		r.Findings = append(r.Findings, add(acctA, "eu-west-1", fmt.Sprintf("arn:aws:elasticloadbalancing:eu-west-1:%s:loadbalancer/app/lb%03d/1", acctA, i)))
	}
	r.Findings[n-1].Suppression = &findings.Suppression{Kind: "file", Reason: "accepted"}
	r.Findings = append(r.Findings,
		add(acctA, "global", "arn:aws:cloudfront::"+acctA+":distribution/E1"),
		add(acctB, "us-west-2", "arn:aws:elasticloadbalancing:us-west-2:"+acctB+":loadbalancer/app/b/1"))
	r.Fixed = []findings.Finding{add(acctB, "us-west-2", "arn:aws:elasticloadbalancing:us-west-2:"+acctB+":loadbalancer/app/gone/1")}
	r.Finalize()
	return r
}

func records(t *testing.T, r *findings.Report) *findings.ASFFRecords {
	t.Helper()
	recs, err := findings.NewASFFRecords(r, findings.ASFFOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestImportBatchesIntoEachAccountRegion(t *testing.T) {
	t.Parallel()
	hubs := &fakeHubs{}
	res, err := Import(context.Background(), records(t, report(230)), Options{Client: hubs.client, Rate: 1000, Burst: 1000})
	if err != nil {
		t.Fatal(err)
	}
	want := []Target{{acctA, "eu-west-1"}, {acctA, "us-east-1"}, {acctB, "us-west-2"}}
	if diff := cmp.Diff(want, res.Targets); diff != "" {
		t.Errorf("targets (-want +got):\n%s", diff)
	}
	if res.Records != 233 || res.Imported != 233 || len(res.Failed) != 0 || res.Suppressed != 1 {
		t.Errorf("result %+v, want 233 records imported, 1 suppressed, no failure", res)
	}
	var sizes []int
	for _, ids := range hubs.hubs[want[0]].imports {
		sizes = append(sizes, len(ids))
	}
	if diff := cmp.Diff([]int{100, 100, 30}, sizes); diff != "" {
		t.Errorf("eu-west-1 batch sizes (-want +got):\n%s", diff)
	}
	eu := hubs.hubs[want[0]]
	if len(eu.updates) != 1 || len(eu.updates[0]) != 1 {
		t.Fatalf("BatchUpdateFindings calls %v, want one with the suppressed finding", eu.updates)
	}
	if f := eu.stored[eu.updates[0][0]]; f.Workflow.Status != types.WorkflowStatusSuppressed || !strings.HasSuffix(aws.ToString(f.Resources[0].Id), "lb229/1") {
		t.Errorf("suppressed finding %s: workflow %s", aws.ToString(f.Resources[0].Id), f.Workflow.Status)
	}
	b := hubs.hubs[want[2]]
	if len(b.stored) != 2 || len(b.updates) != 0 {
		t.Errorf("account B: %d stored, %d updates; want the finding and the fixed one, no update", len(b.stored), len(b.updates))
	}
	for _, f := range b.stored {
		if strings.Contains(aws.ToString(f.Id), findings.Fingerprint("GW104", "arn:aws:elasticloadbalancing:us-west-2:"+acctB+":loadbalancer/app/gone/1")) &&
			f.RecordState != types.RecordStateArchived {
			t.Errorf("fixed finding is %s, want ARCHIVED", f.RecordState)
		}
	}

	// A second import updates the same findings.
	if _, err := Import(context.Background(), records(t, report(230)), Options{Client: hubs.client, Rate: 1000, Burst: 1000}); err != nil {
		t.Fatal(err)
	}
	if n := len(eu.stored); n != 230 {
		t.Errorf("after a second import eu-west-1 holds %d findings, want 230", n)
	}
}

func TestImportReportsWhatSecurityHubRefused(t *testing.T) {
	t.Parallel()
	r := report(5)
	recs := records(t, r)
	badID := "gatewatch/GW104/" + r.Findings[0].Fingerprint
	busyID := "gatewatch/GW104/" + r.Findings[1].Fingerprint
	suppressedID := "gatewatch/GW104/" + r.Findings[4].Fingerprint
	hubs := &fakeHubs{
		setup: func(h *fakeHub) {
			h.refuse = func(id string, sent int) string {
				switch {
				case id == badID:
					return "InvalidInput"
				case id == busyID && sent < 2:
					return "InternalFailure" // twice, then accepted
				}
				return ""
			}
			h.unprocessed = func(id string, _ int) string {
				if id == suppressedID {
					return "InvalidInput"
				}
				return ""
			}
		},
		deny: map[string]error{acctB: errors.New("account 222222222222: assume role: AccessDenied")},
	}
	res, err := Import(context.Background(), recs, Options{Client: hubs.client, Rate: 1000, Burst: 1000, RetryDelay: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	got := make([]string, len(res.Failed))
	for i, f := range res.Failed {
		got[i] = f.String()
	}
	want := []string{
		"111111111111 eu-west-1: " + badID + " not imported: BatchImportFindings InvalidInput: refused",
		"111111111111 eu-west-1: " + suppressedID + " imported, but workflow status not set to SUPPRESSED: BatchUpdateFindings InvalidInput: not processed",
		"222222222222 us-west-2: 2 findings not imported, account not reached: Error: account 222222222222: assume role: AccessDenied",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("failures (-want +got):\n%s", diff)
	}
	if res.Imported != 5 || res.FailedRecords() != 4 || res.Records != 8 {
		t.Errorf("imported %d, failed records %d of %d; want 5 (the busy one on its third try), 4, 8", res.Imported, res.FailedRecords(), res.Records)
	}
	if n := hubs.hubs[Target{acctA, "eu-west-1"}].sent[busyID]; n != 3 {
		t.Errorf("the busy record was sent %d times, want 3", n)
	}
}

// TestImportFailedCall: a call that fails (after the SDK's own retries)
// fails its whole batch, named by the service's error code.
func TestImportFailedCall(t *testing.T) {
	t.Parallel()
	hubs := &fakeHubs{setup: func(h *fakeHub) {
		h.callErr = &smithy.GenericAPIError{Code: "InvalidAccessException", Message: "Account 111111111111 is not subscribed to AWS Security Hub"}
	}}
	res, err := Import(context.Background(), records(t, report(3)), Options{Client: hubs.client})
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != 0 || res.FailedRecords() != res.Records || len(res.Targets) != 0 {
		t.Fatalf("result %+v, want every record failed and no target written", res)
	}
	for _, f := range res.Failed {
		if f.Code != "InvalidAccessException" || f.Operation != "BatchImportFindings" || !strings.Contains(f.Message, "not subscribed") {
			t.Errorf("failure %+v", f)
		}
	}
}

// TestImportFindingNotFoundIsCreatedSuppressed: BatchUpdateFindings may
// not find a finding the same import just created; it was created
// SUPPRESSED, so that is no failure.
func TestImportFindingNotFoundIsCreatedSuppressed(t *testing.T) {
	t.Parallel()
	hubs := &fakeHubs{setup: func(h *fakeHub) {
		h.unprocessed = func(string, int) string { return "FindingNotFound" }
	}}
	res, err := Import(context.Background(), records(t, report(3)), Options{Client: hubs.client})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failed) != 0 || res.Suppressed != 1 {
		t.Errorf("result %+v, want no failure and the finding counted suppressed", res)
	}
	eu := hubs.hubs[Target{acctA, "eu-west-1"}]
	for _, f := range eu.stored {
		want := types.WorkflowStatusNew
		if strings.HasSuffix(aws.ToString(f.Resources[0].Id), "/lb002/1") {
			want = types.WorkflowStatusSuppressed
		}
		if f.Workflow.Status != want {
			t.Errorf("%s imported with %s, want %s", aws.ToString(f.Resources[0].Id), f.Workflow.Status, want)
		}
	}
}

func TestImportStopsWhenCanceled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	hubs := &fakeHubs{}
	res, err := Import(ctx, records(t, report(250)), Options{Client: hubs.client})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Import = %v, want context.Canceled", err)
	}
	if res.Imported != 0 {
		t.Errorf("imported %d records after the cancellation", res.Imported)
	}
}

// TestImportIsPaced: every call waits for the target's bucket. With one
// call a bucket and the next token hours away, the rate limiter refuses
// at once to wait past the context's deadline, so exactly one call goes
// out and the other batches fail, without the test waiting.
func TestImportIsPaced(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	hubs := &fakeHubs{}
	res, err := Import(ctx, records(t, report(250)), Options{Client: hubs.client, Rate: rate.Every(2 * time.Hour), Burst: 1})
	if err != nil {
		t.Fatal(err)
	}
	eu := hubs.hubs[Target{acctA, "eu-west-1"}]
	if len(eu.imports) != 1 || res.Imported != 100+2+1 {
		t.Errorf("%d BatchImportFindings calls in eu-west-1, %d records imported; want 1 call there, 100 records and one call in each other target", len(eu.imports), res.Imported)
	}
	if n := res.FailedRecords(); n != 150 {
		t.Errorf("%d records failed, want the 150 waiting for the bucket", n)
	}
}
