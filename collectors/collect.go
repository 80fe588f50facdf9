// Package collectors inventories the AWS entry points of an account into a
// snapshot: one file per AWS service, a fan-out over account-region targets,
// and pacing at AWS's published API quotas so that a scan does not drown in
// throttling.
package collectors

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	"golang.org/x/sync/semaphore"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// AllRegions is the Regions value that means every region enabled in the
// account, as EC2 DescribeRegions reports them.
const AllRegions = "all"

// DefaultCallTimeout bounds each attempt when Options.CallTimeout is zero.
const DefaultCallTimeout = 20 * time.Second

// DefaultMaxCallsInFlight is Options.MaxCallsInFlight when zero: at a
// typical 50 to 150 ms per call, 128 calls in flight make about 1,000
// calls a second, which a small machine (2 CPUs) keeps up with while
// signing and decoding them.
const DefaultMaxCallsInFlight = 128

// globalRegion is where the control planes of the global services
// (CloudFront, Shield, CLOUDFRONT-scope WAF) answer.
const globalRegion = "us-east-1"

// Options configures one collection run.
type Options struct {
	// Config is the loaded AWS configuration (credentials, retry mode,
	// region). Collect copies it per account-region and never mutates it.
	Config aws.Config
	// EndpointURL, when set, becomes the BaseEndpoint of every client
	// (--endpoint-url, a local fake or moto).
	EndpointURL string
	// Regions to scan; the single value "all" means the regions enabled in
	// the account. Empty means the region of Config.
	Regions []string
	// Clock stamps the snapshot; time.Now when nil.
	Clock func() time.Time
	// ToolVersion is written into the snapshot's tool block.
	ToolVersion string
	// Progress, when set, receives an event as each service of each target
	// starts and finishes. It is called from several goroutines.
	Progress func(ProgressEvent)
	// Logger receives debug logs; discarded when nil.
	Logger *slog.Logger
	// MaxCallsInFlight bounds the AWS calls in flight at once, across
	// every account and region; DefaultMaxCallsInFlight when zero.
	// Account-regions start whenever a call could start at once, so the
	// bound is what sets how many run side by side. It is about this
	// process and its network, not AWS's quotas: each account-region is
	// paced at its own.
	MaxCallsInFlight int
	// QuotaShare is the share (above 0, at most 1) of each of AWS's
	// published rate quotas the scan spends in each account-region, so
	// that other clients of the same quota (a load balancer controller, a
	// deployment) keep the rest; DefaultQuotaShare when zero. A throttling
	// answer halves the rate of the quota it hit, which then grows back.
	QuotaShare float64
	// Datasets, when not nil, lists the datasets to read (names of
	// snapshot.Datasets), for a scan whose enabled rules read only these:
	// the others are not read at all, and their coverage says
	// not_collected, with ReasonNotRead, so that no report takes them for
	// empty. The datasets they sit in and depend on are read too
	// (snapshot.WithParents).
	Datasets []string
	// Tracker, when set, counts the collection's progress for a display
	// that reads it while Collect runs.
	Tracker *Tracker
	// Spool, when set, receives each account's part as soon as the
	// account is done, instead of Collect holding every part until the
	// end: the snapshot Collect returns then holds no lists, only what
	// describes the run (scope, calls, incompleteness), and
	// Spool.WriteJSON writes the whole. Memory then stays that of the
	// accounts in progress, however large the organisation.
	Spool *snapshot.Spool
	// MaxAttempts is the retryer's attempt limit per call; when zero,
	// Config.RetryMaxAttempts or else 5. The retry mode is
	// Config.RetryMode, adaptive when empty.
	MaxAttempts int
	// MaxBackoff caps the retryer's delay between attempts; the SDK
	// default (20 s) when zero. Tests lower it.
	MaxBackoff time.Duration
	// Timeout, when above zero, bounds the whole collection. When it
	// passes, the calls in flight stop, every unfinished account-region
	// is marked with a Timeout error (as an interruption marks them
	// Canceled) and Collect returns what it collected, marked incomplete.
	Timeout time.Duration
	// CallTimeout bounds each attempt of each call, the answer's body
	// included; an attempt that runs out is retried once (a second one
	// ends the call, see maxTimedOutAttempts). 20 s when zero: AWS's read
	// APIs answer in well under a second, so 20 s only ever cuts off a
	// dead connection.
	CallTimeout time.Duration

	// Accounts lists the accounts to scan (--accounts); empty means the
	// account of Config's credentials alone.
	Accounts []string
	// Organization, when set, discovers the accounts to scan from AWS
	// Organizations instead (--org); it cannot be combined with Accounts.
	Organization *Organization
	// RoleARN is the role assumed in every account but the caller's own,
	// as a template: "{account}" is replaced by the account ID and
	// "{partition}" by the caller's partition (see RoleARN).
	RoleARN string
	// ExternalID is passed to every AssumeRole, for roles whose trust
	// policy requires one.
	ExternalID string
	// Shard, when its Count is above 1, restricts the scan to the
	// account-regions this shard owns (--shard i/n); an account's global
	// services go to the one shard that OwnsGlobal it. The zero value
	// scans everything.
	Shard Shard
}

// ProgressEvent reports one service of one target starting or finishing.
type ProgressEvent struct {
	Account string
	Region  string
	Service string
	// Done is false when the service starts and true when it ends.
	Done bool
	// Errors is how many calls of the service failed for good.
	Errors int
}

// Collect inventories every account and region in scope and returns a
// normalised snapshot. Failed calls, and accounts whose role cannot be
// assumed, are recorded in Snapshot.Errors and the scan continues; Collect
// itself fails only when the caller cannot be identified or the accounts
// and regions cannot be resolved.
func Collect(ctx context.Context, opts Options) (*snapshot.Snapshot, error) {
	opts = withDefaults(opts)
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, opts.Timeout, ErrTimeout)
		defer cancel()
	}
	opts.Config.HTTPClient = sharedHTTPClient(opts.Config.HTTPClient, opts.MaxCallsInFlight)
	calls := newCallCounter(opts.MaxCallsInFlight, opts.Tracker)
	home := newTarget(account{partition: "aws", cfg: opts.Config}, opts.Config.Region, opts, calls)
	if home.region == "" {
		home.region = globalRegion
		home.cfg.Region = globalRegion
	}
	stsc := sts.NewFromConfig(home.config(serviceSTS))

	caller, partition, err := callerAccount(ctx, stsc)
	if err != nil {
		return nil, fmt.Errorf("identify account: %w", timedOut(ctx, err))
	}
	home.account, home.partition = caller, partition
	home.acct.id, home.acct.partition = caller, partition

	refs, err := resolveAccounts(ctx, opts, home)
	if err != nil {
		return nil, timedOut(ctx, err)
	}
	if opts.RoleARN == "" && slices.ContainsFunc(refs, func(r accountRef) bool { return r.id != caller }) {
		return nil, fmt.Errorf("accounts: scanning accounts other than %s needs a role to assume in them", caller)
	}
	regions, err := resolveRegions(ctx, opts, home)
	if err != nil {
		return nil, timedOut(ctx, err)
	}

	c := &collection{opts: opts, calls: calls,
		running: semaphore.NewWeighted(int64(opts.MaxCallsInFlight)),
		ahead:   semaphore.NewWeighted(accountsAhead)}
	opts.Tracker.plan(len(refs), c.ownedCount(refs, regions))
	parts := make([]*snapshot.Snapshot, len(refs))
	scanned := make([][]string, len(refs))
	var spoolErr error
	var spooling sync.Mutex
	// done keeps an account's part, or hands it to the spool.
	done := func(i int, part *snapshot.Snapshot) {
		if opts.Spool == nil {
			parts[i] = part
			return
		}
		if err := opts.Spool.Add(refs[i].id, part); err != nil {
			spooling.Lock()
			spoolErr = cmp.Or(spoolErr, err)
			spooling.Unlock()
		}
	}
	var wg sync.WaitGroup
	for i, ref := range refs {
		// Accounts are reached in order, a few ahead of the account-regions
		// running, so each role is assumed shortly before it is used.
		if err := c.ahead.Acquire(ctx, 1); err != nil {
			opts.Tracker.skip(c.ownedCount([]accountRef{ref}, regions), 0)
			done(i, c.unreached(ctx, ref.id, regions))
			continue
		}
		wg.Go(func() {
			var part *snapshot.Snapshot
			part, scanned[i] = c.account(ctx, home, stsc, ref, regions)
			done(i, part)
		})
	}
	wg.Wait()
	if spoolErr != nil {
		return nil, spoolErr
	}

	snap := &snapshot.Snapshot{
		SchemaVersion: snapshot.SchemaVersion,
		Tool:          snapshot.Tool{Name: "gatewatch", Version: opts.ToolVersion},
		TakenAt:       opts.Clock().UTC(),
	}
	if opts.Shard.Count > 1 {
		snap.Scope.Shard = opts.Shard.String()
	}
	for i, part := range parts {
		if part != nil {
			snap.Append(part)
		}
		snap.Scope.Accounts = append(snap.Scope.Accounts, refs[i].id)
		snap.Scope.Regions = append(snap.Scope.Regions, scanned[i]...)
	}
	if len(snap.Scope.Regions) == 0 {
		snap.Scope.Regions = regions
	}
	snap.Scope.Regions = slices.Compact(slices.Sorted(slices.Values(snap.Scope.Regions)))
	if ctx.Err() != nil {
		snap.Incomplete = true
	}
	snap.Calls = calls.snapshot()
	snap.Normalize()
	return snap, nil
}

// accountsAhead is how many accounts are being reached (their role
// assumed, their regions listed) or have account-regions waiting to start,
// at once. Reaching an account takes two calls one after the other, while
// its account-regions keep the calls in flight busy for much longer, so a
// few suffice to keep them fed.
const accountsAhead = 8

// collection is the state one Collect call shares across its accounts.
type collection struct {
	opts  Options
	calls *callCounter
	// admitting serialises the start of units of work (account-regions and
	// accounts' global services), so that each waits for room on its own.
	admitting sync.Mutex
	// running bounds the units of work started and not finished. A unit
	// starts only when a call could start at once (see admit), so calls in
	// flight, not this bound, set how many run; it bounds the memory of a
	// scan whose units all wait for their quotas.
	running *semaphore.Weighted
	// ahead bounds the accounts being reached or with units waiting to
	// start (accountsAhead).
	ahead *semaphore.Weighted
}

// ownedCount is how many account-regions this shard owns among refs in
// regions, as known before each account's enabled regions are.
func (c *collection) ownedCount(refs []accountRef, regions []string) int {
	n := 0
	for _, ref := range refs {
		for _, r := range regions {
			if c.opts.Shard.Owns(ref.id, r) {
				n++
			}
		}
	}
	return n
}

// unreached is what an account the scan was interrupted before reaching
// leaves: each of its account-regions this shard owns is a gap like any
// other unfinished one.
func (c *collection) unreached(ctx context.Context, account string, regions []string) *snapshot.Snapshot {
	out := &snapshot.Snapshot{}
	if c.opts.Shard.OwnsGlobal(account) {
		out.Errors = append(out.Errors, stopped(ctx, interrupted(account, snapshot.GlobalRegion, "all"))...)
	}
	for _, r := range regions {
		if c.opts.Shard.Owns(account, r) {
			out.Errors = append(out.Errors, stopped(ctx, interrupted(account, r, "all"))...)
		}
	}
	out.Coverage = c.coverage(account, regions, out.Errors)
	return out
}

// account collects one account: its credentials, its regions (each
// enabled region when "all" is asked for), every regional target and the
// global services concurrently, then the Lambda functions the regional
// resources point at. It returns what it collected and the regions it
// covered. It holds one of c.ahead's slots until its units have all
// started.
func (c *collection) account(ctx context.Context, home target, stsc *sts.Client, ref accountRef, regions []string) (*snapshot.Snapshot, []string) {
	started := sync.OnceFunc(func() { c.ahead.Release(1) })
	defer started()
	defer c.opts.Tracker.accountDone()
	if !slices.Contains(c.opts.Regions, AllRegions) && !c.opts.Shard.OwnsGlobal(ref.id) &&
		!slices.ContainsFunc(regions, func(r string) bool { return c.opts.Shard.Owns(ref.id, r) }) {
		return &snapshot.Snapshot{}, nil // another shard's account: no role to assume here
	}
	out := &snapshot.Snapshot{}
	// However the account ends, its coverage is derived from what was
	// recorded: every dataset of every scope it owns, complete unless an
	// error there says otherwise.
	defer func() { out.Coverage = c.coverage(ref.id, regions, out.Errors) }()
	if ctx.Err() != nil {
		c.opts.Tracker.skip(c.ownedCount([]accountRef{ref}, regions), 0)
		out.Errors = c.unreached(ctx, ref.id, regions).Errors
		return out, nil
	}
	// An account that fails before its account-regions start leaves
	// them done, as far as progress goes.
	skipped := func() { c.opts.Tracker.skip(c.ownedCount([]accountRef{ref}, regions), 1) }
	acct, ce := accountConfig(ctx, c.opts, home, stsc, ref)
	if ce != nil {
		skipped()
		out.Errors = append(out.Errors, *ce)
		if ctx.Err() != nil {
			out.Errors = append(out.Errors, c.unreached(ctx, ref.id, regions).Errors...)
		}
		return out, nil
	}
	if slices.Contains(c.opts.Regions, AllRegions) && acct.id != home.account {
		// Enabled regions differ between accounts.
		t := newTarget(acct, home.region, c.opts, c.calls)
		resolved, err := resolveRegions(ctx, c.opts, t)
		if err != nil {
			skipped()
			out.Errors = append(out.Errors, t.failure(serviceEC2, "DescribeRegions", err))
			return out, nil
		}
		c.opts.Tracker.replan(c.ownedCount([]accountRef{ref}, resolved) - c.ownedCount([]accountRef{ref}, regions))
		regions = resolved
	}
	targets := make([]target, 0, len(regions))
	var owned []string
	for _, r := range regions {
		if c.opts.Shard.Owns(acct.id, r) {
			targets = append(targets, newTarget(acct, r, c.opts, c.calls))
			owned = append(owned, r)
		}
	}
	regions = owned
	global := c.opts.Shard.OwnsGlobal(acct.id)

	var mu sync.Mutex
	add := func(part *snapshot.Snapshot) {
		mu.Lock()
		defer mu.Unlock()
		out.Append(part)
	}
	var wg sync.WaitGroup
	if global {
		// A shard may own an account's global services but none of its
		// regions.
		t := newTarget(acct, globalRegion, c.opts, c.calls)
		if len(targets) > 0 {
			t = globalTarget(targets, c.opts)
		}
		t.scope = snapshot.GlobalRegion
		c.start(ctx, &wg, add, []snapshot.CollectionError{interrupted(acct.id, snapshot.GlobalRegion, "all")}, false,
			func(ctx context.Context) *snapshot.Snapshot { return collectGlobal(ctx, t) })
	}
	for _, t := range targets {
		c.start(ctx, &wg, add, []snapshot.CollectionError{interrupted(acct.id, t.region, "all")}, true,
			func(ctx context.Context) *snapshot.Snapshot { return collectRegion(ctx, t) })
	}
	started()
	wg.Wait()

	// Lambda functions are looked up only when something routes to them,
	// which is known once every region is in.
	byRegion := map[string]target{}
	for _, t := range targets {
		byRegion[t.region] = t
	}
	part := &snapshot.Snapshot{}
	if ctx.Err() == nil && c.opts.wants("lambda_functions") {
		part = collectReferencedFunctions(ctx, out, acct.id, func(region string) target {
			if t, ok := byRegion[region]; ok {
				return t
			}
			t := newTarget(acct, region, c.opts, c.calls)
			byRegion[region] = t
			return t
		})
	}
	if ctx.Err() != nil {
		for _, r := range regions {
			part.Errors = append(part.Errors, stopped(ctx, interrupted(acct.id, r, serviceLambda))...)
		}
	}
	add(part)
	for i := range out.Accounts {
		out.Accounts[i].Name = acct.name
	}
	return out, regions
}

// start runs one unit of work (an account-region, an account's global
// services) once there is room for it (see admit), and adds what it
// collected. A unit the scan was interrupted in, or never started because
// of the interruption, adds markers, so the snapshot says which
// account-regions are partial instead of only listing the calls that
// happened to be in flight. regional says whether the unit is an
// account-region, for progress.
func (c *collection) start(ctx context.Context, wg *sync.WaitGroup, add func(*snapshot.Snapshot), markers []snapshot.CollectionError, regional bool, run func(context.Context) *snapshot.Snapshot) {
	slot, err := c.admit(ctx)
	if err != nil {
		add(&snapshot.Snapshot{Errors: stopped(ctx, markers...)})
		return
	}
	wg.Go(func() {
		defer c.running.Release(1)
		defer slot.drop(c.calls.inflight)
		part := run(context.WithValue(ctx, slotKey{}, slot))
		if ctx.Err() != nil {
			part.Errors = append(part.Errors, stopped(ctx, markers...)...)
		}
		c.opts.Tracker.unitDone(regional, len(part.Errors))
		add(part)
	})
}

// admit waits until a unit of work may start: a slot among the units
// running, and a slot among the calls in flight, which it takes for the
// unit's first call. Waiting for a call slot like any call does, behind
// the calls already waiting, units start as fast as calls finish and no
// faster: were the slot only checked, the units admitted before their
// first calls arrive would pile up behind a full bound. Units that wait
// for their quotas hold no call slot, so the others go on.
func (c *collection) admit(ctx context.Context) (*heldSlot, error) {
	c.admitting.Lock()
	defer c.admitting.Unlock()
	if err := c.running.Acquire(ctx, 1); err != nil {
		return nil, err
	}
	if err := c.calls.inflight.Acquire(ctx, 1); err != nil {
		c.running.Release(1)
		return nil, err
	}
	return &heldSlot{}, nil
}

// slotKey keys, in a unit's context, the call slot its admission took.
type slotKey struct{}

// heldSlot is a call slot taken for a unit's first call.
type heldSlot struct{ taken atomic.Bool }

// take reports whether the caller gets the slot: the first to ask does.
func (h *heldSlot) take() bool { return h != nil && h.taken.CompareAndSwap(false, true) }

// drop releases the slot if no call took it.
func (h *heldSlot) drop(sem *semaphore.Weighted) {
	if h.take() {
		sem.Release(1)
	}
}

// coverage derives one account's coverage from its errors: every dataset
// of each region this shard owns and, when it owns them, of the global
// services. A dataset the scan was not asked to read is not_collected.
func (c *collection) coverage(account string, regions []string, errs []snapshot.CollectionError) []snapshot.Coverage {
	var out []snapshot.Coverage
	if c.opts.Shard.OwnsGlobal(account) {
		out = append(out, snapshot.CoverageOf(account, snapshot.GlobalRegion, snapshot.ScopeDatasets(snapshot.GlobalRegion), errs)...)
	}
	for _, r := range regions {
		if c.opts.Shard.Owns(account, r) {
			out = append(out, snapshot.CoverageOf(account, r, snapshot.ScopeDatasets(r), errs)...)
		}
	}
	for i := range out {
		if !c.opts.wants(out[i].Dataset) {
			out[i].State, out[i].Resources, out[i].Reason = snapshot.NotCollected, nil, ReasonNotRead
		}
	}
	return out
}

// ReasonNotRead is the coverage reason of a dataset a scan did not read
// because none of its enabled rules reads it (Options.Datasets).
const ReasonNotRead = "not read: no enabled rule reads it"

// wants reports whether the scan reads dataset (Options.Datasets).
func (o Options) wants(dataset string) bool {
	return o.Datasets == nil || slices.Contains(o.Datasets, dataset)
}

// wants reports whether the scan reads dataset.
func (t target) wants(dataset string) bool { return t.opts.wants(dataset) }

// interrupted is the error that marks a unit of work as partial.
func interrupted(account, region, service string) snapshot.CollectionError {
	return snapshot.CollectionError{Account: account, Region: region, Service: service, Operation: "Collect",
		Code: "Canceled", Message: "the scan was interrupted before this was fully collected; resources may be missing"}
}

// ErrTimeout is the cause of the collection's end when Options.Timeout
// passed; Collect's own error wraps it when the time ran out before any
// account could be scanned.
var ErrTimeout = errors.New("the collection's time limit passed")

// stopped returns the markers of units the scan stopped, saying why: an
// interruption (Canceled) or the time limit (Timeout).
func stopped(ctx context.Context, markers ...snapshot.CollectionError) []snapshot.CollectionError {
	out := slices.Clone(markers)
	if errors.Is(context.Cause(ctx), ErrTimeout) {
		for i := range out {
			out[i].Code = "Timeout"
			out[i].Message = "the scan's time limit passed before this was fully collected; resources may be missing"
		}
	}
	return out
}

// timedOut names the time limit as the cause of err when it had passed.
func timedOut(ctx context.Context, err error) error {
	if errors.Is(context.Cause(ctx), ErrTimeout) {
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	}
	return err
}

// globalTarget is the us-east-1 target of the account, reusing the regional
// one (and its pacing) when us-east-1 is in scope.
func globalTarget(targets []target, opts Options) target {
	for _, t := range targets {
		if t.region == globalRegion {
			return t
		}
	}
	return newTarget(targets[0].acct, globalRegion, opts, targets[0].calls)
}

// collectRegion runs the regional services of one target concurrently. The
// list is a literal so a reader sees every collector in one place.
func collectRegion(ctx context.Context, t target) *snapshot.Snapshot {
	services := []struct {
		name string
		run  func(context.Context, target) *snapshot.Snapshot
	}{
		{serviceAPIGateway, collectAPIGateway},
		{serviceAPIGatewayV2, collectAPIGatewayV2},
		{serviceELBv2, collectELBv2},
		{serviceWAFv2, collectRegionalWAF},
		{serviceCloudWatch, collectCloudWatch},
	}
	out := &snapshot.Snapshot{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, s := range services {
		wg.Go(func() {
			t.progress(s.name, false, 0)
			part := s.run(ctx, t)
			t.progress(s.name, true, len(part.Errors))
			mu.Lock()
			defer mu.Unlock()
			out.Append(part)
		})
	}
	wg.Wait()
	dedupeDomainNames(out)
	webACLFallback(ctx, wafv2.NewFromConfig(t.config(serviceWAFv2)), t, out)
	// Metrics are read for the stages and load balancers just collected.
	t.progress(serviceCloudWatch, false, 0)
	part := collectMetrics(ctx, t, out)
	t.progress(serviceCloudWatch, true, len(part.Errors))
	out.Append(part)
	return out
}

// collectGlobal collects the account-wide services from us-east-1.
func collectGlobal(ctx context.Context, t target) *snapshot.Snapshot {
	out := &snapshot.Snapshot{}
	for _, s := range []struct {
		name string
		run  func(context.Context, target) *snapshot.Snapshot
	}{
		{serviceShield, collectShield},
		{serviceCloudFront, collectCloudFront},
		{serviceWAFv2, collectCloudFrontWAF},
	} {
		t.progress(s.name, false, 0)
		part := s.run(ctx, t)
		t.progress(s.name, true, len(part.Errors))
		out.Append(part)
	}
	return out
}

type callerIdentityAPI interface {
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

// callerAccount returns the account and partition of the credentials.
func callerAccount(ctx context.Context, c callerIdentityAPI) (account, partition string, err error) {
	out, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", "", fmt.Errorf("sts get caller identity: %w", err)
	}
	account = aws.ToString(out.Account)
	if account == "" {
		return "", "", errors.New("sts get caller identity: no account in response")
	}
	partition = "aws"
	if a, ok := snapshot.ParseARN(aws.ToString(out.Arn)); ok {
		partition = a.Partition
	}
	return account, partition, nil
}

type describeRegionsAPI interface {
	DescribeRegions(ctx context.Context, in *ec2.DescribeRegionsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeRegionsOutput, error)
}

// resolveRegions expands "all" into the regions enabled in the account;
// DescribeRegions without AllRegions lists exactly those.
func resolveRegions(ctx context.Context, opts Options, home target) ([]string, error) {
	switch {
	case len(opts.Regions) == 0:
		return []string{home.region}, nil
	case !slices.Contains(opts.Regions, AllRegions):
		return slices.Compact(slices.Sorted(slices.Values(opts.Regions))), nil
	case len(opts.Regions) > 1:
		return nil, fmt.Errorf("regions: %q cannot be combined with named regions", AllRegions)
	}
	c := ec2.NewFromConfig(home.config(serviceEC2))
	out, err := c.DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	if err != nil {
		return nil, fmt.Errorf("ec2 %s: describe regions: %w", home.region, err)
	}
	var regions []string
	for _, r := range out.Regions {
		if name := aws.ToString(r.RegionName); name != "" {
			regions = append(regions, name)
		}
	}
	if len(regions) == 0 {
		return nil, fmt.Errorf("ec2 %s: describe regions: no enabled region", home.region)
	}
	slices.Sort(regions)
	return regions, nil
}

func withDefaults(opts Options) Options {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.MaxCallsInFlight <= 0 {
		opts.MaxCallsInFlight = DefaultMaxCallsInFlight
	}
	if opts.QuotaShare <= 0 {
		opts.QuotaShare = DefaultQuotaShare
	}
	opts.QuotaShare = min(opts.QuotaShare, 1)
	if opts.Datasets != nil {
		opts.Datasets = snapshot.WithParents(opts.Datasets)
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = cmp.Or(opts.Config.RetryMaxAttempts, 5)
	}
	if opts.CallTimeout <= 0 {
		opts.CallTimeout = DefaultCallTimeout
	}
	return opts
}
