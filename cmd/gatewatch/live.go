package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/gatewatch/gatewatch/collectors"
	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/internal/inputfile"
)

// awsFlags select what to collect and how to reach AWS, the way the AWS CLI
// does: the standard credential chain, a named profile, regions, and an
// endpoint override for emulators and VPC endpoints.
type awsFlags struct {
	accessFlags
	regions []string
	// inFlight bounds the calls in flight; concurrency is its deprecated
	// predecessor, read as the same bound.
	inFlight    int
	concurrency int
	quotaShare  float64
	// progress is auto, log or off (--progress).
	progress string
	// timeout bounds the collection; attemptTimeout one attempt of a call.
	timeout        time.Duration
	attemptTimeout time.Duration

	accounts  []string
	org       bool
	ouInclude []string
	ouExclude []string

	shard string
	// getenv reads the scheduler's shard index; os.Getenv outside tests.
	getenv func(string) string
	// spool, when set, receives the accounts as they are done (see
	// collectors.Options.Spool).
	spool *snapshot.Spool
	// datasets, when not nil, are the only datasets to read (see
	// collectors.Options.Datasets).
	datasets []string
}

func (f *awsFlags) register(fs *pflag.FlagSet) {
	f.accessFlags.register(fs)
	fs.StringSliceVar(&f.regions, "regions", nil, "regions to scan, comma-separated or repeated, or \"all\" for every region enabled in each account (default: the profile's or AWS_REGION)")
	fs.StringSliceVar(&f.regions, "region", nil, "alias of --regions")
	fs.IntVar(&f.inFlight, "max-calls-in-flight", collectors.DefaultMaxCallsInFlight, "AWS calls in flight at once, across all accounts and regions; account-regions start whenever a call can")
	fs.IntVar(&f.concurrency, "concurrency", 0, "deprecated: use --max-calls-in-flight")
	_ = fs.MarkHidden("concurrency")
	fs.StringVar(&f.progress, "progress", "auto", "how to show the collection's progress: auto (a status line on a terminal, a log line every 30s otherwise), log (log lines), off")
	fs.Float64Var(&f.quotaShare, "quota-share", collectors.DefaultQuotaShare, "share (above 0, at most 1) of each AWS API rate quota to spend in each account-region, leaving the rest to other clients; halved for a while after a throttling answer")
	fs.DurationVar(&f.timeout, "timeout", 0, "stop collecting after this long (e.g. 20m) and go on with what was collected, each unfinished account-region marked Timeout (exit code 3); 0 means no limit")
	fs.DurationVar(&f.attemptTimeout, "attempt-timeout", collectors.DefaultCallTimeout, "give up on an attempt of an AWS call that has not answered in full after this long, and retry it once with backoff")
	fs.StringVar(&f.shard, "shard", "", "collect only shard i of n (\"2/8\") of the account-regions, for 'gatewatch merge' later; default from "+
		collectors.EnvK8sCompletionIndex+" (Kubernetes Indexed Job) or "+collectors.EnvBatchArrayIndex+" (AWS Batch array job) with "+collectors.EnvShardCount)
	fs.StringSliceVar(&f.accounts, "accounts", nil, "account IDs to scan, comma-separated, or @FILE with one per line (# starts a comment); needs --role-name or --role-arn-template (default: the credentials' account)")
	fs.BoolVar(&f.org, "org", false, "scan every ACTIVE account of the AWS Organization (run from the management or a delegated administrator account); needs --role-name or --role-arn-template")
	fs.StringSliceVar(&f.ouInclude, "ou-include", nil, "with --org: only accounts below these OUs or roots (ou-..., r-...), at any depth")
	fs.StringSliceVar(&f.ouExclude, "ou-exclude", nil, "with --org: leave out accounts below these OUs")
}

// multiAccountHelp is the part of the scan and collect help on scanning
// several accounts.
const multiAccountHelp = `Several accounts: --accounts 111111111111,222222222222 (or --accounts @accounts.txt)
or --org (all ACTIVE accounts of the organization, narrowed with --ou-include and
--ou-exclude) with --role-name or --role-arn-template. The credentials' own
account is scanned with them; every other account through the role (session
name "gatewatch", renewed during long scans; the calling principal needs
sts:AssumeRole, and organizations:ListAccounts, ListAccountsForParent and
ListChildren for --org). An account whose role cannot be assumed is recorded
as a collection error and the others are scanned. Every account-region is paced
at --quota-share (0.5) of its own quotas; --max-calls-in-flight (128) bounds
the calls in flight across all of them, and account-regions start whenever a
call can.`

// accountOptions turns the account flags into collector options.
func (f *awsFlags) accountOptions(opts *collectors.Options) error {
	if err := f.roleOptions(opts); err != nil {
		return err
	}
	switch {
	case f.org && len(f.accounts) > 0:
		return errors.New("--org and --accounts: pass one of them")
	case !f.org && len(f.ouInclude)+len(f.ouExclude) > 0:
		return errors.New("--ou-include and --ou-exclude need --org")
	}
	accounts, err := readAccounts(f.accounts)
	if err != nil {
		return err
	}
	opts.Accounts = accounts
	if f.org {
		opts.Organization = &collectors.Organization{IncludeOUs: trimAll(f.ouInclude), ExcludeOUs: trimAll(f.ouExclude)}
		for i, ids := range [][]string{opts.Organization.IncludeOUs, opts.Organization.ExcludeOUs} {
			for _, id := range ids {
				if !collectors.ValidParentID(id) {
					return fmt.Errorf("%s %q: not an organizational unit or root ID (ou-ab12-cdef3456, r-ab12)", []string{"--ou-include", "--ou-exclude"}[i], id)
				}
			}
		}
	}
	// One listed account may be the credentials' own; more, or an
	// organization, need a role to reach the others.
	if opts.RoleARN == "" && (f.org || len(accounts) > 1) {
		return errors.New("--accounts and --org reach the accounts other than the credentials' own through a role: pass --role-name or --role-arn-template")
	}
	return nil
}

// readAccounts expands --accounts: IDs, and @FILE arguments read as one ID
// per line with # comments.
func readAccounts(args []string) ([]string, error) {
	var out []string
	for _, arg := range trimAll(args) {
		path, ok := strings.CutPrefix(arg, "@")
		if !ok {
			if !collectors.ValidAccountID(arg) {
				return nil, fmt.Errorf("--accounts: %q is not a 12-digit account ID", arg)
			}
			out = append(out, arg)
			continue
		}
		data, _, err := inputfile.Read(path, inputfile.MaxWritten, false)
		if err != nil {
			return nil, fmt.Errorf("--accounts: %w", err)
		}
		listed, n := 0, 0
		for line := range strings.Lines(string(data)) {
			n++
			line, _, _ = strings.Cut(line, "#")
			if line = strings.TrimSpace(line); line == "" {
				continue
			}
			if !collectors.ValidAccountID(line) {
				return nil, fmt.Errorf("--accounts: %s:%d: %q is not a 12-digit account ID", path, n, line)
			}
			out = append(out, line)
			listed++
		}
		if listed == 0 {
			return nil, fmt.Errorf("--accounts: %s lists no account", path)
		}
	}
	return out, nil
}

// options checks the collection flags and turns them into collector
// options. It runs before anything else (compiling the rules, looking for
// credentials) and with scan --demo too, which collects nothing: a flag
// the run ignores is still checked, so that a typo is not learned from the
// nightly run that first uses it. Only the shard a scheduler exported is
// read later, by collect.
func (f *awsFlags) options(log *slog.Logger) (collectors.Options, error) {
	if f.concurrency != 0 {
		// Said on the log (stderr), not where cobra would say it: stdout
		// may carry the report.
		log.Warn("--concurrency is deprecated: use --max-calls-in-flight, which bounds calls rather than account-regions; --concurrency N is read as --max-calls-in-flight N")
		f.inFlight = f.concurrency
	}
	var opts collectors.Options
	inFlightFlag := "--max-calls-in-flight"
	if f.concurrency != 0 {
		inFlightFlag = "--concurrency"
	}
	switch {
	case f.inFlight < 1:
		return opts, inputError(fmt.Errorf("%s %d: must be at least 1", inFlightFlag, f.inFlight))
	case f.progress != progressAuto && f.progress != progressLog && f.progress != progressOff:
		return opts, inputError(fmt.Errorf("--progress %q: want auto, log or off", f.progress))
	case !(f.quotaShare > 0 && f.quotaShare <= 1):
		return opts, inputError(fmt.Errorf("--quota-share %g: must be above 0 and at most 1", f.quotaShare))
	case f.timeout < 0:
		return opts, inputError(fmt.Errorf("--timeout %s: must not be negative (0 means no limit)", f.timeout))
	case f.attemptTimeout <= 0:
		return opts, inputError(fmt.Errorf("--attempt-timeout %s: must be above zero", f.attemptTimeout))
	}
	opts = collectors.Options{
		EndpointURL:      f.endpointURL,
		Regions:          trimAll(f.regions),
		ToolVersion:      toolVersion(),
		Logger:           log,
		MaxCallsInFlight: f.inFlight,
		QuotaShare:       f.quotaShare,
		Timeout:          f.timeout,
		CallTimeout:      f.attemptTimeout,
	}
	if err := collectors.CheckRegions("--regions", opts.Regions); err != nil {
		return opts, inputError(err)
	}
	if err := f.accountOptions(&opts); err != nil {
		return opts, inputError(err)
	}
	if f.shard != "" {
		sh, err := collectors.ParseShard(f.shard)
		if err != nil {
			return opts, inputError(err)
		}
		opts.Shard = sh
	}
	return opts, nil
}

// collect loads the AWS configuration and collects a snapshot with opts
// (from options). Problems with the configuration (unknown profile, no
// region, no or expired credentials) are input errors; failed calls after
// that are recorded in the snapshot, and a failure to reach AWS at all is
// a collection failure (see collectFailure).
func (f *awsFlags) collect(ctx context.Context, a *app, opts collectors.Options) (*snapshot.Snapshot, error) {
	if f.shard == "" {
		sh, err := f.resolveShard()
		if err != nil {
			return nil, inputError(err)
		}
		opts.Shard = sh
	}
	cfg, err := loadAWSConfig(ctx, f.profile, a.log, collecting)
	if err != nil {
		return nil, err
	}
	if len(opts.Regions) == 0 && cfg.Region == "" {
		return nil, inputError(errors.New("no region: pass --regions (for example --regions eu-west-1,us-east-1 or --regions all) or set AWS_REGION"))
	}
	if len(opts.Regions) == 0 && !collectors.ValidRegionName(cfg.Region) {
		return nil, inputError(fmt.Errorf("region %q (from AWS_REGION or the profile): unknown region: want a region name such as eu-west-1, or pass --regions", cfg.Region))
	}
	if len(opts.Regions) > 0 && cfg.Region == "" {
		// The home region only serves the account look-up; prefer a named one.
		cfg.Region = opts.Regions[0]
		if cfg.Region == collectors.AllRegions {
			cfg.Region = "us-east-1"
		}
	}
	opts.Config = cfg
	opts.Spool = f.spool
	opts.Datasets = f.datasets
	opts.Tracker = &collectors.Tracker{}
	stop := showProgress(f.progress, a.stderr, opts.Tracker, progressLogEvery)
	snap, err := collectors.Collect(ctx, opts)
	stop()
	if err != nil {
		return nil, collectFailure(err, f.timeout, a.log, collecting)
	}
	return snap, nil
}

func trimAll(in []string) []string {
	var out []string
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// resolveShard reads --shard, or else the index a scheduler exported.
func (f *awsFlags) resolveShard() (collectors.Shard, error) {
	if f.shard != "" {
		return collectors.ParseShard(f.shard)
	}
	getenv := f.getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	sh, _, err := collectors.ShardFromEnv(getenv)
	return sh, err
}
