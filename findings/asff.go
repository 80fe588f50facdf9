package findings

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	smithyjson "github.com/aws/smithy-go/encoding/json"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// ASFF (AWS Security Finding Format) is built with the AWS SDK's own
// Security Hub types and serialised by the SDK itself: `-f asff` writes
// the JSON body of the BatchImportFindings request that carries every
// record, {"Findings":[...]}, exactly as the SDK sends it (the one liberty:
// the SDK writes the keys of ProductFields, a Go map, in random order, and
// gatewatch sorts them so the file is reproducible). The SDK's validators
// reject a record that lacks a required field before anything is written.
// Security Hub takes 100 records per call: an importer splits the list
// (gatewatch --security-hub does).
//
// Records: every finding (suppressed ones with workflow status SUPPRESSED),
// then the baseline's fixed findings as RESOLVED and ARCHIVED, so Security
// Hub closes them. What was not evaluated is not a finding and has no
// record: a NOT_AVAILABLE record per rule and resource would stay active
// in Security Hub after the next run judged it, since nothing archives it.

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
	// ASFFBatchSize is the most records one BatchImportFindings call takes.
	ASFFBatchSize = 100
)

// ASFFOptions adjusts the records for where they are imported.
type ASFFOptions struct {
	// Account, when set, replaces every finding's account: the demo's
	// findings are imported into the credentials' own account.
	Account string
}

// ASFFRecords are a report's Security Hub records, built one at a time
// (a report of 100k findings is never held twice in memory): the findings
// in report order, then the fixed ones.
type ASFFRecords struct {
	r     *Report
	stamp string
	idx   map[string]snapshot.Resource
	opts  ASFFOptions
}

// NewASFFRecords prepares the records of r. It fails when the report has
// no snapshot time, which stamps every record.
func NewASFFRecords(r *Report, opts ASFFOptions) (*ASFFRecords, error) {
	at, err := reportTime(r)
	if err != nil {
		return nil, err
	}
	return &ASFFRecords{r: r, stamp: at.UTC().Format("2006-01-02T15:04:05.000Z"), idx: resourceIndex(r), opts: opts}, nil
}

// Len is the number of records: findings and fixed findings.
func (a *ASFFRecords) Len() int { return len(a.r.Findings) + len(a.r.Fixed) }

// At builds record i.
func (a *ASFFRecords) At(i int) types.AwsSecurityFinding {
	return a.finding(*a.record(i), i >= len(a.r.Findings))
}

// Home is the account and region record i is imported into (its
// AwsAccountId and Region), known without building the record.
func (a *ASFFRecords) Home(i int) (account, region string) {
	f := a.record(i)
	return cmp.Or(a.opts.Account, f.Account), homeRegion(f.Region)
}

func (a *ASFFRecords) record(i int) *Finding {
	if i < len(a.r.Findings) {
		return &a.r.Findings[i]
	}
	return &a.r.Fixed[i-len(a.r.Findings)]
}

func (a *ASFFRecords) finding(f Finding, fixed bool) types.AwsSecurityFinding {
	account, region := cmp.Or(a.opts.Account, f.Account), homeRegion(f.Region)
	partition := arnPartition(f.Resource)
	severity := &types.Severity{Label: asffSeverityLabel(f.Severity), Original: aws.String(string(f.Severity))}
	out := types.AwsSecurityFinding{
		SchemaVersion: aws.String(asffSchemaVersion),
		// Stable across runs, so a re-import updates the finding rather
		// than adding a copy.
		Id:           aws.String(fmt.Sprintf("gatewatch/%s/%s", f.RuleID, fingerprintOf(f))),
		ProductArn:   aws.String(fmt.Sprintf("arn:%s:securityhub:%s:%s:product/%s/default", partition, region, account, account)),
		ProductName:  aws.String("gatewatch"),
		CompanyName:  aws.String("gatewatch"),
		GeneratorId:  aws.String("gatewatch/" + f.RuleID),
		AwsAccountId: aws.String(account),
		Region:       aws.String(region),
		Types:        []string{asffType},
		CreatedAt:    aws.String(a.stamp),
		UpdatedAt:    aws.String(a.stamp),
		Severity:     severity,
		// Security Hub takes a provider's later changes of severity and
		// types from here; the top-level fields belong to the customer
		// once the finding exists.
		FindingProviderFields: &types.FindingProviderFields{Severity: &types.FindingProviderSeverity{
			Label: types.SeverityLabel(severity.Label), Original: severity.Original,
		}, Types: []string{asffType}},
		Title:       aws.String(truncate(sanitize(f.RuleID+" "+cmp.Or(f.Title, f.RuleID)), asffTitleMax)),
		Description: aws.String(truncate(sanitize(cmp.Or(f.Message, f.Title, f.RuleID)), asffDescriptionMax)),
		Remediation: &types.Remediation{Recommendation: &types.Recommendation{
			Text: aws.String(truncate(sanitize(cmp.Or(f.Remediation, "See the rule documentation.")), asffRemediationMax)),
			Url:  aws.String(ruleHelpURI(f.RuleID)),
		}},
		ProductFields: map[string]string{
			"gatewatch/RuleId":      f.RuleID,
			"gatewatch/Fingerprint": fingerprintOf(f),
		},
		Resources: []types.Resource{{
			Type:      aws.String(asffResourceType(cmp.Or(f.ResourceType, a.idx[f.Resource].Type))),
			Id:        aws.String(f.Resource),
			Partition: types.Partition(partition),
			Region:    optional(regionOrEmpty(f.Region)),
		}},
		// FAILED while found, PASSED once fixed: Security Hub resolves
		// a finding whose compliance turns PASSED.
		Compliance:  &types.Compliance{Status: types.ComplianceStatusFailed},
		Workflow:    &types.Workflow{Status: types.WorkflowStatusNew},
		RecordState: types.RecordStateActive,
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
		out.Compliance.RelatedRequirements = f.Controls[:min(len(f.Controls), asffRequirementMax)]
	}
	switch {
	case fixed:
		out.Workflow.Status = types.WorkflowStatusResolved
		out.RecordState = types.RecordStateArchived
		out.Compliance.Status = types.ComplianceStatusPassed
	case f.Suppression != nil:
		out.Workflow.Status = types.WorkflowStatusSuppressed
		out.ProductFields["gatewatch/SuppressionKind"] = f.Suppression.Kind
		out.ProductFields["gatewatch/SuppressionReason"] = truncate(sanitize(f.Suppression.Reason), asffFieldValueMax)
	}
	return out
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// asffBodyPrefix and asffBodySuffix enclose the records in the body the
// SDK writes for BatchImportFindings.
const (
	asffBodyPrefix = `{"Findings":[`
	asffBodySuffix = `]}`
)

// writeASFF writes the body of one BatchImportFindings request holding
// every record, serialised by the SDK ASFFBatchSize records at a time and
// joined: the SDK writes a list's elements one after the other, so the
// joined batches are the body of the whole list.
func writeASFF(w io.Writer, r *Report) error {
	recs, err := NewASFFRecords(r, ASFFOptions{})
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, asffBodyPrefix); err != nil {
		return err
	}
	batch := make([]types.AwsSecurityFinding, 0, ASFFBatchSize)
	for from := 0; from < recs.Len(); from += ASFFBatchSize {
		batch = batch[:0]
		for i := from; i < min(from+ASFFBatchSize, recs.Len()); i++ {
			batch = append(batch, recs.At(i))
		}
		body, err := asffBody(batch)
		if err != nil {
			return err
		}
		if from > 0 {
			if _, err := io.WriteString(w, ","); err != nil {
				return err
			}
		}
		if _, err := w.Write(body[len(asffBodyPrefix) : len(body)-len(asffBodySuffix)]); err != nil {
			return err
		}
	}
	_, err = io.WriteString(w, asffBodySuffix)
	return err
}

// asffBody is the body the SDK sends for BatchImportFindings with records,
// with the keys of each ProductFields sorted.
func asffBody(records []types.AwsSecurityFinding) ([]byte, error) {
	rec := &bodyRecorder{}
	client := securityhub.New(securityhub.Options{
		// Any region: the body does not depend on it. Anonymous
		// credentials skip signing; nothing leaves the process.
		Region:      "us-east-1",
		Credentials: aws.AnonymousCredentials{},
		HTTPClient:  rec,
		Retryer:     aws.NopRetryer{},
	})
	if _, err := client.BatchImportFindings(context.Background(), &securityhub.BatchImportFindingsInput{Findings: records}); err != nil {
		return nil, fmt.Errorf("security hub record: %w", err)
	}
	body, err := sortProductFields(rec.body)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(body, []byte(asffBodyPrefix)) || !bytes.HasSuffix(body, []byte(asffBodySuffix)) {
		return nil, fmt.Errorf("internal error: the SDK's BatchImportFindings body is not %s...%s: %.60q", asffBodyPrefix, asffBodySuffix, body)
	}
	return body, nil
}

// bodyRecorder is the HTTP client of a Security Hub client that never
// reaches the network: it keeps the request body the SDK built and
// answers as Security Hub does when every record was accepted.
type bodyRecorder struct{ body []byte }

func (b *bodyRecorder) Do(req *http.Request) (*http.Response, error) {
	var err error
	if req.Body != nil {
		if b.body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
	}
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": []string{"application/json"}},
		Body:       io.NopCloser(strings.NewReader(`{"FailedCount":0,"SuccessCount":0,"FailedFindings":[]}`)),
		Request:    req,
	}, nil
}

// sortProductFields rewrites, in a BatchImportFindings body, the
// ProductFields object of each record with its keys sorted, encoded by
// the SDK's own JSON encoder; every other byte is kept. The body is the
// SDK's compact JSON, where `"ProductFields":` can only be that key: in a
// string its quotes would be escaped.
func sortProductFields(body []byte) ([]byte, error) {
	key := []byte(`"ProductFields":`)
	out := make([]byte, 0, len(body))
	rest := body
	for {
		at := bytes.Index(rest, key)
		if at < 0 {
			return append(out, rest...), nil
		}
		start := at + len(key)
		n, err := flatObjectLen(rest[start:])
		if err != nil {
			return nil, fmt.Errorf("internal error: ProductFields: %w", err)
		}
		var fields map[string]string
		if err := json.Unmarshal(rest[start:start+n], &fields); err != nil {
			return nil, fmt.Errorf("internal error: ProductFields: %w", err)
		}
		enc := smithyjson.NewEncoder()
		obj := enc.Value.Object()
		for _, k := range slices.Sorted(maps.Keys(fields)) {
			obj.Key(k).String(fields[k])
		}
		obj.Close()
		out = append(append(out, rest[:start]...), enc.Bytes()...)
		rest = rest[start+n:]
	}
}

// flatObjectLen is the length of the JSON object b starts with, an object
// whose values are strings.
func flatObjectLen(b []byte) (int, error) {
	if len(b) == 0 || b[0] != '{' {
		return 0, errors.New("not an object")
	}
	inString := false
	for i := 1; i < len(b); i++ {
		switch c := b[i]; {
		case inString && c == '\\':
			i++ // the escaped character
		case c == '"':
			inString = !inString
		case !inString && c == '}':
			return i + 1, nil
		}
	}
	return 0, errors.New("unterminated object")
}

func asffSeverityLabel(s Severity) types.SeverityLabel {
	if s == Info || s.Rank() < 0 {
		return types.SeverityLabelInformational
	}
	return types.SeverityLabel(strings.ToUpper(string(s)))
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

// homeRegion is the region a finding is imported into and reported from:
// its own, or us-east-1 for global resources (CloudFront, Shield,
// CLOUDFRONT-scope WAF, region "global"), whose control planes live there.
func homeRegion(region string) string {
	if region == "" || region == snapshot.GlobalRegion {
		return "us-east-1"
	}
	return region
}

func regionOrEmpty(region string) string {
	if region == snapshot.GlobalRegion {
		return ""
	}
	return region
}
