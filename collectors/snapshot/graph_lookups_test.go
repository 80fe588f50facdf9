package snapshot

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// lookupWorld is graphWorld with what every GraphLookups entry needs to
// show: an HTTP API stage a distribution reaches by its execute-api host,
// another by a custom domain, and integrations that name a load balancer
// by host name and by listener ARN.
func lookupWorld() *Snapshot {
	const acct, region = "111122223333", "eu-west-1"
	const listener = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/web/1/l1"
	s := graphWorld()
	s.RestAPIs[1].Resources = []RestResource{{Path: "/", Methods: []RestMethod{{HTTPMethod: "GET",
		Integration: &RestIntegration{Type: "HTTP_PROXY", URI: listener}}}}}
	s.V2APIs = []V2API{
		{ARN: "arn:aws:apigateway:eu-west-1::/apis/h1", Account: acct, Region: region, ID: "h1", ProtocolType: "HTTP",
			APIEndpoint: "https://h1.execute-api.eu-west-1.amazonaws.com",
			Stages:      []V2Stage{{ARN: "arn:aws:apigateway:eu-west-1::/apis/h1/stages/$default", Name: "$default"}},
			Integrations: []V2Integration{
				{ID: "i1", Type: "HTTP_PROXY", URI: listener, ConnectionType: "VPC_LINK", ConnectionID: "vl2"},
				{ID: "i2", Type: "HTTP_PROXY", URI: "http://internal-2.eu-west-1.elb.amazonaws.com/x"},
			}},
		{ARN: "arn:aws:apigateway:eu-west-1::/apis/h2", Account: acct, Region: region, ID: "h2", ProtocolType: "HTTP",
			Stages: []V2Stage{{ARN: "arn:aws:apigateway:eu-west-1::/apis/h2/stages/prod", Name: "prod"}}},
	}
	s.DomainNames = append(s.DomainNames, DomainName{ARN: "arn:aws:apigateway:eu-west-1::/domainnames/ws.example.com",
		Account: acct, Region: region, Name: "ws.example.com", APIType: "v2", Mappings: []DomainMapping{{APIID: "h2", Stage: "prod"}}})
	s.Distributions = append(s.Distributions, Distribution{ARN: "arn:aws:cloudfront::111122223333:distribution/E2", Account: acct,
		Enabled: true, Origins: []Origin{{ID: "http", DomainName: "h1.execute-api.eu-west-1.amazonaws.com"}, {ID: "ws", DomainName: "ws.example.com"}}})
	return s
}

// lookupKeys lists, for a dataset, the keys a rule reading it looks up in
// the graph: load balancer and stage ARNs, integration URIs.
func lookupKeys(s *Snapshot, dataset string) []string {
	var keys []string
	switch dataset {
	case "load_balancers":
		for _, lb := range s.LoadBalancers {
			keys = append(keys, lb.ARN)
		}
	case "rest_stages":
		for _, a := range s.RestAPIs {
			for _, st := range a.Stages {
				keys = append(keys, st.ARN)
			}
		}
	case "v2_stages":
		for _, a := range s.V2APIs {
			for _, st := range a.Stages {
				keys = append(keys, st.ARN)
			}
		}
	case "rest_resources":
		for _, a := range s.RestAPIs {
			for _, r := range a.Resources {
				for _, m := range r.Methods {
					if m.Integration != nil {
						keys = append(keys, m.Integration.URI)
					}
				}
			}
		}
	case "v2_integrations":
		for _, a := range s.V2APIs {
			for _, in := range a.Integrations {
				keys = append(keys, in.URI)
			}
		}
	}
	return keys
}

func lookupField(g *Graph, field string) map[string][]string {
	if field == "fronts" {
		return g.Fronts
	}
	return g.Targets
}

// TestGraphLookups holds the graph to GraphLookups: an entry looked up by
// a key from the dataset named is the same whatever other dataset was
// not read, and each dataset the table names changes some entry when it
// was not read (the table names no dataset for nothing).
func TestGraphLookups(t *testing.T) {
	t.Parallel()
	s := lookupWorld()
	base := s.Graph()
	for field, byKey := range GraphLookups {
		if _, ok := GraphDatasets[field]; !ok {
			t.Errorf("GraphLookups names field %s, which GraphDatasets does not", field)
		}
		for keyDataset, deps := range byKey {
			keys := lookupKeys(s, keyDataset)
			found := 0
			for _, k := range keys {
				if len(lookupField(base, field)[k]) > 0 {
					found++
				}
			}
			if found == 0 {
				t.Errorf("%s by %s: the world has no entry to look up; the test proves nothing", field, keyDataset)
			}
			needed := WithParents(append(slices.Clone(deps), keyDataset))
			for _, other := range DatasetNames() {
				cut, err := WithoutDataset(s, other)
				if err != nil {
					t.Fatal(err)
				}
				got := lookupField(cut.Graph(), field)
				changed := false
				for _, k := range keys {
					if !cmp.Equal(lookupField(base, field)[k], got[k]) {
						changed = true
						if !slices.Contains(needed, other) {
							t.Errorf("%s[%s] (a %s key) changes when %s is not read, which GraphLookups does not name", field, k, keyDataset, other)
						}
					}
				}
				if !changed && slices.Contains(deps, other) && !slices.Contains(WithParents([]string{keyDataset}), other) {
					t.Errorf("%s by %s: GraphLookups names %s, but no entry changes without it", field, keyDataset, other)
				}
			}
		}
	}
}

func TestWithoutDataset(t *testing.T) {
	t.Parallel()
	s := lookupWorld()
	cut, err := WithoutDataset(s, "rest_stages")
	if err != nil {
		t.Fatal(err)
	}
	if len(cut.RestAPIs) != len(s.RestAPIs) || len(cut.RestAPIs[0].Resources) != len(s.RestAPIs[0].Resources) {
		t.Errorf("REST APIs and their resources lost with their stages: %+v", cut.RestAPIs)
	}
	for _, a := range cut.RestAPIs {
		if len(a.Stages) > 0 {
			t.Errorf("API %s keeps stages %+v", a.ID, a.Stages)
		}
	}
	if len(s.RestAPIs[0].Stages) == 0 {
		t.Error("the original lost its stages")
	}
	if cut, _ = WithoutDataset(s, "load_balancers"); len(cut.LoadBalancers) > 0 || len(cut.Distributions) != len(s.Distributions) {
		t.Errorf("without load_balancers: %d load balancers, %d distributions", len(cut.LoadBalancers), len(cut.Distributions))
	}
	if _, err := WithoutDataset(s, "nope"); err == nil {
		t.Error("an unknown dataset is not an error")
	}
}
