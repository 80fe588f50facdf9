package fakeaws

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
)

const stsXMLNS = "https://sts.amazonaws.com/doc/2011-06-15/"

// serveSTS answers GetCallerIdentity for the account the access key maps
// to, which is how the collector learns the account it scans, and
// AssumeRole with credentials whose access key maps to the role's account.
func serveSTS(s *Server, c *call, w http.ResponseWriter) *fault {
	switch c.op {
	case "GetCallerIdentity":
		return writeXML(w, queryResponse(c.op, stsXMLNS,
			txt("Arn", "arn:aws:iam::"+c.account+":user/gatewatch"), txt("UserId", "AIDAFAKEAWS"), txt("Account", c.account)))
	case "AssumeRole":
		return s.assumeRole(c, w)
	}
	return &fault{400, "InvalidAction", "fakeaws: unsupported sts action " + c.op}
}

// assumeRole grants any role of an account of the world (and of accounts
// the options map keys to) unless the account is in DenyAssumeRole or the
// external ID does not match, as a role's trust policy would refuse.
func (s *Server) assumeRole(c *call, w http.ResponseWriter) *fault {
	roleARN := c.query.Get("RoleArn")
	parts := strings.SplitN(roleARN, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" || !strings.HasPrefix(parts[5], "role/") {
		return &fault{400, "ValidationError", "1 validation error detected: Value '" + roleARN + "' at 'roleArn' failed to satisfy constraint"}
	}
	if c.query.Get("RoleSessionName") == "" {
		return &fault{400, "ValidationError", "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint"}
	}
	target := parts[4]
	denied := fault{403, "AccessDenied", "User: arn:aws:iam::" + c.account + ":user/gatewatch is not authorized to perform: sts:AssumeRole on resource: " + roleARN}
	known := slices.Contains(s.world.Scope.Accounts, target) || slices.Contains(slices.Collect(maps.Values(s.opts.Accounts)), target)
	if !known || slices.Contains(s.opts.DenyAssumeRole, target) || c.query.Get("ExternalId") != s.opts.ExternalID {
		return &denied
	}
	key := "ASIAFAKE" + target
	s.mu.Lock()
	s.assumed[key] = target
	s.mu.Unlock()
	session := c.query.Get("RoleSessionName")
	expires := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	return writeXML(w, queryResponse(c.op, stsXMLNS,
		el("Credentials", txt("AccessKeyId", key), txt("SecretAccessKey", "fakeaws-secret"),
			txt("SessionToken", "fakeaws-session-"+target), txt("Expiration", expires)),
		el("AssumedRoleUser", txt("Arn", "arn:aws:sts::"+target+":assumed-role/"+strings.TrimPrefix(parts[5], "role/")+"/"+session),
			txt("AssumedRoleId", "AROAFAKEAWS:"+session))))
}
