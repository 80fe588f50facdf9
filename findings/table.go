package findings

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// tableMessageWidth caps the message column so rows stay on one line of a
// wide terminal; the full text is in the other formats.
const tableMessageWidth = 160

// writeTable writes a terminal table: a summary line, the active findings,
// the suppressed ones with their reasons, the fixed ones and the collection
// errors. Every AWS-provided string goes through short (or sanitize, then
// truncate) so that a tag value can neither drive the terminal nor flood it.
func writeTable(w io.Writer, r *Report) error {
	fmt.Fprintln(w, summaryLine(r))
	if r.Incomplete {
		fmt.Fprintf(w, "INCOMPLETE: coverage has gaps (%d collection errors); what could not be evaluated is listed below, never reported as passed\n", len(r.Errors))
	}

	active, suppressed := splitActive(r.Findings)
	label := resourceLabels(r)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if len(active) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(tw, "SEVERITY\tRULE\tACCOUNT\tREGION\tRESOURCE\tMESSAGE")
		for _, f := range active {
			sev := strings.ToUpper(string(f.Severity))
			if f.Baseline == "new" {
				sev += " (new)"
			}
			res := label(f.Resource)
			if f.Source != nil {
				res += " (" + f.Source.Where() + ")"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", sev, short(f.RuleID), short(f.Account),
				short(f.Region), short(res), truncate(sanitize(f.Message), tableMessageWidth))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if len(suppressed) > 0 {
		fmt.Fprintf(w, "\nSuppressed (%d):\n", len(suppressed))
		for _, f := range suppressed {
			fmt.Fprintf(tw, "  %s\t%s\t%s: %s\n", short(f.RuleID), short(f.Resource), short(f.Suppression.Kind),
				truncate(sanitize(f.Suppression.Reason), tableMessageWidth))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if len(r.Fixed) > 0 {
		fmt.Fprintf(w, "\nFixed since the baseline (%d):\n", len(r.Fixed))
		for _, f := range r.Fixed {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", short(f.RuleID), short(strings.ToUpper(string(f.Severity))), short(f.Resource))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if groups := gapGroups(r); len(groups) > 0 {
		fmt.Fprintf(w, "\nCould not evaluate (%d rule and resource checks): these rules lacked an input, so they neither fired nor passed there\n", len(r.NotEvaluated))
		fmt.Fprintln(tw, "  ACCOUNT\tREGION\tRULES\tRESOURCES\tMISSING INPUTS\tTO FIX")
		for _, g := range groups {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\t%s\t%s\n", short(g.Account), short(g.Region), truncate(strings.Join(g.Rules, " "), 60),
				g.Resources, strings.Join(g.Inputs, ", "), short(g.Advice()))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if len(r.Errors) > 0 {
		fmt.Fprintf(w, "\nCollection errors (%d):\n", len(r.Errors))
		fmt.Fprintln(tw, "  ACCOUNT\tREGION\tSERVICE\tOPERATION\tCODE\tMESSAGE")
		for _, e := range r.Errors {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", short(e.Account), short(e.Region), short(e.Service),
				short(e.Operation), short(e.Code), truncate(sanitize(e.Message), tableMessageWidth))
		}
		return tw.Flush()
	}
	return nil
}

// resourceLabels returns a function giving the short name a person knows a
// resource by (the load balancer's or API's name, "api/stage", "alb rule
// 10"); the full ARN stays in the machine formats. Without a snapshot, or
// for an ARN it lacks, the ARN's last path segment stands in.
func resourceLabels(r *Report) func(arn string) string {
	names := map[string]string{}
	if r.Snapshot != nil {
		for _, res := range r.Snapshot.Resources() {
			if res.Name != "" {
				names[res.ARN] = res.Name
			}
		}
	}
	return func(arn string) string {
		if n, ok := names[arn]; ok {
			return n
		}
		if i := strings.LastIndexAny(arn, "/:"); i >= 0 && i < len(arn)-1 {
			return arn[i+1:]
		}
		return arn
	}
}

// splitActive separates active findings from suppressed ones, keeping
// their order.
func splitActive(fs []Finding) (active, suppressed []Finding) {
	for _, f := range fs {
		if f.Active() {
			active = append(active, f)
		} else {
			suppressed = append(suppressed, f)
		}
	}
	return active, suppressed
}

// summaryLine is the one-line verdict shared by the human formats.
func summaryLine(r *Report) string {
	s := r.Summary
	var parts []string
	for _, sev := range Severities {
		if n := s.BySeverity[sev]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, sev))
		}
	}
	line := fmt.Sprintf("%d %s", s.Total, plural(s.Total, "finding", "findings"))
	if len(parts) > 0 {
		line += " (" + strings.Join(parts, ", ") + ")"
	}
	line += fmt.Sprintf(", %d suppressed, %d collection %s", s.Suppressed, s.Errors, plural(s.Errors, "error", "errors"))
	if s.NotEvaluated > 0 {
		line += fmt.Sprintf(", %d not evaluated", s.NotEvaluated)
	}
	if s.New > 0 || s.Fixed > 0 {
		line += fmt.Sprintf(", %d new, %d fixed since the baseline", s.New, s.Fixed)
	}
	return line
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
