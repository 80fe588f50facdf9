package main

import (
	"context"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/gatewatch/gatewatch"
	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/findings"
	"github.com/gatewatch/gatewatch/policies"
)

func newScanCommand(a *app) *cobra.Command {
	var (
		flags        reportFlags
		aws          awsFlags
		hub          hubFlags
		source       sourceFlags
		demo         bool
		snapshotPath string
	)
	cmd := &cobra.Command{
		Use:   "scan",
		Short: "Collect the inventory, evaluate the rules and report",
		Long: `Collect API Gateway and load balancer inventory with the WAF, CloudFront,
Shield, Lambda and CloudWatch data around it, evaluate every rule, and render
the findings.

--demo scans the bundled demo account instead of AWS: a reference
architecture (partners -> API Gateway -> ALB -> services; browsers ->
CloudFront -> ALB; internal apps -> internal ALB) with the mistakes teams
really make beside resources that do it right. It needs no credentials.
The collection flags (--profile, --regions, the account flags) are checked
but have no effect with --demo, and a warning says so.

Without --demo, gatewatch uses the standard AWS credential chain (environment,
shared files and --profile, SSO, instance and container roles). Missing or
expired credentials stop the run at once with one line saying so (exit code 2).
Failed calls are recorded, shown in every report, and make the exit code 3 when
no finding reaches --fail-on.

` + multiAccountHelp + `

` + hubHelp + `

Ctrl-C or SIGTERM stops the collection cleanly: what was collected is
evaluated and reported (and written to --snapshot) marked incomplete, each
unfinished account-region listed as Canceled. --timeout 20m does the same when
the time is up, each unfinished account-region listed as Timeout; the exit code
is then 3 unless a finding reached --fail-on. Each attempt of each AWS call
that has not answered in full within --attempt-timeout (20s) is retried once
with backoff; dropped connections are retried too.

--source DIR (the repository checkout, repeatable) points each finding at the
code that defines its resource, or the nearest one that does (a listener
rule's listener or load balancer, a stage's API): Terraform blocks, tied to
live resources through --terraform-state FILE (terraform show -json, or a
version 4 state; without one, only load balancers and APIs with a unique
literal name are placed), and CloudFormation, SAM and CDK templates, through
the stack tags CloudFormation puts on what it creates. JSON gains "source",
SARIF puts the file and lines in physicalLocation (fingerprints unchanged),
the other formats say "defined in". With --baseline, findings the baseline
located and this run does not are listed (JSON "sources_lost") and warned
about: their code-scanning alerts would move back to aws/ paths.`,
		Example: `  gatewatch scan --demo
  gatewatch scan --demo -o report.html -o findings.csv
  gatewatch scan --regions eu-west-1,us-east-1 --fail-on high
  gatewatch scan --regions all --timeout 20m -f sarif -o gatewatch.sarif --snapshot snapshot.json
  gatewatch scan --profile audit --regions all -f sarif -o gatewatch.sarif --snapshot snapshot.json
  gatewatch scan --org --ou-exclude ou-ab12-sandbox1 --role-name gatewatch-audit --regions all --quota-share 0.3
  gatewatch scan --accounts @accounts.txt --role-arn-template 'arn:aws:iam::{account}:role/audit/gatewatch' --external-id nightly
  gatewatch scan --endpoint-url http://127.0.0.1:5000 --regions us-east-1 --format json
  gatewatch scan --demo --format json
  gatewatch scan --org --role-name gatewatch-audit --regions all --security-hub --baseline last-night.json -f json -o tonight.json
  gatewatch scan --regions all --source . --terraform-state state.json -f sarif -o gatewatch.sarif
  gatewatch scan --demo --format table --format json --output - --output findings.json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts, err := aws.options(a.log)
			if err != nil {
				return err
			}
			if demo {
				if ignored := demoIgnores(cmd.Flags(), hub.enabled); len(ignored) > 0 {
					a.log.Warn("--demo scans the bundled demo account, so these flags have no effect: " + strings.Join(ignored, ", "))
				}
			}
			files := runFiles{inputs: append(stateInputs(source.states), accountInputs(aws.accounts)...)}
			if snapshotPath != "" {
				files.outputs = []namedPath{{path: snapshotPath, what: "--snapshot"}}
			}
			rep, err := flags.prepare(cmd.Context(), a, files)
			if err != nil {
				return err
			}
			rep.demo = demo
			if err := hub.attach(cmd.Context(), a, rep, &aws.accessFlags, demo); err != nil {
				return err
			}
			idx, err := source.load(a.log, true)
			if err != nil {
				return err
			}
			var snap *snapshot.Snapshot
			if demo {
				snap, err = snapshot.Parse(gatewatch.DemoSnapshot, "demo")
			} else {
				// A snapshot kept for later may meet other rules; without
				// one, only what the enabled rules read is collected.
				if snapshotPath == "" {
					aws.datasets = readByRules(rep.engine.Rules())
				}
				snap, err = aws.collect(cmd.Context(), a, opts)
			}
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if snap.Incomplete {
				// Interrupted or out of time: report what was collected,
				// marked incomplete, rather than throwing the partial
				// inventory away.
				a.log.Warn("collection stopped early (interrupted or --timeout); reporting the partial inventory")
				ctx = context.WithoutCancel(ctx)
			}
			if snapshotPath != "" {
				// A snapshot that cannot be written still leaves the
				// report to write; the run then exits 2 saying so.
				err := writeTo(a.stdout, snapshotPath, func(w io.Writer) error { return writeJSON(w, snap) })
				rep.before = append(rep.before, written{name: "snapshot to " + stdoutOr(snapshotPath), err: err})
			}
			rep.annotate = annotator(a.log, idx, nil)
			return rep.report(ctx, a, policies.InMemory(snap))
		},
	}
	cmd.Flags().BoolVar(&demo, "demo", false, "scan the bundled demo account instead of AWS (no credentials needed)")
	cmd.Flags().StringVar(&snapshotPath, "snapshot", "", "also write the collected snapshot to this file (\"-\" for stdout, when no report goes there), for 'gatewatch eval' later")
	aws.register(cmd.Flags())
	hub.register(cmd.Flags())
	flags.register(cmd.Flags())
	source.register(cmd.Flags())
	return cmd
}

// demoIgnores lists the flags set in fs that scan --demo makes no use of:
// every collection flag, and those saying how to reach AWS unless
// --security-hub reaches it with them.
func demoIgnores(fs *pflag.FlagSet, hub bool) []string {
	var collection, access awsFlags
	cf := pflag.NewFlagSet("collection", pflag.ContinueOnError)
	collection.register(cf)
	af := pflag.NewFlagSet("access", pflag.ContinueOnError)
	access.accessFlags.register(af)
	var out []string
	cf.VisitAll(func(f *pflag.Flag) {
		if fs.Changed(f.Name) && (!hub || af.Lookup(f.Name) == nil) {
			out = append(out, "--"+f.Name)
		}
	})
	return out
}

// readByRules lists the datasets the enabled rules read (with those they
// sit in and depend on), or nil, meaning every dataset, when an enabled
// rule declares no inputs and so may read anything.
func readByRules(rules []findings.Rule) []string {
	names := []string{}
	for _, r := range rules {
		if !r.Enabled {
			continue
		}
		if len(r.Inputs) == 0 {
			return nil
		}
		names = append(names, r.Inputs...)
	}
	return snapshot.WithParents(names)
}
