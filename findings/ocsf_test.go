package findings

import (
	"encoding/json"
	"testing"
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
	if len(events) != 8 {
		t.Fatalf("%d events, want 8", len(events))
	}
	byRule := make(map[string]ocsfEvent)
	for _, e := range events {
		if e.ClassUID != 2004 || e.CategoryUID != 2 || e.TypeUID != 2004*100+e.ActivityID || e.Time != 1795485600000 ||
			e.Metadata.Version != "1.1.0" || e.Metadata.Product.Name != "gatewatch" || e.FindingInfo.UID == "" ||
			e.Cloud.Provider != "AWS" || e.Cloud.Account.UID == "" || len(e.Resources) != 1 {
			t.Errorf("event %s: %+v", e.FindingInfo.UID, e)
		}
		if e.ActivityID == 1 {
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
		if e.SeverityID != tt.severityID || e.StatusID != tt.status {
			t.Errorf("%s: severity_id %d status_id %d, want %d %d", tt.rule, e.SeverityID, e.StatusID, tt.severityID, tt.status)
		}
	}
	if e := byRule["GW101"]; e.Resources[0].Type != "AWS::ApiGateway::Stage" || e.Resources[0].Name != "partners-api/prod" || e.Cloud.Region != "eu-west-1" {
		t.Errorf("GW101 resource %+v cloud %+v", e.Resources[0], e.Cloud)
	}
	if last := events[len(events)-1]; last.ActivityID != 3 || last.StatusID != 4 || last.TypeUID != 200403 {
		t.Errorf("fixed event: activity %d status %d type %d, want Close/Resolved", last.ActivityID, last.StatusID, last.TypeUID)
	}
}
