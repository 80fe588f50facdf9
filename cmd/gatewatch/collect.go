package main

import (
	"encoding/json"
	"io"

	"github.com/spf13/cobra"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

func newCollectCommand(a *app) *cobra.Command {
	var (
		aws    awsFlags
		output string
	)
	cmd := &cobra.Command{
		Use:   "collect",
		Short: "Collect the inventory and write the snapshot only",
		Long: `Collect the inventory of the account behind the current AWS credentials (or of
several accounts, see below) and write it as a snapshot (versioned JSON),
without evaluating any rule. 'gatewatch eval SNAPSHOT' later gives exactly the
findings a scan would have.

Calls that fail (access denied, region not enabled, throttling that outlasts
the retries) are recorded in the snapshot's errors and the collection goes
on; the exit code is then 3.

` + multiAccountHelp + `

Ctrl-C or SIGTERM stops the collection cleanly and writes what was collected,
marked incomplete, each unfinished account-region listed as Canceled; the exit
code is 3. --timeout 20m does the same when the time is up, each unfinished
account-region listed as Timeout. Each attempt of each AWS call that has not
answered in full within --attempt-timeout (20s) is retried once with backoff;
dropped connections are retried too.`,
		Example: `  gatewatch collect --regions eu-west-1,us-east-1 --output snapshot.json
  gatewatch collect --profile audit --regions all -o snapshot.json
  gatewatch collect --regions all --timeout 20m --attempt-timeout 10s -o snapshot.json
  gatewatch collect --org --ou-include ou-ab12-prod1234 --role-name gatewatch-audit --regions all -o org.json
  gatewatch collect --accounts 111111111111,222222222222 --role-name gatewatch-audit -o two.json
  AWS_ENDPOINT_URL=http://127.0.0.1:5000 gatewatch collect --regions us-east-1`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts, err := aws.options(a.log)
			if err != nil {
				return err
			}
			// A snapshot file that cannot be written fails now, not after
			// the collection.
			if err := checkFiles(runFiles{inputs: accountInputs(aws.accounts), outputs: inputs("output", output)}); err != nil {
				return err
			}
			// Each account goes to a spool file as it is done, so that the
			// memory of a collection does not grow with the organisation;
			// without a writable temporary directory, it is held instead.
			spool, err := snapshot.NewSpool("")
			if err != nil {
				a.log.Warn("collecting in memory", "reason", err)
				spool = nil
			} else {
				defer spool.Close()
			}
			aws.spool = spool
			snap, err := aws.collect(cmd.Context(), a, opts)
			if err != nil {
				return err
			}
			errs := len(snap.Errors)
			write := func(w io.Writer) error {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(snap)
			}
			if spool != nil {
				errs = spool.Errors()
				write = func(w io.Writer) error { return spool.WriteJSON(w, snap) }
			}
			if err := writeTo(a.stdout, output, write); err != nil {
				return &exitError{code: exitUsage, err: err}
			}
			if errs > 0 || snap.Incomplete {
				a.log.Warn("coverage is incomplete", "errors", errs, "interrupted", snap.Incomplete)
				return &exitError{code: exitIncomplete}
			}
			return nil
		},
	}
	aws.register(cmd.Flags())
	cmd.Flags().StringVarP(&output, "output", "o", "", "snapshot file (default stdout)")
	return cmd
}
