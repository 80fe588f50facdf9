package collectors

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// TestDomainMappingsAreTheUnionOfBothViews: a regional custom domain is
// listed by both API Gateway APIs; one entry is kept, with every mapping
// either view showed (a domain may map REST and HTTP API stages, and
// multi-level paths), the empty base path being "(none)" in v1 and "" in
// v2.
func TestDomainMappingsAreTheUnionOfBothViews(t *testing.T) {
	arn := "arn:aws:apigateway:eu-west-1::/domainnames/api.example.com"
	s := &snapshot.Snapshot{DomainNames: []snapshot.DomainName{
		{ARN: arn, Name: "api.example.com", APIType: "rest", Mappings: []snapshot.DomainMapping{
			{APIID: "rest1", Stage: "prod", BasePath: "(none)"},
		}},
		{ARN: "arn:aws:apigateway:eu-west-1::/domainnames/other.example.com", Name: "other.example.com", APIType: "v2"},
		{ARN: arn, Name: "api.example.com", APIType: "v2", Mappings: []snapshot.DomainMapping{
			{APIID: "rest1", Stage: "prod", BasePath: ""},
			{APIID: "http1", Stage: "$default", BasePath: "orders/v2"},
		}},
	}}
	dedupeDomainNames(s)
	want := []snapshot.DomainName{
		{ARN: arn, Name: "api.example.com", APIType: "rest", Mappings: []snapshot.DomainMapping{
			{APIID: "rest1", Stage: "prod", BasePath: "(none)"},
			{APIID: "http1", Stage: "$default", BasePath: "orders/v2"},
		}},
		{ARN: "arn:aws:apigateway:eu-west-1::/domainnames/other.example.com", Name: "other.example.com", APIType: "v2"},
	}
	if diff := cmp.Diff(want, s.DomainNames); diff != "" {
		t.Errorf("domain names (-want +got):\n%s", diff)
	}
}
