package findings

import (
	"cmp"
	"io"
	"sort"
)

// OCSF Detection Finding events (class 2004, category 2 Findings), schema
// 1.1.0, written as a JSON array of events, one per finding. Fixed
// findings of a baseline are written as Close activities with status
// Resolved.

const (
	ocsfVersion        = "1.1.0"
	ocsfCategoryUID    = 2    // Findings
	ocsfClassUID       = 2004 // Detection Finding
	ocsfActivityCreate = 1
	ocsfActivityClose  = 3
	ocsfStatusNew      = 1
	ocsfStatusSupp     = 3
	ocsfStatusResolved = 4
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
	Resources    []ocsfResource  `json:"resources"`
	Cloud        ocsfCloud       `json:"cloud"`
	Remediation  ocsfRemediation `json:"remediation"`
	Unmapped     map[string]any  `json:"unmapped,omitempty"`
}

type ocsfMetadata struct {
	Version string      `json:"version"`
	Product ocsfProduct `json:"product"`
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

type ocsfResource struct {
	UID            string `json:"uid"`
	Name           string `json:"name,omitempty"`
	Type           string `json:"type,omitempty"`
	Region         string `json:"region,omitempty"`
	CloudPartition string `json:"cloud_partition"`
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
	err = encodeArray(w, 0, len(r.Findings)+len(r.Fixed), func(i int) any {
		f, fixed := r.Findings, false
		if i >= len(r.Findings) {
			f, fixed, i = r.Fixed, true, i-len(r.Findings)
		}
		return ocsfOf(r, f[i], ms, idx[f[i].Resource].Name, cmp.Or(f[i].ResourceType, idx[f[i].Resource].Type), fixed)
	})
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n")
	return err
}

func ocsfOf(r *Report, f Finding, ms int64, name, typ string, fixed bool) ocsfEvent {
	sevID, sevName := ocsfSeverity(f.Severity)
	e := ocsfEvent{
		ActivityID: ocsfActivityCreate, ActivityName: "Create",
		CategoryUID: ocsfCategoryUID, CategoryName: "Findings",
		ClassUID: ocsfClassUID, ClassName: "Detection Finding",
		TypeUID: ocsfClassUID*100 + ocsfActivityCreate, TypeName: "Detection Finding: Create",
		SeverityID: sevID, Severity: sevName,
		StatusID: ocsfStatusNew, Status: "New",
		Time:    ms,
		Message: sanitize(cmp.Or(f.Message, f.Title, f.RuleID)),
		Metadata: ocsfMetadata{Version: ocsfVersion, Product: ocsfProduct{
			Name: cmp.Or(r.Tool.Name, "gatewatch"), VendorName: "gatewatch", Version: r.Tool.Version, URL: toolInfoURL,
		}},
		FindingInfo: ocsfFindingInfo{
			UID:         "gatewatch/" + f.RuleID + "/" + fingerprintOf(f),
			Title:       sanitize(cmp.Or(f.Title, f.RuleID)),
			Desc:        sanitize(cmp.Or(f.Message, f.Title)),
			Types:       []string{f.RuleID},
			CreatedTime: ms,
			Analytic:    ocsfAnalytic{UID: f.RuleID, Name: sanitize(cmp.Or(f.Title, f.RuleID)), Type: "Rule", TypeID: 1},
			SrcURL:      ruleHelpURI(f.RuleID),
		},
		Resources: []ocsfResource{{
			UID: f.Resource, Name: sanitize(name), Type: typ,
			Region: regionOrEmpty(f.Region), CloudPartition: arnPartition(f.Resource),
		}},
		Cloud:       ocsfCloud{Provider: "AWS", Region: homeRegion(f.Region), Account: ocsfAccount{UID: f.Account, Type: "AWS Account", TypeID: 10}},
		Remediation: ocsfRemediation{Desc: sanitize(f.Remediation), References: []string{ruleHelpURI(f.RuleID)}},
		Unmapped:    map[string]any{"fingerprint": fingerprintOf(f)},
	}
	if len(f.Evidence) > 0 {
		e.Unmapped["evidence"] = f.Evidence
	}
	if len(f.Controls) > 0 {
		controls := append([]string(nil), f.Controls...)
		sort.Strings(controls)
		e.Unmapped["controls"] = controls
	}
	if f.Baseline != "" {
		e.Unmapped["baseline"] = f.Baseline
	}
	switch {
	case fixed:
		e.ActivityID, e.ActivityName = ocsfActivityClose, "Close"
		e.TypeUID, e.TypeName = ocsfClassUID*100+ocsfActivityClose, "Detection Finding: Close"
		e.StatusID, e.Status, e.StatusDetail = ocsfStatusResolved, "Resolved", "no longer found; fixed since the baseline"
	case f.Suppression != nil:
		e.StatusID, e.Status = ocsfStatusSupp, "Suppressed"
		e.StatusDetail = sanitize(f.Suppression.Kind + ": " + f.Suppression.Reason)
	}
	return e
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
