package findings

import (
	"encoding/csv"
	"io"
	"strings"
)

// csvHeader names the columns of the CSV report, one row per finding.
var csvHeader = []string{"rule", "severity", "title", "account", "region", "resource", "message", "controls", "status"}

// writeCSV writes one row per finding for a spreadsheet: the active and
// suppressed findings, then those fixed since the baseline. status is
// "open", "new" or "unchanged" (with a baseline), "suppressed" or "fixed".
//
// A spreadsheet runs a cell that starts with = + - @ (and, in some, a tab
// or a carriage return) as a formula; AWS strings (names, tags, messages
// quoting them) are anyone's text, so such a cell gets a leading ' (OWASP's
// advice against CSV injection). Cells are sanitised (no control
// characters, no line breaks) but kept whole: this is a format for
// filtering and sorting, not for reading at a terminal.
func writeCSV(w io.Writer, r *Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	row := func(f Finding, status string) error {
		return cw.Write([]string{
			csvCell(f.RuleID), csvCell(string(f.Severity)), csvCell(f.Title), csvCell(f.Account), csvCell(f.Region),
			csvCell(f.Resource), csvCell(f.Message), csvCell(strings.Join(f.Controls, " ")), status,
		})
	}
	for _, f := range r.Findings {
		status := "open"
		switch {
		case !f.Active():
			status = "suppressed"
		case f.Baseline != "":
			status = f.Baseline
		}
		if err := row(f, status); err != nil {
			return err
		}
	}
	for _, f := range r.Fixed {
		if err := row(f, "fixed"); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvCell makes an AWS-provided string a safe spreadsheet cell: sanitised
// (tabs and line breaks become spaces, escapes go), and quoted with a
// leading ' when it would start a formula, leading blanks or not: some
// spreadsheets skip them before looking for the = sign.
func csvCell(raw string) string {
	s := sanitize(raw)
	if startsFormula(raw) || startsFormula(strings.TrimLeft(s, " ")) {
		return "'" + s
	}
	return s
}

// startsFormula reports whether a spreadsheet would read s as a formula
// (or DDE command): its first character is = + - @, a tab or a carriage
// return (OWASP, CSV injection).
func startsFormula(s string) bool {
	return s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0]))
}
