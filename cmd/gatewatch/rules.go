package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/gatewatch/gatewatch/findings"
)

func newRulesCommand(a *app) *cobra.Command {
	var (
		flags   policyFlags
		format  string
		noColor bool
	)
	cmd := &cobra.Command{
		Use:   "rules [RULE-ID]",
		Short: "List the rule catalogue, or explain one rule",
		Long: `List every rule gatewatch evaluates: built-in architecture rules (GW1xx),
hygiene rules mapped to Security Hub and AWS Config controls (GW2xx), and the
user rules of --policy directories. With a rule ID, explain that rule: what
it checks, why it matters, what triggers it, the evidence it records and how
to fix what it finds, as text wrapped to the terminal.

--format json gives the catalogue with its control mappings, for machines;
--format markdown gives the reference of docs/rules.md (with a rule ID, that
rule's section), Markdown kept.`,
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
						opts := tableLayout(false, 0, os.Getenv, noColor)
						if f, ok := a.stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
							w, _, _ := term.GetSize(int(f.Fd()))
							opts = tableLayout(true, w, os.Getenv, noColor)
						}
						return findings.WriteRuleText(a.stdout, r, opts)
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
	cmd.Flags().StringVarP(&format, "format", "f", "table", "table (a rule ID: its explanation as text), json or markdown")
	cmd.Flags().BoolVar(&noColor, "no-color", false, "no colour in the text (also when NO_COLOR is set; colour is only ever used on a terminal)")
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
