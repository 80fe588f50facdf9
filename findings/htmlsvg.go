package findings

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// The HTML report's pictures: the topology as laid out by layoutTopology,
// and small bar charts. Both are SVG written by the template, every
// label sanitised and bounded here and escaped there.

type htmlNode struct {
	ID, ARN, Account, Severity string
	X, Y, W, H                 int
	Fill, Stroke               string
	Label, Detail, Title       string
	Badge, BadgeX              int
	Group                      bool
}

type htmlEdge struct {
	D, Class, Kind string
	From, To       string // node IDs
}

type htmlLegend struct {
	Label, Fill, Stroke string
	StrokeW             float64
}

type htmlPicture struct {
	W, H      int
	Columns   []drawColumn
	Nodes     []htmlNode
	Edges     []htmlEdge
	Legend    []htmlLegend
	Unplaced  int
	Collapsed int  // resources folded into "+N" nodes
	Around    bool // an edge is routed around (a cycle)
}

// pictureOf lays out a topology for the page.
func pictureOf(t *topology) *htmlPicture {
	d := layoutTopology(t)
	pic := &htmlPicture{W: d.W, H: d.H, Columns: d.Columns, Unplaced: t.Unplaced}
	for _, b := range d.Boxes {
		n := b.Node
		hn := htmlNode{
			ID: n.ID, ARN: short(n.ARN), Account: short(n.Account), Severity: string(n.Worst),
			X: b.X, Y: b.Y, W: b.W, H: b.H, Fill: "#ffffff", Stroke: "#8a8f98",
			Label: truncate(sanitize(n.Label), labelN), Detail: truncate(sanitize(n.Detail), labelN+6),
			Title: strings.TrimSpace(short(n.Label) + " " + short(n.ARN)), Badge: n.Total(), Group: n.Members != nil,
		}
		if c, ok := severityColors[n.Worst]; ok {
			hn.Fill, hn.Stroke = c[0], c[1]
		}
		if hn.Group {
			pic.Collapsed += len(n.Members)
			names := make([]string, 0, min(len(n.Members), 12))
			for _, m := range n.Members[:min(len(n.Members), 12)] {
				names = append(names, short(m.Label))
			}
			if len(n.Members) > len(names) {
				names = append(names, fmt.Sprintf("and %d more", len(n.Members)-len(names)))
			}
			hn.Title = short(n.Label) + ": " + strings.Join(names, ", ")
		}
		hn.BadgeX = hn.X + hn.W - 4
		pic.Nodes = append(pic.Nodes, hn)
	}
	for _, e := range d.Edges {
		class := ""
		if e.Edge.To.Worst != "" {
			class += " flagged"
		}
		if e.Around {
			class += " around"
			pic.Around = true
		}
		pic.Edges = append(pic.Edges, htmlEdge{D: e.D, Class: class, Kind: e.Edge.Kind, From: e.Edge.From.ID, To: e.Edge.To.ID})
	}
	for _, sev := range Severities {
		c := severityColors[sev]
		pic.Legend = append(pic.Legend, htmlLegend{Label: string(sev), Fill: c[0], Stroke: c[1], StrokeW: 2})
	}
	pic.Legend = append(pic.Legend, htmlLegend{Label: "no active finding", Fill: "#ffffff", Stroke: "#8a8f98", StrokeW: 1})
	return pic
}

// Bar chart geometry, in pixels.
const (
	chartW      = 420
	chartLabelW = 170
	chartBarH   = 14
	chartRowH   = 22
	chartBars   = 12 // bars before the rest are summed into one
)

type htmlChart struct {
	Title string
	W, H  int
	Bars  []htmlBar
	Empty string
}

type htmlBar struct {
	Label, Tip    string
	TextY, TotalX int
	Total         int
	Segs          []htmlSeg
}

type htmlSeg struct {
	X, Y, W, H int
	Fill       string
}

// chartsOf draws the active findings by severity, by rule and by account
// and region, each bar split by severity.
func chartsOf(r *Report, rules map[string]Rule) []htmlChart {
	bySev := map[string]map[Severity]int{}
	byRule := map[string]map[Severity]int{}
	byScope := map[string]map[Severity]int{}
	add := func(m map[string]map[Severity]int, k string, s Severity) {
		if m[k] == nil {
			m[k] = map[Severity]int{}
		}
		m[k][s]++
	}
	for _, f := range r.Findings {
		if !f.Active() {
			continue
		}
		add(bySev, string(f.Severity), f.Severity)
		add(byRule, f.RuleID, f.Severity)
		add(byScope, f.Account+" "+f.Region, f.Severity)
	}
	sevOrder := func(a, b string) int { return Severity(b).Rank() - Severity(a).Rank() }
	ruleTip := func(k string) string { return k + " " + rules[k].Title }
	return []htmlChart{
		barChart("Findings by severity", bySev, sevOrder, nil),
		barChart("Findings by rule", byRule, nil, ruleTip),
		barChart("Findings by account and region", byScope, nil, nil),
	}
}

// barChart draws one horizontal bar per key, largest first unless order
// says otherwise, at most chartBars of them (the rest summed in one).
func barChart(title string, data map[string]map[Severity]int, order func(a, b string) int, tip func(string) string) htmlChart {
	c := htmlChart{Title: title, W: chartW, Empty: "No active findings."}
	total := func(k string) int {
		n := 0
		for _, v := range data[k] {
			n += v
		}
		return n
	}
	keys := slices.Collect(maps.Keys(data))
	slices.SortFunc(keys, func(a, b string) int {
		if order != nil {
			return order(a, b)
		}
		return cmp.Or(total(b)-total(a), strings.Compare(a, b))
	})
	if len(keys) > chartBars {
		rest := map[Severity]int{}
		for _, k := range keys[chartBars-1:] {
			for s, n := range data[k] {
				rest[s] += n
			}
		}
		label := fmt.Sprintf("%d others", len(keys)-chartBars+1)
		data[label] = rest
		keys = append(keys[:chartBars-1], label)
	}
	most := 0
	for _, k := range keys {
		most = max(most, total(k))
	}
	scale := float64(chartW-chartLabelW-40) / float64(max(most, 1))
	for i, k := range keys {
		y := 4 + i*chartRowH
		b := htmlBar{Label: truncate(sanitize(k), 26), Tip: short(k), TextY: y + chartBarH - 2, Total: total(k)}
		if tip != nil {
			b.Tip = short(tip(k))
		}
		x := chartLabelW
		for _, s := range Severities {
			n := data[k][s]
			if n == 0 {
				continue
			}
			w := max(int(float64(n)*scale+0.5), 2)
			b.Segs = append(b.Segs, htmlSeg{X: x, Y: y, W: w, H: chartBarH, Fill: severityColors[s][1]})
			x += w
		}
		b.TotalX = x + 6
		c.Bars = append(c.Bars, b)
	}
	c.H = 8 + len(keys)*chartRowH
	return c
}
