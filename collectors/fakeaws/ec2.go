package fakeaws

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

const ec2XMLNS = "http://ec2.amazonaws.com/doc/2016-11-15/"

// serveEC2 answers in EC2's own XML dialect: no Result wrapper, lists of
// <item>, lower-camel element names.
func serveEC2(s *Server, c *call, w http.ResponseWriter) *fault {
	respond := func(kids ...node) *fault {
		root := el(c.op+"Response", append([]node{txt("requestId", requestID)}, kids...)...)
		root.xmlns = ec2XMLNS
		return writeXML(w, root)
	}
	switch c.op {
	case "DescribeRegions":
		var regions []node
		for _, r := range s.enabledRegions() {
			regions = append(regions, el("", txt("regionName", r), txt("regionEndpoint", "ec2."+r+".amazonaws.com"),
				txt("optInStatus", "opt-in-not-required")))
		}
		return respond(list("regionInfo", "item", regions))
	case "DescribeSecurityGroups":
		groups := ofScope(c, c.world.SecurityGroups, func(sg snapshot.SecurityGroup) (string, string) { return sg.Account, sg.Region })
		ids := members(c.query, "GroupId.")
		var out []node
		for _, id := range ids {
			i := slices.IndexFunc(groups, func(sg snapshot.SecurityGroup) bool { return sg.ID == id })
			if i < 0 {
				return &fault{400, "InvalidGroup.NotFound", "The security group '" + id + "' does not exist"}
			}
			out = append(out, securityGroupXML(c.account, groups[i]))
		}
		if len(ids) == 0 {
			for _, sg := range groups {
				out = append(out, securityGroupXML(c.account, sg))
			}
		}
		page, next := pageOf(s, out, c.query.Get("NextToken"), 0)
		return respond(list("securityGroupInfo", "item", page), txt("nextToken", next))
	}
	return &fault{400, "InvalidAction", "fakeaws: unsupported ec2 action " + c.op}
}

func securityGroupXML(account string, sg snapshot.SecurityGroup) node {
	var perms []node
	for _, r := range sg.Ingress {
		perm := el("", txt("ipProtocol", r.Protocol))
		if r.Protocol != "-1" {
			perm.kids = append(perm.kids, node{name: "fromPort", text: itoa(r.FromPort)}, node{name: "toPort", text: itoa(r.ToPort)})
		}
		var cidrs, v6, prefixes, groups []node
		for _, v := range r.CIDRs {
			cidrs = append(cidrs, el("", txt("cidrIp", v)))
		}
		for _, v := range r.IPv6CIDRs {
			v6 = append(v6, el("", txt("cidrIpv6", v)))
		}
		for _, v := range r.PrefixListIDs {
			prefixes = append(prefixes, el("", txt("prefixListId", v)))
		}
		for _, v := range r.SourceGroupIDs {
			groups = append(groups, el("", txt("groupId", v), txt("userId", account)))
		}
		perm.kids = append(perm.kids, list("ipRanges", "item", cidrs), list("ipv6Ranges", "item", v6),
			list("prefixListIds", "item", prefixes), list("groups", "item", groups))
		perms = append(perms, perm)
	}
	return el("", txt("ownerId", account), txt("groupId", sg.ID), txt("groupName", sg.Name), txt("vpcId", sg.VPCID),
		txt("securityGroupArn", sg.ARN), list("ipPermissions", "item", perms))
}

// enabledRegions are the world's regions less the disabled ones.
func (s *Server) enabledRegions() []string {
	return slices.DeleteFunc(slices.Clone(s.world.Scope.Regions), func(r string) bool {
		return slices.Contains(s.opts.DisabledRegions, r)
	})
}

func itoa(n int) string { return strconv.Itoa(n) }
