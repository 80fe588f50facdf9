package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

func newEvalCommand(a *app) *cobra.Command {
	var flags reportFlags
	cmd := &cobra.Command{
		Use:   "eval SNAPSHOT",
		Short: "Evaluate a saved snapshot offline, without AWS credentials",
		Long: `Evaluate the rules over a snapshot written by 'gatewatch collect' (or by a scan
with a snapshot output). No AWS call is made. Re-evaluating a snapshot gives
exactly the findings the live scan gave, so a reviewer can work from the file
alone, and rule changes can be tried against last night's inventory.

A snapshot that is not valid JSON, has fields of the wrong type or unknown
fields, or carries a schema_version this build does not read is rejected with
one line naming the file and the problem (exit 2).

Ctrl-C or SIGTERM stops the evaluation or the writing promptly (exit 3):
files already written stay, the others are left as they were.`,
		Example: `  gatewatch eval snapshot.json
  gatewatch eval snapshot.json --format json --output findings.json
  gatewatch eval snapshot.json --policy ./my-rules --config gatewatch.yaml --fail-on high`,
		Args: exactArgs(1, "SNAPSHOT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			rep, err := flags.prepare(cmd.Context(), a.log)
			if err != nil {
				return err
			}
			snap, err := snapshot.Load(args[0])
			if err != nil {
				return inputError(err)
			}
			return rep.report(cmd.Context(), a, snap)
		},
	}
	flags.register(cmd.Flags())
	return cmd
}

// exactArgs is cobra.ExactArgs with a message that names the argument.
func exactArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return inputError(fmt.Errorf("%s takes %s (got %d arguments)\nRun '%s --help' for usage", cmd.Name(), names, len(args), cmd.CommandPath()))
		}
		return nil
	}
}
