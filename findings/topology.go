package findings

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// The topology is the picture of how traffic flows through the entry
// points: clients -> CloudFront -> API stages -> load balancers -> target
// groups -> Lambda functions. The Markdown (Mermaid) and HTML (SVG) writers
// draw the same graph, built here once from Report.Snapshot.

// Layers of the topology, left to right.
const (
	layerClients = iota
	layerEdge
	layerAPI
	layerLB
	layerTG
	layerCompute
	layerCount
)

var layerNames = [layerCount]string{"Clients", "CloudFront", "API Gateway", "Load balancers", "Target groups", "Lambda"}

type topoNode struct {
	ID      string
	ARN     string
	Layer   int
	Label   string
	Detail  string
	Account string
	Region  string
	// Counts are active findings on the node by severity; Worst is the
	// most severe of them, "" when none.
	Counts map[Severity]int
	Worst  Severity
}

// Total is the number of active findings on the node.
func (n *topoNode) Total() int {
	t := 0
	for _, c := range n.Counts {
		t += c
	}
	return t
}

type topoEdge struct {
	From, To *topoNode
}

type topology struct {
	Nodes []*topoNode
	Edges []topoEdge
	// Resolve maps a finding's resource ARN to the nodes it concerns.
	Resolve map[string][]*topoNode
	// Unplaced counts active findings on resources the picture does not
	// draw (web ACLs, usage plans, ...).
	Unplaced int

	entries *entryIndex // built by the first EntryPoints call
}

// topoBuilder holds the look-ups used while wiring edges.
type topoBuilder struct {
	t        topology
	byARN    map[string]*topoNode
	byHost   map[string][]*topoNode // DNS names of LBs and execute-api hosts
	owners   map[string][]*topoNode // API, listener and rule ARNs -> drawn nodes
	edgeSeen map[[2]string]bool
}

// buildTopology draws r.Snapshot; nil when the report has no snapshot.
func buildTopology(r *Report) *topology {
	s := r.Snapshot
	if s == nil {
		return nil
	}
	b := &topoBuilder{
		byARN: map[string]*topoNode{}, byHost: map[string][]*topoNode{},
		owners: map[string][]*topoNode{}, edgeSeen: map[[2]string]bool{},
	}
	clients := b.node("", layerClients, "Internet clients", "", "", "")

	for _, d := range s.Distributions {
		detail := d.DomainName
		if len(d.Aliases) > 0 {
			detail = d.Aliases[0]
		}
		b.node(d.ARN, layerEdge, "CloudFront "+d.ID, detail, d.Account, "global")
	}
	for _, a := range s.RestAPIs {
		host := strings.ToLower(a.ID + ".execute-api." + a.Region + ".amazonaws.com")
		public := !a.DisableExecuteAPIEndpoint && !containsFold(a.EndpointTypes, "PRIVATE")
		for _, st := range a.Stages {
			n := b.node(st.ARN, layerAPI, a.Name+"/"+st.Name, "REST "+strings.Join(a.EndpointTypes, ","), a.Account, a.Region)
			b.byHost[host] = append(b.byHost[host], n)
			b.owners[a.ARN] = append(b.owners[a.ARN], n)
			if public {
				b.edge(clients, n)
			}
		}
	}
	for _, a := range s.V2APIs {
		host := strings.ToLower(a.ID + ".execute-api." + a.Region + ".amazonaws.com")
		if u, err := url.Parse(a.APIEndpoint); err == nil && u.Host != "" {
			host = strings.ToLower(u.Hostname())
		}
		for _, st := range a.Stages {
			n := b.node(st.ARN, layerAPI, a.Name+"/"+st.Name, a.ProtocolType+" API", a.Account, a.Region)
			b.byHost[host] = append(b.byHost[host], n)
			b.owners[a.ARN] = append(b.owners[a.ARN], n)
			if !a.DisableExecuteAPIEndpoint {
				b.edge(clients, n)
			}
		}
	}
	for _, lb := range s.LoadBalancers {
		n := b.node(lb.ARN, layerLB, lb.Name, lb.Type+", "+lb.Scheme, lb.Account, lb.Region)
		dns := strings.ToLower(strings.TrimSuffix(lb.DNSName, "."))
		b.byHost[dns] = append(b.byHost[dns], n)
		// CloudFront origins often use the dualstack name.
		b.byHost["dualstack."+dns] = append(b.byHost["dualstack."+dns], n)
		for _, l := range lb.Listeners {
			b.owners[l.ARN] = append(b.owners[l.ARN], n)
			for _, rule := range l.Rules {
				b.owners[rule.ARN] = append(b.owners[rule.ARN], n)
			}
		}
		if lb.Scheme == "internet-facing" {
			b.edge(clients, n)
		}
	}
	for _, tg := range s.TargetGroups {
		detail := fmt.Sprintf("%s, %d %s", tg.TargetType, len(tg.Targets), plural(len(tg.Targets), "target", "targets"))
		b.node(tg.ARN, layerTG, tg.Name, detail, tg.Account, tg.Region)
	}
	for _, f := range s.LambdaFunctions {
		b.node(f.ARN, layerCompute, f.Name, f.Runtime, f.Account, f.Region)
	}

	b.wire(s, clients)
	b.t.Resolve = make(map[string][]*topoNode, len(b.byARN)+len(b.owners))
	for arn, nodes := range b.owners {
		b.t.Resolve[arn] = nodes
	}
	for arn, n := range b.byARN {
		b.t.Resolve[arn] = []*topoNode{n}
	}
	b.overlay(r.Findings)
	return &b.t
}

// EntryPoints returns the nodes clients reach first on the way to n:
// n itself when clients reach it directly, else its upstream nodes that
// clients reach directly, in node order. Nil when no client path leads to
// n (an internal resource nothing public routes to).
//
// The reverse edges are built on the first call and every answer is
// remembered, so asking for every node of the picture costs the size of
// their upstream graphs, not that times the number of edges (the Markdown
// writer asks once per finding).
func (t *topology) EntryPoints(n *topoNode) []*topoNode {
	if t.entries == nil {
		t.entries = newEntryIndex(t)
	}
	return t.entries.of(n)
}

// entryIndex holds what EntryPoints needs, built once per topology.
type entryIndex struct {
	into   map[*topoNode][]*topoNode // node -> the nodes with an edge to it, clients excluded
	public map[*topoNode]bool        // nodes clients reach directly
	order  map[*topoNode]int         // position in t.Nodes
	memo   map[*topoNode][]*topoNode
}

func newEntryIndex(t *topology) *entryIndex {
	x := &entryIndex{
		into:   make(map[*topoNode][]*topoNode),
		public: make(map[*topoNode]bool),
		order:  make(map[*topoNode]int, len(t.Nodes)),
		memo:   make(map[*topoNode][]*topoNode),
	}
	for _, e := range t.Edges {
		if e.From.Layer == layerClients {
			x.public[e.To] = true
		} else {
			x.into[e.To] = append(x.into[e.To], e.From)
		}
	}
	for i, n := range t.Nodes {
		x.order[n] = i
	}
	return x
}

func (x *entryIndex) of(n *topoNode) []*topoNode {
	if out, ok := x.memo[n]; ok {
		return out
	}
	var out []*topoNode
	seen := map[*topoNode]bool{n: true}
	for queue := []*topoNode{n}; len(queue) > 0; queue = queue[1:] {
		cur := queue[0]
		if x.public[cur] {
			out = append(out, cur)
			continue // a path through a public node enters there
		}
		for _, up := range x.into[cur] {
			if !seen[up] {
				seen[up] = true
				queue = append(queue, up)
			}
		}
	}
	slices.SortFunc(out, func(a, b *topoNode) int { return x.order[a] - x.order[b] })
	x.memo[n] = out
	return out
}

// wire adds the edges that follow configuration: origins, integrations,
// listener actions and targets.
func (b *topoBuilder) wire(s *snapshot.Snapshot, clients *topoNode) {
	for _, d := range s.Distributions {
		from := b.byARN[d.ARN]
		b.edge(clients, from)
		for _, o := range d.Origins {
			for _, to := range b.byHost[strings.ToLower(strings.TrimSuffix(o.DomainName, "."))] {
				// An origin path of /prod on an execute-api host selects
				// that stage; with no path every stage could be meant.
				if stage, ok := strings.CutPrefix(o.OriginPath, "/"); ok && to.Layer == layerAPI && stage != "" &&
					!strings.HasSuffix(to.ARN, "/stages/"+strings.SplitN(stage, "/", 2)[0]) {
					continue
				}
				b.edge(from, to)
			}
		}
	}
	links := make(map[string]snapshot.VPCLink)
	for _, l := range s.VPCLinks {
		links[l.ID] = l
	}
	for _, a := range s.RestAPIs {
		for _, st := range a.Stages {
			from := b.byARN[st.ARN]
			for _, res := range a.Resources {
				for _, m := range res.Methods {
					if in := m.Integration; in != nil {
						conn := resolveStageVar(in.ConnectionID, st.Variables)
						b.integration(from, in.URI, in.ConnectionType, links[conn])
					}
				}
			}
		}
	}
	for _, a := range s.V2APIs {
		for _, st := range a.Stages {
			from := b.byARN[st.ARN]
			for _, in := range a.Integrations {
				b.integration(from, in.URI, in.ConnectionType, links[in.ConnectionID])
			}
		}
	}
	for _, lb := range s.LoadBalancers {
		from := b.byARN[lb.ARN]
		for _, l := range lb.Listeners {
			actions := append([]snapshot.Action(nil), l.DefaultActions...)
			for _, rule := range l.Rules {
				actions = append(actions, rule.Actions...)
			}
			for _, act := range actions {
				for _, tg := range act.TargetGroupARNs {
					b.edge(from, b.byARN[tg])
				}
			}
		}
	}
	for _, tg := range s.TargetGroups {
		from := b.byARN[tg.ARN]
		for _, lbARN := range tg.LoadBalancerARNs {
			b.edge(b.byARN[lbARN], from)
		}
		if tg.TargetType != "lambda" {
			continue
		}
		for _, t := range tg.Targets {
			b.edge(from, b.lambda(t.ID))
		}
	}
}

// integration links an API stage to what one integration calls: a load
// balancer by DNS name or listener ARN (v2 private integrations), the
// targets of a REST VPC link, or a Lambda function.
func (b *topoBuilder) integration(from *topoNode, uri, connType string, link snapshot.VPCLink) {
	if fn := lambdaFromURI(uri); fn != "" {
		b.edge(from, b.lambda(fn))
		return
	}
	for _, n := range b.owners[uri] { // listener ARN
		b.edge(from, n)
	}
	if u, err := url.Parse(uri); err == nil && u.Host != "" {
		for _, n := range b.byHost[strings.ToLower(u.Hostname())] {
			b.edge(from, n)
		}
	}
	if strings.EqualFold(connType, "VPC_LINK") {
		for _, target := range link.TargetARNs {
			b.edge(from, b.byARN[target])
		}
	}
}

// overlay counts active findings on the nodes they concern.
func (b *topoBuilder) overlay(fs []Finding) {
	for _, f := range fs {
		if !f.Active() {
			continue
		}
		nodes := b.t.Resolve[f.Resource]
		if len(nodes) == 0 {
			b.t.Unplaced++
		}
		for _, n := range nodes {
			n.Counts[f.Severity]++
			if n.Worst == "" || f.Severity.Rank() > n.Worst.Rank() {
				n.Worst = f.Severity
			}
		}
	}
}

func (b *topoBuilder) node(arn string, layer int, label, detail, account, region string) *topoNode {
	if n := b.byARN[arn]; arn != "" && n != nil {
		return n
	}
	n := &topoNode{
		ID: fmt.Sprintf("n%d", len(b.t.Nodes)), ARN: arn, Layer: layer, Label: label, Detail: detail,
		Account: account, Region: region, Counts: map[Severity]int{},
	}
	if layer == layerClients {
		n.ID = "clients"
	}
	b.t.Nodes = append(b.t.Nodes, n)
	if arn != "" {
		b.byARN[arn] = n
	}
	return n
}

// lambda returns the node of a function, adding one for functions the
// snapshot references but did not describe.
func (b *topoBuilder) lambda(arn string) *topoNode {
	if n := b.byARN[arn]; n != nil {
		return n
	}
	parts := strings.Split(arn, ":")
	name := arn
	if len(parts) >= 7 {
		name = parts[6]
	}
	region, account := "", ""
	if len(parts) >= 5 {
		region, account = parts[3], parts[4]
	}
	return b.node(arn, layerCompute, name, "not collected", account, region)
}

func (b *topoBuilder) edge(from, to *topoNode) {
	if from == nil || to == nil || from == to {
		return
	}
	key := [2]string{from.ID, to.ID}
	if b.edgeSeen[key] {
		return
	}
	b.edgeSeen[key] = true
	b.t.Edges = append(b.t.Edges, topoEdge{From: from, To: to})
}

// lambdaFromURI extracts the function ARN from a Lambda integration URI
// (arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/ARN/invocations)
// or returns a bare function ARN as is.
func lambdaFromURI(uri string) string {
	if strings.HasPrefix(uri, "arn:") && strings.Contains(uri, ":lambda:") && strings.Contains(uri, ":function:") {
		if _, after, ok := strings.Cut(uri, "/functions/"); ok {
			fn, _, _ := strings.Cut(after, "/invocations")
			return fn
		}
		return uri
	}
	return ""
}

// resolveStageVar expands a "${stageVariables.name}" reference, the usual
// way one REST API points its stages at different VPC links.
func resolveStageVar(s string, vars map[string]string) string {
	if name, ok := strings.CutPrefix(s, "${stageVariables."); ok {
		return vars[strings.TrimSuffix(name, "}")]
	}
	return s
}

func containsFold(xs []string, s string) bool {
	for _, x := range xs {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
