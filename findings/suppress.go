package findings

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/internal/inputfile"
	"github.com/gatewatch/gatewatch/internal/yamljson"
)

// WaiverTag is the resource tag that waives rules on the resource itself.
// Its value is a comma-separated list of rule IDs, each optionally followed
// by ":reason", e.g. "GW104:fronted by the partner's WAF, GW112".
const WaiverTag = "gatewatch:ignore"

// Suppressions is a parsed suppressions file.
type Suppressions struct {
	// Source names the file, for messages.
	Source  string
	Entries []SuppressionEntry
}

// SuppressionEntry waives one rule (or a rule pattern) on the resources its
// pattern matches.
type SuppressionEntry struct {
	// Rule is a rule ID or a pattern such as "GW2*".
	Rule string `json:"rule"`
	// Resource is an ARN pattern: "*" matches any run of characters,
	// slashes and colons included, "?" any one character.
	Resource string `json:"resource"`
	// Reason is required: a waiver nobody can explain is a finding.
	Reason string `json:"reason"`
	// Expires is an optional YYYY-MM-DD date; the entry suppresses through
	// that day (UTC) and not after.
	Expires string `json:"expires,omitempty"`
}

// suppressionKeys are the keys an entry may have; anything else is an
// error so a typo ("reson", "resources") never silently waives nothing.
var suppressionKeys = []string{"rule", "resource", "reason", "expires"}

// LoadSuppressions reads a YAML or JSON suppressions file:
//
//	suppressions:
//	  - rule: GW104
//	    resource: "arn:aws:elasticloadbalancing:*:222222222222:loadbalancer/app/legacy/*"
//	    reason: behind the partner's own WAF (RISK-12)
//	    expires: 2027-01-31
func LoadSuppressions(path string) (Suppressions, error) {
	data, _, err := inputfile.Read(path, inputfile.MaxWritten, false)
	if err != nil {
		return Suppressions{}, fmt.Errorf("suppressions: %w", err)
	}
	return ParseSuppressions(data, path)
}

// ParseSuppressions parses suppressions held in memory; name is used in
// error messages.
func ParseSuppressions(data []byte, name string) (Suppressions, error) {
	fail := func(format string, args ...any) (Suppressions, error) {
		return Suppressions{}, fmt.Errorf("suppressions %s: %s", name, fmt.Sprintf(format, args...))
	}
	js, err := yamljson.ToJSON(data)
	if err != nil {
		return fail("%v", err)
	}
	if string(bytes.TrimSpace(js)) == "null" {
		// An empty file, or one with only comments: nothing suppressed.
		return Suppressions{Source: name}, nil
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(js, &top); err != nil || top == nil {
		return fail("want a mapping with a suppressions list")
	}
	for k := range top {
		if k != "suppressions" {
			return fail("unknown top-level key %q (want suppressions)", k)
		}
	}
	var raw []map[string]json.RawMessage
	if err := json.Unmarshal(top["suppressions"], &raw); err != nil {
		return fail("suppressions must be a list of mappings")
	}
	s := Suppressions{Source: name}
	for i, m := range raw {
		e, err := parseEntry(m)
		if err != nil {
			return fail("entry %d%s: %v", i+1, describeRaw(m), err)
		}
		s.Entries = append(s.Entries, e)
	}
	return s, nil
}

func parseEntry(m map[string]json.RawMessage) (SuppressionEntry, error) {
	var e SuppressionEntry
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(suppressionKeys, k) {
			return e, fmt.Errorf("unknown key %q (want %s)", k, strings.Join(suppressionKeys, ", "))
		}
	}
	fields := map[string]*string{"rule": &e.Rule, "resource": &e.Resource, "reason": &e.Reason, "expires": &e.Expires}
	for _, k := range suppressionKeys {
		v, ok := m[k]
		if !ok {
			continue
		}
		if err := json.Unmarshal(v, fields[k]); err != nil {
			return e, fmt.Errorf("%s must be a string, got %s", k, v)
		}
		*fields[k] = strings.TrimSpace(*fields[k])
	}
	for _, k := range []string{"rule", "resource", "reason"} {
		if *fields[k] == "" {
			return e, fmt.Errorf("%s is required", k)
		}
	}
	if e.Expires != "" {
		if _, err := time.Parse(time.DateOnly, e.Expires); err != nil {
			return e, fmt.Errorf("expires %q is not a YYYY-MM-DD date", e.Expires)
		}
	}
	return e, nil
}

// describeRaw names an entry by its rule and resource, when it has them.
func describeRaw(m map[string]json.RawMessage) string {
	var rule, res string
	_ = json.Unmarshal(m["rule"], &rule)
	_ = json.Unmarshal(m["resource"], &res)
	if rule == "" && res == "" {
		return ""
	}
	return fmt.Sprintf(" (rule %q, resource %q)", rule, res)
}

// CheckRules says which entry names a rule, or a rule pattern, that none
// of ids (every loaded rule, on or off) matches: it would waive nothing,
// so its author's intent (a typo, a rule since renamed) is lost silently.
func (s Suppressions) CheckRules(ids []string) error {
	for i, e := range s.Entries {
		if !slices.ContainsFunc(ids, e.matchesRule) {
			return fmt.Errorf("suppressions %s: entry %d (rule %q, resource %q): no rule matches %s (see `gatewatch rules`)", s.Source, i+1, e.Rule, e.Resource, e.Rule)
		}
	}
	return nil
}

func (e SuppressionEntry) String() string {
	return fmt.Sprintf("rule %s resource %s", e.Rule, e.Resource)
}

// expired reports whether the entry's last day is before now's (UTC) date.
// An unreadable date (only possible for entries built in code) counts as
// expired: it must not suppress forever.
func (e SuppressionEntry) expired(now time.Time) bool {
	if e.Expires == "" {
		return false
	}
	last, err := time.Parse(time.DateOnly, e.Expires)
	return err != nil || !now.UTC().Before(last.AddDate(0, 0, 1))
}

func (e SuppressionEntry) matches(f Finding) bool {
	return e.matchesRule(f.RuleID) && globMatch(e.Resource, f.Resource)
}

// matchesRule reports whether the entry's rule pattern matches id. Rule
// IDs are matched without regard to case, as waiver tags are.
func (e SuppressionEntry) matchesRule(id string) bool {
	return globMatch(strings.ToUpper(e.Rule), strings.ToUpper(id))
}

// Apply marks the findings that s or a waiver tag on the resource covers,
// then finalizes r. Findings already suppressed are left as they are; a
// file entry wins over a tag. It returns a warning for every expired entry:
// expired entries suppress nothing, so their findings are back.
func Apply(r *Report, s Suppressions, now time.Time) (warnings []string) {
	for i, e := range s.Entries {
		if e.expired(now) {
			warnings = append(warnings, fmt.Sprintf("suppressions %s: entry %d (%s) expired on %s and no longer suppresses anything",
				s.Source, i+1, e, e.Expires))
		}
	}
	tags := resourceTags(r.Snapshot)
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Suppression != nil {
			continue
		}
		for _, e := range s.Entries {
			if !e.expired(now) && e.matches(*f) {
				f.Suppression = &Suppression{Kind: "file", Reason: e.Reason, Expires: e.Expires}
				break
			}
		}
		if f.Suppression != nil {
			continue
		}
		for _, t := range tags[f.Resource] {
			if reason, ok := waiver(t[WaiverTag], f.RuleID); ok {
				f.Suppression = &Suppression{Kind: "tag", Reason: reason}
				break
			}
		}
	}
	r.Finalize()
	return warnings
}

// waiver reports whether a gatewatch:ignore tag value waives ruleID, and
// the reason it gives.
func waiver(value, ruleID string) (string, bool) {
	for _, item := range strings.Split(value, ",") {
		id, reason, _ := strings.Cut(strings.TrimSpace(item), ":")
		if strings.EqualFold(strings.TrimSpace(id), ruleID) {
			return cmp.Or(strings.TrimSpace(reason), "waived by the "+WaiverTag+" tag on the resource"), true
		}
	}
	return "", false
}

// resourceTags maps each ARN to its tag sets: its own, then its parent's
// (an API's for its stages, a load balancer's for its listeners and
// rules). Waiver tags count on either, since owners tag the thing they
// think of as the entry point.
func resourceTags(s *snapshot.Snapshot) map[string][]snapshot.Tags {
	out := make(map[string][]snapshot.Tags)
	if s == nil {
		return out
	}
	for _, r := range s.Resources() {
		if len(r.Tags) > 0 {
			out[r.ARN] = r.Tags
		}
	}
	return out
}

// globMatch matches s against an ARN pattern where "*" is any run of
// characters (slashes and colons included, unlike path.Match, because ARN
// resource parts nest with both) and "?" is any one character. A "*" in the
// pattern is always a wildcard, so it also matches a literal "*" in s, as
// in the wildcard custom domain ".../domainnames/*.example.com".
func globMatch(pattern, s string) bool {
	// Greedy matching that backtracks to the last star only: a later star
	// can always absorb what an earlier one would have, so O(len(p)*len(s))
	// at worst, never exponential, and no pattern is ever malformed. The
	// star is tested before the literal comparison: testing the literal
	// first consumed a "*" in s as if it were a plain character and never
	// retried it as a wildcard.
	p, str := []rune(pattern), []rune(s)
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(str) {
		switch {
		// The star first: a '*' in the pattern is a wildcard even where s
		// holds a '*' too, or "x*" would fail to match "x*y".
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(p) && (p[pi] == '?' || p[pi] == str[si]):
			pi++
			si++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
