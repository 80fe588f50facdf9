package findings

import (
	"encoding/json"
	"testing"

	"github.com/gatewatch/gatewatch/findings/judge"
)

func TestOCSF(t *testing.T) {
	t.Parallel()
	r := testReport()
	r.Fixed = []Finding{finding("GW201", legacyALBARN, "", acctB, "us-east-1", "fixed", nil)}
	r.Finalize()
	got := render(t, "ocsf", r)
	golden(t, "report.ocsf.json", got)

	var events []ocsfEvent
	if err := json.Unmarshal(got, &events); err != nil {
		t.Fatal(err)
	}
	if len(events) != 9 {
		t.Fatalf("%d events, want 7 findings, 1 fixed and 1 not evaluated", len(events))
	}
	byRule := make(map[string]ocsfEvent)
	for _, e := range events {
		if e.ClassUID != 2003 || e.CategoryUID != 2 || e.TypeUID != 2003*100+e.ActivityID || e.Time != 1795485600000 ||
			e.Metadata.Version != "1.6.0" || e.Metadata.Product.Name != "gatewatch" || e.FindingInfo.UID == "" ||
			e.Cloud.Provider != "AWS" || e.Cloud.Account.UID == "" || len(e.Compliance.Checks) != 1 {
			t.Errorf("event %s: %+v", e.FindingInfo.UID, e)
		}
		if e.ActivityID == 1 && e.Compliance.StatusID == 3 {
			byRule[e.FindingInfo.Types[0]] = e
		}
	}
	tests := []struct {
		rule               string
		severityID, status int
	}{
		{"GW104", 5, 1}, {"GW101", 4, 1}, {"GW106", 3, 1}, {"GW107", 3, 3}, {"GW112", 2, 1}, {"GW201", 1, 1},
	}
	for _, tt := range tests {
		e := byRule[tt.rule]
		if e.SeverityID != tt.severityID || e.StatusID != tt.status || e.Compliance.Status != "Fail" {
			t.Errorf("%s: severity_id %d status_id %d compliance %s, want %d %d Fail", tt.rule, e.SeverityID, e.StatusID, e.Compliance.Status, tt.severityID, tt.status)
		}
	}
	if e := byRule["GW101"]; e.Resources[0].Type != "AWS::ApiGateway::Stage" || e.Resources[0].Name != "partners-api/prod" || e.Cloud.Region != "eu-west-1" {
		t.Errorf("GW101 resource %+v cloud %+v", e.Resources[0], e.Cloud)
	}
	if e := byRule["GW104"]; len(e.Compliance.Requirements) != 2 || len(e.Evidences) != 1 || e.Evidences[0].Data["scheme"] != "internet-facing" {
		t.Errorf("GW104 requirements %v evidences %+v, want its two controls and its evidence", e.Compliance.Requirements, e.Evidences)
	}
	fixed, ne := events[7], events[8]
	if fixed.ActivityID != 3 || fixed.StatusID != 4 || fixed.TypeUID != 200303 || fixed.Compliance.StatusID != 1 {
		t.Errorf("fixed event: activity %d status %d type %d compliance %d, want Close/Resolved/Pass", fixed.ActivityID, fixed.StatusID, fixed.TypeUID, fixed.Compliance.StatusID)
	}
	if ne.Compliance.StatusID != 2 || ne.SeverityID != 1 || ne.Resources != nil || ne.Cloud.Account.UID != acctB ||
		ne.Remediation.Desc != "Grant wafv2:GetWebACL, wafv2:ListWebACLs and run again." || len(ne.Compliance.StatusDetails) != 2 {
		t.Errorf("not-evaluated event: compliance %+v severity %d resources %v remediation %q", ne.Compliance, ne.SeverityID, ne.Resources, ne.Remediation.Desc)
	}
}

// TestOCSFValidates checks every event of the writers' fixture, with a
// suppressed, a fixed and a not-evaluated entry, against the OCSF 1.6.0
// schema.
func TestOCSFValidates(t *testing.T) {
	t.Parallel()
	s := judge.OCSFSchema(t)
	r := testReport()
	r.Fixed = []Finding{finding("GW201", legacyALBARN, "", acctB, "us-east-1", "fixed", nil)}
	r.NotEvaluated = append(r.NotEvaluated, NotEvaluated{RuleID: "GW101", Account: acctA, Region: "eu-west-1",
		Resource: restStageARN, ResourceType: "AWS::ApiGateway::Stage", Inputs: []string{"apigateway"}})
	r.Finalize()
	if s.Version() != OCSFVersion {
		t.Fatalf("OCSF_SCHEMA_DIR holds OCSF %s, the writer declares %s", s.Version(), OCSFVersion)
	}
	for _, e := range s.OCSFErrors(render(t, "ocsf", r)) {
		t.Error(e)
	}
}
