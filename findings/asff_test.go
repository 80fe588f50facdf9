package findings

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/google/go-cmp/cmp"
)

// parseASFF reads a BatchImportFindings body into the SDK's types, whose
// field names are the ASFF keys.
func parseASFF(t *testing.T, data []byte) []types.AwsSecurityFinding {
	t.Helper()
	var body struct{ Findings []types.AwsSecurityFinding }
	if err := json.Unmarshal(data, &body); err != nil {
		t.Fatalf("ASFF output is not a BatchImportFindings body: %v", err)
	}
	return body.Findings
}

func TestASFF(t *testing.T) {
	t.Parallel()
	r := testReport()
	r.Fixed = []Finding{finding("GW201", legacyALBARN, "", acctB, "us-east-1", "fixed", nil)}
	r.Finalize()
	got := render(t, "asff", r)
	golden(t, "report.asff.json", got)

	recs := parseASFF(t, got)
	if len(recs) != 8 {
		t.Fatalf("%d findings, want 7 and 1 fixed", len(recs))
	}
	productARN := regexp.MustCompile(`^arn:aws:securityhub:([a-z0-9-]+):(\d{12}):product/(\d{12})/default$`)
	byRule := make(map[string]types.AwsSecurityFinding)
	for _, f := range recs {
		id := aws.ToString(f.Id)
		m := productARN.FindStringSubmatch(aws.ToString(f.ProductArn))
		if m == nil || m[1] != aws.ToString(f.Region) || m[2] != aws.ToString(f.AwsAccountId) || m[3] != m[2] {
			t.Errorf("%s: ProductArn %q for region %s account %s", id, aws.ToString(f.ProductArn), aws.ToString(f.Region), aws.ToString(f.AwsAccountId))
		}
		if aws.ToString(f.CreatedAt) != "2026-11-24T02:00:00.000Z" || aws.ToString(f.UpdatedAt) != aws.ToString(f.CreatedAt) {
			t.Errorf("%s: times %s %s, want the snapshot's", id, aws.ToString(f.CreatedAt), aws.ToString(f.UpdatedAt))
		}
		if fp := f.FindingProviderFields; fp == nil || fp.Severity == nil || fp.Severity.Label != f.Severity.Label || len(fp.Types) != 1 {
			t.Errorf("%s: FindingProviderFields %+v do not carry the severity and types", id, fp)
		}
		if len(f.Types) != 1 || len(f.Resources) != 1 {
			t.Errorf("%s: types %v, %d resources", id, f.Types, len(f.Resources))
		}
		if f.RecordState == types.RecordStateActive {
			byRule[f.ProductFields["gatewatch/RuleId"]] = f
		}
	}
	tests := []struct {
		rule     string
		label    types.SeverityLabel
		typ      string
		workflow types.WorkflowStatus
		region   string
	}{
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
		if f.Severity.Label != tt.label || aws.ToString(res.Type) != tt.typ || f.Workflow.Status != tt.workflow ||
			aws.ToString(res.Region) != tt.region || res.Partition != types.PartitionAws || f.Compliance.Status != types.ComplianceStatusFailed {
			t.Errorf("%s: label %s type %s workflow %s region %s partition %s compliance %s; want %s %s %s %s aws FAILED",
				tt.rule, f.Severity.Label, aws.ToString(res.Type), f.Workflow.Status, aws.ToString(res.Region), res.Partition,
				f.Compliance.Status, tt.label, tt.typ, tt.workflow, tt.region)
		}
	}
	if c := byRule["GW104"].Compliance; len(c.RelatedRequirements) != 2 {
		t.Errorf("GW104 compliance %+v, want its two controls", c)
	}
	if c := byRule["GW101"].Compliance; len(c.RelatedRequirements) != 0 {
		t.Errorf("GW101 has no controls but got requirements %v", c.RelatedRequirements)
	}
	if got := byRule["GW107"].ProductFields["gatewatch/SuppressionReason"]; !strings.Contains(got, "RISK-12") {
		t.Errorf("suppressed finding's reason %q", got)
	}
	fixed := recs[len(recs)-1]
	if fixed.RecordState != types.RecordStateArchived || fixed.Workflow.Status != types.WorkflowStatusResolved || fixed.Compliance.Status != types.ComplianceStatusPassed {
		t.Errorf("fixed finding: state %s workflow %s compliance %s", fixed.RecordState, fixed.Workflow.Status, fixed.Compliance.Status)
	}
	// Ids are stable and unique among the active records.
	seen := make(map[string]bool)
	for _, f := range recs {
		if seen[aws.ToString(f.Id)] && f.RecordState == types.RecordStateActive {
			t.Errorf("duplicate Id %s", aws.ToString(f.Id))
		}
		seen[aws.ToString(f.Id)] = true
	}
	if again := parseASFF(t, render(t, "asff", testReport())); aws.ToString(again[0].Id) != aws.ToString(recs[0].Id) {
		t.Errorf("Id changed between two renders: %s, %s", aws.ToString(again[0].Id), aws.ToString(recs[0].Id))
	}
	// The global distribution is imported where CloudFront lives.
	r.Findings = append(r.Findings, finding("GW201", distARN, "", acctA, "global", "global", nil))
	r.Finalize()
	for _, f := range parseASFF(t, render(t, "asff", r)) {
		if aws.ToString(f.Resources[0].Id) == distARN && (aws.ToString(f.Region) != "us-east-1" || f.Resources[0].Region != nil) {
			t.Errorf("global finding: Region %s, resource region %v; want us-east-1 and none", aws.ToString(f.Region), f.Resources[0].Region)
		}
	}
}

// recordingSecurityHub is a local Security Hub endpoint that keeps the
// bodies of the BatchImportFindings requests it is sent.
func recordingSecurityHub(t *testing.T) (*securityhub.Client, func() [][]byte) {
	t.Helper()
	var (
		mu     sync.Mutex
		bodies [][]byte
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, b)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"FailedCount":0,"SuccessCount":0,"FailedFindings":[]}`)
	}))
	t.Cleanup(srv.Close)
	client := securityhub.New(securityhub.Options{
		Region:       "eu-west-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
	})
	return client, func() [][]byte {
		mu.Lock()
		defer mu.Unlock()
		return bodies
	}
}

// TestASFFIsTheSDKBody sends every record of a report larger than one
// batch through the SDK to a local endpoint: the file is the body the SDK
// sent, byte for byte once ProductFields (a Go map the SDK writes in
// random order) is sorted.
func TestASFFIsTheSDKBody(t *testing.T) {
	t.Parallel()
	r := testReport()
	one := r.Findings
	r.Findings = nil
	for i := range 40 { // 280 findings: three batches
		for _, f := range one {
			f.Resource = fmt.Sprintf("%s/%d", f.Resource, i)
			f.Fingerprint = Fingerprint(f.RuleID, f.Resource)
			r.Findings = append(r.Findings, f)
		}
	}
	r.Fixed = []Finding{finding("GW201", legacyALBARN, "", acctB, "us-east-1", "fixed", nil)}
	r.Finalize()
	got := render(t, "asff", r)

	recs, err := NewASFFRecords(r, ASFFOptions{})
	if err != nil {
		t.Fatal(err)
	}
	all := make([]types.AwsSecurityFinding, recs.Len())
	for i := range all {
		all[i] = recs.At(i)
	}
	client, bodies := recordingSecurityHub(t)
	if _, err := client.BatchImportFindings(context.Background(), &securityhub.BatchImportFindingsInput{Findings: all}); err != nil {
		t.Fatal(err)
	}
	sent := bodies()[0]
	var gotV, sentV any
	if err := json.Unmarshal(got, &gotV); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(sent, &sentV); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sentV, gotV); diff != "" {
		t.Fatalf("ASFF file differs from the SDK's request body (-sdk +file):\n%s", diff)
	}
	sorted, err := sortProductFields(sent)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(sorted, got) {
		t.Errorf("ASFF file is not the SDK's request body byte for byte:\nsdk:  %.300s\nfile: %.300s", sorted, got)
	}
	if n := len(parseASFF(t, got)); n != 281 {
		t.Errorf("%d records, want 281", n)
	}
}

// TestASFFValidatorsEnforceRequiredFields: a record is serialised through
// the SDK's validators, so one that lacks a required field is an error,
// never a file Security Hub would reject.
func TestASFFValidatorsEnforceRequiredFields(t *testing.T) {
	t.Parallel()
	recs, err := NewASFFRecords(testReport(), ASFFOptions{})
	if err != nil {
		t.Fatal(err)
	}
	good := recs.At(0)
	if _, err := asffBody([]types.AwsSecurityFinding{good}); err != nil {
		t.Fatalf("a complete record: %v", err)
	}
	bad := good
	bad.Title = nil
	bad.Resources = []types.Resource{{Type: aws.String("Other")}}
	_, err = asffBody([]types.AwsSecurityFinding{good, bad})
	if err == nil || !strings.Contains(err.Error(), "Title") || !strings.Contains(err.Error(), "Resources") {
		t.Errorf("asffBody of a record without Title and resource Id = %v, want the validator's error naming both", err)
	}
}

func TestSortProductFields(t *testing.T) {
	t.Parallel()
	in := `{"Findings":[{"Id":"a","ProductFields":{"z":"1}","a\"b":"<2>\\","m":"\u00e9"},"Title":"x \"ProductFields\":{"},{"Id":"b"},{"ProductFields":{}}]}`
	want := `{"Findings":[{"Id":"a","ProductFields":{"a\"b":"<2>\\","m":"é","z":"1}"},"Title":"x \"ProductFields\":{"},{"Id":"b"},{"ProductFields":{}}]}`
	got, err := sortProductFields([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	var a, b any
	if json.Unmarshal([]byte(in), &a) != nil || json.Unmarshal(got, &b) != nil || !cmp.Equal(a, b) {
		t.Error("sorting changed the value")
	}
}

func TestASFFAccountOverride(t *testing.T) {
	t.Parallel()
	recs, err := NewASFFRecords(testReport(), ASFFOptions{Account: "999999999999"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range recs.Len() {
		f := recs.At(i)
		if aws.ToString(f.AwsAccountId) != "999999999999" || !strings.Contains(aws.ToString(f.ProductArn), ":999999999999:product/999999999999/") {
			t.Errorf("record %d: account %s product %s, want 999999999999", i, aws.ToString(f.AwsAccountId), aws.ToString(f.ProductArn))
		}
	}
}

func TestASFFLimitsAndTime(t *testing.T) {
	t.Parallel()
	r := testReport()
	r.Findings[0].Message = strings.Repeat("é", 3000)
	r.Findings[0].Title = strings.Repeat("t", 400)
	f := parseASFF(t, render(t, "asff", r))[0]
	if n := utf8.RuneCountInString(aws.ToString(f.Description)); n != asffDescriptionMax {
		t.Errorf("description has %d characters, want %d", n, asffDescriptionMax)
	}
	if n := utf8.RuneCountInString(aws.ToString(f.Title)); n != asffTitleMax {
		t.Errorf("title has %d characters, want %d", n, asffTitleMax)
	}

	r.SnapshotTakenAt = ""
	for _, format := range []string{"asff", "ocsf"} {
		if err := Write(context.Background(), &bytes.Buffer{}, format, r); err == nil || !strings.Contains(err.Error(), "snapshot_taken_at") {
			t.Errorf("%s without a snapshot time: err = %v", format, err)
		}
	}
}
