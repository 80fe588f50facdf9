package snapshot

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Coverage states. Only failed and partial are gaps: not_collected is a
// dataset a run did not read on purpose (out of its scope, or one the
// input's source cannot provide), which limits what can be judged without
// being a fault of the scan.
const (
	Complete     = "complete"
	Failed       = "failed"
	Partial      = "partial"
	NotCollected = "not_collected"
)

// GlobalRegion is the scope of the account-wide services (CloudFront,
// Shield, CLOUDFRONT-scope WAF): their resources, coverage and errors are
// recorded under it, whatever region their control plane answers in.
const GlobalRegion = "global"

// Coverage says how completely one dataset was read in one account and
// region (or GlobalRegion). It is what lets a report claim an absence:
// "no web ACL" only where the web ACL associations were read completely.
type Coverage struct {
	Account string `json:"account"`
	Region  string `json:"region"`
	Dataset string `json:"dataset"`
	// State is complete, failed, partial or not_collected.
	State string `json:"state"`
	// Resources lists, for a partial dataset, the resources whose own
	// reads failed (the ARNs the per-resource calls were for).
	Resources []string `json:"resources,omitempty"`
	// Reason says why a dataset was not collected by design.
	Reason string `json:"reason,omitempty"`
}

// Gap reports whether the state leaves the data unknown through a fault.
func (c Coverage) Gap() bool { return c.State == Failed || c.State == Partial }

// Dataset scopes: where a dataset's coverage is recorded.
const (
	// Regional datasets are read in every region.
	Regional = "regional"
	// Global datasets are read once per account, under GlobalRegion.
	Global = "global"
	// Both are read in every region and once globally (WAF: REGIONAL and
	// CLOUDFRONT scope web ACLs).
	Both = "both"
)

// Dataset is one kind of data the collector reads with one set of calls.
// Rules declare the datasets they read (METADATA custom.inputs), and a
// rule is evaluated for a resource only where those were read completely.
type Dataset struct {
	Name  string
	Scope string
	// Paths are where the dataset lands in the snapshot's JSON form, as
	// dotted paths of field names through lists ("load_balancers.tags").
	Paths []string
	// Operations are the "service:Operation" calls that read it; a failed
	// call of one of them is a gap in this dataset.
	Operations []string
	// Actions are the IAM permissions to grant when the calls are denied.
	Actions []string
}

// dependsOn names the datasets whose reading decides what else is read:
// Shield protections are listed only under an active subscription;
// Lambda functions, security groups and metrics are read only for what
// the target groups, integrations, authorizers, load balancers and stages
// name. When those are unknown, so is what depends on them.
var dependsOn = map[string][]string{
	"shield_protections": {"shield_subscription"},
	"lambda_functions":   {"target_health", "rest_resources", "rest_authorizers", "v2_integrations", "v2_authorizers"},
	"security_groups":    {"load_balancers"},
	"metrics":            {"rest_stages", "v2_stages", "load_balancers"},
}

// Datasets lists every dataset the collector reads: the one table that
// maps calls to data, and data to the rules that need it.
var Datasets = []Dataset{
	{"apigateway_accounts", Regional, []string{"apigateway_accounts"}, []string{"apigateway:GetAccount"}, []string{"apigateway:GET"}},
	{"rest_apis", Regional, []string{"rest_apis"}, []string{"apigateway:GetRestApis"}, []string{"apigateway:GET"}},
	{"rest_resources", Regional, []string{"rest_apis.resources"}, []string{"apigateway:GetResources"}, []string{"apigateway:GET"}},
	{"rest_stages", Regional, []string{"rest_apis.stages"}, []string{"apigateway:GetStages"}, []string{"apigateway:GET"}},
	{"rest_authorizers", Regional, []string{"rest_apis.authorizers"}, []string{"apigateway:GetAuthorizers"}, []string{"apigateway:GET"}},
	{"rest_request_validators", Regional, []string{"rest_apis.request_validators"}, []string{"apigateway:GetRequestValidators"}, []string{"apigateway:GET"}},
	{"usage_plans", Regional, []string{"usage_plans"}, []string{"apigateway:GetUsagePlans"}, []string{"apigateway:GET"}},
	{"vpc_links", Regional, []string{"vpc_links"}, []string{"apigateway:GetVpcLinks", "apigatewayv2:GetVpcLinks"}, []string{"apigateway:GET"}},
	{"domain_names", Regional, []string{"domain_names"}, []string{"apigateway:GetDomainNames", "apigatewayv2:GetDomainNames"}, []string{"apigateway:GET"}},
	{"domain_mappings", Regional, []string{"domain_names.mappings"}, []string{"apigateway:GetBasePathMappings", "apigatewayv2:GetApiMappings"}, []string{"apigateway:GET"}},
	{"v2_apis", Regional, []string{"v2_apis"}, []string{"apigatewayv2:GetApis"}, []string{"apigateway:GET"}},
	{"v2_routes", Regional, []string{"v2_apis.routes"}, []string{"apigatewayv2:GetRoutes"}, []string{"apigateway:GET"}},
	{"v2_integrations", Regional, []string{"v2_apis.integrations"}, []string{"apigatewayv2:GetIntegrations"}, []string{"apigateway:GET"}},
	{"v2_stages", Regional, []string{"v2_apis.stages"}, []string{"apigatewayv2:GetStages"}, []string{"apigateway:GET"}},
	{"v2_authorizers", Regional, []string{"v2_apis.authorizers"}, []string{"apigatewayv2:GetAuthorizers"}, []string{"apigateway:GET"}},
	{"load_balancers", Regional, []string{"load_balancers"}, []string{"elasticloadbalancingv2:DescribeLoadBalancers"}, []string{"elasticloadbalancing:DescribeLoadBalancers"}},
	{"load_balancer_attributes", Regional, []string{"load_balancers.attributes"}, []string{"elasticloadbalancingv2:DescribeLoadBalancerAttributes"}, []string{"elasticloadbalancing:DescribeLoadBalancerAttributes"}},
	{"listeners", Regional, []string{"load_balancers.listeners"}, []string{"elasticloadbalancingv2:DescribeListeners"}, []string{"elasticloadbalancing:DescribeListeners"}},
	{"listener_rules", Regional, []string{"load_balancers.listeners.rules"}, []string{"elasticloadbalancingv2:DescribeRules"}, []string{"elasticloadbalancing:DescribeRules"}},
	{"target_groups", Regional, []string{"target_groups"}, []string{"elasticloadbalancingv2:DescribeTargetGroups"}, []string{"elasticloadbalancing:DescribeTargetGroups"}},
	{"target_group_attributes", Regional, []string{"target_groups.attributes"}, []string{"elasticloadbalancingv2:DescribeTargetGroupAttributes"}, []string{"elasticloadbalancing:DescribeTargetGroupAttributes"}},
	{"target_health", Regional, []string{"target_groups.targets"}, []string{"elasticloadbalancingv2:DescribeTargetHealth"}, []string{"elasticloadbalancing:DescribeTargetHealth"}},
	{"elb_tags", Regional, []string{"load_balancers.tags", "load_balancers.listeners.tags", "load_balancers.listeners.rules.tags", "target_groups.tags"},
		[]string{"elasticloadbalancingv2:DescribeTags"}, []string{"elasticloadbalancing:DescribeTags"}},
	{"security_groups", Regional, []string{"security_groups"}, []string{"ec2:DescribeSecurityGroups"}, []string{"ec2:DescribeSecurityGroups"}},
	{"web_acls", Both, []string{"web_acls"}, []string{"wafv2:ListWebACLs", "wafv2:GetWebACL"}, []string{"wafv2:ListWebACLs", "wafv2:GetWebACL"}},
	{"web_acl_associations", Regional, []string{"web_acls.associated_resources"},
		[]string{"wafv2:ListResourcesForWebACL", "wafv2:GetWebACLForResource"}, []string{"wafv2:ListResourcesForWebACL"}},
	{"web_acl_tags", Both, []string{"web_acls.tags"}, []string{"wafv2:ListTagsForResource"}, []string{"wafv2:ListTagsForResource"}},
	{"lambda_functions", Regional, []string{"lambda_functions"}, []string{"lambda:GetFunction"}, []string{"lambda:GetFunction"}},
	{"cloudfront_distributions", Global, []string{"cloudfront_distributions"}, []string{"cloudfront:ListDistributions"}, []string{"cloudfront:ListDistributions"}},
	{"distribution_configs", Global, []string{"cloudfront_distributions.logging_enabled"}, []string{"cloudfront:GetDistributionConfig"}, []string{"cloudfront:GetDistributionConfig"}},
	{"distribution_tags", Global, []string{"cloudfront_distributions.tags"}, []string{"cloudfront:ListTagsForResource"}, []string{"cloudfront:ListTagsForResource"}},
	{"shield_subscription", Global, []string{"accounts.shield_advanced"}, []string{"shield:DescribeSubscription"}, []string{"shield:DescribeSubscription"}},
	{"shield_protections", Global, []string{"shield_protections"}, []string{"shield:ListProtections"}, []string{"shield:ListProtections"}},
	{"alarms", Regional, []string{"alarms"}, []string{"cloudwatch:DescribeAlarms"}, []string{"cloudwatch:DescribeAlarms"}},
	{"metrics", Regional, []string{"metrics"}, []string{"cloudwatch:GetMetricData"}, []string{"cloudwatch:GetMetricData"}},
}

// DatasetByName returns the dataset called name.
func DatasetByName(name string) (Dataset, bool) {
	i := slices.IndexFunc(Datasets, func(d Dataset) bool { return d.Name == name })
	if i < 0 {
		return Dataset{}, false
	}
	return Datasets[i], true
}

// WithParents adds to names the datasets they sit inside, by path (the
// listeners of listener_rules, the load balancers of listeners), and the
// datasets whose reading decides what of them is read (dependsOn), each
// with theirs in turn. Unknown names are kept; the result is sorted and
// unique.
func WithParents(names []string) []string {
	out := slices.Clone(names)
	for _, name := range names {
		out = append(out, parents[name]...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// parents maps each dataset to the datasets it sits inside or depends on,
// transitively: the table is fixed, so the closure is computed once.
var parents = func() map[string][]string {
	direct := map[string][]string{}
	for _, d := range Datasets {
		direct[d.Name] = append(direct[d.Name], dependsOn[d.Name]...)
		for _, p := range d.Paths {
			for parent := p; strings.Contains(parent, "."); {
				parent = parent[:strings.LastIndex(parent, ".")]
				for _, other := range Datasets {
					if slices.Contains(other.Paths, parent) {
						direct[d.Name] = append(direct[d.Name], other.Name)
					}
				}
			}
		}
	}
	closure := map[string][]string{}
	for _, d := range Datasets {
		var out []string
		for queue := slices.Clone(direct[d.Name]); len(queue) > 0; queue = queue[1:] {
			if !slices.Contains(out, queue[0]) {
				out = append(out, queue[0])
				queue = append(queue, direct[queue[0]]...)
			}
		}
		closure[d.Name] = out
	}
	return closure
}()

// WithoutDataset returns a copy of s without the data of one dataset, as
// if it had never been read: the fields at the dataset's paths dropped,
// with everything they hold. Tests use it to show what depends on what.
func WithoutDataset(s *Snapshot, name string) (*Snapshot, error) {
	d, ok := DatasetByName(name)
	if !ok {
		return nil, fmt.Errorf("unknown dataset %s", name)
	}
	data, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	for _, p := range d.Paths {
		AtPath(doc, p, func(obj map[string]any, key string) { delete(obj, key) })
	}
	if data, err = json.Marshal(doc); err != nil {
		return nil, err
	}
	var out Snapshot
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// AtPath calls visit with every object of a snapshot's JSON form (as
// decoded into any) that holds the last field of a dataset path
// ("load_balancers.listeners.tags"), through the lists on the way, and
// that field's name.
func AtPath(doc any, path string, visit func(obj map[string]any, key string)) {
	var walk func(node any, parts []string)
	walk = func(node any, parts []string) {
		switch n := node.(type) {
		case []any:
			for _, e := range n {
				walk(e, parts)
			}
		case map[string]any:
			if len(parts) == 1 {
				visit(n, parts[0])
			} else {
				walk(n[parts[0]], parts[1:])
			}
		}
	}
	walk(doc, strings.Split(path, "."))
}

// DatasetNames lists every dataset name in table order.
func DatasetNames() []string {
	out := make([]string, len(Datasets))
	for i, d := range Datasets {
		out[i] = d.Name
	}
	return out
}

// InScope reports whether the dataset is recorded under region (a region
// name or GlobalRegion).
func (d Dataset) InScope(region string) bool {
	if region == GlobalRegion {
		return d.Scope != Regional
	}
	return d.Scope != Global
}

// datasetsByOperation maps "service:Operation" to the dataset it reads.
var datasetsByOperation = func() map[string]string {
	m := map[string]string{}
	for _, d := range Datasets {
		for _, op := range d.Operations {
			m[op] = d.Name
		}
	}
	return m
}()

// Operations that reach an account at all: when they fail, nothing of the
// account was read, in any region.
var accountOperations = map[string]bool{"sts:AssumeRole": true, "ec2:DescribeRegions": true}

// WholeAccount reports whether the error is a failure to reach the account
// at all, which leaves every dataset of every region unknown.
func (e CollectionError) WholeAccount() bool { return accountOperations[e.Service+":"+e.Operation] }

// interruptedOperation is the operation of the errors that mark a unit of
// work as unfinished (an interrupted scan): service "all" for every
// dataset of the scope, or one service for its datasets.
const interruptedOperation = "Collect"

// Affects reports whether a failed call leaves dataset unknown: a call that
// reads it, an interruption of its service or of everything, or a failure
// to reach the account at all.
func (e CollectionError) Affects(dataset string) bool {
	switch {
	case e.WholeAccount(), e.Operation == interruptedOperation && e.Service == "all":
		return true
	case e.Operation == interruptedOperation:
		d, _ := DatasetByName(dataset)
		return slices.ContainsFunc(d.Operations, func(op string) bool { return strings.HasPrefix(op, e.Service+":") })
	}
	return datasetsByOperation[e.Service+":"+e.Operation] == dataset
}

// wholeScope reports whether the error leaves a dataset unknown for every
// resource rather than for the resources it names.
func (e CollectionError) wholeScope() bool {
	return len(e.Resources) == 0 || e.WholeAccount() || e.Operation == interruptedOperation
}

// CoverageOf derives the coverage of the datasets read for one account in
// one region (or GlobalRegion) from the errors recorded there: a failed
// listing leaves the dataset failed, failed per-resource reads leave it
// partial with those resources, and no error means complete. A failure to
// reach the account fails every dataset in every region.
func CoverageOf(account, region string, datasets []string, errs []CollectionError) []Coverage {
	out := make([]Coverage, 0, len(datasets))
	for _, name := range datasets {
		c := Coverage{Account: account, Region: region, Dataset: name, State: Complete}
		for _, e := range errs {
			if e.Account != account || !e.Affects(name) {
				continue
			}
			if e.Region != region && !e.WholeAccount() {
				continue
			}
			switch {
			case e.wholeScope():
				c.State, c.Resources = Failed, nil
			case c.State != Failed:
				c.State = Partial
				c.Resources = append(c.Resources, e.Resources...)
			}
		}
		c.Resources = slices.Compact(slices.Sorted(slices.Values(c.Resources)))
		out = append(out, c)
	}
	// A dataset whose parent or deciding dataset failed was never asked
	// for: no error names it, but it is as unknown (the associations of web
	// ACLs that could not be listed).
	failed := map[string]bool{}
	for _, c := range out {
		failed[c.Dataset] = c.State == Failed
	}
	for i, c := range out {
		if slices.ContainsFunc(parents[c.Dataset], func(p string) bool { return failed[p] }) {
			out[i].State, out[i].Resources = Failed, nil
		}
	}
	return out
}

// ScopeDatasets lists the datasets recorded under region (a region name
// or GlobalRegion).
func ScopeDatasets(region string) []string {
	var out []string
	for _, d := range Datasets {
		if d.InScope(region) {
			out = append(out, d.Name)
		}
	}
	return out
}

// deriveCoverage fills the coverage of a snapshot written before coverage
// was recorded (schema version 1): every dataset of every account and
// region in scope, and of each account's global scope, complete except
// where a recorded error says otherwise. Version 1 recorded the errors of
// the global services under us-east-1; they are read as global here
// (WAF's under both, since its REGIONAL and CLOUDFRONT calls were not told
// apart).
func (s *Snapshot) deriveCoverage() {
	errs := slices.Clone(s.Errors)
	for _, e := range s.Errors {
		if e.Region != "us-east-1" {
			continue
		}
		switch e.Service {
		case "cloudfront", "shield", "wafv2":
			g := e
			g.Region = GlobalRegion
			errs = append(errs, g)
		}
	}
	s.coverScope(errs)
}

// CoverWholeScope records a snapshot built whole, such as a generated
// world, as read: every dataset of every account and region in scope, and
// of each account's global scope, complete except where one of its
// recorded errors says otherwise.
func (s *Snapshot) CoverWholeScope() { s.coverScope(s.Errors) }

func (s *Snapshot) coverScope(errs []CollectionError) {
	for _, acct := range s.Scope.Accounts {
		for _, region := range append(slices.Clone(s.Scope.Regions), GlobalRegion) {
			s.Coverage = append(s.Coverage, CoverageOf(acct, region, ScopeDatasets(region), errs)...)
		}
	}
}

// SortCoverage orders coverage by account, region and dataset, merging
// entries of one key (the worst state wins; partial resources add up).
func SortCoverage(cov []Coverage) []Coverage {
	cov = nonNil(cov)
	slices.SortFunc(cov, func(a, b Coverage) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region), cmp.Compare(a.Dataset, b.Dataset))
	})
	out := cov[:0]
	for _, c := range cov {
		c.Resources = slices.Compact(slices.Sorted(slices.Values(c.Resources)))
		if n := len(out); n > 0 && out[n-1].Account == c.Account && out[n-1].Region == c.Region && out[n-1].Dataset == c.Dataset {
			out[n-1] = worse(out[n-1], c)
			continue
		}
		out = append(out, c)
	}
	return out
}

// stateRank orders states from best to worst.
var stateRank = map[string]int{Complete: 0, NotCollected: 1, Partial: 2, Failed: 3}

func worse(a, b Coverage) Coverage {
	if a.State == Partial && b.State == Partial {
		a.Resources = slices.Compact(slices.Sorted(slices.Values(append(a.Resources, b.Resources...))))
		return a
	}
	if stateRank[b.State] > stateRank[a.State] {
		return b
	}
	return a
}

// CoverageIndex answers coverage questions by account, region and dataset.
type CoverageIndex struct {
	byKey map[coverageKey]Coverage
	// regions lists the regions (not GlobalRegion) recorded per account.
	regions map[string][]string
	scopes  [][2]string
}

type coverageKey struct{ account, region, dataset string }

// IndexCoverage indexes the snapshot's coverage.
func (s *Snapshot) IndexCoverage() *CoverageIndex {
	ix := &CoverageIndex{byKey: make(map[coverageKey]Coverage, len(s.Coverage)), regions: map[string][]string{}}
	seen := map[[2]string]bool{}
	for _, c := range s.Coverage {
		ix.byKey[coverageKey{c.Account, c.Region, c.Dataset}] = c
		scope := [2]string{c.Account, c.Region}
		if seen[scope] {
			continue
		}
		seen[scope] = true
		ix.scopes = append(ix.scopes, scope)
		if c.Region != GlobalRegion {
			ix.regions[c.Account] = append(ix.regions[c.Account], c.Region)
		}
	}
	for _, rs := range ix.regions {
		slices.Sort(rs)
	}
	slices.SortFunc(ix.scopes, func(a, b [2]string) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	return ix
}

// Get returns the coverage of one dataset in one scope; ok is false when
// the run recorded nothing there (the scope was not reached at all).
func (ix *CoverageIndex) Get(account, region, dataset string) (Coverage, bool) {
	c, ok := ix.byKey[coverageKey{account, region, dataset}]
	return c, ok
}

// Needed lists the coverage keys a judgement about a resource in account
// and region needs for one dataset: a regional resource reads regional
// data of its own region and global data of its account; a global resource
// (CloudFront) reads global data and the regional data of every region of
// its account.
func (ix *CoverageIndex) Needed(account, region string, d Dataset) []Coverage {
	var scopes []string
	switch {
	case region == GlobalRegion:
		if d.Scope != Regional {
			scopes = append(scopes, GlobalRegion)
		}
		if d.Scope != Global {
			scopes = append(scopes, ix.regions[account]...)
		}
	default:
		if d.Scope != Global {
			scopes = append(scopes, region)
		}
		if d.Scope != Regional {
			scopes = append(scopes, GlobalRegion)
		}
	}
	out := make([]Coverage, 0, len(scopes))
	for _, r := range scopes {
		c, ok := ix.Get(account, r, d.Name)
		if !ok {
			// Nothing recorded: the scope was never reached (its account's
			// role failed), which leaves the data as unknown as a failure.
			c = Coverage{Account: account, Region: r, Dataset: d.Name, State: Failed}
		}
		out = append(out, c)
	}
	return out
}

// Scopes lists the account/region pairs that have coverage records, sorted,
// GlobalRegion included.
func (ix *CoverageIndex) Scopes() [][2]string { return ix.scopes }
