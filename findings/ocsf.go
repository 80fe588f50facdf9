package findings

import (
	"cmp"
	"io"
	"slices"
	"strings"
)

// OCSF 1.6.0 (the version Security Hub ingests) Compliance Finding events
// (class 2003, category 2 Findings), written as a JSON array, one event
// per finding, fixed finding and not-evaluated entry. Compliance Finding
// rather than Detection Finding (2004): a rule is a check of a resource's
// configuration, and the class's compliance.status_id says all three
// outcomes a report claims: Fail (3) for a finding, Pass (1) for one the
// baseline saw fixed, and Warning (2), "did not yield a result due to
// missing information", for a rule not evaluated on a resource.
//
//   - A finding: activity Create, status New, or Suppressed with the
//     reason in status_detail; compliance Fail.
//   - A fixed finding: activity Close, status Resolved; compliance Pass.
//   - Not evaluated: activity Create, status New, severity Informational
//     (it is not a problem found, and must not count towards a severity
//     threshold); compliance Warning with the inputs that were not read and
//     the failed calls in compliance.status_details, and the permissions to
//     grant as the remediation. Its finding_info.uid is the uid the finding
//     would have, so one check of one resource keeps one identity across
//     runs whatever its outcome.
//
// No JSON Schema of OCSF is published; the tests check every event against
// the schema's own definitions (see judge.OCSFErrors).

const (
	// OCSFVersion is the OCSF schema version of the events.
	OCSFVersion        = "1.6.0"
	ocsfCategoryUID    = 2 // Findings
	ocsfClassUID       = 2003
	ocsfClassName      = "Compliance Finding"
	ocsfActivityCreate = 1
	ocsfActivityClose  = 3
	ocsfStatusNew      = 1
	ocsfStatusSupp     = 3
	ocsfStatusResolved = 4
	// compliance.status_id
	ocsfCompliancePass    = 1
	ocsfComplianceWarning = 2
	ocsfComplianceFail    = 3
	// ocsfAccountAWS is account.type_id "AWS Account".
	ocsfAccountAWS = 10
	// ocsfAnalyticRule is analytic.type_id "Rule".
	ocsfAnalyticRule = 1
)

type ocsfEvent struct {
	ActivityID   int             `json:"activity_id"`
	ActivityName string          `json:"activity_name"`
	CategoryUID  int             `json:"category_uid"`
	CategoryName string          `json:"category_name"`
	ClassUID     int             `json:"class_uid"`
	ClassName    string          `json:"class_name"`
	TypeUID      int             `json:"type_uid"`
	TypeName     string          `json:"type_name"`
	SeverityID   int             `json:"severity_id"`
	Severity     string          `json:"severity"`
	StatusID     int             `json:"status_id"`
	Status       string          `json:"status"`
	StatusDetail string          `json:"status_detail,omitempty"`
	Time         int64           `json:"time"`
	Message      string          `json:"message"`
	Metadata     ocsfMetadata    `json:"metadata"`
	FindingInfo  ocsfFindingInfo `json:"finding_info"`
	Compliance   ocsfCompliance  `json:"compliance"`
	Resources    []ocsfResource  `json:"resources,omitempty"`
	Evidences    []ocsfEvidence  `json:"evidences,omitempty"`
	Cloud        ocsfCloud       `json:"cloud"`
	Remediation  ocsfRemediation `json:"remediation"`
	Unmapped     map[string]any  `json:"unmapped,omitempty"`
}

type ocsfMetadata struct {
	Version string      `json:"version"`
	Product ocsfProduct `json:"product"`
	// Profiles are the OCSF profiles the event applies: cloud, for the
	// cloud object and the resources' region and partition.
	Profiles []string `json:"profiles"`
}

type ocsfProduct struct {
	Name       string `json:"name"`
	VendorName string `json:"vendor_name"`
	Version    string `json:"version,omitempty"`
	URL        string `json:"url_string"`
}

type ocsfFindingInfo struct {
	UID         string       `json:"uid"`
	Title       string       `json:"title"`
	Desc        string       `json:"desc"`
	Types       []string     `json:"types"`
	CreatedTime int64        `json:"created_time"`
	Analytic    ocsfAnalytic `json:"analytic"`
	SrcURL      string       `json:"src_url"`
}

type ocsfAnalytic struct {
	UID    string `json:"uid"`
	Name   string `json:"name"`
	Type   string `json:"type"`
	TypeID int    `json:"type_id"`
}

type ocsfCompliance struct {
	Status        string      `json:"status"`
	StatusID      int         `json:"status_id"`
	StatusDetails []string    `json:"status_details,omitempty"`
	Requirements  []string    `json:"requirements,omitempty"`
	Checks        []ocsfCheck `json:"checks"`
}

// ocsfCheck is the rule, as the check the compliance evaluation ran.
type ocsfCheck struct {
	UID        string `json:"uid"`
	Name       string `json:"name"`
	SeverityID int    `json:"severity_id"`
	Severity   string `json:"severity"`
	StatusID   int    `json:"status_id"`
	Status     string `json:"status"`
}

type ocsfResource struct {
	UID            string `json:"uid"`
	Name           string `json:"name,omitempty"`
	Type           string `json:"type,omitempty"`
	Region         string `json:"region,omitempty"`
	CloudPartition string `json:"cloud_partition"`
}

// ocsfEvidence carries the values that triggered the rule.
type ocsfEvidence struct {
	Data map[string]any `json:"data"`
}

type ocsfCloud struct {
	Provider string      `json:"provider"`
	Region   string      `json:"region"`
	Account  ocsfAccount `json:"account"`
}

type ocsfAccount struct {
	UID    string `json:"uid"`
	Type   string `json:"type"`
	TypeID int    `json:"type_id"`
}

type ocsfRemediation struct {
	Desc       string   `json:"desc"`
	References []string `json:"references"`
}

func writeOCSF(w io.Writer, r *Report) error {
	at, err := reportTime(r)
	if err != nil {
		return err
	}
	ms := at.UnixMilli()
	idx := resourceIndex(r)
	nf, nx := len(r.Findings), len(r.Fixed)
	err = encodeArray(w, 0, nf+nx+len(r.NotEvaluated), func(i int) any {
		switch {
		case i < nf:
			f := r.Findings[i]
			return ocsfOf(r, f, ms, idx[f.Resource].Name, cmp.Or(f.ResourceType, idx[f.Resource].Type), false)
		case i < nf+nx:
			f := r.Fixed[i-nf]
			return ocsfOf(r, f, ms, idx[f.Resource].Name, cmp.Or(f.ResourceType, idx[f.Resource].Type), true)
		}
		ne := r.NotEvaluated[i-nf-nx]
		return ocsfNotEvaluated(r, ne, ms, idx[ne.Resource].Name, cmp.Or(ne.ResourceType, idx[ne.Resource].Type))
	})
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n")
	return err
}

// ocsfBase is what every event of a rule on a resource shares.
func ocsfBase(r *Report, ruleID, title, uid, account, region string, ms int64) ocsfEvent {
	title = sanitize(cmp.Or(title, ruleID))
	return ocsfEvent{
		ActivityID: ocsfActivityCreate, ActivityName: "Create",
		CategoryUID: ocsfCategoryUID, CategoryName: "Findings",
		ClassUID: ocsfClassUID, ClassName: ocsfClassName,
		TypeUID: ocsfClassUID*100 + ocsfActivityCreate, TypeName: ocsfClassName + ": Create",
		StatusID: ocsfStatusNew, Status: "New",
		Time: ms,
		Metadata: ocsfMetadata{Version: OCSFVersion, Profiles: []string{"cloud"}, Product: ocsfProduct{
			Name: cmp.Or(r.Tool.Name, "gatewatch"), VendorName: "gatewatch", Version: r.Tool.Version, URL: toolInfoURL,
		}},
		FindingInfo: ocsfFindingInfo{
			UID:         "gatewatch/" + ruleID + "/" + uid,
			Title:       title,
			Types:       []string{ruleID},
			CreatedTime: ms,
			Analytic:    ocsfAnalytic{UID: ruleID, Name: title, Type: "Rule", TypeID: ocsfAnalyticRule},
			SrcURL:      ruleHelpURI(ruleID),
		},
		Cloud: ocsfCloud{Provider: "AWS", Region: homeRegion(region), Account: ocsfAccount{UID: account, Type: "AWS Account", TypeID: ocsfAccountAWS}},
	}
}

func ocsfOf(r *Report, f Finding, ms int64, name, typ string, fixed bool) ocsfEvent {
	e := ocsfBase(r, f.RuleID, f.Title, fingerprintOf(f), f.Account, f.Region, ms)
	e.SeverityID, e.Severity = ocsfSeverity(f.Severity)
	e.Message = sanitize(cmp.Or(f.Message, f.Title, f.RuleID))
	e.FindingInfo.Desc = sanitize(cmp.Or(f.Message, f.Title))
	e.Compliance = ocsfComplianceOf(f.RuleID, e.FindingInfo.Title, f.Severity, ocsfComplianceFail, "Fail")
	e.Compliance.Requirements = slices.Sorted(slices.Values(f.Controls))
	e.Resources = []ocsfResource{{
		UID: f.Resource, Name: sanitize(name), Type: typ,
		Region: regionOrEmpty(f.Region), CloudPartition: arnPartition(f.Resource),
	}}
	e.Remediation = ocsfRemediation{Desc: sanitize(cmp.Or(f.Remediation, "See the rule documentation.")), References: []string{ruleHelpURI(f.RuleID)}}
	e.Unmapped = map[string]any{"fingerprint": fingerprintOf(f)}
	if len(f.Evidence) > 0 {
		e.Evidences = []ocsfEvidence{{Data: f.Evidence}}
	}
	if f.Baseline != "" {
		e.Unmapped["baseline"] = f.Baseline
	}
	switch {
	case fixed:
		e.ActivityID, e.ActivityName = ocsfActivityClose, "Close"
		e.TypeUID, e.TypeName = ocsfClassUID*100+ocsfActivityClose, ocsfClassName+": Close"
		e.StatusID, e.Status, e.StatusDetail = ocsfStatusResolved, "Resolved", "no longer found; fixed since the baseline"
		e.Compliance = ocsfComplianceOf(f.RuleID, e.FindingInfo.Title, f.Severity, ocsfCompliancePass, "Pass")
		e.Compliance.Requirements = slices.Sorted(slices.Values(f.Controls))
	case f.Suppression != nil:
		e.StatusID, e.Status = ocsfStatusSupp, "Suppressed"
		e.StatusDetail = sanitize(f.Suppression.Kind + ": " + f.Suppression.Reason)
	}
	return e
}

// ocsfNotEvaluated is the event of a rule that could not judge a resource
// (or a whole account-region) because an input was not read.
func ocsfNotEvaluated(r *Report, ne NotEvaluated, ms int64, name, typ string) ocsfEvent {
	rule := r.rule(ne.RuleID)
	subject := ne.Resource
	if subject == "" {
		subject = ne.Account + "/" + ne.Region
	}
	e := ocsfBase(r, ne.RuleID, rule.Title, Fingerprint(ne.RuleID, subject), ne.Account, ne.Region, ms)
	e.SeverityID, e.Severity = ocsfSeverity(Info)
	detail := "not evaluated: " + strings.Join(ne.Inputs, ", ") + " not read"
	e.Message = sanitize(ne.RuleID + " not evaluated for " + subject + ": " + strings.Join(ne.Inputs, ", ") + " not read")
	e.FindingInfo.Desc = e.Message
	e.StatusDetail = sanitize(detail)
	e.Compliance = ocsfComplianceOf(ne.RuleID, e.FindingInfo.Title, rule.Severity, ocsfComplianceWarning, "Warning")
	e.Compliance.Requirements = slices.Sorted(slices.Values(rule.Controls))
	e.Compliance.StatusDetails = []string{sanitize(detail)}
	for _, ce := range ne.Errors {
		e.Compliance.StatusDetails = append(e.Compliance.StatusDetails,
			sanitize(ce.Service+" "+ce.Operation+" in "+ce.Account+" "+ce.Region+": "+ce.Code))
	}
	if ne.Resource != "" {
		e.Resources = []ocsfResource{{
			UID: ne.Resource, Name: sanitize(name), Type: typ,
			Region: regionOrEmpty(ne.Region), CloudPartition: arnPartition(ne.Resource),
		}}
	}
	fix := "Collect " + strings.Join(ne.Inputs, ", ") + " and run again."
	if len(ne.Permissions) > 0 {
		fix = "Grant " + strings.Join(ne.Permissions, ", ") + " and run again."
	}
	e.Remediation = ocsfRemediation{Desc: sanitize(fix), References: []string{ruleHelpURI(ne.RuleID)}}
	e.Unmapped = map[string]any{"inputs": ne.Inputs, "gap": ne.Gap}
	return e
}

// ocsfComplianceOf is the compliance object of a rule's outcome, with the
// rule as its one check.
func ocsfComplianceOf(ruleID, title string, sev Severity, statusID int, status string) ocsfCompliance {
	sevID, sevName := ocsfSeverity(sev)
	return ocsfCompliance{
		Status: status, StatusID: statusID,
		Checks: []ocsfCheck{{UID: ruleID, Name: title, SeverityID: sevID, Severity: sevName, StatusID: statusID, Status: status}},
	}
}

// rule is the catalogue's rule id, or a rule that only knows its ID.
func (r *Report) rule(id string) Rule {
	for _, rule := range r.Rules {
		if rule.ID == id {
			return rule
		}
	}
	return Rule{ID: id}
}

// ocsfSeverity maps a severity to OCSF's severity_id and caption.
func ocsfSeverity(s Severity) (int, string) {
	switch s {
	case Critical:
		return 5, "Critical"
	case High:
		return 4, "High"
	case Medium:
		return 3, "Medium"
	case Low:
		return 2, "Low"
	case Info:
		return 1, "Informational"
	}
	return 0, "Unknown"
}
