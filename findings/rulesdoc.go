package findings

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
)

// WriteRulesMarkdown writes the rule catalogue as Markdown (docs/rules.md):
// an index table, then one section per rule, anchored by its lower-case ID
// (#gw101) so findings, SARIF help links and the README can point at it.
func WriteRulesMarkdown(w io.Writer, rules []Rule) error {
	rules = slices.Clone(rules)
	slices.SortFunc(rules, func(a, b Rule) int { return cmp.Compare(a.ID, b.ID) })

	b := bufio.NewWriter(w)
	b.WriteString("# gatewatch rules\n\n")
	b.WriteString("<!-- Generated from the rules' METADATA by `go test ./policies -run TestRulesDoc -update`. Do not edit. -->\n\n")
	b.WriteString("Thresholds, tag keys and prices the rules use come from the configuration file (`.gatewatch.yaml`); see `policies/config.go` for every key and its default.\n\n")
	b.WriteString("| ID | Title | Severity | Category | Controls |\n| --- | --- | --- | --- | --- |\n")
	for _, r := range rules {
		fmt.Fprintf(b, "| [%s](#%s) | %s | %s | %s | %s |\n", r.ID, anchor(r.ID), cell(r.Title), r.Severity, r.Category, cell(listOr(r.Controls, "", ", ")))
	}
	for _, r := range rules {
		fmt.Fprintf(b, "\n<a id=\"%s\"></a>\n\n## %s: %s\n\n", anchor(r.ID), r.ID, r.Title)
		fmt.Fprintf(b, "- **Severity:** %s\n- **Category:** %s\n", r.Severity, r.Category)
		fmt.Fprintf(b, "- **Resource types:** %s\n", listOr(code(r.ResourceTypes), "none", ", "))
		fmt.Fprintf(b, "- **Controls:** %s\n", listOr(r.Controls, "none", ", "))
		// What the rule reads: where one of these was not read for a
		// resource's account and region, the rule reports it as not
		// evaluated instead of judging it.
		if byType := r.typeInputs(); byType != nil {
			b.WriteString("- **Reads:**\n")
			for _, ti := range byType {
				fmt.Fprintf(b, "  - `%s`: %s\n", ti.typ, strings.Join(code(ti.inputs), ", "))
			}
			b.WriteString("\n")
		} else {
			fmt.Fprintf(b, "- **Reads:** %s\n\n", listOr(code(r.Inputs), "every dataset (no inputs declared)", ", "))
		}
		// The sections of the terminal's `rules ID`, each once; what the
		// rule checks opens the section without a heading of its own.
		for i, s := range ruleSections(r) {
			if i > 0 || s.title != sectionChecks {
				fmt.Fprintf(b, "\n### %s\n\n", s.title)
			}
			b.WriteString(demoteHeadings(s.body) + "\n")
		}
	}
	return b.Flush()
}

// typeInput is what a rule reads for one of its resource types.
type typeInput struct {
	typ    string
	inputs []string
}

// typeInputs is what a rule that declares its inputs per resource type
// reads for each of its types, in their order; nil for a rule that
// declares one list for all.
func (r Rule) typeInputs() []typeInput {
	if r.InputsByType == nil {
		return nil
	}
	out := make([]typeInput, 0, len(r.ResourceTypes))
	for _, typ := range r.ResourceTypes {
		names, ok := r.InputsByType[typ]
		if !ok {
			names = r.Inputs
		}
		out = append(out, typeInput{typ, names})
	}
	return out
}

func anchor(id string) string { return strings.ToLower(id) }

// cell makes text safe inside a Markdown table cell.
func cell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.ReplaceAll(s, "|", `\|`)
}

func code(items []string) []string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = "`" + s + "`"
	}
	return out
}

func listOr(items []string, empty, sep string) string {
	if len(items) == 0 {
		return empty
	}
	return strings.Join(items, sep)
}

// demoteHeadings pushes headings in a rule's details below the section's
// own level-3 headings, so a rule's "## Fix" cannot break the outline.
func demoteHeadings(s string) string {
	lines := strings.Split(s, "\n")
	fence := false
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			fence = !fence
		}
		if !fence && strings.HasPrefix(l, "#") {
			level := len(l) - len(strings.TrimLeft(l, "#"))
			if level < 4 {
				lines[i] = strings.Repeat("#", 4-level) + l
			}
		}
	}
	return strings.Join(lines, "\n")
}
