package collectors

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Access reaches the accounts of a scan with the trust the collection
// has: the caller's credentials in its own account, the role of
// Options.RoleARN (with Options.ExternalID) in every other. What acts in
// those accounts after a scan, such as the Security Hub import, goes
// through it, so it needs no trust the collection does not.
type Access struct {
	home              target
	sts               *sts.Client
	caller, partition string

	mu      sync.Mutex
	configs map[string]*accountAccess
}

// accountAccess is one account's configuration, or why it cannot be had,
// settled once.
type accountAccess struct {
	once sync.Once
	cfg  aws.Config
	err  error
}

// NewAccess identifies the caller with sts:GetCallerIdentity. Of opts it
// reads Config, EndpointURL, RoleARN, ExternalID and the retry and
// attempt limits.
func NewAccess(ctx context.Context, opts Options) (*Access, error) {
	opts = withDefaults(opts)
	home := newTarget(account{partition: "aws", cfg: opts.Config}, opts.Config.Region, opts, newCallCounter(opts.MaxCallsInFlight, opts.Tracker))
	if home.region == "" {
		home.region, home.cfg.Region = globalRegion, globalRegion
	}
	stsc := sts.NewFromConfig(home.config(serviceSTS))
	caller, partition, err := callerAccount(ctx, stsc)
	if err != nil {
		return nil, fmt.Errorf("identify account: %w", err)
	}
	home.account, home.partition = caller, partition
	return &Access{home: home, sts: stsc, caller: caller, partition: partition, configs: map[string]*accountAccess{}}, nil
}

// Caller is the account of the credentials.
func (a *Access) Caller() string { return a.caller }

// Partition is the caller's partition (aws, aws-cn, aws-us-gov).
func (a *Access) Partition() string { return a.partition }

// Config returns the configuration that reaches account, with the
// endpoint override applied and the region left to the caller. The role is
// assumed once per account, and its credentials renewed as they near
// their end; an account whose role cannot be assumed fails every time
// with the same error, without another AssumeRole.
func (a *Access) Config(ctx context.Context, account string) (aws.Config, error) {
	a.mu.Lock()
	acc, ok := a.configs[account]
	if !ok {
		acc = &accountAccess{}
		a.configs[account] = acc
	}
	a.mu.Unlock()
	acc.once.Do(func() {
		opts := a.home.opts
		switch {
		case account == a.caller:
			acc.cfg = opts.Config.Copy()
		case opts.RoleARN == "":
			acc.err = fmt.Errorf("account %s: no role to assume in it (the credentials are account %s's)", account, a.caller)
			return
		default:
			roleARN := RoleARN(opts.RoleARN, a.partition, account)
			if acc.cfg, acc.err = assumeRole(ctx, a.sts, opts.Config, roleARN, opts.ExternalID); acc.err != nil {
				acc.err = fmt.Errorf("account %s: assume role %s: %w", account, roleARN, acc.err)
				return
			}
		}
		if opts.EndpointURL != "" {
			acc.cfg.BaseEndpoint = aws.String(opts.EndpointURL)
		}
	})
	return acc.cfg, acc.err
}
