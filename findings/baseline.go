package findings

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/internal/inputfile"
)

// Baseline states of a finding.
const (
	BaselineNew       = "new"
	BaselineUnchanged = "unchanged"
)

// LoadBaseline reads a previous JSON report to compare a run with.
func LoadBaseline(path string) (*Report, error) {
	data, _, err := inputfile.Read(path, inputfile.MaxJSON, true)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	return ParseBaseline(data, path)
}

// ParseBaseline decodes a previous JSON report held in memory; name is used
// in error messages. Unknown fields are accepted, since later builds add
// fields within a report version, but the version must match.
func ParseBaseline(data []byte, name string) (*Report, error) {
	return parseReport(data, "baseline "+name, false)
}

// ParseReport decodes a JSON report strictly, for merging: a field this
// build does not know would be dropped from the merged report, so it is an
// error instead.
func ParseReport(data []byte, name string) (*Report, error) {
	return parseReport(data, "report "+name, true)
}

// parseReport checks the report version first, so a file of another kind
// or version is refused for that reason, then decodes it; what prefixes
// every message.
func parseReport(data []byte, what string, strict bool) (*Report, error) {
	fail := func(format string, args ...any) (*Report, error) {
		return nil, fmt.Errorf("%s: %s", what, fmt.Sprintf(format, args...))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return fail("file is empty")
	}
	var head struct {
		ReportVersion *int `json:"report_version"`
		// Findings is only looked at for being there: null is a report
		// without findings, as the JSON writer puts it.
		Findings json.RawMessage `json:"findings"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field == "" {
			// Not an object: say so rather than show the Go type decoded into.
			return fail("not a gatewatch JSON report: the file holds a JSON %s, want an object with report_version", typeErr.Value)
		}
		return fail("not a JSON report: %v", err)
	}
	if head.ReportVersion == nil {
		return fail("no report_version field: not a gatewatch JSON report (write one with --format json)")
	}
	if *head.ReportVersion != ReportVersion {
		return fail("report_version %d is not supported (this build reads version %d)", *head.ReportVersion, ReportVersion)
	}
	if head.Findings == nil {
		// Read as no findings, it would make every finding of the run
		// new and none fixed.
		return fail("no findings field: not a whole gatewatch JSON report (a report without findings has \"findings\": [])")
	}
	var r Report
	dec := json.NewDecoder(bytes.NewReader(data))
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(&r); err != nil {
		if strict {
			return fail("%v (was it written by a newer gatewatch?)", err)
		}
		return fail("%v", err)
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.RuleID == "" || f.Resource == "" {
			return fail("finding %d has no rule_id or resource", i+1)
		}
		if f.Fingerprint == "" {
			f.Fingerprint = Fingerprint(f.RuleID, f.Resource)
		}
	}
	return &r, nil
}

// ApplyBaseline marks each finding of r new or unchanged by fingerprint
// against prev, lists prev's findings that no longer occur in r.Fixed,
// lists in r.SourcesLost those prev located in code that r has without a
// location, and finalizes r.
//
// A previous finding is only declared fixed when r judged it: its account
// and region are in r's scope and its rule's inputs for its resource were
// read completely there (which includes the listing that would show the
// resource deleted). Otherwise it is carried in r.NotEvaluated, never
// fixed: a shard, a narrower scan or an access-denied service would
// otherwise read as a wave of fixes.
func ApplyBaseline(r *Report, prev *Report) {
	seen := make(map[string]bool, len(prev.Findings))
	located := make(map[string]Finding)
	for _, f := range prev.Findings {
		seen[fingerprintOf(f)] = true
		if f.Source.Located() {
			located[fingerprintOf(f)] = f
		}
	}
	current := make(map[string]bool, len(r.Findings))
	r.SourcesLost = nil
	for i := range r.Findings {
		f := &r.Findings[i]
		fp := fingerprintOf(*f)
		current[fp] = true
		if seen[fp] {
			f.Baseline = BaselineUnchanged
		} else {
			f.Baseline = BaselineNew
		}
		if was, ok := located[fp]; ok && !f.Source.Located() {
			was.Baseline = ""
			r.SourcesLost = append(r.SourcesLost, was)
		}
	}
	j := r.judge
	if j == nil {
		j = newJudge(r.Snapshot)
	}
	rules := make(map[string]Rule, len(r.Rules))
	for _, rule := range r.Rules {
		rules[rule.ID] = rule
	}
	listed := make(map[string]bool, len(r.NotEvaluated))
	for _, e := range r.NotEvaluated {
		listed[e.RuleID+"\x00"+e.Resource] = true
	}
	inScope := scopeFilter(r)
	r.Fixed = nil
	for _, f := range prev.Findings {
		if current[fingerprintOf(f)] || !inScope(f) {
			continue
		}
		rule, ok := rules[f.RuleID]
		if ok && !rule.Enabled {
			continue // turned off: this run says nothing about it
		}
		if m := j.missing(datasetsOf(rule.Needs(f.ResourceType)), f.Account, f.Region); len(m.datasets) > 0 {
			if !listed[f.RuleID+"\x00"+f.Resource] {
				r.NotEvaluated = append(r.NotEvaluated, m.entry(f.RuleID, f.Account, f.Region, f.Resource, f.ResourceType))
				listed[f.RuleID+"\x00"+f.Resource] = true
			}
			continue
		}
		f.Baseline = ""
		r.Fixed = append(r.Fixed, f)
	}
	r.Finalize()
}

func fingerprintOf(f Finding) string {
	if f.Fingerprint != "" {
		return f.Fingerprint
	}
	return Fingerprint(f.RuleID, f.Resource)
}

// scopeFilter reports whether r's scope includes a finding's account and
// region: a narrower scan or another shard's account-regions say nothing
// about it.
func scopeFilter(r *Report) func(Finding) bool {
	accounts, regions := r.Scope.Accounts, r.Scope.Regions
	return func(f Finding) bool {
		if len(accounts) > 0 && !slices.Contains(accounts, f.Account) {
			return false
		}
		// Global resources (CloudFront) are collected whatever regions
		// were asked for.
		return len(regions) == 0 || slices.Contains(regions, f.Region) || f.Region == snapshot.GlobalRegion
	}
}
