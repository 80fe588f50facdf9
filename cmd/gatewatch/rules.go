package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/gatewatch/gatewatch/findings"
)

func newRulesCommand(a *app) *cobra.Command {
	var (
		flags  policyFlags
		format string
	)
	cmd := &cobra.Command{
		Use:   "rules [RULE-ID]",
		Short: "List the rule catalogue, or explain one rule",
		Long: `List every rule gatewatch evaluates: built-in architecture rules (GW1xx),
hygiene rules mapped to Security Hub and AWS Config controls (GW2xx), and the
user rules of --policy directories. With a rule ID, explain that rule: why it
matters, what it checks, and how to fix what it finds.

--format json gives the catalogue with its control mappings, for machines;
--format markdown gives the reference of docs/rules.md.`,
		Example: `  gatewatch rules
  gatewatch rules GW104
  gatewatch rules --format json
  gatewatch rules --format markdown > docs/rules.md
  gatewatch rules --policy ./my-rules`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "table" && format != "json" && format != "markdown" {
				return inputError(fmt.Errorf("--format %q: want table, json or markdown", format))
			}
			engine, err := flags.engine(cmd.Context(), a.log)
			if err != nil {
				return err
			}
			rules := engine.Rules()
			if len(args) == 1 {
				id := strings.ToUpper(args[0])
				for _, r := range rules {
					if r.ID == id {
						switch format {
						case "json":
							return writeJSON(a.stdout, r)
						case "markdown":
							return findings.WriteRulesMarkdown(a.stdout, []findings.Rule{r})
						}
						return explainRule(a.stdout, r)
					}
				}
				return inputError(fmt.Errorf("no rule %s; 'gatewatch rules' lists them", args[0]))
			}
			switch format {
			case "json":
				return writeJSON(a.stdout, rules)
			case "markdown":
				return findings.WriteRulesMarkdown(a.stdout, rules)
			}
			return listRules(a.stdout, rules)
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "table", "table, json or markdown")
	flags.register(cmd.Flags())
	return cmd
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func listRules(w io.Writer, rules []findings.Rule) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tTITLE\tAPPLIES TO\tCONTROLS")
	for _, r := range rules {
		id := r.ID
		if !r.Enabled {
			id += " (off)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", id, r.Severity, r.Title, shortTypes(r.ResourceTypes), strings.Join(r.Controls, ", "))
	}
	return tw.Flush()
}

// shortTypes drops the "AWS::" prefix that every type shares.
func shortTypes(types []string) string {
	out := make([]string, len(types))
	for i, t := range types {
		out[i] = strings.TrimPrefix(t, "AWS::")
	}
	return strings.Join(out, ", ")
}

func explainRule(w io.Writer, r findings.Rule) error {
	state := "enabled"
	if !r.Enabled {
		state = "disabled by configuration"
	}
	fmt.Fprintf(w, "%s  %s\n\n", r.ID, r.Title)
	fmt.Fprintf(w, "Severity:    %s\nCategory:    %s (%s)\nApplies to:  %s\n", r.Severity, r.Category, state, strings.Join(r.ResourceTypes, ", "))
	if len(r.Inputs) > 0 {
		fmt.Fprintf(w, "Reads:       %s (not evaluated where one was not read)\n", strings.Join(r.Inputs, ", "))
	}
	if len(r.Controls) > 0 {
		fmt.Fprintf(w, "Controls:    %s\n", strings.Join(r.Controls, ", "))
	}
	fmt.Fprintf(w, "Source:      %s (%s)\n\n", r.Source, strings.TrimPrefix(r.Package, "data."))
	fmt.Fprintf(w, "Why it matters\n\n%s\n\n", indent(r.Description))
	if r.Details != "" {
		fmt.Fprintf(w, "Details\n\n%s\n\n", indent(r.Details))
	}
	_, err := fmt.Fprintf(w, "How to fix\n\n%s\n", indent(r.Remediation))
	return err
}

func indent(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "  " + l
		}
	}
	return strings.Join(lines, "\n")
}
