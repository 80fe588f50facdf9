package fakeaws

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

const (
	cloudfrontVersion = "/2020-05-31/"
	cloudfrontXMLNS   = "http://cloudfront.amazonaws.com/doc/2020-05-31/"
)

func cloudfrontRoute(path string) string {
	rest, ok := strings.CutPrefix(path, cloudfrontVersion)
	switch {
	case !ok:
		return ""
	case rest == "distribution":
		return "ListDistributions"
	case strings.HasPrefix(rest, "distribution/") && strings.HasSuffix(rest, "/config"):
		return "GetDistributionConfig"
	case rest == "tagging":
		return "ListTagsForResource"
	}
	return ""
}

// serveCloudFront answers CloudFront's REST-XML API. CloudFront is global:
// the account is all that scopes it.
func serveCloudFront(s *Server, c *call, w http.ResponseWriter) *fault {
	var dists []snapshot.Distribution
	for _, d := range c.world.Distributions {
		if d.Account == c.account {
			dists = append(dists, d)
		}
	}
	root := func(n node) *fault {
		n.xmlns = cloudfrontXMLNS
		return writeXML(w, n)
	}
	switch c.op {
	case "ListDistributions":
		limit, _ := strconv.Atoi(c.query.Get("MaxItems"))
		// CloudFront pages on Marker and says IsTruncated; NextMarker is
		// only present on a truncated page.
		page, next := pageOf(s, dists, c.query.Get("Marker"), limit)
		var items []node
		for _, d := range page {
			items = append(items, distributionXML(d))
		}
		return root(el("DistributionList", node{name: "Marker", text: c.query.Get("Marker")}, txt("NextMarker", next),
			node{name: "MaxItems", text: strconv.Itoa(max(limit, 100))}, boolean("IsTruncated", next != ""),
			node{name: "Quantity", text: strconv.Itoa(len(items))}, list("Items", "DistributionSummary", items)))
	case "GetDistributionConfig":
		id := strings.TrimSuffix(strings.TrimPrefix(c.path, cloudfrontVersion+"distribution/"), "/config")
		for _, d := range dists {
			if d.ID == id {
				w.Header().Set("ETag", "E"+d.ID)
				return root(el("DistributionConfig", txt("CallerReference", d.ID), boolean("Enabled", d.Enabled),
					el("Logging", boolean("Enabled", d.LoggingEnabled), boolean("IncludeCookies", false),
						node{name: "Bucket", text: logBucket(d.LoggingEnabled)}, node{name: "Prefix"})))
			}
		}
		return notFound("NoSuchDistribution", "The specified distribution does not exist.")
	case "ListTagsForResource":
		for _, d := range dists {
			if d.ARN == c.query.Get("Resource") {
				var tags []node
				for _, k := range sortedKeys(d.Tags) {
					tags = append(tags, el("", txt("Key", k), node{name: "Value", text: d.Tags[k]}))
				}
				return root(el("Tags", list("Items", "Tag", tags)))
			}
		}
		return notFound("NoSuchResource", "The specified resource does not exist.")
	}
	return &fault{400, "InvalidAction", "fakeaws: unsupported cloudfront request " + c.path}
}

func distributionXML(d snapshot.Distribution) node {
	var origins []node
	for _, o := range d.Origins {
		origin := el("", txt("Id", o.ID), txt("DomainName", o.DomainName), node{name: "OriginPath", text: o.OriginPath})
		if o.ProtocolPolicy != "" {
			origin.kids = append(origin.kids, el("CustomOriginConfig", num("HTTPPort", 80), num("HTTPSPort", 443),
				txt("OriginProtocolPolicy", o.ProtocolPolicy)))
		} else {
			origin.kids = append(origin.kids, el("S3OriginConfig", node{name: "OriginAccessIdentity"}))
		}
		origins = append(origins, origin)
	}
	var behaviors []node
	for _, b := range d.CacheBehaviors {
		behaviors = append(behaviors, cacheBehaviorXML("", b))
	}
	// The summary carries what the collector needs except logging, which
	// only GetDistributionConfig returns.
	return el("", txt("Id", d.ID), txt("ARN", d.ARN), txt("Status", "Deployed"), txt("DomainName", d.DomainName),
		quantified("Aliases", "CNAME", strs(d.Aliases)), quantified("Origins", "Origin", origins),
		cacheBehaviorXML("DefaultCacheBehavior", d.DefaultCacheBehavior),
		quantified("CacheBehaviors", "CacheBehavior", behaviors), boolean("Enabled", d.Enabled),
		el("ViewerCertificate", txt("MinimumProtocolVersion", d.MinimumProtocolVersion)),
		node{name: "WebACLId", text: d.WebACLID})
}

func cacheBehaviorXML(name string, b snapshot.CacheBehavior) node {
	return el(name, txt("PathPattern", b.PathPattern), txt("TargetOriginId", b.TargetOriginID),
		txt("ViewerProtocolPolicy", b.ViewerProtocolPolicy), quantified("AllowedMethods", "Method", strs(b.AllowedMethods)),
		txt("CachePolicyId", b.CachePolicyID))
}

// quantified is CloudFront's list shape: a Quantity and the Items.
func quantified(name, itemName string, items []node) node {
	n := el(name, node{name: "Quantity", text: strconv.Itoa(len(items))})
	if len(items) > 0 {
		n.kids = append(n.kids, list("Items", itemName, items))
	}
	return n
}

func logBucket(on bool) string {
	if on {
		return "logs.s3.amazonaws.com"
	}
	return ""
}
