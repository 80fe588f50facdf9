package judge

import (
	"encoding/json"
	"strings"
	"testing"
)

// validEvent is a minimal Compliance Finding that the schema accepts.
func validEvent() map[string]any {
	var e map[string]any
	err := json.Unmarshal([]byte(`{
		"activity_id": 1, "activity_name": "Create",
		"category_uid": 2, "category_name": "Findings",
		"class_uid": 2003, "class_name": "Compliance Finding",
		"type_uid": 200301, "type_name": "Compliance Finding: Create",
		"severity_id": 4, "severity": "High",
		"status_id": 3, "status": "Suppressed",
		"time": 1795485600000,
		"metadata": {"version": "1.6.0", "profiles": ["cloud"], "product": {"name": "gatewatch", "vendor_name": "gatewatch"}},
		"finding_info": {"uid": "gatewatch/GW104/x", "title": "t", "analytic": {"uid": "GW104", "type_id": 1, "type": "Rule"}},
		"compliance": {"status_id": 3, "status": "Fail", "checks": [{"uid": "GW104", "status_id": 3, "status": "Fail"}]},
		"resources": [{"uid": "arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/x/y", "region": "eu-west-1"}],
		"evidences": [{"data": {"scheme": "internet-facing"}}],
		"cloud": {"provider": "AWS", "region": "eu-west-1", "account": {"uid": "111111111111", "type_id": 10, "type": "AWS Account"}},
		"remediation": {"desc": "d", "references": ["https://example.com"]},
		"unmapped": {"anything": {"goes": [1]}}
	}`), &e)
	if err != nil {
		panic(err)
	}
	return e
}

// TestOCSFValidatorCatches: the validator accepts a valid event and finds
// each kind of mistake it exists for, one at a time.
func TestOCSFValidatorCatches(t *testing.T) {
	t.Parallel()
	s := OCSFSchema(t)
	if errs := s.EventErrors(validEvent()); len(errs) != 0 {
		t.Fatalf("a valid event: %v", errs)
	}
	tests := []struct {
		name   string
		mutate func(e map[string]any)
		want   string
	}{
		{"unknown attribute", func(e map[string]any) { e["findings"] = "x" }, "findings: not an attribute of compliance_finding"},
		{"unknown nested attribute", func(e map[string]any) { obj(e, "cloud")["zone_name"] = "a" }, "cloud.zone_name: not an attribute of cloud"},
		{"required missing", func(e map[string]any) { delete(e, "finding_info") }, "finding_info: required by compliance_finding"},
		{"required missing in a nested object", func(e map[string]any) { delete(obj(e, "cloud"), "provider") }, "cloud.provider: required by cloud"},
		{"required missing in an inherited object", func(e map[string]any) { delete(obj(e, "finding_info", "analytic"), "type_id") }, "finding_info.analytic.type_id: required by analytic"},
		{"enum", func(e map[string]any) { e["severity_id"] = 7.0 }, "severity_id: 7 is not one of"},
		{"nested enum", func(e map[string]any) { obj(e, "compliance")["status_id"] = 4.0 }, "compliance.status_id: 4 is not one of"},
		{"class status enum", func(e map[string]any) { e["status_id"] = 7.0 }, "status_id: 7 is not one of"},
		{"sibling caption", func(e map[string]any) { e["severity"] = "Critical" }, `severity: "Critical", want "High"`},
		{"type_uid", func(e map[string]any) { e["type_uid"] = 200401.0 }, "type_uid: 200401, want class_uid * 100 + activity_id = 200301"},
		{"type_name", func(e map[string]any) { e["activity_id"], e["activity_name"], e["type_uid"] = 3.0, "Close", 200303.0 }, `type_name: "Compliance Finding: Create", want "Compliance Finding: Close"`},
		{"category", func(e map[string]any) { e["category_uid"] = 1.0 }, "category_uid: 1, want 2"},
		{"type of a value", func(e map[string]any) { e["time"] = "yesterday" }, "time: want an integer"},
		{"array", func(e map[string]any) { e["resources"] = map[string]any{"uid": "x"} }, "resources: want an array"},
		{"array element type", func(e map[string]any) { obj(e, "remediation")["references"] = []any{1.0} }, "remediation.references[0]: want a string"},
		{"at least one of", func(e map[string]any) { delete(e["resources"].([]any)[0].(map[string]any), "uid") }, "resources[0]: resource_details needs at least one of"},
		{"undeclared profile", func(e map[string]any) { obj(e, "metadata")["profiles"] = []any{} }, `resources[0].region: belongs to profile "cloud"`},
		{"declared profile's requirement", func(e map[string]any) { delete(e, "cloud") }, "cloud: required by compliance_finding"},
		{"deprecated", func(e map[string]any) { obj(e, "compliance")["status_detail"] = "x" }, "compliance.status_detail: deprecated"},
		{"version", func(e map[string]any) { obj(e, "metadata")["version"] = "1.1.0" }, "metadata.version: 1.1.0, want the schema's 1.6.0"},
		{"unknown class", func(e map[string]any) { e["class_uid"] = 2999.0 }, "class_uid 2999: no such class"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := validEvent()
			tt.mutate(e)
			errs := s.EventErrors(e)
			found := false
			for _, msg := range errs {
				found = found || strings.Contains(msg, tt.want)
			}
			if !found {
				t.Errorf("errors %q lack %q", errs, tt.want)
			}
		})
	}
}

func obj(e map[string]any, path ...string) map[string]any {
	for _, p := range path {
		e = e[p].(map[string]any)
	}
	return e
}
