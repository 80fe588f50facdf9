package fakeaws

import "net/http"

// serveSTS answers GetCallerIdentity for the account the access key maps
// to, which is how the collector learns the account it scans.
func serveSTS(s *Server, c *call, w http.ResponseWriter) *fault {
	if c.op != "GetCallerIdentity" {
		return &fault{400, "InvalidAction", "fakeaws: unsupported sts action " + c.op}
	}
	return writeXML(w, queryResponse(c.op, "https://sts.amazonaws.com/doc/2011-06-15/",
		txt("Arn", "arn:aws:iam::"+c.account+":user/gatewatch"), txt("UserId", "AIDAFAKEAWS"), txt("Account", c.account)))
}
