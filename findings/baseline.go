package findings

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

// Baseline states of a finding.
const (
	BaselineNew       = "new"
	BaselineUnchanged = "unchanged"
)

// LoadBaseline reads a previous JSON report to compare a run with.
func LoadBaseline(path string) (*Report, error) {
	data, err := os.ReadFile(path)
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
// against prev, lists prev's findings that no longer occur in r.Fixed, and
// finalizes r.
//
// A previous finding is only declared fixed when r could have seen it: its
// account and region are in r's scope and collection there had no errors.
// Otherwise a shard, a narrower scan or an access-denied region would read
// as a wave of fixes; the gap itself is already in r.Errors.
func ApplyBaseline(r *Report, prev *Report) {
	seen := make(map[string]bool, len(prev.Findings))
	for _, f := range prev.Findings {
		seen[fingerprintOf(f)] = true
	}
	current := make(map[string]bool, len(r.Findings))
	for i := range r.Findings {
		f := &r.Findings[i]
		fp := fingerprintOf(*f)
		current[fp] = true
		if seen[fp] {
			f.Baseline = BaselineUnchanged
		} else {
			f.Baseline = BaselineNew
		}
	}
	inScope := scopeFilter(r)
	r.Fixed = nil
	for _, f := range prev.Findings {
		if current[fingerprintOf(f)] || !inScope(f) {
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

// scopeFilter reports whether r covered a finding's account and region
// without collection errors there.
func scopeFilter(r *Report) func(Finding) bool {
	set := func(xs []string) map[string]bool {
		m := make(map[string]bool, len(xs))
		for _, x := range xs {
			m[x] = true
		}
		return m
	}
	accounts, regions := set(r.Scope.Accounts), set(r.Scope.Regions)
	gaps := make(map[string]bool)
	for _, e := range r.Errors {
		gaps[e.Account+"/"+e.Region] = true
		if e.Region == "" || e.Region == "global" {
			gaps[e.Account+"/*"] = true
		}
	}
	return func(f Finding) bool {
		if len(accounts) > 0 && !accounts[f.Account] {
			return false
		}
		// Global resources (CloudFront) are collected from us-east-1
		// whatever regions were asked for.
		if len(regions) > 0 && !regions[f.Region] && f.Region != "global" {
			return false
		}
		return !gaps[f.Account+"/"+f.Region] && !gaps[f.Account+"/*"]
	}
}
