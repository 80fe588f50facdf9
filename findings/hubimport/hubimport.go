// Package hubimport sends a report's findings to AWS Security Hub with
// BatchImportFindings: each record into its own account and region (the
// importing account must own the finding, so every account is reached
// through its own client), 100 records per call, paced within Security
// Hub's quota, and reports every record Security Hub did not accept.
//
// BatchImportFindings sets a finding's workflow status only when it
// creates the finding; later imports cannot change it. A suppression added
// after a finding's first import is therefore applied with
// BatchUpdateFindings (workflow status SUPPRESSED), the call Security Hub
// customers use for their workflow. A finding whose suppression ended
// keeps SUPPRESSED in Security Hub: gatewatch cannot tell a status it set
// from one a person set, and does not overwrite people's decisions.
package hubimport

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"golang.org/x/sync/errgroup"
	"golang.org/x/time/rate"

	"github.com/gatewatch/gatewatch/findings"
)

// Security Hub's quota for BatchImportFindings is 10 requests per second
// with a burst of 30, per account and Region (Security Hub partner guide,
// "Guidelines for using the BatchImportFindings API"); BatchUpdateFindings
// has the same. An import takes half of it, so the account's other
// finding providers keep theirs.
const (
	defaultRate  = 5
	defaultBurst = 10
)

// BatchSize is the most records one BatchImportFindings or
// BatchUpdateFindings call takes.
const BatchSize = findings.ASFFBatchSize

// IAMActions are the actions an import calls, for the README's policy.
func IAMActions() []string {
	return []string{"securityhub:BatchImportFindings", "securityhub:BatchUpdateFindings"}
}

// API is the part of the Security Hub client an import calls.
type API interface {
	BatchImportFindings(ctx context.Context, in *securityhub.BatchImportFindingsInput, optFns ...func(*securityhub.Options)) (*securityhub.BatchImportFindingsOutput, error)
	BatchUpdateFindings(ctx context.Context, in *securityhub.BatchUpdateFindingsInput, optFns ...func(*securityhub.Options)) (*securityhub.BatchUpdateFindingsOutput, error)
}

// Target is an account and region records are imported into.
type Target struct {
	Account string
	Region  string
}

func (t Target) String() string { return t.Account + " " + t.Region }

// Options configures an import.
type Options struct {
	// Client returns the client that calls Security Hub in the target's
	// account and region; it is called once per target. An error fails
	// every record of the target.
	Client func(ctx context.Context, t Target) (API, error)
	// Concurrency bounds the targets imported at once; 4 when zero.
	Concurrency int
	// Rate and Burst pace each target's calls; half of Security Hub's
	// quota when zero.
	Rate  rate.Limit
	Burst int
	// CallTimeout bounds each call, its retries included; 2 minutes when
	// zero.
	CallTimeout time.Duration
	// RetryDelay is the wait before records are sent again that Security
	// Hub refused for a passing reason (see transientCodes); doubled each
	// time. One second when zero.
	RetryDelay time.Duration
	// Logger receives a debug line per call; discarded when nil.
	Logger *slog.Logger
}

// Result says what an import did.
type Result struct {
	// Records is how many records were to be imported; Imported how many
	// Security Hub accepted.
	Records, Imported int
	// Targets are the account-regions written to, sorted.
	Targets []Target
	// Suppressed is how many findings BatchUpdateFindings set to
	// SUPPRESSED.
	Suppressed int
	// Failed lists what Security Hub did not accept, sorted.
	Failed []Failure
}

// FailedRecords counts the records the failures cover.
func (r Result) FailedRecords() int {
	n := 0
	for _, f := range r.Failed {
		n += f.Records
	}
	return n
}

// Failure is a record Security Hub refused (a FailedFindings or
// UnprocessedFindings entry), or a call that failed for all its records.
type Failure struct {
	Target
	// Operation is BatchImportFindings (the record is not in Security
	// Hub, or not up to date) or BatchUpdateFindings (its workflow status
	// was not set to SUPPRESSED); empty when the target could not be
	// reached at all.
	Operation string
	// ID is the record's Id; empty when a whole call failed.
	ID string
	// Records is how many records the failure covers: 1 for a record,
	// the batch for a failed call.
	Records int
	Code    string
	Message string
}

// transientCodes are the error codes of records worth sending again: the
// service was busy or another update raced this one.
var transientCodes = []string{
	"ConcurrentUpdateError", "InternalFailure", "InternalException", "InternalError",
	"LimitExceededException", "ThrottlingException", "TooManyRequestsException",
}

// maxRecordRetries is how many times a record refused for a passing
// reason is sent again.
const maxRecordRetries = 2

// Import sends every record of recs to the account and region it names.
// It returns an error only when ctx ends; everything Security Hub refused
// is in Result.Failed.
func Import(ctx context.Context, recs *findings.ASFFRecords, opts Options) (Result, error) {
	opts.Concurrency = cmp.Or(opts.Concurrency, 4)
	opts.Rate = cmp.Or(opts.Rate, defaultRate)
	opts.Burst = cmp.Or(opts.Burst, defaultBurst)
	opts.CallTimeout = cmp.Or(opts.CallTimeout, 2*time.Minute)
	opts.RetryDelay = cmp.Or(opts.RetryDelay, time.Second)
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	byTarget := map[Target][]int{}
	for i := range recs.Len() {
		account, region := recs.Home(i)
		t := Target{account, region}
		byTarget[t] = append(byTarget[t], i)
	}
	res := Result{Records: recs.Len()}
	var mu sync.Mutex
	var g errgroup.Group
	g.SetLimit(opts.Concurrency)
	for _, t := range slices.SortedFunc(maps.Keys(byTarget), compareTargets) {
		g.Go(func() error {
			part := importTarget(ctx, recs, t, byTarget[t], opts)
			mu.Lock()
			defer mu.Unlock()
			res.Imported += part.Imported
			res.Suppressed += part.Suppressed
			res.Failed = append(res.Failed, part.Failed...)
			if part.Imported > 0 {
				res.Targets = append(res.Targets, t)
			}
			return nil
		})
	}
	_ = g.Wait() // targets record their failures; none is returned
	slices.SortFunc(res.Targets, compareTargets)
	slices.SortFunc(res.Failed, func(a, b Failure) int {
		return cmp.Or(compareTargets(a.Target, b.Target), cmp.Compare(a.Operation, b.Operation), cmp.Compare(a.ID, b.ID), cmp.Compare(a.Code, b.Code))
	})
	return res, ctx.Err()
}

func compareTargets(a, b Target) int {
	return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region))
}

// target is the import into one account-region.
type target struct {
	Target
	client API
	pace   *rate.Limiter
	opts   Options
	res    Result
}

func importTarget(ctx context.Context, recs *findings.ASFFRecords, t Target, indices []int, opts Options) Result {
	client, err := opts.Client(ctx, t)
	if err != nil {
		// The whole error: it names the role that could not be assumed.
		code, _ := errorCode(err)
		return Result{Failed: []Failure{{Target: t, Records: len(indices), Code: code, Message: err.Error()}}}
	}
	tt := &target{Target: t, client: client, pace: rate.NewLimiter(opts.Rate, opts.Burst), opts: opts}
	var suppressed []types.AwsSecurityFindingIdentifier
	batch := make([]types.AwsSecurityFinding, 0, BatchSize)
	for from := 0; from < len(indices) && ctx.Err() == nil; from += BatchSize {
		batch = batch[:0]
		for _, i := range indices[from:min(from+BatchSize, len(indices))] {
			batch = append(batch, recs.At(i))
		}
		accepted := tt.importBatch(ctx, batch)
		for _, f := range batch {
			if f.Workflow != nil && f.Workflow.Status == types.WorkflowStatusSuppressed && accepted[aws.ToString(f.Id)] {
				suppressed = append(suppressed, types.AwsSecurityFindingIdentifier{Id: f.Id, ProductArn: f.ProductArn})
			}
		}
	}
	for from := 0; from < len(suppressed) && ctx.Err() == nil; from += BatchSize {
		tt.suppress(ctx, suppressed[from:min(from+BatchSize, len(suppressed))])
	}
	return tt.res
}

// importBatch imports up to BatchSize records, sending again those refused
// for a passing reason, and returns the Ids Security Hub accepted.
func (t *target) importBatch(ctx context.Context, batch []types.AwsSecurityFinding) map[string]bool {
	accepted := map[string]bool{}
	pending := batch
	for attempt := 0; len(pending) > 0; attempt++ {
		out, err := call(ctx, t, "BatchImportFindings", func(ctx context.Context) (*securityhub.BatchImportFindingsOutput, error) {
			return t.client.BatchImportFindings(ctx, &securityhub.BatchImportFindingsInput{Findings: pending})
		})
		if err != nil {
			code, msg := errorCode(err)
			t.res.Failed = append(t.res.Failed, Failure{Target: t.Target, Operation: "BatchImportFindings", Records: len(pending), Code: code, Message: msg})
			return accepted
		}
		failed := map[string]types.ImportFindingsError{}
		for _, f := range out.FailedFindings {
			failed[aws.ToString(f.Id)] = f
		}
		var again []types.AwsSecurityFinding
		for _, rec := range pending {
			id := aws.ToString(rec.Id)
			f, refused := failed[id]
			switch {
			case !refused:
				accepted[id] = true
				t.res.Imported++
			case attempt < maxRecordRetries && slices.Contains(transientCodes, aws.ToString(f.ErrorCode)):
				again = append(again, rec)
			default:
				t.res.Failed = append(t.res.Failed, Failure{Target: t.Target, Operation: "BatchImportFindings", ID: id, Records: 1,
					Code: aws.ToString(f.ErrorCode), Message: aws.ToString(f.ErrorMessage)})
			}
		}
		if pending = again; len(pending) > 0 && !sleep(ctx, t.opts.RetryDelay<<attempt) {
			return accepted
		}
	}
	return accepted
}

// suppress sets the workflow status of up to BatchSize findings to
// SUPPRESSED. A finding Security Hub does not find yet was created by this
// import, already SUPPRESSED: BatchImportFindings sets the status of the
// findings it creates.
func (t *target) suppress(ctx context.Context, ids []types.AwsSecurityFindingIdentifier) {
	pending := ids
	for attempt := 0; len(pending) > 0; attempt++ {
		out, err := call(ctx, t, "BatchUpdateFindings", func(ctx context.Context) (*securityhub.BatchUpdateFindingsOutput, error) {
			return t.client.BatchUpdateFindings(ctx, &securityhub.BatchUpdateFindingsInput{
				FindingIdentifiers: pending,
				Workflow:           &types.WorkflowUpdate{Status: types.WorkflowStatusSuppressed},
			})
		})
		if err != nil {
			code, msg := errorCode(err)
			t.res.Failed = append(t.res.Failed, Failure{Target: t.Target, Operation: "BatchUpdateFindings", Records: len(pending), Code: code, Message: msg})
			return
		}
		t.res.Suppressed += len(out.ProcessedFindings)
		var again []types.AwsSecurityFindingIdentifier
		for _, u := range out.UnprocessedFindings {
			code := aws.ToString(u.ErrorCode)
			id := u.FindingIdentifier
			switch {
			case id == nil:
				t.res.Failed = append(t.res.Failed, Failure{Target: t.Target, Operation: "BatchUpdateFindings", Records: 1, Code: code, Message: aws.ToString(u.ErrorMessage)})
			case code == "FindingNotFound":
				t.res.Suppressed++
				t.opts.Logger.Debug("security hub: finding created by this import, suppressed at creation", "target", t.Target.String(), "id", aws.ToString(id.Id))
			case attempt < maxRecordRetries && slices.Contains(transientCodes, code):
				again = append(again, *id)
			default:
				t.res.Failed = append(t.res.Failed, Failure{Target: t.Target, Operation: "BatchUpdateFindings", ID: aws.ToString(id.Id), Records: 1,
					Code: code, Message: aws.ToString(u.ErrorMessage)})
			}
		}
		if pending = again; len(pending) > 0 && !sleep(ctx, t.opts.RetryDelay<<attempt) {
			return
		}
	}
}

// call makes one paced call, bounded by the call timeout.
func call[Out any](ctx context.Context, t *target, op string, f func(context.Context) (*Out, error)) (*Out, error) {
	if err := t.pace.Wait(ctx); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, t.opts.CallTimeout)
	defer cancel()
	start := time.Now()
	out, err := f(ctx)
	t.opts.Logger.Debug("security hub call", "operation", op, "target", t.Target.String(), "took", time.Since(start), "error", err)
	return out, err
}

// errorCode names a failed call: the service's error code, or the kind of
// failure when the service never answered.
func errorCode(err error) (code, message string) {
	var apiErr smithy.APIError
	var respErr *smithyhttp.ResponseError
	switch {
	case errors.As(err, &apiErr):
		return apiErr.ErrorCode(), apiErr.ErrorMessage()
	case errors.As(err, &respErr):
		// An answer that is not Security Hub's error format (a proxy's
		// page, an emulator without the operation).
		return fmt.Sprintf("HTTP%d", respErr.HTTPStatusCode()), err.Error()
	case errors.Is(err, context.Canceled):
		return "Canceled", err.Error()
	case errors.Is(err, context.DeadlineExceeded):
		return "RequestTimeout", err.Error()
	}
	return "Error", err.Error()
}

func sleep(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}

// String says on one line what was not done and why.
func (f Failure) String() string {
	what := fmt.Sprintf("%d findings", f.Records)
	if f.ID != "" {
		what = f.ID
	}
	var outcome string
	switch f.Operation {
	case "BatchImportFindings":
		outcome = "not imported"
	case "BatchUpdateFindings":
		outcome = "imported, but workflow status not set to SUPPRESSED"
	default:
		outcome = "not imported, account not reached"
	}
	return fmt.Sprintf("%s %s: %s %s: %s", f.Account, f.Region, what, outcome,
		strings.TrimPrefix(f.Operation+" "+cmp.Or(f.Code, "Error")+": "+f.Message, " "))
}
