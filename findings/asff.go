package findings

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// ASFF (AWS Security Finding Format) for Security Hub's BatchImportFindings:
// the writer emits the request body, {"Findings": [...]}. The API takes 100
// findings per call, so importers split the list.

const (
	asffSchemaVersion = "2018-10-08"
	// asffType files every finding under AWS best practices, the namespace
	// Security Hub uses for configuration checks like these.
	asffType = "Software and Configuration Checks/AWS Security Best Practices"
	// Security Hub field limits, in characters.
	asffTitleMax       = 256
	asffDescriptionMax = 1024
	asffRemediationMax = 512
	asffFieldValueMax  = 2048
	asffRequirementMax = 32
)

type asffBatch struct {
	Findings []asffFinding `json:"Findings"`
}

type asffFinding struct {
	SchemaVersion string            `json:"SchemaVersion"`
	ID            string            `json:"Id"`
	ProductArn    string            `json:"ProductArn"`
	ProductName   string            `json:"ProductName"`
	CompanyName   string            `json:"CompanyName"`
	GeneratorID   string            `json:"GeneratorId"`
	AwsAccountID  string            `json:"AwsAccountId"`
	Region        string            `json:"Region"`
	Types         []string          `json:"Types"`
	CreatedAt     string            `json:"CreatedAt"`
	UpdatedAt     string            `json:"UpdatedAt"`
	Severity      asffSeverity      `json:"Severity"`
	Title         string            `json:"Title"`
	Description   string            `json:"Description"`
	Remediation   asffRemediation   `json:"Remediation"`
	ProductFields map[string]string `json:"ProductFields"`
	Resources     []asffResource    `json:"Resources"`
	Compliance    *asffCompliance   `json:"Compliance,omitempty"`
	Workflow      asffWorkflow      `json:"Workflow"`
	RecordState   string            `json:"RecordState"`
}

type asffSeverity struct {
	Label    string `json:"Label"`
	Original string `json:"Original"`
}

type asffRemediation struct {
	Recommendation asffRecommendation `json:"Recommendation"`
}

type asffRecommendation struct {
	Text string `json:"Text"`
	URL  string `json:"Url"`
}

type asffResource struct {
	Type      string `json:"Type"`
	ID        string `json:"Id"`
	Partition string `json:"Partition"`
	Region    string `json:"Region,omitempty"`
}

type asffCompliance struct {
	Status              string   `json:"Status"`
	RelatedRequirements []string `json:"RelatedRequirements"`
}

type asffWorkflow struct {
	Status string `json:"Status"`
}

// writeASFF writes every finding, suppressed ones with workflow status
// SUPPRESSED, and the baseline's fixed findings as ARCHIVED records so
// Security Hub closes them.
func writeASFF(w io.Writer, r *Report) error {
	at, err := reportTime(r)
	if err != nil {
		return err
	}
	stamp := at.UTC().Format("2006-01-02T15:04:05.000Z")
	idx := resourceIndex(r)
	return encodeWithArray(w, asffBatch{}, "Findings", len(r.Findings)+len(r.Fixed), func(i int) any {
		if i < len(r.Findings) {
			return asffOf(r.Findings[i], stamp, idx, false)
		}
		return asffOf(r.Fixed[i-len(r.Findings)], stamp, idx, true)
	})
}

func asffOf(f Finding, stamp string, idx map[string]snapshot.Resource, fixed bool) asffFinding {
	region := homeRegion(f.Region)
	out := asffFinding{
		SchemaVersion: asffSchemaVersion,
		// Stable across runs, so a re-import updates the finding rather
		// than adding a copy.
		ID:           fmt.Sprintf("gatewatch/%s/%s", f.RuleID, fingerprintOf(f)),
		ProductArn:   fmt.Sprintf("arn:%s:securityhub:%s:%s:product/%s/default", arnPartition(f.Resource), region, f.Account, f.Account),
		ProductName:  "gatewatch",
		CompanyName:  "gatewatch",
		GeneratorID:  "gatewatch/" + f.RuleID,
		AwsAccountID: f.Account,
		Region:       region,
		Types:        []string{asffType},
		CreatedAt:    stamp,
		UpdatedAt:    stamp,
		Severity:     asffSeverity{Label: asffSeverityLabel(f.Severity), Original: string(f.Severity)},
		Title:        truncate(sanitize(f.RuleID+" "+cmp.Or(f.Title, f.RuleID)), asffTitleMax),
		Description:  truncate(sanitize(cmp.Or(f.Message, f.Title, f.RuleID)), asffDescriptionMax),
		Remediation: asffRemediation{Recommendation: asffRecommendation{
			Text: truncate(sanitize(cmp.Or(f.Remediation, "See the rule documentation.")), asffRemediationMax),
			URL:  ruleHelpURI(f.RuleID),
		}},
		ProductFields: map[string]string{
			"gatewatch/RuleId":      f.RuleID,
			"gatewatch/Fingerprint": fingerprintOf(f),
		},
		Resources: []asffResource{{
			Type:      asffResourceType(cmp.Or(f.ResourceType, idx[f.Resource].Type)),
			ID:        f.Resource,
			Partition: arnPartition(f.Resource),
			Region:    regionOrEmpty(f.Region),
		}},
		Workflow:    asffWorkflow{Status: "NEW"},
		RecordState: "ACTIVE",
	}
	if len(f.Evidence) > 0 {
		if b, err := json.Marshal(f.Evidence); err == nil {
			out.ProductFields["gatewatch/Evidence"] = truncate(string(b), asffFieldValueMax)
		}
	}
	if f.Baseline != "" {
		out.ProductFields["gatewatch/Baseline"] = f.Baseline
	}
	if len(f.Controls) > 0 {
		reqs := f.Controls[:min(len(f.Controls), asffRequirementMax)]
		out.Compliance = &asffCompliance{Status: "FAILED", RelatedRequirements: reqs}
	}
	switch {
	case fixed:
		out.Workflow.Status = "RESOLVED"
		out.RecordState = "ARCHIVED"
		if out.Compliance != nil {
			out.Compliance.Status = "PASSED"
		}
	case f.Suppression != nil:
		out.Workflow.Status = "SUPPRESSED"
		out.ProductFields["gatewatch/SuppressionKind"] = f.Suppression.Kind
		out.ProductFields["gatewatch/SuppressionReason"] = truncate(sanitize(f.Suppression.Reason), asffFieldValueMax)
	}
	return out
}

func asffSeverityLabel(s Severity) string {
	if s == Info || s.Rank() < 0 {
		return "INFORMATIONAL"
	}
	return strings.ToUpper(string(s))
}

// asffResourceType maps a CloudFormation type name to Security Hub's
// resource type; types Security Hub has no name for are "Other".
func asffResourceType(cfn string) string {
	switch cfn {
	case snapshot.TypeRestAPI:
		return "AwsApiGatewayRestApi"
	case snapshot.TypeRestStage:
		return "AwsApiGatewayStage"
	case snapshot.TypeV2API:
		return "AwsApiGatewayV2Api"
	case snapshot.TypeV2Stage:
		return "AwsApiGatewayV2Stage"
	case snapshot.TypeLoadBalancer:
		return "AwsElbv2LoadBalancer"
	case snapshot.TypeSecurityGroup:
		return "AwsEc2SecurityGroup"
	case snapshot.TypeWebACL:
		return "AwsWafv2WebAcl"
	case snapshot.TypeLambda:
		return "AwsLambdaFunction"
	case snapshot.TypeDistribution:
		return "AwsCloudFrontDistribution"
	case snapshot.TypeAlarm:
		return "AwsCloudWatchAlarm"
	}
	return "Other"
}

// reportTime is when the snapshot was taken: machine formats stamp
// findings with it, never with the clock, so output is reproducible.
func reportTime(r *Report) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, r.SnapshotTakenAt)
	if err != nil {
		return time.Time{}, fmt.Errorf("report snapshot_taken_at %q is not an RFC 3339 time", r.SnapshotTakenAt)
	}
	return t, nil
}

// resourceIndex maps ARNs to what the snapshot knows of them (type,
// name), for findings whose rule did not say; empty without a snapshot.
func resourceIndex(r *Report) map[string]snapshot.Resource {
	if r.Snapshot == nil {
		return map[string]snapshot.Resource{}
	}
	return r.Snapshot.Index()
}

// arnPartition is the partition of an ARN (aws, aws-cn, aws-us-gov), "aws"
// when the resource is not an ARN.
func arnPartition(arn string) string {
	if a, ok := snapshot.ParseARN(arn); ok {
		return a.Partition
	}
	return "aws"
}

// homeRegion is where a finding is imported: global resources (CloudFront)
// are managed from us-east-1.
func homeRegion(region string) string {
	if region == "" || region == "global" {
		return "us-east-1"
	}
	return region
}

func regionOrEmpty(region string) string {
	if region == "global" {
		return ""
	}
	return region
}
