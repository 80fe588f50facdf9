package fakeaws

import (
	"net/http"
	"slices"
	"strings"

	"github.com/aws/smithy-go/encoding/cbor"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// taggingTypes are the resource types the fake's Resource Groups Tagging
// API lists (GetResources' ResourceTypeFilters), by what their ARNs hold:
// ELB load balancers and target groups.
var taggingTypes = map[string]string{
	"elasticloadbalancing:loadbalancer": ":loadbalancer/",
	"elasticloadbalancing:targetgroup":  ":targetgroup/",
}

// serveTagging answers the Resource Groups Tagging API's GetResources, in
// the RPC v2 CBOR protocol current SDKs speak, for load balancers and
// target groups, as AWS does: only resources that carry tags, 100 a page
// at most. The types in Options.TaggingOmits are never
// listed, as an emulator whose tagging API does not cover them answers.
func serveTagging(s *Server, c *call, w http.ResponseWriter) *fault {
	if c.op != "GetResources" {
		return &fault{400, "UnknownOperationException", "fakeaws: unsupported tagging operation " + c.op}
	}
	in, f := cborInput(c)
	if f != nil {
		return f
	}
	var filters []string
	if l, ok := in["ResourceTypeFilters"].(cbor.List); ok {
		for _, f := range l {
			if s, ok := f.(cbor.String); ok {
				filters = append(filters, string(s))
			}
		}
	}
	token, _ := in["PaginationToken"].(cbor.String)
	limit, _ := in["ResourcesPerPage"].(cbor.Uint)
	if limit > 100 {
		return &fault{400, "InvalidParameterException", "ResourcesPerPage must be at most 100"}
	}
	listed := func(arn string) bool {
		for _, f := range filters {
			if part, ok := taggingTypes[f]; ok && strings.Contains(arn, part) && !slices.Contains(s.opts.TaggingOmits, f) {
				return true
			}
		}
		return false
	}
	var items []cbor.Value
	add := func(arn string, tags snapshot.Tags) {
		if len(tags) == 0 || !listed(arn) {
			return
		}
		kv := cbor.List{}
		for _, k := range sortedKeys(tags) {
			kv = append(kv, cbor.Map{"Key": cbor.String(k), "Value": cbor.String(tags[k])})
		}
		items = append(items, cbor.Map{"ResourceARN": cbor.String(arn), "Tags": kv})
	}
	for _, lb := range ofScope(c, c.world.LoadBalancers, func(lb snapshot.LoadBalancer) (string, string) { return lb.Account, lb.Region }) {
		add(lb.ARN, lb.Tags)
	}
	for _, tg := range ofScope(c, c.world.TargetGroups, func(tg snapshot.TargetGroup) (string, string) { return tg.Account, tg.Region }) {
		add(tg.ARN, tg.Tags)
	}
	page, next := pageOf(s, items, string(token), int(limit))
	return writeCBOR(w, cbor.Map{"ResourceTagMappingList": cbor.List(page), "PaginationToken": cbor.String(next)})
}
