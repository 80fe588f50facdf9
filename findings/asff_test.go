package findings

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestASFF(t *testing.T) {
	t.Parallel()
	r := testReport()
	r.Fixed = []Finding{finding("GW201", legacyALBARN, "", acctB, "us-east-1", "fixed", nil)}
	r.Finalize()
	got := render(t, "asff", r)
	golden(t, "report.asff.json", got)

	var batch asffBatch
	if err := json.Unmarshal(got, &batch); err != nil {
		t.Fatal(err)
	}
	if len(batch.Findings) != 8 {
		t.Fatalf("%d findings, want 7 and 1 fixed", len(batch.Findings))
	}
	productARN := regexp.MustCompile(`^arn:aws:securityhub:[a-z0-9-]+:(\d{12}):product/(\d{12})/default$`)
	byRule := make(map[string]asffFinding)
	for _, f := range batch.Findings {
		if f.SchemaVersion != "2018-10-08" || f.ID == "" || f.GeneratorID == "" || f.AwsAccountID == "" ||
			len(f.Types) == 0 || f.Title == "" || f.Description == "" || len(f.Resources) != 1 {
			t.Errorf("%s: a required field is empty: %+v", f.ID, f)
		}
		m := productARN.FindStringSubmatch(f.ProductArn)
		if m == nil || m[1] != f.AwsAccountID || m[2] != f.AwsAccountID {
			t.Errorf("%s: ProductArn %q", f.ID, f.ProductArn)
		}
		if f.CreatedAt != "2026-11-24T02:00:00.000Z" || f.UpdatedAt != f.CreatedAt {
			t.Errorf("%s: times %s %s, want the snapshot's", f.ID, f.CreatedAt, f.UpdatedAt)
		}
		if f.RecordState == "ACTIVE" {
			byRule[f.ProductFields["gatewatch/RuleId"]] = f
		}
	}
	tests := []struct{ rule, label, typ, workflow, region string }{
		{"GW104", "CRITICAL", "AwsElbv2LoadBalancer", "NEW", "us-east-1"},
		{"GW101", "HIGH", "AwsApiGatewayStage", "NEW", "eu-west-1"},
		{"GW108", "HIGH", "AwsApiGatewayV2Api", "NEW", "eu-west-1"},
		{"GW106", "MEDIUM", "AwsLambdaFunction", "NEW", "eu-west-1"},
		{"GW107", "MEDIUM", "AwsApiGatewayStage", "SUPPRESSED", "eu-west-1"},
		{"GW112", "LOW", "AwsApiGatewayV2Stage", "NEW", "eu-west-1"},
		{"GW201", "INFORMATIONAL", "AwsElbv2LoadBalancer", "NEW", "eu-west-1"},
	}
	for _, tt := range tests {
		f := byRule[tt.rule]
		res := f.Resources[0]
		if f.Severity.Label != tt.label || res.Type != tt.typ || f.Workflow.Status != tt.workflow || res.Region != tt.region || res.Partition != "aws" {
			t.Errorf("%s: label %s type %s workflow %s region %s partition %s; want %s %s %s %s aws",
				tt.rule, f.Severity.Label, res.Type, f.Workflow.Status, res.Region, res.Partition, tt.label, tt.typ, tt.workflow, tt.region)
		}
	}
	if c := byRule["GW104"].Compliance; c == nil || c.Status != "FAILED" || len(c.RelatedRequirements) != 2 {
		t.Errorf("GW104 compliance %+v, want FAILED with its two controls", c)
	}
	if byRule["GW101"].Compliance != nil {
		t.Error("GW101 has no controls but got a Compliance block")
	}
	fixed := batch.Findings[len(batch.Findings)-1]
	if fixed.RecordState != "ARCHIVED" || fixed.Workflow.Status != "RESOLVED" || fixed.Compliance.Status != "PASSED" {
		t.Errorf("fixed finding: %+v", fixed)
	}
	// Ids are stable and unique.
	seen := make(map[string]bool)
	for _, f := range batch.Findings {
		if seen[f.ID] && f.RecordState == "ACTIVE" {
			t.Errorf("duplicate Id %s", f.ID)
		}
		seen[f.ID] = true
	}
}

func TestASFFLimitsAndTime(t *testing.T) {
	t.Parallel()
	r := testReport()
	r.Findings[0].Message = strings.Repeat("é", 3000)
	r.Findings[0].Title = strings.Repeat("t", 400)
	var batch asffBatch
	if err := json.Unmarshal(render(t, "asff", r), &batch); err != nil {
		t.Fatal(err)
	}
	f := batch.Findings[0]
	if n := utf8.RuneCountInString(f.Description); n != asffDescriptionMax {
		t.Errorf("description has %d characters, want %d", n, asffDescriptionMax)
	}
	if n := utf8.RuneCountInString(f.Title); n != asffTitleMax {
		t.Errorf("title has %d characters, want %d", n, asffTitleMax)
	}

	r.SnapshotTakenAt = ""
	for _, format := range []string{"asff", "ocsf"} {
		if err := Write(context.Background(), &bytes.Buffer{}, format, r); err == nil || !strings.Contains(err.Error(), "snapshot_taken_at") {
			t.Errorf("%s without a snapshot time: err = %v", format, err)
		}
	}
}
