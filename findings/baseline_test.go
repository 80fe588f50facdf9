package findings

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestApplyBaseline(t *testing.T) {
	t.Parallel()
	prev := testReport()
	// Last night: GW201 was not there yet; GW105 was, and is fixed now;
	// GW103 in an account-region that failed collection today, and GW109
	// in an account outside today's scope, are not declared fixed.
	var kept []Finding
	for _, f := range prev.Findings {
		if f.RuleID != "GW201" {
			kept = append(kept, f)
		}
	}
	goneARN := "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/gone/1"
	gone := Finding{RuleID: "GW105", Severity: Medium, Resource: goneARN, Account: acctA, Region: "us-east-1", Fingerprint: Fingerprint("GW105", goneARN), Baseline: "unchanged"}
	gap := Finding{RuleID: "GW103", Severity: Low, Resource: legacyALBARN, Account: acctB, Region: "us-east-1"} // no fingerprint: old report
	outside := Finding{RuleID: "GW109", Severity: Low, Resource: "arn:aws:elasticloadbalancing:eu-west-1:333333333333:loadbalancer/app/x/1", Account: "333333333333", Region: "eu-west-1"}
	prev.Findings = append(kept, gone, gap, outside)
	prev.Finalize()

	path := filepath.Join(t.TempDir(), "prev.json")
	if err := os.WriteFile(path, render(t, "json", prev), 0o644); err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadBaseline(path)
	if err != nil {
		t.Fatal(err)
	}

	r := testReport()
	ApplyBaseline(r, loaded)
	for _, f := range r.Findings {
		want := BaselineUnchanged
		if f.RuleID == "GW201" {
			want = BaselineNew
		}
		if f.Baseline != want {
			t.Errorf("%s: baseline %q, want %q", f.RuleID, f.Baseline, want)
		}
	}
	if len(r.Fixed) != 1 || r.Fixed[0].RuleID != "GW105" || r.Fixed[0].Baseline != "" {
		t.Errorf("fixed %+v, want GW105 only", r.Fixed)
	}
	if r.Summary.New != 1 || r.Summary.Fixed != 1 {
		t.Errorf("summary new %d fixed %d, want 1 and 1", r.Summary.New, r.Summary.Fixed)
	}
	if table := string(render(t, "table", r)); !strings.Contains(table, "1 new, 1 fixed since the baseline") || !strings.Contains(table, "INFO (new)") {
		t.Errorf("table does not show the baseline:\n%s", table)
	}
}

func TestParseBaseline(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"empty", "  ", "file is empty"},
		{"not json", "report_version: 1", "not a JSON report"},
		{"snapshot", `{"schema_version": 1}`, "no report_version field"},
		{"array", `[{"report_version": 1}]`, "not a gatewatch JSON report: the file holds a JSON array, want an object with report_version"},
		{"future", `{"report_version": 2}`, "report_version 2 is not supported (this build reads version 1)"},
		{"bad finding", `{"report_version": 1, "findings": [{"rule_id": "GW101"}]}`, "finding 1 has no rule_id or resource"},
		{"bad type", `{"report_version": 1, "findings": {}}`, "cannot unmarshal"},
		{"no findings", `{"report_version": 1}`, `no findings field: not a whole gatewatch JSON report (a report without findings has "findings": [])`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseBaseline([]byte(tt.in), "prev.json")
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "prev.json") {
				t.Fatalf("err = %v, want it to name the file and contain %q", err, tt.want)
			}
		})
	}
	// Fields added by a later build within the version are accepted.
	r, err := ParseBaseline([]byte(`{"report_version": 1, "future_field": true, "findings": [{"rule_id": "GW101", "resource": "arn:x"}]}`), "prev.json")
	if err != nil || r.Findings[0].Fingerprint != Fingerprint("GW101", "arn:x") {
		t.Fatalf("ParseBaseline = %+v, %v", r, err)
	}
	// No findings, as the JSON writer puts it, or as an empty list.
	for _, in := range []string{`{"report_version": 1, "findings": null}`, `{"report_version": 1, "findings": []}`} {
		if r, err := ParseBaseline([]byte(in), "prev.json"); err != nil || len(r.Findings) != 0 {
			t.Errorf("ParseBaseline(%s) = %+v, %v; want a report without findings", in, r, err)
		}
	}
	if _, err := LoadBaseline(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Fatal("no error for a missing file")
	}
}
