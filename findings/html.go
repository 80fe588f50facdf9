package findings

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
)

// The HTML report is one self-contained file: inline CSS and JS, an inline
// SVG picture laid out here, nothing fetched. A Content-Security-Policy
// admits only the page's own script and style by hash, so even a string
// that escaped escaping could not run. html/template escapes every
// AWS-provided string for its context.

// SVG layout, in pixels.
const (
	svgNodeW   = 220
	svgNodeH   = 54
	svgColGap  = 70
	svgRowGap  = 16
	svgMargin  = 20
	svgHeaderH = 30
	svgLabelN  = 28 // characters of a label before it is cut
)

type htmlNode struct {
	ID            string
	ARN           string
	X, Y, W, H    int
	Fill, Stroke  string
	Label, Detail string
	Title         string
	Account       string
	Badge         int
	BadgeX        int
	Severity      string
}

type htmlEdge struct {
	D        string
	Flagged  bool
	From, To string // node IDs
}

type htmlColumn struct {
	X    int
	Name string
}

type htmlPicture struct {
	W, H     int
	Columns  []htmlColumn
	Nodes    []htmlNode
	Edges    []htmlEdge
	Unplaced int
}

type htmlRow struct {
	Severity string
	Rule     string
	RuleURL  string
	Title    string
	Resource string
	Name     string
	Account  string
	Region   string
	Message  string
	Remedy   string
	// Defined is where the resource is defined in code, when known.
	Defined    string
	Tags       string
	Status     string
	Suppressed bool
}

type htmlPage struct {
	Summary    string
	Incomplete bool
	Scope      []string
	Report     *Report
	Picture    *htmlPicture
	Gaps       []gapGroup
	Rows       []htmlRow
	Severities []string
	Rules      []string
	Accounts   []string
	CSP        string
}

func writeHTML(w io.Writer, r *Report) error {
	page := htmlPage{
		Gaps:       gapGroups(r),
		Summary:    summaryLine(r),
		Incomplete: r.Incomplete,
		Report:     r,
		CSP:        htmlCSP,
	}
	page.Scope = []string{
		"Accounts: " + shortList(r.Scope.Accounts),
		"Regions: " + shortList(r.Scope.Regions),
		"Snapshot taken: " + short(r.SnapshotTakenAt),
		"Tool: " + short(strings.TrimSpace(r.Tool.Name+" "+r.Tool.Version)),
	}
	if r.Scope.Shard != "" {
		page.Scope = append(page.Scope, "Shard: "+short(r.Scope.Shard))
	}
	for _, s := range Severities {
		page.Severities = append(page.Severities, string(s))
	}
	idx := resourceIndex(r)
	tags := resourceTags(r.Snapshot)
	var accounts []string
	for _, a := range r.Scope.Accounts {
		accounts = append(accounts, short(a))
	}
	for _, f := range r.Findings {
		// Every AWS-provided string is sanitised and bounded here, once;
		// html/template then escapes it for its context.
		row := htmlRow{
			Severity: string(f.Severity), Rule: short(f.RuleID), RuleURL: ruleHelpURI(f.RuleID), Title: short(f.Title),
			Resource: short(f.Resource), Name: short(idx[f.Resource].Name), Account: short(f.Account), Region: short(f.Region),
			Message: prose(f.Message), Remedy: prose(f.Remediation),
		}
		if own := tags[f.Resource]; len(own) > 0 {
			row.Tags = prose(formatTags(own[0]))
		}
		if f.Source != nil {
			row.Defined = short(f.Source.Where())
		}
		switch {
		case f.Suppression != nil:
			row.Suppressed = true
			row.Status = "suppressed (" + short(f.Suppression.Kind) + "): " + prose(f.Suppression.Reason)
			if f.Suppression.Expires != "" {
				row.Status += ", until " + short(f.Suppression.Expires)
			}
		case f.Baseline == BaselineNew:
			row.Status = "new"
		}
		page.Rows = append(page.Rows, row)
		page.Rules = append(page.Rules, row.Rule)
		accounts = append(accounts, row.Account)
	}
	slices.Sort(page.Rules)
	page.Rules = slices.Compact(page.Rules)
	slices.Sort(accounts)
	page.Accounts = slices.Compact(accounts)
	if topo := buildTopology(r); topo != nil {
		page.Picture = layoutSVG(topo)
	}
	return htmlTemplate.Execute(w, page)
}

// shortList sanitises and bounds each item of a list and joins them.
func shortList(items []string) string { return joinEach(items, short) }

// formatTags renders a tag set as "k=v, k=v" in key order.
func formatTags(t map[string]string) string {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + t[k]
	}
	return strings.Join(parts, ", ")
}

// layoutSVG places the topology in columns, one per layer that has nodes,
// nodes stacked in snapshot order: simple, and it never overlaps.
func layoutSVG(t *topology) *htmlPicture {
	var cols [layerCount][]*topoNode
	for _, n := range t.Nodes {
		cols[n.Layer] = append(cols[n.Layer], n)
	}
	pic := &htmlPicture{Unplaced: t.Unplaced}
	pos := make(map[*topoNode]htmlNode)
	x, rows := svgMargin, 0
	for layer, nodes := range cols {
		if len(nodes) == 0 {
			continue
		}
		pic.Columns = append(pic.Columns, htmlColumn{X: x + svgNodeW/2, Name: layerNames[layer]})
		for i, n := range nodes {
			hn := htmlNode{
				ID: n.ID, ARN: short(n.ARN),
				X: x, Y: svgMargin + svgHeaderH + i*(svgNodeH+svgRowGap), W: svgNodeW, H: svgNodeH,
				Fill: "#ffffff", Stroke: "#8a8f98",
				Label: truncate(sanitize(n.Label), svgLabelN), Detail: truncate(sanitize(n.Detail), svgLabelN+6),
				Title: strings.TrimSpace(short(n.Label) + " " + short(n.ARN)), Account: short(n.Account),
				Badge: n.Total(), Severity: string(n.Worst),
			}
			if c, ok := severityColors[n.Worst]; ok {
				hn.Fill, hn.Stroke = c[0], c[1]
			}
			hn.BadgeX = hn.X + hn.W - 4
			pos[n] = hn
			pic.Nodes = append(pic.Nodes, hn)
		}
		rows = max(rows, len(nodes))
		x += svgNodeW + svgColGap
	}
	for _, e := range t.Edges {
		a, b := pos[e.From], pos[e.To]
		x1, y1 := a.X+a.W, a.Y+a.H/2
		x2, y2 := b.X, b.Y+b.H/2
		mid := (x1 + x2) / 2
		pic.Edges = append(pic.Edges, htmlEdge{
			D:       fmt.Sprintf("M%d %d C%d %d %d %d %d %d", x1, y1, mid, y1, mid, y2, x2-6, y2),
			Flagged: e.To.Worst != "",
			From:    e.From.ID, To: e.To.ID,
		})
	}
	pic.W = x - svgColGap + svgMargin
	pic.H = svgMargin*2 + svgHeaderH + rows*(svgNodeH+svgRowGap)
	return pic
}

// htmlScript filters the findings table and dims the picture's nodes of
// other accounts. Its last act marks the page ready, which the headless
// browser test looks for: the mark appears only if the script ran through.
const htmlScript = `
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("#findings tbody tr"));
  var sevs = Array.prototype.slice.call(document.querySelectorAll("input[name=sev]"));
  var rule = document.getElementById("f-rule");
  var account = document.getElementById("f-account");
  var supp = document.getElementById("f-suppressed");
  var shown = document.getElementById("shown");
  var nodes = Array.prototype.slice.call(document.querySelectorAll("svg .node"));
  function apply() {
    var on = {};
    sevs.forEach(function (c) { on[c.value] = c.checked; });
    var n = 0;
    rows.forEach(function (tr) {
      var d = tr.dataset;
      var ok = on[d.sev] && (!rule.value || d.rule === rule.value) &&
        (!account.value || d.account === account.value) && (supp.checked || d.suppressed !== "true");
      tr.hidden = !ok;
      if (ok) { n++; }
    });
    nodes.forEach(function (g) {
      g.classList.toggle("dim", !!account.value && g.dataset.account !== account.value);
    });
    shown.textContent = n + " of " + rows.length + " findings shown";
  }
  sevs.concat([rule, account, supp]).forEach(function (el) { el.addEventListener("change", apply); });
  apply();
  document.documentElement.setAttribute("data-ready", "filters");
})();
`

const htmlStyle = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px; color: #1d2330; background: #fafbfc; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
.verdict { font-size: 16px; font-weight: 600; }
.scope { color: #555; margin: 4px 0 0; padding: 0; list-style: none; } .scope li { display: inline; margin-right: 18px; }
.gaps { border: 2px solid #b00020; background: #fff0f0; padding: 10px 14px; border-radius: 6px; }
.gaps h2 { margin-top: 0; color: #b00020; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { border-bottom: 1px solid #e3e6ea; padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: #f1f3f5; }
td.arn { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; word-break: break-all; color: #444; }
.sev { display: inline-block; min-width: 62px; text-align: center; border-radius: 10px; padding: 1px 8px; font-weight: 600; font-size: 12px; }
.sev-critical { background: #f8d0d0; color: #8a0018; } .sev-high { background: #fde0c2; color: #8a3700; }
.sev-medium { background: #fff1b8; color: #6b5500; } .sev-low { background: #dbe9ff; color: #1d4f9c; } .sev-info { background: #eee; color: #444; }
tr.suppressed td { color: #888; } .status { font-size: 12px; color: #555; }
.filters { display: flex; flex-wrap: wrap; gap: 14px; align-items: center; margin: 8px 0 10px; }
.picture svg { max-width: 100%; height: auto; }
.picture { overflow-x: auto; background: #fff; border: 1px solid #e3e6ea; border-radius: 6px; }
svg text { font: 12px system-ui, sans-serif; fill: #1d2330; }
svg .label { font-weight: 600; } svg .detail { fill: #555; font-size: 11px; }
svg .col { font-weight: 700; fill: #555; text-anchor: middle; }
svg .edge { fill: none; stroke: #9aa1ab; stroke-width: 1.5; } svg .edge.flagged { stroke: #c0392b; }
svg .badge text { fill: #fff; font-weight: 700; font-size: 11px; text-anchor: middle; }
svg .dim { opacity: 0.2; }
`

// htmlCSP allows exactly the inline script and style above.
var htmlCSP = fmt.Sprintf("default-src 'none'; script-src 'sha256-%s'; style-src 'sha256-%s'; img-src data:",
	cspHash(htmlScript), cspHash(htmlStyle))

func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return base64.StdEncoding.EncodeToString(sum[:])
}

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"text":  short,
	"prose": prose,
	"join":  strings.Join,
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{.CSP}}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>gatewatch report</title>
<style>` + htmlStyle + `</style>
</head>
<body>
<h1>gatewatch review report</h1>
<p class="verdict">{{.Summary}}</p>
<ul class="scope">{{range .Scope}}<li>{{.}}</li>{{end}}</ul>
{{with .Report.Errors}}
<section class="gaps" id="gaps">
<h2>Coverage is incomplete: {{len .}} AWS calls failed</h2>
<p>Where they failed, an absence of findings proves nothing.</p>
<table>
<thead><tr><th>Account</th><th>Region</th><th>Service</th><th>Operation</th><th>Code</th><th>Message</th></tr></thead>
<tbody>{{range .}}<tr><td>{{text .Account}}</td><td>{{text .Region}}</td><td>{{text .Service}}</td><td>{{text .Operation}}</td><td>{{text .Code}}</td><td>{{prose .Message}}</td></tr>
{{end}}</tbody>
</table>
</section>
{{end}}
{{with .Gaps}}
<section class="gaps" id="not-evaluated">
<h2>Could not evaluate</h2>
<p>These rules lacked an input in these account-regions, so they neither fired nor passed there.</p>
<table>
<thead><tr><th>Account</th><th>Region</th><th>Rules</th><th>Resources</th><th>Missing inputs</th><th>To fix</th></tr></thead>
<tbody>{{range .}}<tr><td>{{text .Account}}</td><td>{{text .Region}}</td><td>{{join .Rules ", "}}</td><td>{{.Resources}}</td><td>{{join .Inputs ", "}}</td><td>{{text .Advice}}</td></tr>
{{end}}</tbody>
</table>
</section>
{{end}}
{{with .Picture}}
<h2>Topology</h2>
<p>Traffic flows left to right. Nodes are coloured by their most severe active finding; the badge counts them.{{if .Unplaced}} {{.Unplaced}} findings concern resources not drawn here.{{end}}</p>
<div class="picture">
<svg xmlns="http://www.w3.org/2000/svg" width="{{.W}}" height="{{.H}}" viewBox="0 0 {{.W}} {{.H}}" role="img" aria-label="Topology of the audited entry points">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#9aa1ab"/></marker></defs>
{{range .Columns}}<text class="col" x="{{.X}}" y="26">{{.Name}}</text>
{{end}}{{range .Edges}}<path class="edge{{if .Flagged}} flagged{{end}}" data-from="{{.From}}" data-to="{{.To}}" d="{{.D}}" marker-end="url(#arrow)"/>
{{end}}{{range .Nodes}}<g class="node" id="{{.ID}}" data-arn="{{.ARN}}" data-account="{{.Account}}" data-severity="{{.Severity}}">
<title>{{.Title}}</title>
<rect x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}" rx="6" fill="{{.Fill}}" stroke="{{.Stroke}}" stroke-width="{{if .Severity}}2.5{{else}}1{{end}}"/>
<text class="label" x="{{.X}}" y="{{.Y}}" dx="10" dy="21">{{.Label}}</text>
<text class="detail" x="{{.X}}" y="{{.Y}}" dx="10" dy="40">{{.Detail}}</text>
{{if .Badge}}<g class="badge"><circle cx="{{.BadgeX}}" cy="{{.Y}}" r="11" fill="{{.Stroke}}"/><text x="{{.BadgeX}}" y="{{.Y}}" dy="4">{{.Badge}}</text></g>{{end}}
</g>
{{end}}</svg>
</div>
{{end}}
<h2>Findings</h2>
<div class="filters">
{{range .Severities}}<label><input type="checkbox" name="sev" value="{{.}}" checked> {{.}}</label>
{{end}}<label>Rule <select id="f-rule"><option value="">all</option>{{range .Rules}}<option>{{.}}</option>{{end}}</select></label>
<label>Account <select id="f-account"><option value="">all</option>{{range .Accounts}}<option>{{.}}</option>{{end}}</select></label>
<label><input type="checkbox" id="f-suppressed"> show suppressed</label>
<span id="shown"></span>
</div>
<table id="findings">
<thead><tr><th>Severity</th><th>Rule</th><th>Resource</th><th>Account</th><th>Region</th><th>Finding</th></tr></thead>
<tbody>
{{range .Rows}}<tr data-sev="{{.Severity}}" data-rule="{{.Rule}}" data-account="{{.Account}}" data-suppressed="{{.Suppressed}}"{{if .Suppressed}} class="suppressed" hidden{{end}}>
<td><span class="sev sev-{{.Severity}}">{{.Severity}}</span></td>
<td><a href="{{.RuleURL}}">{{.Rule}}</a><br>{{.Title}}</td>
<td>{{with .Name}}<strong>{{.}}</strong><br>{{end}}<span class="arn" title="{{.Tags}}">{{.Resource}}</span>{{with .Tags}}<br><span class="status">tags: {{.}}</span>{{end}}{{with .Defined}}<br><span class="status">defined in {{.}}</span>{{end}}</td>
<td>{{.Account}}</td><td>{{.Region}}</td>
<td>{{.Message}}<br><em>Fix:</em> {{.Remedy}}{{with .Status}}<br><span class="status">{{.}}</span>{{end}}</td>
</tr>
{{end}}</tbody>
</table>
{{with .Report.Fixed}}
<h2>Fixed since the baseline</h2>
<table><thead><tr><th>Rule</th><th>Severity</th><th>Resource</th></tr></thead><tbody>
{{range .}}<tr><td>{{text .RuleID}}</td><td>{{text (print .Severity)}}</td><td class="arn">{{text .Resource}}</td></tr>
{{end}}</tbody></table>
{{end}}
<script>` + htmlScript + `</script>
</body>
</html>
`))
