package fakeaws

import (
	"encoding/json"
	"net/http"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

const amzJSON11 = "application/x-amz-json-1.1"

// serveShield answers Shield's JSON 1.1 API. Shield is global: the account
// is all that scopes it.
func serveShield(s *Server, c *call, w http.ResponseWriter) *fault {
	var in struct {
		NextToken  string
		MaxResults int
	}
	if len(c.body) > 0 {
		if err := json.Unmarshal(c.body, &in); err != nil {
			return &fault{400, "SerializationException", err.Error()}
		}
	}
	active := false
	for _, a := range c.world.Accounts {
		if a.ID == c.account {
			active = a.ShieldAdvanced
		}
	}
	switch c.op {
	case "GetSubscriptionState":
		state := "INACTIVE"
		if active {
			state = "ACTIVE"
		}
		return writeJSON(w, amzJSON11, map[string]any{"SubscriptionState": state})
	case "DescribeSubscription":
		if !active {
			return &fault{400, "ResourceNotFoundException", "The subscription does not exist."}
		}
		return writeJSON(w, amzJSON11, map[string]any{"Subscription": map[string]any{
			"StartTime": 1.7e9, "TimeCommitmentInSeconds": 31536000, "AutoRenew": "ENABLED",
			"SubscriptionArn":    "arn:aws:shield::" + c.account + ":subscription/fake",
			"SubscriptionLimits": map[string]any{}}})
	case "ListProtections":
		if !active {
			return &fault{400, "ResourceNotFoundException", "The subscription does not exist."}
		}
		var protections []snapshot.ShieldProtection
		for _, p := range c.world.ShieldProtections {
			if p.Account == c.account {
				protections = append(protections, p)
			}
		}
		page, next := pageOf(s, protections, in.NextToken, in.MaxResults)
		return writeJSON(w, amzJSON11, map[string]any{"Protections": each(page, func(p snapshot.ShieldProtection) any {
			return map[string]any{"Id": p.ID, "Name": p.Name, "ResourceArn": p.ResourceARN, "ProtectionArn": p.ARN}
		}), "NextToken": optional(next)})
	}
	return &fault{400, "UnknownOperationException", "fakeaws: unsupported shield operation " + c.op}
}
