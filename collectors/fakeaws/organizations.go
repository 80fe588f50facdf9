package fakeaws

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// Organization describes the AWS Organization of the world for account
// discovery. Its accounts are the world's (Scope.Accounts, named by
// Accounts[].Name).
type Organization struct {
	// Root is the root's ID; "r-root" when empty.
	Root string
	// Parents maps account and OU IDs to their parent OU or root; an
	// account not listed sits directly under the root.
	Parents map[string]string
	// Suspended lists accounts answered with State SUSPENDED.
	Suspended []string
	// Admins are the accounts allowed to call Organizations (the
	// management account and delegated administrators); any account may
	// when empty.
	Admins []string
}

func (o *Organization) root() string {
	if o.Root == "" {
		return "r-root"
	}
	return o.Root
}

func (o *Organization) parent(id string) string {
	if p, ok := o.Parents[id]; ok {
		return p
	}
	return o.root()
}

// serveOrganizations answers the JSON 1.1 list calls account discovery
// makes: ListAccounts, ListAccountsForParent, ListChildren.
func serveOrganizations(s *Server, c *call, w http.ResponseWriter) *fault {
	org := s.opts.Organization
	if org == nil {
		return &fault{400, "AWSOrganizationsNotInUseException", "Your account is not a member of an organization."}
	}
	if len(org.Admins) > 0 && !slices.Contains(org.Admins, c.account) {
		return &fault{400, "AccessDeniedException", "You don't have permissions to access this resource."}
	}
	var in struct {
		ParentId   string
		ChildType  string
		NextToken  string
		MaxResults int
	}
	if err := json.Unmarshal(c.body, &in); err != nil {
		return &fault{400, "SerializationException", err.Error()}
	}
	if in.MaxResults > 20 {
		return &fault{400, "InvalidInputException", "MaxResults must be at most 20"}
	}
	names := map[string]string{}
	for _, a := range s.world.Accounts {
		names[a.ID] = a.Name
	}
	accounts := func(keep func(id string) bool) []any {
		var out []any
		for _, id := range s.world.Scope.Accounts {
			if !keep(id) {
				continue
			}
			state := "ACTIVE"
			if slices.Contains(org.Suspended, id) {
				state = "SUSPENDED"
			}
			out = append(out, map[string]any{"Id": id, "Name": names[id], "State": state, "Status": state,
				"Arn": "arn:aws:organizations::" + s.world.Scope.Accounts[0] + ":account/o-fake/" + id})
		}
		return out
	}
	page := func(key string, items []any) *fault {
		got, next := pageOf(s, items, in.NextToken, in.MaxResults)
		out := map[string]any{key: got}
		if next != "" {
			out["NextToken"] = next
		}
		return writeJSON(w, amzJSON11, out)
	}
	exists := func(id string) bool {
		if id == org.root() {
			return true
		}
		for k, p := range org.Parents {
			if strings.HasPrefix(k, "ou-") && k == id || p == id {
				return true
			}
		}
		return false
	}
	switch c.op {
	case "ListAccounts":
		return page("Accounts", accounts(func(string) bool { return true }))
	case "ListAccountsForParent":
		if !exists(in.ParentId) {
			return &fault{400, "ParentNotFoundException", "We can't find a root or OU with the ParentId that you specified."}
		}
		return page("Accounts", accounts(func(id string) bool { return org.parent(id) == in.ParentId }))
	case "ListChildren":
		if !exists(in.ParentId) {
			return &fault{400, "ParentNotFoundException", "We can't find a root or OU with the ParentId that you specified."}
		}
		var out []any
		for _, id := range sortedKeys(org.Parents) {
			isOU := strings.HasPrefix(id, "ou-")
			if org.Parents[id] == in.ParentId && isOU == (in.ChildType == "ORGANIZATIONAL_UNIT") {
				out = append(out, map[string]any{"Id": id, "Type": in.ChildType})
			}
		}
		if in.ChildType == "ACCOUNT" {
			for _, a := range accounts(func(id string) bool { return org.parent(id) == in.ParentId }) {
				out = append(out, map[string]any{"Id": a.(map[string]any)["Id"], "Type": "ACCOUNT"})
			}
		}
		return page("Children", out)
	}
	return &fault{400, "InvalidAction", "fakeaws: unsupported organizations operation " + c.op}
}
