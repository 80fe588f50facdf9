package findings

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// perTypeRule reads REST data for REST APIs and v2 data for v2 APIs, as
// GW102 declares.
func perTypeRule() Rule {
	return Rule{
		ID: "GW102", Enabled: true, Severity: Medium,
		ResourceTypes: []string{snapshot.TypeRestAPI, snapshot.TypeV2API},
		Inputs:        []string{"rest_stages", "v2_stages", "vpc_links"},
		InputsByType: map[string][]string{
			snapshot.TypeRestAPI: {"rest_stages", "vpc_links"},
			snapshot.TypeV2API:   {"v2_stages", "vpc_links"},
		},
	}
}

func TestRuleNeedsByType(t *testing.T) {
	t.Parallel()
	r := perTypeRule()
	// The datasets the declared ones sit in come along.
	if diff := cmp.Diff([]string{"rest_apis", "rest_stages", "vpc_links"}, r.Needs(snapshot.TypeRestAPI)); diff != "" {
		t.Errorf("REST API needs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"v2_apis", "v2_stages", "vpc_links"}, r.Needs(snapshot.TypeV2API)); diff != "" {
		t.Errorf("v2 API needs (-want +got):\n%s", diff)
	}
	// A type the map leaves out needs the whole list.
	if got := r.Needs(snapshot.TypeLoadBalancer); !slices.Contains(got, "rest_stages") || !slices.Contains(got, "v2_stages") {
		t.Errorf("a type the map does not name needs %v, want the whole list", got)
	}
	if got := (Rule{}).Needs(snapshot.TypeRestAPI); len(got) != len(snapshot.Datasets) {
		t.Errorf("a rule without inputs needs %v, want every dataset", got)
	}
}

// TestJudgeWithholdsByType: with v2 stages not read, a per-type rule's
// finding on a v2 API is not evaluated and its finding on a REST API
// stands.
func TestJudgeWithholdsByType(t *testing.T) {
	t.Parallel()
	const acct, region = "111122223333", "eu-west-1"
	const rest, v2 = "arn:aws:apigateway:eu-west-1::/restapis/r1", "arn:aws:apigateway:eu-west-1::/apis/h1"
	snap := &snapshot.Snapshot{
		RestAPIs: []snapshot.RestAPI{{ARN: rest, Account: acct, Region: region, ID: "r1"}},
		V2APIs:   []snapshot.V2API{{ARN: v2, Account: acct, Region: region, ID: "h1"}},
		Coverage: snapshot.CoverageOf(acct, region, snapshot.ScopeDatasets(region), nil),
	}
	for i, c := range snap.Coverage {
		if c.Dataset == "v2_stages" {
			snap.Coverage[i].State = snapshot.NotCollected
		}
	}
	r := &Report{
		Snapshot: snap,
		Rules:    []Rule{perTypeRule()},
		Findings: []Finding{
			{RuleID: "GW102", Resource: rest, ResourceType: snapshot.TypeRestAPI, Account: acct, Region: region},
			{RuleID: "GW102", Resource: v2, ResourceType: snapshot.TypeV2API, Account: acct, Region: region},
		},
	}
	r.Judge()
	if len(r.Findings) != 1 || r.Findings[0].Resource != rest {
		t.Errorf("findings after judging: %+v, want the REST API's only", r.Findings)
	}
	// The v2 API, and the v2 APIs of the account-region as a whole; no
	// REST API.
	var got [][2]string
	for _, e := range r.NotEvaluated {
		got = append(got, [2]string{e.ResourceType, e.Resource})
		if !slices.Equal(e.Inputs, []string{"v2_stages"}) || e.Gap {
			t.Errorf("not evaluated %+v, want for want of v2_stages, not a gap", e)
		}
	}
	if diff := cmp.Diff([][2]string{{snapshot.TypeV2API, v2}, {snapshot.TypeV2API, ""}}, got); diff != "" {
		t.Errorf("not evaluated (-want +got):\n%s", diff)
	}
}
