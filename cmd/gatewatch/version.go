package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"runtime/debug"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/gatewatch/gatewatch/findings"
	"github.com/gatewatch/gatewatch/policies"
)

// Stamped by release builds (the Dockerfile, .goreleaser.yaml) with
// -ldflags "-X main.version=v1.2.3 -X main.revision=...", since neither
// builds with Go's VCS stamping. A build from a checkout or by `go install`
// leaves them empty and the build info answers instead.
var (
	version    = ""
	revision   = ""
	commitTime = ""
	buildTime  = ""
)

// Module paths whose versions identify what a report rests on: the Rego
// evaluator and the SDK that read the inventory.
const (
	opaModule    = "github.com/open-policy-agent/opa"
	awsSDKModule = "github.com/aws/aws-sdk-go-v2"
)

// stamped holds the values release builds set with -ldflags.
type stamped struct {
	version, revision, commitTime, buildTime string
}

// buildTool is this binary's identity, as reports and `version` print it.
func buildTool() findings.Tool {
	bi, _ := debug.ReadBuildInfo()
	return toolIdentity(bi, stamped{version: version, revision: revision, commitTime: commitTime, buildTime: buildTime}, policies.RulePackVersion())
}

// toolIdentity reads an identity from the build info (nil when the binary
// has none), preferring what a release build stamped.
func toolIdentity(bi *debug.BuildInfo, s stamped, rulePack string) findings.Tool {
	t := findings.Tool{
		Name:            "gatewatch",
		Version:         s.version,
		Revision:        s.revision,
		CommitTime:      s.commitTime,
		BuildTime:       s.buildTime,
		RulePackVersion: rulePack,
	}
	if bi == nil {
		t.Version = cmp.Or(t.Version, "dev")
		return t
	}
	// `go install module@v1.2.3` stamps v1.2.3; a build in a checkout
	// stamps a pseudo-version from the last tag (Go 1.24 and later), or
	// "(devel)" when there is no VCS information.
	if t.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		t.Version = bi.Main.Version
	}
	t.Version = cmp.Or(t.Version, "dev")
	t.GoVersion = bi.GoVersion
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			t.Revision = cmp.Or(t.Revision, s.Value)
		case "vcs.time":
			t.CommitTime = cmp.Or(t.CommitTime, s.Value)
		case "vcs.modified":
			t.Dirty, _ = strconv.ParseBool(s.Value)
		}
	}
	for _, d := range bi.Deps {
		v := d.Version
		if d.Replace != nil {
			v = d.Replace.Version // the code built is the replacement's
		}
		switch d.Path {
		case opaModule:
			t.OPAVersion = v
		case awsSDKModule:
			t.AWSSDKVersion = v
		}
	}
	return t
}

// toolVersion is the version stamped into snapshots.
func toolVersion() string { return buildTool().Version }

func newVersionCommand(a *app) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the gatewatch version, the commit it was built from and what it rests on",
		Long: `Print this build's identity: the module version, the VCS revision and commit
time, the build time of a release build, whether the working tree was dirty,
the Go, OPA and AWS SDK versions, and the rule-pack version (a hash of the
built-in rules). Every report's tool block carries the same identity.

--format json prints it as the tool block of the JSON report; every key is
always present, empty when unknown.`,
		Example: `  gatewatch version
  gatewatch version --format json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			t := buildTool()
			switch format {
			case "json":
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(t)
			case "text":
				return writeVersion(a, t)
			}
			return inputError(fmt.Errorf("--format %q: want text or json", format))
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "text", "text or json")
	return cmd
}

// writeVersion prints the identity for people: the first line as before
// ("gatewatch v1.2.3"), then one field a line.
func writeVersion(a *app, t findings.Tool) error {
	unknown := func(s string) string { return cmp.Or(s, "unknown") }
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s %s\n", t.Name, t.Version)
	fmt.Fprintf(tw, "  revision:\t%s\n", unknown(t.Revision))
	fmt.Fprintf(tw, "  commit time:\t%s\n", unknown(t.CommitTime))
	fmt.Fprintf(tw, "  build time:\t%s\n", unknown(t.BuildTime))
	dirty := strconv.FormatBool(t.Dirty)
	if t.Revision == "" {
		dirty = "unknown" // no VCS information to say
	}
	fmt.Fprintf(tw, "  dirty:\t%s\n", dirty)
	fmt.Fprintf(tw, "  go:\t%s\n", unknown(t.GoVersion))
	fmt.Fprintf(tw, "  opa:\t%s\n", unknown(t.OPAVersion))
	fmt.Fprintf(tw, "  aws sdk:\t%s\n", unknown(t.AWSSDKVersion))
	fmt.Fprintf(tw, "  rule pack:\t%s\n", unknown(t.RulePackVersion))
	return tw.Flush()
}
