package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gatewatch/gatewatch"
	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

func newScanCommand(a *app) *cobra.Command {
	var (
		flags reportFlags
		demo  bool
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
really make beside resources that do it right. It needs no credentials.`,
		Example: `  gatewatch scan --demo
  gatewatch scan --demo --format json
  gatewatch scan --demo --format table --format json --output - --output findings.json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := flags.plan(); err != nil {
				return err
			}
			if !demo {
				return inputError(errors.New("live collection is not available in this build yet; use --demo, or 'gatewatch eval SNAPSHOT'"))
			}
			snap, err := snapshot.Parse(gatewatch.DemoSnapshot, "demo")
			if err != nil {
				return err // the embedded demo is tested; this is a build defect
			}
			return flags.evaluate(cmd.Context(), a, snap)
		},
	}
	cmd.Flags().BoolVar(&demo, "demo", false, "scan the bundled demo account instead of AWS (no credentials needed)")
	flags.register(cmd.Flags())
	return cmd
}
