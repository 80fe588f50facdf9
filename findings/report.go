package findings

import (
	"cmp"
	"slices"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// ReportVersion is the version of the JSON report layout, a public
// contract: fields are added, never renamed or removed, within a version.
const ReportVersion = 1

// Report is the result of evaluating one snapshot.
type Report struct {
	ReportVersion int  `json:"report_version"`
	Tool          Tool `json:"tool"`
	// SnapshotTakenAt is when the evaluated inventory was collected; the
	// report carries no clock of its own so re-evaluating a snapshot gives
	// the same bytes.
	SnapshotTakenAt string         `json:"snapshot_taken_at"`
	Scope           snapshot.Scope `json:"scope"`
	// Incomplete is true when coverage has gaps: collection errors, or an
	// interrupted collection.
	Incomplete bool                       `json:"incomplete"`
	Summary    Summary                    `json:"summary"`
	Findings   []Finding                  `json:"findings"`
	Errors     []snapshot.CollectionError `json:"errors"`
	// NotEvaluated lists what the rules could not judge because an input
	// was not read: never a finding, never fixed, never new.
	NotEvaluated []NotEvaluated `json:"not_evaluated"`
	// Fixed lists findings of the baseline that no longer occur.
	Fixed []Finding `json:"fixed,omitempty"`
	// SourcesLost lists findings that the baseline located in code and
	// that this run reports without a location (a night without --source
	// or --terraform-state, a template renamed), each as the baseline had
	// it, with its old source. Their code-scanning alerts move back to the
	// synthetic aws/ paths: the run warns, and the SARIF says so.
	SourcesLost []Finding `json:"sources_lost,omitempty"`
	// ByRule counts each rule's outcomes: failed, passed, not evaluated,
	// not applicable. Kept out of Summary's struct order for readability
	// of the JSON: see Summary.ByRule.
	ByRule map[string]RuleOutcome `json:"-"`

	// Rules is the catalogue that produced the findings, for writers that
	// describe rules (SARIF, docs). Not part of the JSON report.
	Rules []Rule `json:"-"`
	// Snapshot is the evaluated inventory, for writers that draw topology.
	Snapshot *snapshot.Snapshot `json:"-"`
	// Graph is the request graph the rules read (Snapshot.Graph), for the
	// pictures; derived from Snapshot when nil.
	Graph *snapshot.Graph `json:"-"`
	// judge answers coverage questions for the baseline; set by Judge.
	judge *coverageJudge
	// Warn, when set, receives non-fatal problems met while writing, such
	// as SARIF output cut to fit GitHub's ingestion limits. Writers never
	// change the report, so warnings go here rather than into it.
	Warn func(msg string) `json:"-"`
}

// Tool identifies the build that evaluated the rules, so a report can be
// traced to the commit, dependencies and rule pack that produced it. Name
// and Version are the keys of report version 1; the rest were added after
// them, and every key is always written, empty when unknown.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// Revision is the VCS commit the binary was built from.
	Revision string `json:"revision"`
	// CommitTime is the revision's commit time (RFC 3339), from the build info.
	CommitTime string `json:"commit_time"`
	// BuildTime is when a release build was made, stamped with -ldflags.
	BuildTime string `json:"build_time"`
	// Dirty is true when the working tree had uncommitted changes.
	Dirty           bool   `json:"dirty"`
	GoVersion       string `json:"go_version"`
	OPAVersion      string `json:"opa_version"`
	AWSSDKVersion   string `json:"aws_sdk_version"`
	RulePackVersion string `json:"rule_pack_version"`
}

// Summary counts findings. Suppressed findings are counted apart and not
// in BySeverity.
type Summary struct {
	Total      int              `json:"total"`
	BySeverity map[Severity]int `json:"by_severity"`
	Suppressed int              `json:"suppressed"`
	Errors     int              `json:"errors"`
	// NotEvaluated counts the entries of the report's not_evaluated list.
	NotEvaluated int `json:"not_evaluated"`
	New          int `json:"new,omitempty"`
	Fixed        int `json:"fixed,omitempty"`
	// ByRule counts, for each rule ID, its failed, passed, not evaluated
	// and not applicable outcomes.
	ByRule map[string]RuleOutcome `json:"by_rule"`
}

// Rule is the metadata of one rule, as its METADATA block declares it.
type Rule struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Severity    Severity `json:"severity"`
	Remediation string   `json:"remediation"`
	// ResourceTypes are CloudFormation type names (snapshot.Type*).
	ResourceTypes []string `json:"resource_types"`
	// Controls are the hygiene controls the rule corresponds to, such as
	// "SecurityHub:APIGateway.1" or "AWSConfig:api-gw-ssl-enabled".
	Controls []string `json:"controls"`
	// Category is "architecture", "hygiene" or "custom".
	Category string `json:"category"`
	// Source is "builtin" or the path of the user rule file.
	Source string `json:"source"`
	// Package is the Rego package path, e.g. data.gatewatch.rules.gw101.
	Package string `json:"package"`
	// Enabled is false when configuration turned the rule off.
	Enabled bool `json:"enabled"`
	// Inputs are the datasets the rule reads (METADATA custom.inputs);
	// nil means every dataset, for rules that declare none.
	Inputs []string `json:"inputs"`
	// InputsByType narrows Inputs for some resource types, when the rule
	// declares its inputs per type.
	InputsByType map[string][]string `json:"inputs_by_type,omitempty"`
	// Details is optional longer text: why it matters, how to fix, with
	// examples. Markdown.
	Details string `json:"details,omitempty"`
}

// Active reports whether f counts: not suppressed.
func (f *Finding) Active() bool { return f.Suppression == nil }

// Finalize sorts findings and errors and recomputes the summary. Call it
// after anything that adds, removes or suppresses findings.
func (r *Report) Finalize() {
	if r.ReportVersion == 0 {
		r.ReportVersion = ReportVersion
	}
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	if r.Errors == nil {
		r.Errors = []snapshot.CollectionError{}
	}
	SortFindings(r.Findings)
	SortFindings(r.Fixed)
	SortFindings(r.SourcesLost)
	r.NotEvaluated = sortNotEvaluated(r.NotEvaluated)
	s := Summary{BySeverity: make(map[Severity]int, len(Severities))}
	for _, sev := range Severities {
		s.BySeverity[sev] = 0
	}
	for _, f := range r.Findings {
		if !f.Active() {
			s.Suppressed++
			continue
		}
		s.Total++
		s.BySeverity[f.Severity]++
		if f.Baseline == "new" {
			s.New++
		}
	}
	s.Errors = len(r.Errors)
	s.Fixed = len(r.Fixed)
	s.NotEvaluated = len(r.NotEvaluated)
	s.ByRule = r.ByRule
	if s.ByRule == nil {
		s.ByRule = map[string]RuleOutcome{}
	}
	r.Summary = s
	if len(r.Errors) > 0 || slices.ContainsFunc(r.NotEvaluated, func(e NotEvaluated) bool { return e.Gap }) {
		r.Incomplete = true
	}
}

// SortFindings orders findings most severe first, then by rule, account,
// region and resource, so output is deterministic.
func SortFindings(fs []Finding) {
	slices.SortFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(b.Severity.Rank(), a.Severity.Rank()),
			cmp.Compare(a.RuleID, b.RuleID),
			cmp.Compare(a.Account, b.Account),
			cmp.Compare(a.Region, b.Region),
			cmp.Compare(a.Resource, b.Resource),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// Worst returns the highest severity among active findings and whether
// there is any.
func (r *Report) Worst() (Severity, bool) {
	best, found := Info, false
	for _, f := range r.Findings {
		if !f.Active() {
			continue
		}
		if !found || f.Severity.Rank() > best.Rank() {
			best, found = f.Severity, true
		}
	}
	return best, found
}
