package findings

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"

	"github.com/gatewatch/gatewatch"
	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/collectors/snapshot/synth"
)

// box is a node's rectangle as the SVG draws it.
type box struct{ x, y, w, h float64 }

func (b box) inside(x, y float64) bool {
	const eps = 0.5 // a point on the border touches, it does not pass behind
	return x > b.x+eps && x < b.x+b.w-eps && y > b.y+eps && y < b.y+b.h-eps
}

// svgEdge is an edge as the SVG draws it.
type svgEdge struct {
	from, to string
	d        string
}

// readPicture reads the topology of an HTML report: each node's box by
// ID, and each edge.
func readPicture(t *testing.T, page []byte) (map[string]box, []svgEdge) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	boxes := map[string]box{}
	var edges []svgEdge
	num := func(n *html.Node, key string) float64 {
		v, err := strconv.ParseFloat(attr(n, key), 64)
		if err != nil {
			t.Fatalf("<%s %s=%q>: %v", n.Data, key, attr(n, key), err)
		}
		return v
	}
	var walk func(*html.Node, string)
	walk = func(n *html.Node, node string) {
		if n.Type == html.ElementNode {
			class := attr(n, "class")
			switch {
			case n.Data == "g" && class == "node":
				node = attr(n, "id")
			case n.Data == "rect" && class == "box":
				boxes[node] = box{num(n, "x"), num(n, "y"), num(n, "width"), num(n, "height")}
			case n.Data == "path" && strings.HasPrefix(class, "edge"):
				edges = append(edges, svgEdge{attr(n, "data-from"), attr(n, "data-to"), attr(n, "d")})
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, node)
		}
	}
	walk(doc, "")
	return boxes, edges
}

// samplePath returns points along an SVG path of absolute M, L and C
// commands, a few per pixel of length.
func samplePath(t *testing.T, d string) [][2]float64 {
	t.Helper()
	f := strings.Fields(d)
	var pts [][2]float64
	var cur [2]float64
	nums := func(i, n int) []float64 {
		out := make([]float64, n)
		for k := range n {
			v, err := strconv.ParseFloat(strings.TrimLeft(f[i+k], "MLC"), 64)
			if err != nil {
				t.Fatalf("path %q: %v", d, err)
			}
			out[k] = v
		}
		return out
	}
	for i := 0; i < len(f); {
		switch f[i][0] {
		case 'M':
			p := nums(i, 2)
			cur = [2]float64{p[0], p[1]}
			pts = append(pts, cur)
			i += 2
		case 'L':
			p := nums(i, 2)
			for s := 1; s <= 200; s++ {
				u := float64(s) / 200
				pts = append(pts, [2]float64{cur[0] + u*(p[0]-cur[0]), cur[1] + u*(p[1]-cur[1])})
			}
			cur = [2]float64{p[0], p[1]}
			i += 2
		case 'C':
			p := nums(i, 6)
			for s := 1; s <= 400; s++ {
				u := float64(s) / 400
				a, b, c, e := (1-u)*(1-u)*(1-u), 3*(1-u)*(1-u)*u, 3*(1-u)*u*u, u*u*u
				pts = append(pts, [2]float64{a*cur[0] + b*p[0] + c*p[2] + e*p[4], a*cur[1] + b*p[1] + c*p[3] + e*p[5]})
			}
			cur = [2]float64{p[4], p[5]}
			i += 6
		default:
			t.Fatalf("path %q: unexpected %q", d, f[i])
		}
	}
	return pts
}

// checkPicture holds the SVG of a report to the topology: every edge of
// the picture's topology drawn once and nothing else, each path leaving
// its source's box on the right and entering its target's on the left,
// and no path passing behind any box.
func checkPicture(t *testing.T, r *Report) (boxes map[string]box, edges []svgEdge) {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(context.Background(), &buf, "html", r); err != nil {
		t.Fatal(err)
	}
	boxes, edges = readPicture(t, buf.Bytes())
	view := buildTopology(r).collapsed(collapseLimit)
	var want, got []string
	for _, e := range view.Edges {
		want = append(want, e.From.ID+" "+e.To.ID)
	}
	for _, n := range view.Nodes {
		if _, ok := boxes[n.ID]; !ok {
			t.Errorf("node %s (%s) is not drawn", n.ID, n.Label)
		}
	}
	for _, e := range edges {
		got = append(got, e.from+" "+e.to)
		pts := samplePath(t, e.d)
		from, to := boxes[e.from], boxes[e.to]
		start, end := pts[0], pts[len(pts)-1]
		if start[0] != from.x+from.w || start[1] < from.y || start[1] > from.y+from.h {
			t.Errorf("edge %s -> %s starts at %v, not on the right side of %v", e.from, e.to, start, from)
		}
		if end[0] != to.x || end[1] < to.y || end[1] > to.y+to.h {
			t.Errorf("edge %s -> %s ends at %v, not on the left side of %v", e.from, e.to, end, to)
		}
		for id, b := range boxes {
			for _, p := range pts {
				if b.inside(p[0], p[1]) {
					t.Errorf("edge %s -> %s passes behind node %s at %v", e.from, e.to, id, p)
					break
				}
			}
		}
	}
	if diff := cmp.Diff(sortedCopy(want), sortedCopy(got)); diff != "" {
		t.Errorf("edges drawn (-topology +svg):\n%s", diff)
	}
	return boxes, edges
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

func snapshotReport(s *snapshot.Snapshot) *Report {
	r := &Report{Snapshot: s, Scope: s.Scope}
	r.Finalize()
	return r
}

// TestPictureDrawsEveryEdgeClearOfNodes checks the geometry of the SVG
// on the writer fixture, the demo account, a synthetic organisation of
// 500 resources, an ALB with more target groups than are shown, and a
// snapshot whose graph has a cycle.
func TestPictureDrawsEveryEdgeClearOfNodes(t *testing.T) {
	t.Parallel()
	demo, err := snapshot.Parse(gatewatch.DemoSnapshot, "demo")
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]*Report{
		"fixture": testReport(),
		"demo":    snapshotReport(demo),
		"org":     snapshotReport(synth.Org(1, synth.Spec{Regions: 2, Resources: 500})),
		"crowded": snapshotReport(crowdedALB(20)),
		"cycle":   snapshotReport(cyclicSnapshot()),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, edges := checkPicture(t, r)
			if len(edges) < 3 {
				t.Fatalf("%d edges: the test proves nothing", len(edges))
			}
		})
	}
}

// crowdedALB is an internet-facing ALB forwarding to n target groups,
// each sending to its own Lambda function, the fifth one's flagged by a
// finding-worthy name only the caller knows; and one function shared by
// two target groups.
func crowdedALB(n int) *snapshot.Snapshot {
	const acct, region = "111111111111", "eu-west-1"
	alb := "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/crowded/1"
	s := &snapshot.Snapshot{
		Scope: snapshot.Scope{Accounts: []string{acct}, Regions: []string{region}},
		LoadBalancers: []snapshot.LoadBalancer{{ARN: alb, Account: acct, Region: region, Name: "crowded", Type: "application",
			Scheme: "internet-facing", DNSName: "crowded-1.eu-west-1.elb.amazonaws.com"}},
	}
	for i := range n {
		tg := fmt.Sprintf("arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/tg%02d/%d", i, i)
		fn := fmt.Sprintf("arn:aws:lambda:eu-west-1:111111111111:function:fn%02d", i)
		if i == n-1 {
			fn = "arn:aws:lambda:eu-west-1:111111111111:function:fn00" // shared with tg00
		}
		s.TargetGroups = append(s.TargetGroups, snapshot.TargetGroup{ARN: tg, Account: acct, Region: region,
			Name: fmt.Sprintf("tg%02d", i), TargetType: "lambda", LoadBalancerARNs: []string{alb}, Targets: []snapshot.Target{{ID: fn}}})
		if i < n-1 {
			s.LambdaFunctions = append(s.LambdaFunctions, snapshot.LambdaFunction{ARN: fn, Account: acct, Region: region, Name: fmt.Sprintf("fn%02d", i)})
		}
	}
	s.Normalize()
	return s
}

// cyclicSnapshot is hostile: an ALB forwards to a target group of type alb
// that targets the same ALB.
func cyclicSnapshot() *snapshot.Snapshot {
	const acct, region = "111111111111", "eu-west-1"
	alb := "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/loop/1"
	tg := "arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/loop/2"
	s := &snapshot.Snapshot{
		Scope: snapshot.Scope{Accounts: []string{acct}, Regions: []string{region}},
		LoadBalancers: []snapshot.LoadBalancer{{ARN: alb, Account: acct, Region: region, Name: "loop", Type: "application",
			Scheme: "internet-facing", DNSName: "loop-1.eu-west-1.elb.amazonaws.com"}},
		TargetGroups: []snapshot.TargetGroup{{ARN: tg, Account: acct, Region: region, Name: "loop", TargetType: "alb",
			LoadBalancerARNs: []string{alb}, Targets: []snapshot.Target{{ID: alb}}}},
	}
	s.Normalize()
	return s
}

// TestCollapse: beyond collapseLimit target groups, an ALB shows the
// flagged ones first and folds the rest, with the functions only they
// reach, into one node that keeps their findings and every hop out of
// them.
func TestCollapse(t *testing.T) {
	t.Parallel()
	snap := crowdedALB(20)
	flagged := "arn:aws:lambda:eu-west-1:111111111111:function:fn13"
	r := snapshotReport(snap)
	r.Findings = []Finding{{RuleID: "GW106", Severity: Medium, Resource: flagged, Account: "111111111111", Region: "eu-west-1"}}
	r.Finalize()
	full := buildTopology(r)
	view := full.collapsed(collapseLimit)

	var shown []string
	var group *topoNode
	for _, n := range view.Nodes {
		switch {
		case n.Members != nil:
			group = n
		case n.Layer == layerTG:
			shown = append(shown, n.Label)
		}
	}
	// tg13 leads to the flagged function; tg00 shares fn00 with tg19.
	if diff := cmp.Diff([]string{"tg00", "tg01", "tg02", "tg03", "tg13"}, sortedCopy(shown)); diff != "" {
		t.Errorf("target groups in sight (-want +got):\n%s", diff)
	}
	if group == nil {
		t.Fatal("nothing folded")
	}
	if group.Label != "+15 target groups" || group.Detail != "and 14 Lambda functions" {
		t.Errorf("folded node says %q, %q", group.Label, group.Detail)
	}
	if group.Worst != "" || view.Resolve[flagged][0].Label != "fn13" {
		t.Errorf("the flagged function was folded")
	}
	// fn00 stays in sight (tg00 reaches it), so the fold keeps tg19's hop.
	var hops []string
	for _, e := range view.Edges {
		if e.From == group || e.To == group {
			hops = append(hops, e.From.Label+" -> "+e.To.Label)
		}
	}
	if diff := cmp.Diff([]string{"+15 target groups -> fn00", "crowded -> +15 target groups"}, sortedCopy(hops)); diff != "" {
		t.Errorf("hops of the folded node (-want +got):\n%s", diff)
	}
	// Every hop of the full topology is drawn, between the nodes that
	// stand for its ends.
	at := map[*topoNode]*topoNode{}
	for _, n := range view.Nodes {
		at[n] = n
		for _, m := range n.Members {
			at[m] = n
		}
	}
	drawn := map[[2]*topoNode]bool{}
	for _, e := range view.Edges {
		drawn[[2]*topoNode{e.From, e.To}] = true
	}
	for _, e := range full.Edges {
		from, to := at[e.From], at[e.To]
		if from != to && !drawn[[2]*topoNode{from, to}] {
			t.Errorf("hop %s -> %s is not drawn", e.From.Label, e.To.Label)
		}
	}
	// The Mermaid diagram folds the same way, naming the members.
	var md bytes.Buffer
	if err := writeMermaid(&md, full); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), `"+15 target groups<br/>and 14 Lambda functions"`) ||
		!strings.Contains(md.String(), "  %% "+group.ID+" arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/tg04/4 ") {
		t.Errorf("Mermaid does not show the folded node:\n%s", md.String())
	}
	if n := strings.Count(md.String(), " --> "); n != len(view.Edges) {
		t.Errorf("Mermaid draws %d edges, the picture %d", n, len(view.Edges))
	}
	// The HTML says what it folded.
	page := string(render(t, "html", r))
	if !strings.Contains(page, "shows 5 of them (those with findings first) and folds the rest, with the functions only they reach, into a dashed “+N” node: 29 resources are folded here.") {
		t.Error("the HTML does not say what it folded")
	}
	if same := full.collapsed(20); same != full {
		t.Error("an ALB within the limit was folded")
	}
}

// TestOrderRemovesAvoidableCrossings: two APIs whose backends are listed
// the other way round cross unless the sweeps reorder them.
func TestOrderRemovesAvoidableCrossings(t *testing.T) {
	t.Parallel()
	n := func(id string, layer int) *topoNode {
		return &topoNode{ID: id, Label: id, Layer: layer, Counts: map[Severity]int{}}
	}
	clients, a1, a2, a3, l1, l2, l3 := n("clients", layerClients), n("a1", layerAPI), n("a2", layerAPI), n("a3", layerAPI),
		n("l1", layerLB), n("l2", layerLB), n("l3", layerLB)
	topo := &topology{Nodes: []*topoNode{clients, a1, a2, a3, l1, l2, l3}, Edges: []topoEdge{
		{From: clients, To: a1}, {From: clients, To: a2}, {From: clients, To: a3},
		{From: a1, To: l3}, {From: a2, To: l2}, {From: a3, To: l1}, {From: a3, To: l2},
	}}
	d := layoutTopology(topo)
	y := map[string]int{}
	for _, b := range d.Boxes {
		y[b.Node.ID] = b.Y
	}
	for _, e := range topo.Edges[3:] {
		for _, f := range topo.Edges[3:] {
			if (y[e.From.ID]-y[f.From.ID])*(y[e.To.ID]-y[f.To.ID]) < 0 {
				t.Errorf("%s -> %s crosses %s -> %s", e.From.ID, e.To.ID, f.From.ID, f.To.ID)
			}
		}
	}
}
