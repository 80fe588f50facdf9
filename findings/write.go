package findings

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode"
)

// Formats lists the output formats Write accepts.
var Formats = []string{"table", "json"}

// Write renders r in the named format.
func Write(w io.Writer, format string, r *Report) error {
	switch format {
	case "table":
		return writeTable(w, r)
	case "json":
		return writeJSON(w, r)
	}
	return fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats, ", "))
}

func writeJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func writeTable(w io.Writer, r *Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SEVERITY\tRULE\tACCOUNT\tREGION\tRESOURCE\tMESSAGE")
	for _, f := range r.Findings {
		if !f.Active() {
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", strings.ToUpper(string(f.Severity)), f.RuleID,
			clean(f.Account), clean(f.Region), clean(f.Resource), clean(f.Message))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	s := r.Summary
	fmt.Fprintf(w, "\n%d findings: %d critical, %d high, %d medium, %d low, %d info", s.Total,
		s.BySeverity[Critical], s.BySeverity[High], s.BySeverity[Medium], s.BySeverity[Low], s.BySeverity[Info])
	if s.Suppressed > 0 {
		fmt.Fprintf(w, " (%d suppressed)", s.Suppressed)
	}
	fmt.Fprintln(w)
	if len(r.Errors) > 0 {
		fmt.Fprintf(w, "\nCoverage is INCOMPLETE: %d collection errors\n", len(r.Errors))
		for _, e := range r.Errors {
			fmt.Fprintf(w, "  %s %s %s:%s %s: %s\n", clean(e.Account), clean(e.Region), clean(e.Service), clean(e.Operation), clean(e.Code), clean(e.Message))
		}
	}
	return nil
}

// clean drops control characters (escape sequences included) from strings
// that come from AWS, such as tag values, so they cannot drive the terminal.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}
