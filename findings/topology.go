package findings

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// The topology is the picture of how traffic flows through the entry
// points: clients -> CloudFront -> custom domains -> API stages -> VPC
// links -> load balancers -> target groups -> Lambda functions (or an ALB
// behind an NLB's target group). Its edges are exactly
// those of the request graph the rules read (snapshot.Graph); the Markdown
// (Mermaid) and HTML (SVG) writers draw it, built here once from
// Report.Snapshot.

// Layers of the topology, left to right.
const (
	layerClients = iota
	layerEdge
	layerDomain
	layerAPI
	layerVPCLink
	layerLB
	layerTG
	layerCompute
	layerCount
)

var layerNames = [layerCount]string{"Clients", "CloudFront", "Custom domains", "API Gateway", "VPC links", "Load balancers", "Target groups", "Lambda"}

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
	// Members are the nodes a collapsed node stands for (see collapse);
	// nil for a node that is one resource.
	Members []*topoNode
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
	// Kind is the request graph's edge kind (snapshot.Edge*).
	Kind string
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

// topoBuilder holds the look-ups used while drawing.
type topoBuilder struct {
	t        topology
	byARN    map[string]*topoNode
	owners   map[string][]*topoNode // API, listener and rule ARNs -> drawn nodes
	edgeSeen map[[2]string]bool
}

// buildTopology draws r.Snapshot; nil when the report has no snapshot.
func buildTopology(r *Report) *topology {
	s := r.Snapshot
	if s == nil {
		return nil
	}
	b := &topoBuilder{byARN: map[string]*topoNode{}, owners: map[string][]*topoNode{}, edgeSeen: map[[2]string]bool{}}
	clients := b.node("", layerClients, "Internet clients", "", "", "")

	for _, d := range s.Distributions {
		detail := d.DomainName
		if len(d.Aliases) > 0 {
			detail = d.Aliases[0]
		}
		b.node(d.ARN, layerEdge, "CloudFront "+d.ID, detail, d.Account, snapshot.GlobalRegion)
	}
	for _, d := range s.DomainNames {
		b.node(d.ARN, layerDomain, d.Name, "custom domain", d.Account, d.Region)
	}
	for _, a := range s.RestAPIs {
		for _, st := range a.Stages {
			n := b.node(st.ARN, layerAPI, a.Name+"/"+st.Name, "REST "+strings.Join(a.EndpointTypes, ","), a.Account, a.Region)
			b.owners[a.ARN] = append(b.owners[a.ARN], n)
		}
	}
	for _, a := range s.V2APIs {
		for _, st := range a.Stages {
			n := b.node(st.ARN, layerAPI, a.Name+"/"+st.Name, a.ProtocolType+" API", a.Account, a.Region)
			b.owners[a.ARN] = append(b.owners[a.ARN], n)
		}
	}
	for _, l := range s.VPCLinks {
		b.node(l.ARN, layerVPCLink, l.Name, "VPC link "+l.Version, l.Account, l.Region)
	}
	for _, lb := range s.LoadBalancers {
		n := b.node(lb.ARN, layerLB, lb.Name, lb.Type+", "+lb.Scheme, lb.Account, lb.Region)
		for _, l := range lb.Listeners {
			b.owners[l.ARN] = append(b.owners[l.ARN], n)
			for _, rule := range l.Rules {
				b.owners[rule.ARN] = append(b.owners[rule.ARN], n)
			}
		}
	}
	for _, tg := range s.TargetGroups {
		detail := fmt.Sprintf("%s, %d %s", tg.TargetType, len(tg.Targets), plural(len(tg.Targets), "target", "targets"))
		b.node(tg.ARN, layerTG, tg.Name, detail, tg.Account, tg.Region)
	}
	for _, f := range s.LambdaFunctions {
		b.node(f.ARN, layerCompute, f.Name, f.Runtime, f.Account, f.Region)
	}

	// The edges are the request graph's, nothing added or left out: a
	// function something routes to but the scan did not describe still
	// gets a node.
	graph := r.Graph
	if graph == nil {
		graph = s.Graph()
	}
	for _, e := range graph.Edges {
		from, to := b.byARN[e.From], b.byARN[e.To]
		if e.From == snapshot.Internet {
			from = clients
		}
		if to == nil && snapshot.FunctionARN(e.To) == e.To {
			to = b.lambda(e.To)
		}
		b.edge(from, to, e.Kind)
	}
	// Drawn in node order, clients first, so diagrams read left to right.
	order := make(map[*topoNode]int, len(b.t.Nodes))
	for i, n := range b.t.Nodes {
		order[n] = i
	}
	slices.SortStableFunc(b.t.Edges, func(x, y topoEdge) int {
		return cmp.Or(order[x.From]-order[y.From], order[x.To]-order[y.To])
	})
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
	a, _ := snapshot.ParseARN(arn)
	name := strings.TrimPrefix(a.Resource, "function:")
	return b.node(arn, layerCompute, name, "not collected", a.Account, a.Region)
}

func (b *topoBuilder) edge(from, to *topoNode, kind string) {
	if from == nil || to == nil || from == to {
		return
	}
	key := [2]string{from.ID, to.ID}
	if b.edgeSeen[key] {
		return
	}
	b.edgeSeen[key] = true
	b.t.Edges = append(b.t.Edges, topoEdge{From: from, To: to, Kind: kind})
}

// collapseLimit is how many target groups a load balancer shows before
// the rest are drawn as one node with counts: an ALB routing to dozens of
// services would otherwise fill the picture with boxes nobody reads.
const collapseLimit = 6

// collapsed returns the topology as the pictures draw it. A load balancer
// that forwards to more than limit target groups of its own (target groups
// nothing else forwards to) keeps limit-1 of them in sight, those with the
// most severe findings on them or on their functions first; one node
// stands for the rest and for the Lambda functions only they send to,
// with their count and their findings. Every edge between a member and a
// node still drawn is kept, from or to the stand-in, so the picture hides
// resources, never a hop. t itself is returned when nothing collapses; it
// is never changed.
func (t *topology) collapsed(limit int) *topology {
	preds := make(map[*topoNode][]*topoNode, len(t.Nodes))
	succs := make(map[*topoNode][]*topoNode, len(t.Nodes))
	for _, e := range t.Edges {
		preds[e.To] = append(preds[e.To], e.From)
		succs[e.From] = append(succs[e.From], e.To)
	}
	order := make(map[*topoNode]int, len(t.Nodes))
	for i, n := range t.Nodes {
		order[n] = i
	}
	// only reports whether every predecessor of n is in set.
	only := func(n *topoNode, set map[*topoNode]bool) bool {
		for _, p := range preds[n] {
			if !set[p] {
				return false
			}
		}
		return true
	}
	rep := map[*topoNode]*topoNode{} // folded node -> its stand-in
	var groups []*topoNode
	for _, lb := range t.Nodes {
		if lb.Layer != layerLB {
			continue
		}
		var tgs []*topoNode
		for _, s := range succs[lb] {
			if s.Layer == layerTG && rep[s] == nil && only(s, map[*topoNode]bool{lb: true}) {
				tgs = append(tgs, s)
			}
		}
		if len(tgs) <= limit {
			continue
		}
		// Weigh each target group with the functions only it sends to.
		type weighed struct {
			tg    *topoNode
			worst int
			total int
		}
		ws := make([]weighed, len(tgs))
		for i, tg := range tgs {
			w := weighed{tg: tg, worst: tg.Worst.Rank(), total: tg.Total()}
			for _, fn := range succs[tg] {
				if fn.Layer == layerCompute && only(fn, map[*topoNode]bool{tg: true}) {
					w.worst, w.total = max(w.worst, fn.Worst.Rank()), w.total+fn.Total()
				}
			}
			ws[i] = w
		}
		slices.SortStableFunc(ws, func(a, b weighed) int {
			return cmp.Or(b.worst-a.worst, b.total-a.total, order[a.tg]-order[b.tg])
		})
		g := &topoNode{
			ID: fmt.Sprintf("n%d", len(t.Nodes)+len(groups)), Layer: layerTG,
			Account: lb.Account, Region: lb.Region, Counts: map[Severity]int{},
		}
		folded := map[*topoNode]bool{}
		for _, w := range ws[limit-1:] {
			folded[w.tg] = true
		}
		var fns int
		for _, w := range ws[limit-1:] {
			for _, fn := range succs[w.tg] {
				if fn.Layer == layerCompute && !folded[fn] && only(fn, folded) {
					folded[fn] = true
					fns++
				}
			}
		}
		for _, n := range t.Nodes { // in node order, so the members are too
			if !folded[n] {
				continue
			}
			rep[n] = g
			g.Members = append(g.Members, n)
			for sev, c := range n.Counts {
				g.Counts[sev] += c
			}
			if n.Worst != "" && (g.Worst == "" || n.Worst.Rank() > g.Worst.Rank()) {
				g.Worst = n.Worst
			}
		}
		tgCount := len(g.Members) - fns
		g.Label = fmt.Sprintf("+%d target groups", tgCount)
		g.Detail = "collapsed"
		if fns > 0 {
			g.Detail = fmt.Sprintf("and %d Lambda %s", fns, plural(fns, "function", "functions"))
		}
		groups = append(groups, g)
	}
	if len(groups) == 0 {
		return t
	}
	view := &topology{Unplaced: t.Unplaced, Resolve: make(map[string][]*topoNode, len(t.Resolve))}
	for _, n := range t.Nodes {
		if rep[n] == nil {
			view.Nodes = append(view.Nodes, n)
		}
	}
	view.Nodes = append(view.Nodes, groups...)
	at := func(n *topoNode) *topoNode {
		if g := rep[n]; g != nil {
			return g
		}
		return n
	}
	seen := map[[2]*topoNode]bool{}
	for _, e := range t.Edges {
		from, to := at(e.From), at(e.To)
		if from == to || seen[[2]*topoNode{from, to}] {
			continue
		}
		seen[[2]*topoNode{from, to}] = true
		view.Edges = append(view.Edges, topoEdge{From: from, To: to, Kind: e.Kind})
	}
	for arn, nodes := range t.Resolve {
		out := make([]*topoNode, 0, len(nodes))
		for _, n := range nodes {
			if g := at(n); !slices.Contains(out, g) {
				out = append(out, g)
			}
		}
		view.Resolve[arn] = out
	}
	return view
}
