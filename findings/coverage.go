package findings

import (
	"cmp"
	"iter"
	"slices"
	"strings"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// NotEvaluated says a rule could not be judged, for one resource (Resource
// is exactly the ARN its finding would carry) or for a whole account and
// region (Resource empty), because an input it reads was not read there.
type NotEvaluated struct {
	RuleID       string `json:"rule_id"`
	Account      string `json:"account"`
	Region       string `json:"region"`
	Resource     string `json:"resource"`
	ResourceType string `json:"resource_type,omitempty"`
	// Inputs are the datasets that were missing.
	Inputs []string `json:"inputs"`
	// Permissions are the IAM actions whose calls read those inputs: what
	// to grant when the calls were denied.
	Permissions []string `json:"permissions"`
	// Errors are the failed calls behind the missing inputs, one per
	// operation, region and code; report.errors has every one.
	Errors []snapshot.CollectionError `json:"errors"`
	// Gap is false when every missing input was not collected by design
	// (a Terraform plan has no metrics): that limits the report without
	// being a fault of the run.
	Gap bool `json:"gap"`
}

// RuleOutcome counts what one rule concluded. Failed, Passed and
// NotEvaluated count resources of the rule's types (NotEvaluated also
// counts each whole account-region the rule could not look into);
// NotApplicable counts the account-regions it judged that hold none of
// its resource types.
type RuleOutcome struct {
	Failed        int `json:"failed"`
	Passed        int `json:"passed"`
	NotEvaluated  int `json:"not_evaluated"`
	NotApplicable int `json:"not_applicable"`
}

// missing is what one rule lacks for one resource type in one scope.
type missing struct {
	datasets []string
	gap      bool
	errors   []snapshot.CollectionError
}

// coverageJudge answers coverage questions about one report's snapshot.
type coverageJudge struct {
	cov    *snapshot.CoverageIndex
	errors []snapshot.CollectionError
	// memo remembers each answer of missing: every finding of a rule in
	// one account-region asks the same question.
	memo map[memoKey]missing
}

// memoKey is one question to missing: a scope and a dataSet's key.
type memoKey struct{ account, region, datasets string }

// dataSet is a list of datasets with its key for the judge's memo,
// made once for the many scopes and findings that ask about it.
type dataSet struct {
	names []string
	key   string
}

func datasetsOf(names []string) dataSet {
	return dataSet{names: names, key: strings.Join(names, ",")}
}

func newJudge(snap *snapshot.Snapshot) *coverageJudge {
	if snap == nil {
		snap = &snapshot.Snapshot{}
	}
	return judgeOf(snap.IndexCoverage(), snap.Errors)
}

func judgeOf(cov *snapshot.CoverageIndex, errs []snapshot.CollectionError) *coverageJudge {
	return &coverageJudge{cov: cov, errors: errs, memo: map[memoKey]missing{}}
}

// Needs lists the datasets a rule reads to judge a resource of type typ:
// its declaration for that type, or for every type, or every dataset when
// it declares none (user rules written before inputs existed), with the
// datasets they sit inside (listener rules need the listeners, which need
// the load balancers).
func (r Rule) Needs(typ string) []string {
	names, ok := r.InputsByType[typ]
	if !ok {
		names = r.Inputs
	}
	if names == nil {
		return snapshot.DatasetNames()
	}
	return snapshot.WithParents(names)
}

// missing reports which of the datasets are not complete for a judgement
// about a resource in account and region.
func (j *coverageJudge) missing(datasets dataSet, account, region string) missing {
	key := memoKey{account, region, datasets.key}
	if m, ok := j.memo[key]; ok {
		return m
	}
	var m missing
	for _, name := range datasets.names {
		d, ok := snapshot.DatasetByName(name)
		if !ok {
			continue
		}
		bad := false
		for _, c := range j.cov.Needed(account, region, d) {
			if c.State == snapshot.Complete {
				continue
			}
			bad = true
			if c.State != snapshot.NotCollected {
				m.gap = true
			}
			m.errors = append(m.errors, j.errorsFor(c)...)
		}
		if bad {
			m.datasets = append(m.datasets, name)
		}
	}
	m.errors = distinctErrors(m.errors)
	j.memo[key] = m
	return m
}

// errorsFor lists the recorded errors that left a coverage entry
// incomplete.
func (j *coverageJudge) errorsFor(c snapshot.Coverage) []snapshot.CollectionError {
	var out []snapshot.CollectionError
	for _, e := range j.errors {
		if e.Account == c.Account && e.Affects(c.Dataset) && (e.Region == c.Region || e.WholeAccount()) {
			out = append(out, e)
		}
	}
	return out
}

// distinctErrors keeps one error per region, operation and code, without
// the resources it named: a not-evaluated entry says which call failed,
// report.errors says for what.
func distinctErrors(errs []snapshot.CollectionError) []snapshot.CollectionError {
	out := make([]snapshot.CollectionError, 0, len(errs))
	for _, e := range errs {
		e.Resources = nil
		out = append(out, e)
	}
	out = snapshot.SortErrors(out)
	return slices.CompactFunc(out, func(a, b snapshot.CollectionError) bool {
		return a.Account == b.Account && a.Region == b.Region && a.Service == b.Service && a.Operation == b.Operation && a.Code == b.Code
	})
}

func (m missing) entry(ruleID, account, region, resource, typ string) NotEvaluated {
	perms := []string{}
	for _, name := range m.datasets {
		d, _ := snapshot.DatasetByName(name)
		perms = append(perms, d.Actions...)
	}
	slices.Sort(perms)
	return NotEvaluated{RuleID: ruleID, Account: account, Region: region, Resource: resource, ResourceType: typ,
		Inputs: slices.Clone(m.datasets), Permissions: slices.Compact(perms), Errors: m.errors, Gap: m.gap}
}

// Judge separates what the rules could claim from what they could not: a
// finding whose rule lacks an input for its resource's account and region
// becomes a not-evaluated entry instead, every account-region where a rule
// could not look is listed, and each rule's outcomes are counted. It is
// called once, on the raw findings of an evaluation, and reads
// r.Snapshot.
func (r *Report) Judge() {
	snap := r.Snapshot
	if snap == nil {
		snap = &snapshot.Snapshot{}
	}
	r.JudgeWith(snap.IndexCoverage(), snap.Errors, func(yield func(Placed) bool) {
		for _, res := range snap.Resources() {
			if !yield(Placed{ARN: res.ARN, Type: res.Type, Account: res.Account, Region: res.Region}) {
				return
			}
		}
	})
}

// Placed is where one resource lives: what judging needs of it.
type Placed struct{ ARN, Type, Account, Region string }

// JudgeWith is Judge given what it needs of the snapshot apart from it:
// the coverage index, the collection errors and every resource (in any
// order), so that an evaluation can judge its findings before it has read
// the snapshot back.
func (r *Report) JudgeWith(cov *snapshot.CoverageIndex, errs []snapshot.CollectionError, resources iter.Seq[Placed]) {
	j := judgeOf(cov, errs)
	r.judge = j
	rules := map[string]Rule{}
	for _, rule := range r.Rules {
		rules[rule.ID] = rule
	}
	needs := map[[2]string]dataSet{} // rule ID, resource type -> datasets
	kept := r.Findings[:0]
	for _, f := range r.Findings {
		key := [2]string{f.RuleID, f.ResourceType}
		if _, ok := needs[key]; !ok {
			needs[key] = datasetsOf(rules[f.RuleID].Needs(f.ResourceType))
		}
		needs := needs[key]
		if len(f.Inputs) > 0 {
			needs = datasetsOf(snapshot.WithParents(f.Inputs))
		}
		if m := j.missing(needs, f.Account, f.Region); len(m.datasets) > 0 {
			r.NotEvaluated = append(r.NotEvaluated, m.entry(f.RuleID, f.Account, f.Region, f.Resource, f.ResourceType))
			continue
		}
		kept = append(kept, f)
	}
	r.Findings = kept

	// Resources by rule type and scope, for the outcome counts.
	type scopeKey struct{ typ, account, region string }
	byScope := map[scopeKey][]string{}
	for res := range resources {
		k := scopeKey{res.Type, res.Account, res.Region}
		byScope[k] = append(byScope[k], res.ARN)
	}
	failed := map[string]map[string]bool{}
	for _, f := range r.Findings {
		if failed[f.RuleID] == nil {
			failed[f.RuleID] = map[string]bool{}
		}
		failed[f.RuleID][f.Resource] = true
	}
	r.ByRule = map[string]RuleOutcome{}
	for _, rule := range r.Rules {
		if !rule.Enabled {
			continue
		}
		var o RuleOutcome
		judged := map[string]bool{}
		typeNeeds := make([]dataSet, len(rule.ResourceTypes))
		for i, typ := range rule.ResourceTypes {
			typeNeeds[i] = datasetsOf(rule.Needs(typ))
		}
		for _, scope := range j.cov.Scopes() {
			account, region := scope[0], scope[1]
			found, gapped := false, false
			for i, typ := range rule.ResourceTypes {
				// A type lives in one kind of scope: CloudFront and Shield
				// under GlobalRegion, everything else in regions.
				if snapshot.TypeIsGlobal(typ) != (region == snapshot.GlobalRegion) {
					continue
				}
				arns := byScope[scopeKey{typ, account, region}]
				m := j.missing(typeNeeds[i], account, region)
				if len(m.datasets) > 0 {
					// Listed when there is something it could not judge: a
					// resource of the type, or a listing that failed.
					listing := j.missing(datasetsOf(snapshot.WithParents([]string{snapshot.ListingOf(typ)})), account, region)
					if len(arns) > 0 || len(listing.datasets) > 0 {
						r.NotEvaluated = append(r.NotEvaluated, m.entry(rule.ID, account, region, "", typ))
						o.NotEvaluated += max(len(arns), 1)
						gapped = true
					}
					continue
				}
				found = found || len(arns) > 0
				for _, arn := range arns {
					if failed[rule.ID][arn] {
						o.Failed++
						judged[arn] = true // only failed ones are looked up below
					} else {
						o.Passed++
					}
				}
			}
			if !found && !gapped && len(rule.ResourceTypes) > 0 {
				o.NotApplicable++
			}
		}
		// Findings on resources outside the rule's declared types still
		// count as failed.
		for arn := range failed[rule.ID] {
			if !judged[arn] {
				o.Failed++
			}
		}
		r.ByRule[rule.ID] = o
	}
}

// sortNotEvaluated orders entries by rule, account, region and resource,
// whole scopes first, and drops repeats.
func sortNotEvaluated(es []NotEvaluated) []NotEvaluated {
	if es == nil {
		return []NotEvaluated{}
	}
	slices.SortFunc(es, func(a, b NotEvaluated) int {
		return cmp.Or(cmp.Compare(a.RuleID, b.RuleID), cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region),
			cmp.Compare(a.Resource, b.Resource), cmp.Compare(a.ResourceType, b.ResourceType))
	})
	return slices.CompactFunc(es, func(a, b NotEvaluated) bool {
		return a.RuleID == b.RuleID && a.Account == b.Account && a.Region == b.Region && a.Resource == b.Resource && a.ResourceType == b.ResourceType
	})
}

// gapGroup is what people read of the not-evaluated entries: per account,
// region and missing inputs, which rules could not look, at how many
// resources, and what to grant.
type gapGroup struct {
	Account, Region string
	Inputs          []string
	Permissions     []string
	Rules           []string
	// Resources counts the resources named; a whole account-region counts
	// once more per rule.
	Resources int
	Codes     []string
	Gap       bool
}

// gapGroups groups r.NotEvaluated for the human formats, in report order.
func gapGroups(r *Report) []gapGroup {
	var out []gapGroup
	index := map[string]int{}
	for _, e := range r.NotEvaluated {
		key := e.Account + "\x00" + e.Region + "\x00" + strings.Join(e.Inputs, ",")
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, gapGroup{Account: e.Account, Region: e.Region, Inputs: e.Inputs, Permissions: e.Permissions})
		}
		g := &out[i]
		if !slices.Contains(g.Rules, e.RuleID) {
			g.Rules = append(g.Rules, e.RuleID)
		}
		if e.Resource != "" {
			g.Resources++
		}
		for _, err := range e.Errors {
			if !slices.Contains(g.Codes, err.Code) {
				g.Codes = append(g.Codes, err.Code)
			}
		}
		g.Gap = g.Gap || e.Gap
	}
	return out
}

// Advice says what to do about a group: grant the permissions when the
// calls were refused, else retry, else (not collected by design) nothing.
func (g gapGroup) Advice() string {
	if !g.Gap {
		return "not collected by design"
	}
	for _, c := range g.Codes {
		if strings.Contains(c, "AccessDenied") || strings.Contains(c, "Unauthorized") || strings.Contains(c, "Forbidden") {
			return "grant " + strings.Join(g.Permissions, ", ")
		}
	}
	if len(g.Codes) == 0 {
		return "grant " + strings.Join(g.Permissions, ", ") + " or scan the account again"
	}
	return strings.Join(g.Codes, ", ") + ": scan again (needs " + strings.Join(g.Permissions, ", ") + ")"
}
