package collectors

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// Service keys, used in call counts, collection errors and progress events.
const (
	serviceAPIGateway   = "apigateway"
	serviceAPIGatewayV2 = "apigatewayv2"
	serviceELBv2        = "elasticloadbalancingv2"
	serviceEC2          = "ec2"
	serviceWAFv2        = "wafv2"
	serviceLambda       = "lambda"
	serviceCloudFront   = "cloudfront"
	serviceShield       = "shield"
	serviceCloudWatch   = "cloudwatch"
	serviceSTS          = "sts"
	// serviceTagging is the Resource Groups Tagging API, read for ELB
	// tags (see elbTags).
	serviceTagging = "tagging"
	// serviceOrganizations is only called to discover accounts.
	serviceOrganizations = "organizations"
)

// target is the unit of work: one account in one region, with its own AWS
// configuration (a later assumed role brings its own credentials) and its
// own pacing, because AWS quotas are per account and region.
type target struct {
	acct    account
	account string
	// partition (aws, aws-cn, aws-us-gov) is where ARNs are built for.
	partition string
	region    string
	// scope is where errors and coverage are recorded: the region, or
	// snapshot.GlobalRegion for the account's global services, whose
	// control plane answers in us-east-1.
	scope string
	cfg   aws.Config
	pace  *pacer
	calls *callCounter
	opts  Options
}

func newTarget(acct account, region string, opts Options, calls *callCounter) target {
	cfg := acct.cfg.Copy()
	cfg.Region = region
	return target{acct: acct, account: acct.id, partition: acct.partition, region: region, scope: region, cfg: cfg,
		pace: newPacer(opts.QuotaShare), calls: calls, opts: opts}
}

// sharedHTTPClient is the HTTP client of every call of a collection: one
// pool of connections for every account, region and service, keeping as
// many idle connections per host as there may be calls in flight, and
// opening no more than that (plus one for STS, whose calls take no slot):
// a call that starts just as another ends waits the moment it takes the
// ended call's connection to come back to the pool, rather than dialing
// (and TLS-handshaking) one more. The
// SDK gives each service client a transport of its own unless the client
// it is handed is not its buildable one, so the buildable client is
// wrapped; without that, every account-region's clients would open (and
// TLS-handshake) connections of their own and keep them idle for 90 s.
// A client the caller configured otherwise is used as it is.
func sharedHTTPClient(c aws.HTTPClient, inFlight int) aws.HTTPClient {
	b, ok := c.(*awshttp.BuildableClient)
	switch {
	case c == nil:
		b = awshttp.NewBuildableClient()
	case !ok:
		return c
	}
	b = b.WithTransportOptions(func(tr *http.Transport) {
		tr.MaxIdleConns = max(tr.MaxIdleConns, 2*inFlight)
		tr.MaxIdleConnsPerHost = max(tr.MaxIdleConnsPerHost, inFlight)
		if tr.MaxConnsPerHost == 0 {
			tr.MaxConnsPerHost = inFlight + 1
		}
	})
	return httpClient{b}
}

// httpClient hides a buildable client from the SDK's service clients, so
// that they share it instead of each building a copy.
type httpClient struct{ aws.HTTPClient }

// config returns the aws.Config a client of service uses: the endpoint
// override, the retryer, and the middleware that paces and counts calls.
func (t target) config(service string) aws.Config {
	cfg := t.cfg.Copy()
	if t.opts.EndpointURL != "" {
		cfg.BaseEndpoint = aws.String(t.opts.EndpointURL)
	}
	// The retry mode comes from the caller's configuration (AWS_RETRY_MODE,
	// retry_mode in the profile), adaptive when it names none: on top of
	// the pacer, adaptive adds a client-side rate that drops after
	// throttles, which helps when other tools of the account spend the
	// same quota as this scan.
	maxAttempts, maxBackoff := t.opts.MaxAttempts, t.opts.MaxBackoff
	standard := func(o *retry.StandardOptions) {
		o.MaxAttempts = maxAttempts
		if maxBackoff > 0 {
			o.MaxBackoff = maxBackoff
		}
		// First, so that the SDK's "a canceled request is not retried"
		// does not see the canceled attempt context inside.
		o.Retryables = append([]retry.IsErrorRetryable{retryAttemptFailures}, o.Retryables...)
	}
	adaptive := t.cfg.RetryMode != aws.RetryModeStandard
	cfg.Retryer = func() aws.Retryer {
		if adaptive {
			return retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
				o.StandardOptions = append(o.StandardOptions, standard)
			})
		}
		return retry.NewStandard(standard)
	}
	cfg.APIOptions = append(cfg.APIOptions, func(stack *middleware.Stack) error {
		// Inside the retry loop, so that every attempt is paced and counted:
		// a retry spends quota like any other call.
		if err := stack.Finalize.Insert(t.attemptMiddleware(service), "Retry", middleware.After); err != nil {
			return err
		}
		// Outside it, so that a call the time limit cut off is named so
		// wherever it stopped: waiting for quota, in an attempt, or in the
		// backoff between two.
		return stack.Finalize.Insert(timeLimitMiddleware, "Retry", middleware.Before)
	})
	return cfg
}

// failure turns a failed call into a collection error. The operation comes
// from the SDK's OperationError when there is one, else from op.
func (t target) failure(service, op string, err error) snapshot.CollectionError {
	ce := snapshot.CollectionError{Account: t.account, Region: t.scope, Service: service, Operation: op}
	var opErr *smithy.OperationError
	if errors.As(err, &opErr) {
		ce.Operation = opErr.Operation()
	}
	var apiErr smithy.APIError
	var netErr net.Error
	var respErr *smithyhttp.ResponseError
	var cut *retryableAttempt
	switch {
	case errors.As(err, &apiErr):
		ce.Code, ce.Message = apiErr.ErrorCode(), apiErr.ErrorMessage()
	case errors.Is(err, ErrTimeout):
		ce.Code, ce.Message = "Timeout", err.Error()
	case errors.Is(err, context.Canceled):
		ce.Code, ce.Message = "Canceled", err.Error()
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		ce.Code, ce.Message = "RequestTimeout", err.Error()
	case errors.As(err, &cut):
		// Every attempt's answer was cut off mid-body.
		ce.Code, ce.Message = "IncompleteResponse", err.Error()
	case errors.As(err, &respErr):
		// An answer that is not the service's error format (a proxy's HTML
		// page, an emulator that does not speak the protocol): name it by
		// its HTTP status.
		ce.Code, ce.Message = fmt.Sprintf("HTTP%d", respErr.HTTPStatusCode()), err.Error()
	default:
		ce.Code, ce.Message = "Error", err.Error()
	}
	return ce
}

// failureFor is failure for a per-resource call: the error names the
// resources whose data it leaves unknown, so the dataset is partial rather
// than failed.
func (t target) failureFor(service, op string, err error, resources ...string) snapshot.CollectionError {
	ce := t.failure(service, op, err)
	ce.Resources = resources
	return ce
}

// invalid records a response about resource that arrived but could not be
// used.
func (t target) invalid(service, op, resource, code, format string, args ...any) snapshot.CollectionError {
	return snapshot.CollectionError{Account: t.account, Region: t.scope, Service: service, Operation: op,
		Code: code, Message: fmt.Sprintf(format, args...), Resources: []string{resource}}
}

func (t target) progress(service string, done bool, errs int) {
	if done {
		t.opts.Logger.Debug("collected", "account", t.account, "region", t.region, "service", service, "errors", errs)
	}
	if t.opts.Progress != nil {
		t.opts.Progress(ProgressEvent{Account: t.account, Region: t.region, Service: service, Done: done, Errors: errs})
	}
}

// attemptMiddleware waits for the target's quota buckets and for a slot
// among the calls in flight, counts the attempt, and bounds it by the call
// timeout so that a hung connection costs one attempt rather than the
// scan. A throttling answer slows the buckets of the call down (see
// bucket.throttled). Attempts that failed for a reason a new attempt can
// cure, while the scan itself goes on, are marked retryable (see
// retryableAttempt). Each retry is logged at debug level with the failure
// it retries, so that the attempts counted can be told from the calls the
// scan needed.
//
// STS calls take no slot: a role's credentials are renewed from inside
// the calls that need them, which hold slots, and each renewal must get
// through even when every slot is held by a call waiting for one.
func (t target) attemptMiddleware(service string) middleware.FinalizeMiddleware {
	calls, timeout := t.calls, t.opts.CallTimeout
	return middleware.FinalizeMiddlewareFunc("gatewatchPaceAndCount", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
		op := middleware.GetOperationName(ctx)
		buckets := t.pace.buckets(service, op)
		if err := wait(ctx, buckets); err != nil {
			return middleware.FinalizeOutput{}, middleware.Metadata{}, fmt.Errorf("wait for %s quota: %w", service, err)
		}
		if service != serviceSTS {
			// The unit's first call takes the slot its admission holds.
			if held, _ := ctx.Value(slotKey{}).(*heldSlot); !held.take() {
				if err := calls.inflight.Acquire(ctx, 1); err != nil {
					return middleware.FinalizeOutput{}, middleware.Metadata{}, fmt.Errorf("wait for a call slot: %w", err)
				}
			}
			defer calls.inflight.Release(1)
		}
		calls.add(service + ":" + op)
		state, _ := ctx.Value(callStateKey{}).(*callState)
		if state != nil {
			if state.attempts++; state.attempts > 1 {
				t.opts.Logger.Debug("retry", "account", t.account, "region", t.region, "call", service+":"+op,
					"attempt", state.attempts, "after", state.lastErr, "status", httpStatus(state.lastErr))
			}
		}
		attempt, cancel := context.WithTimeoutCause(ctx, timeout, errAttemptTimeout)
		defer cancel()
		out, md, err := next.HandleFinalize(attempt, in)
		now := time.Now()
		switch {
		case err == nil:
			for _, b := range buckets {
				b.succeeded(now)
			}
		case retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err).Bool():
			calls.throttled()
			for _, b := range buckets {
				b.throttled(now)
			}
		}
		if err != nil && ctx.Err() == nil {
			err = classifyAttempt(ctx, attempt, timeout, err)
		}
		if state != nil {
			state.lastErr = err
		}
		return out, md, err
	})
}

// timeLimitMiddleware marks the error of a call that the collection's time
// limit (Options.Timeout) ended, so that it is recorded as Timeout like the
// units the limit stopped, not as a slow call. It also gives the call's
// attempts the state they share (see callState).
var timeLimitMiddleware = middleware.FinalizeMiddlewareFunc("gatewatchTimeLimit", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	ctx = context.WithValue(ctx, callStateKey{}, new(callState))
	out, md, err := next.HandleFinalize(ctx, in)
	if err != nil && errors.Is(context.Cause(ctx), ErrTimeout) && !errors.Is(err, ErrTimeout) {
		err = fmt.Errorf("%w: %w", ErrTimeout, err)
	}
	return out, md, err
})

// maxTimedOutAttempts is how many attempts of one call may time out before
// the call is given up, whatever attempts the retryer has left. A hang that
// one retry does not get past is a dead path (a black-holed endpoint, a
// proxy that never answers), and every further attempt would cost another
// attempt timeout: this keeps a dead call at two.
const maxTimedOutAttempts = 2

// httpStatus is the HTTP status of the answer an error came with, 0 when
// there was none (the connection failed, or the attempt timed out).
func httpStatus(err error) int {
	var resp *smithyhttp.ResponseError
	if errors.As(err, &resp) {
		return resp.HTTPStatusCode()
	}
	return 0
}

// callState is what the attempts of one call know of each other. The
// retryer makes them one after the other, in one goroutine.
type callState struct {
	attempts int   // made so far
	timedOut int   // of which ran out of time (see maxTimedOutAttempts)
	lastErr  error // the last attempt's failure
}

// callStateKey keys a call's callState in its context.
type callStateKey struct{}

// errAttemptTimeout is the cause of an attempt's context when the
// attempt's own deadline passed, as opposed to the scan's.
var errAttemptTimeout = errors.New("attempt timed out")

// retryableAttempt is an attempt that failed in a way the next attempt may
// not: no answer within the attempt timeout, or a 200 response whose body
// was cut short (a connection dropped mid-response). The SDK retries
// neither by itself: the first arrives as a canceled request, the second
// as a deserialization error.
type retryableAttempt struct {
	reason string
	err    error
}

func (e *retryableAttempt) Error() string { return e.reason + ": " + e.err.Error() }
func (e *retryableAttempt) Unwrap() error { return e.err }

// classifyAttempt wraps the error of a failed attempt in retryableAttempt
// when a retry may cure it. It is only asked while the scan's context is
// live: a canceled or timed-out scan is never retried.
func classifyAttempt(call, attempt context.Context, timeout time.Duration, err error) error {
	if errors.Is(context.Cause(attempt), errAttemptTimeout) {
		state, _ := call.Value(callStateKey{}).(*callState)
		if state != nil {
			state.timedOut++
		}
		if state != nil && state.timedOut >= maxTimedOutAttempts {
			// Recorded as a RequestTimeout: the canceled attempt's
			// error carries context.DeadlineExceeded.
			return fmt.Errorf("no complete answer within the attempt timeout (%s), %d times: %w", timeout, maxTimedOutAttempts, err)
		}
		return &retryableAttempt{reason: fmt.Sprintf("no complete answer within the attempt timeout (%s)", timeout), err: err}
	}
	var de *smithy.DeserializationError
	var resp *smithyhttp.ResponseError
	truncated := errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.As(err, &de) && errors.As(err, &resp) && resp.HTTPStatusCode() >= 200 && resp.HTTPStatusCode() < 300
	if truncated {
		return &retryableAttempt{reason: "response cut short", err: err}
	}
	return err
}

// retryAttemptFailures tells the retryer to retry what classifyAttempt
// marked, and leaves every other error to the SDK's own rules (which
// already retry connection resets, refused connections, failures to send,
// 5xx answers and throttling).
var retryAttemptFailures = retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
	var ra *retryableAttempt
	if errors.As(err, &ra) {
		return aws.TrueTernary
	}
	return aws.UnknownTernary
})

// callCounter counts API attempts by "service:Operation" across targets,
// and holds the bound on calls in flight they share.
type callCounter struct {
	mu sync.Mutex
	n  map[string]int
	// inflight bounds the calls in flight (Options.MaxCallsInFlight).
	inflight *semaphore.Weighted
	tracker  *Tracker
}

func newCallCounter(inFlight int, tracker *Tracker) *callCounter {
	return &callCounter{n: map[string]int{}, inflight: semaphore.NewWeighted(int64(inFlight)), tracker: tracker}
}

func (c *callCounter) add(key string) {
	c.tracker.call()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[key]++
}

// throttled counts a throttling answer.
func (c *callCounter) throttled() { c.tracker.throttle() }

func (c *callCounter) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.n)
}

// resourceConcurrency bounds the reads of one service's resources (the
// listeners of each load balancer, the stages of each API) running at once
// in one account-region. The pacer still sets the rate; running them side
// by side only keeps one slow call from holding up the others.
const resourceConcurrency = 8

// eachResource runs read for every item, resourceConcurrency at a time.
// Each read records its errors in a snapshot of its own; the results and
// the errors come back in the order of items, exactly what reading them
// one after the other would have recorded.
func eachResource[In, Out any](items []In, read func(item In, out *snapshot.Snapshot) Out) ([]Out, []snapshot.CollectionError) {
	results := make([]Out, len(items))
	parts := make([]snapshot.Snapshot, len(items))
	var g errgroup.Group
	g.SetLimit(resourceConcurrency)
	for i, item := range items {
		g.Go(func() error {
			results[i] = read(item, &parts[i])
			return nil
		})
	}
	_ = g.Wait() // the reads record their errors; none is returned
	var errs []snapshot.CollectionError
	for _, p := range parts {
		errs = append(errs, p.Errors...)
	}
	return results, errs
}
