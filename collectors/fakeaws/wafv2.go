package fakeaws

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// statementKeys maps the snapshot's statement types to WAFv2 statement
// members.
var statementKeys = map[string]string{
	"rate_based": "RateBasedStatement", "managed_rule_group": "ManagedRuleGroupStatement",
	"rule_group_reference": "RuleGroupReferenceStatement", "byte_match": "ByteMatchStatement",
	"geo_match": "GeoMatchStatement", "ip_set_reference": "IPSetReferenceStatement", "and": "AndStatement",
	"or": "OrStatement", "not": "NotStatement", "asn_match": "AsnMatchStatement", "label_match": "LabelMatchStatement",
	"regex_match": "RegexMatchStatement", "regex_pattern_set_reference": "RegexPatternSetReferenceStatement",
	"size_constraint": "SizeConstraintStatement", "sqli_match": "SqliMatchStatement", "xss_match": "XssMatchStatement",
}

func serveWAFv2(s *Server, c *call, w http.ResponseWriter) *fault {
	var in struct {
		Scope, Name, Id, NextMarker, WebACLArn, ResourceARN, ResourceArn, ResourceType string
		Limit                                                                          int
	}
	if err := json.Unmarshal(c.body, &in); err != nil {
		return &fault{400, "WAFInvalidParameterException", err.Error()}
	}
	// CLOUDFRONT-scope ACLs are managed from us-east-1 only.
	if in.Scope == "CLOUDFRONT" && c.region != "us-east-1" {
		return &fault{400, "WAFInvalidParameterException", "Error reason: The scope is not valid., field: SCOPE_VALUE, parameter: CLOUDFRONT"}
	}
	acls := ofScope(c, c.world.WebACLs, func(a snapshot.WebACL) (string, string) { return a.Account, a.Region })
	find := func(match func(snapshot.WebACL) bool) (snapshot.WebACL, *fault) {
		for _, a := range acls {
			if match(a) {
				return a, nil
			}
		}
		return snapshot.WebACL{}, &fault{400, "WAFNonexistentItemException", "AWS WAF couldn’t perform the operation because your resource doesn’t exist."}
	}
	switch c.op {
	case "ListWebACLs":
		var scoped []any
		for _, a := range acls {
			if a.Scope == in.Scope {
				scoped = append(scoped, map[string]any{"Name": a.Name, "Id": a.ID, "ARN": a.ARN, "LockToken": "lock-" + a.ID})
			}
		}
		page, next := pageOf(s, scoped, in.NextMarker, in.Limit)
		return writeJSON(w, amzJSON11, map[string]any{"WebACLs": page, "NextMarker": optional(next)})
	case "GetWebACL":
		a, f := find(func(a snapshot.WebACL) bool { return a.ID == in.Id && a.Name == in.Name && a.Scope == in.Scope })
		if f != nil {
			return f
		}
		return writeJSON(w, amzJSON11, map[string]any{"WebACL": webACLJSON(a), "LockToken": "lock-" + a.ID})
	case "ListResourcesForWebACL":
		a, f := find(func(a snapshot.WebACL) bool { return a.ARN == in.WebACLArn })
		if f != nil {
			return f
		}
		typ := in.ResourceType
		if typ == "" {
			typ = "APPLICATION_LOAD_BALANCER"
		}
		arns := []string{}
		for _, r := range a.AssociatedResources {
			if resourceType(r) == typ {
				arns = append(arns, r)
			}
		}
		return writeJSON(w, amzJSON11, map[string]any{"ResourceArns": arns})
	case "GetWebACLForResource":
		// The answer names the regional ACL associated with the resource,
		// or carries no WebACL when none is.
		for _, a := range acls {
			if a.Scope == "REGIONAL" && slices.Contains(a.AssociatedResources, in.ResourceArn) {
				return writeJSON(w, amzJSON11, map[string]any{"WebACL": webACLJSON(a)})
			}
		}
		return writeJSON(w, amzJSON11, map[string]any{})
	case "ListTagsForResource":
		a, f := find(func(a snapshot.WebACL) bool { return a.ARN == in.ResourceARN })
		if f != nil {
			return f
		}
		var tags []any
		for _, k := range sortedKeys(a.Tags) {
			tags = append(tags, map[string]any{"Key": k, "Value": a.Tags[k]})
		}
		page, next := pageOf(s, tags, in.NextMarker, in.Limit)
		return writeJSON(w, amzJSON11, map[string]any{"TagInfoForResource": map[string]any{"ResourceARN": a.ARN, "TagList": page},
			"NextMarker": optional(next)})
	}
	return &fault{400, "UnknownOperationException", "fakeaws: unsupported wafv2 operation " + c.op}
}

func webACLJSON(a snapshot.WebACL) any {
	var rules []any
	for _, r := range a.Rules {
		rule := map[string]any{"Name": r.Name, "Priority": r.Priority,
			"VisibilityConfig": map[string]any{"SampledRequestsEnabled": true, "CloudWatchMetricsEnabled": true, "MetricName": r.Name}}
		switch r.Action {
		case "NONE":
			rule["OverrideAction"] = map[string]any{"None": map[string]any{}}
		case "COUNT":
			if r.StatementType == "managed_rule_group" || r.StatementType == "rule_group_reference" {
				rule["OverrideAction"] = map[string]any{"Count": map[string]any{}}
			} else {
				rule["Action"] = map[string]any{"Count": map[string]any{}}
			}
		case "":
		default:
			rule["Action"] = map[string]any{titleCase(r.Action): map[string]any{}}
		}
		stmt := map[string]any{}
		switch r.StatementType {
		case "rate_based":
			stmt["Limit"], stmt["AggregateKeyType"] = r.RateLimit, r.AggregateKeyType
		case "managed_rule_group":
			vendor, name, _ := strings.Cut(r.ManagedRuleGroup, "/")
			stmt["VendorName"], stmt["Name"] = vendor, name
		}
		if key, ok := statementKeys[r.StatementType]; ok {
			rule["Statement"] = map[string]any{key: stmt}
		}
		rules = append(rules, rule)
	}
	return map[string]any{"Name": a.Name, "Id": a.ID, "ARN": a.ARN, "Rules": rules,
		"DefaultAction":    map[string]any{titleCase(a.DefaultAction): map[string]any{}},
		"VisibilityConfig": map[string]any{"SampledRequestsEnabled": true, "CloudWatchMetricsEnabled": true, "MetricName": a.Name}}
}

// resourceType classifies an associated resource ARN the way WAF's
// ResourceType parameter does.
func resourceType(arn string) string {
	switch {
	case strings.Contains(arn, ":elasticloadbalancing:"):
		return "APPLICATION_LOAD_BALANCER"
	case strings.Contains(arn, ":apigateway:"):
		return "API_GATEWAY"
	case strings.Contains(arn, ":appsync:"):
		return "APPSYNC"
	case strings.Contains(arn, ":cognito-idp:"):
		return "COGNITO_USER_POOL"
	}
	return "OTHER"
}

// titleCase turns ALLOW into Allow, the JSON member names of WAF actions.
func titleCase(s string) string {
	if s == "" {
		return s
	}
	return s[:1] + strings.ToLower(s[1:])
}
