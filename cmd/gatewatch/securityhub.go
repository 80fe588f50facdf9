package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/spf13/pflag"

	"github.com/gatewatch/gatewatch/collectors"
	"github.com/gatewatch/gatewatch/findings"
	"github.com/gatewatch/gatewatch/findings/hubimport"
)

// maxFailureLines bounds the refused records listed on stderr; the debug
// log has every one.
const maxFailureLines = 20

// hubAttempts is the SDK's attempt limit per Security Hub call:
// throttling and 5xx answers are retried with backoff.
const hubAttempts = 5

// hubHelp is the part of the scan and eval help on --security-hub.
const hubHelp = `--security-hub imports the findings into AWS Security Hub with
BatchImportFindings, each into its own account and region (findings of global
resources, CloudFront, Shield and CLOUDFRONT-scope WAF, into us-east-1), 100 per
call at half of Security Hub's quota. Findings of accounts other than the
credentials' own go through the role of --role-name or --role-arn-template,
as collection does. Finding IDs are stable, so a later import updates the
same findings. Suppressed findings are SUPPRESSED (set with BatchUpdateFindings
when the finding already exists); findings --baseline saw fixed are RESOLVED and
ARCHIVED; what was not evaluated is not imported. With scan --demo, the findings
go to the credentials' own account. Records Security Hub refuses are listed on
stderr and make the exit code 4.`

// hubFlags send the findings to Security Hub.
type hubFlags struct {
	enabled bool
}

func (h *hubFlags) register(fs *pflag.FlagSet) {
	fs.BoolVar(&h.enabled, "security-hub", false, "also import the findings into AWS Security Hub, each into its own account and region (see below)")
}

// hubImport is a prepared Security Hub import.
type hubImport struct {
	access *collectors.Access
	// demo imports every finding into the credentials' own account.
	demo bool
}

// attach reaches AWS before any work starts, so missing credentials fail
// in a second, not after a long scan, and has rep import the findings
// once its outputs are written. It does nothing when --security-hub is
// off.
func (h *hubFlags) attach(ctx context.Context, a *app, rep *reporter, access *accessFlags, demo bool) error {
	if !h.enabled {
		return nil
	}
	acc, err := access.access(ctx, a)
	if err != nil {
		return err
	}
	imp := &hubImport{access: acc, demo: demo}
	rep.deliver = func(ctx context.Context, r *findings.Report) error { return imp.deliver(ctx, a, r) }
	return nil
}

// deliver imports the report's records and says what Security Hub
// refused, as an exitDelivery error.
func (h *hubImport) deliver(ctx context.Context, a *app, r *findings.Report) error {
	opts := findings.ASFFOptions{}
	if h.demo {
		opts.Account = h.access.Caller()
	}
	recs, err := findings.NewASFFRecords(r, opts)
	if err != nil {
		return inputError(fmt.Errorf("security hub: %w", err))
	}
	res, err := hubimport.Import(ctx, recs, hubimport.Options{Client: h.client, Logger: a.log})
	for _, f := range res.Failed {
		a.log.Debug("security hub refused", "failure", f.String())
	}
	if err != nil {
		return &exitError{code: exitInterrupted, err: fmt.Errorf("interrupted while importing into Security Hub: %d of %d records imported", res.Imported, res.Records)}
	}
	targets := make([]string, len(res.Targets))
	for i, t := range res.Targets {
		targets[i] = t.String()
	}
	a.log.Info("security hub import", "records", res.Records, "imported", res.Imported, "suppressed", res.Suppressed, "into", strings.Join(targets, ", "))
	if len(res.Failed) == 0 {
		return nil
	}
	lines := []string{fmt.Sprintf("security hub: %d of %d findings imported into %d account-regions; %d not imported or not updated:",
		res.Imported, res.Records, len(res.Targets), res.FailedRecords())}
	for i, f := range res.Failed {
		if i == maxFailureLines {
			lines = append(lines, fmt.Sprintf("  ... and %d more (--log-level debug lists every one)", len(res.Failed)-i))
			break
		}
		lines = append(lines, "  "+f.String())
	}
	return &exitError{code: exitDelivery, err: errors.New(strings.Join(lines, "\n"))}
}

// client reaches Security Hub in one account and region.
func (h *hubImport) client(ctx context.Context, t hubimport.Target) (hubimport.API, error) {
	cfg, err := h.access.Config(ctx, t.Account)
	if err != nil {
		return nil, err
	}
	cfg.Region = t.Region
	return securityhub.NewFromConfig(cfg, func(o *securityhub.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) { so.MaxAttempts = hubAttempts })
	}), nil
}
