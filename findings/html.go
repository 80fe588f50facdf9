package findings

import (
	"cmp"
	"crypto/sha256"
	_ "embed" // the page's template, style and script
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"io"
	"maps"
	"slices"
	"strings"
)

// The HTML report is a dashboard in one self-contained file: inline CSS
// and JS, inline SVG charts and topology laid out here, nothing fetched.
// A Content-Security-Policy admits only the page's own script and style by
// hash, so even a string that escaped escaping could not run. html/template
// escapes every AWS-provided string for its context, after short or prose
// has sanitised and bounded it.

var (
	//go:embed dashboard.tmpl
	htmlPageTemplate string
	//go:embed dashboard.css
	htmlStyle string
	//go:embed dashboard.js
	htmlScript string
)

// htmlCSP allows exactly the inline script and style above.
var htmlCSP = fmt.Sprintf("default-src 'none'; script-src 'sha256-%s'; style-src 'sha256-%s'; img-src data:",
	cspHash(htmlScript), cspHash(htmlStyle))

func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return base64.StdEncoding.EncodeToString(sum[:])
}

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"text":   short,
	"prose":  prose,
	"join":   strings.Join,
	"plural": plural,
}).Parse(htmlPageTemplate))

type htmlPage struct {
	CSP    string
	Style  template.CSS
	Script template.JS

	Summary       string
	Incomplete    bool
	Scope         []string
	Report        *Report
	Gaps          []gapGroup
	Tiles         htmlTiles
	Charts        []htmlChart
	Picture       *htmlPicture
	CollapseLimit int
	CollapseShown int
	RuleRows      []htmlRuleRow
	Compliance    []htmlFramework
	Unmapped      []string
	Groups        []htmlGroup

	Severities, RuleIDs, Accounts, Regions []string
	Total                                  int
}

type htmlCount struct {
	Label string
	N     int
}

type htmlTiles struct {
	Resources                        int
	ByType                           []htmlCount
	BySeverity                       []htmlCount
	Active, Suppressed, NotEvaluated int
	Errors, RulesFailing, RulesRun   int
}

// htmlRuleRow is a line of the per-rule table.
type htmlRuleRow struct {
	ID, Anchor, Title, Severity, HelpURL string
	Order, Rank                          int
	Controls                             []string
	RuleOutcome
}

type htmlGroup struct {
	ID, Title, Severity, Description, HelpURL string
	Fix                                       template.HTML
	Controls                                  []string
	Outcome                                   *RuleOutcome
	Rows                                      []htmlRow
}

type htmlRow struct {
	Severity string
	Rule     string
	RuleURL  string
	Resource string
	Name     string
	Account  string
	Region   string
	Message  string
	Evidence string
	// Defined is where the resource is defined in code, when known.
	Defined    string
	Tags       string
	Status     string
	Suppressed bool
	// Nodes are the IDs of the topology nodes the finding is drawn on.
	Nodes string
}

func writeHTML(w io.Writer, r *Report) error {
	page := htmlPage{
		CSP: htmlCSP, Style: template.CSS(htmlStyle), Script: template.JS(htmlScript),
		Gaps:          gapGroups(r),
		Summary:       summaryLine(r),
		Incomplete:    r.Incomplete,
		Report:        r,
		CollapseLimit: collapseLimit,
		CollapseShown: collapseLimit - 1,
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

	var nodesOf map[string][]*topoNode
	if topo := buildTopology(r); topo != nil {
		view := topo.collapsed(collapseLimit)
		page.Picture = pictureOf(view)
		nodesOf = view.Resolve
	}
	rules := catalogue(r)
	page.Tiles = tilesOf(r, rules)
	page.Charts = chartsOf(r, rules)
	page.RuleRows = ruleRows(r, rules)
	page.Compliance, page.Unmapped = complianceOf(r, rules)

	idx := resourceIndex(r)
	tags := resourceTags(r.Snapshot)
	accounts := slices.Clone(r.Scope.Accounts)
	regions := slices.Clone(r.Scope.Regions)
	groups := map[string]int{}
	for _, f := range r.Findings {
		// Every AWS-provided string is sanitised and bounded here, once;
		// html/template then escapes it for its context.
		row := htmlRow{
			Severity: string(f.Severity), Rule: short(f.RuleID), RuleURL: ruleHelpURI(f.RuleID),
			Resource: short(f.Resource), Name: short(idx[f.Resource].Name), Account: short(f.Account), Region: short(f.Region),
			Message: prose(f.Message),
		}
		if own := tags[f.Resource]; len(own) > 0 {
			row.Tags = prose(formatTags(own[0]))
		}
		if f.Source != nil {
			row.Defined = short(f.Source.Where())
		}
		if len(f.Evidence) > 0 {
			ev, err := json.MarshalIndent(safeValue(f.Evidence), "", "  ")
			if err != nil {
				return fmt.Errorf("evidence of %s on %s: %w", f.RuleID, f.Resource, err)
			}
			row.Evidence = string(ev)
		}
		var ids []string
		for _, n := range nodesOf[f.Resource] {
			ids = append(ids, n.ID)
		}
		row.Nodes = strings.Join(ids, " ")
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
		i, ok := groups[f.RuleID]
		if !ok {
			i = len(page.Groups)
			groups[f.RuleID] = i
			page.Groups = append(page.Groups, groupOf(r, rules, f))
		}
		page.Groups[i].Rows = append(page.Groups[i].Rows, row)
		accounts = append(accounts, f.Account)
		regions = append(regions, f.Region)
	}
	page.Total = len(r.Findings)
	for _, g := range page.Groups {
		page.RuleIDs = append(page.RuleIDs, g.ID)
	}
	slices.Sort(page.RuleIDs)
	page.Accounts = sortedShort(accounts)
	page.Regions = sortedShort(regions)
	return htmlTemplate.Execute(w, page)
}

// sortedShort sanitises and bounds each item and returns them sorted and
// without repeats.
func sortedShort(items []string) []string {
	out := make([]string, 0, len(items))
	for _, s := range items {
		if s != "" {
			out = append(out, short(s))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// catalogue is the report's rules by ID; findings of a rule the report
// does not describe (a report read back from JSON) get a rule made from
// the finding.
func catalogue(r *Report) map[string]Rule {
	out := make(map[string]Rule, len(r.Rules))
	for _, rule := range r.Rules {
		out[rule.ID] = rule
	}
	for _, f := range r.Findings {
		if _, ok := out[f.RuleID]; !ok {
			out[f.RuleID] = Rule{ID: f.RuleID, Title: f.Title, Severity: f.Severity, Remediation: f.Remediation,
				Controls: f.Controls, Enabled: true}
		}
	}
	return out
}

// groupOf is the heading of a rule's findings: what the rule checks, the
// fix and the controls, shown once for all its findings.
func groupOf(r *Report, rules map[string]Rule, f Finding) htmlGroup {
	rule := rules[f.RuleID]
	g := htmlGroup{
		ID: short(f.RuleID), Title: short(cmp.Or(rule.Title, f.Title)), Severity: string(f.Severity),
		Description: prose(rule.Description), HelpURL: ruleHelpURI(f.RuleID),
		Fix: inlineCode(cmp.Or(rule.Remediation, f.Remediation)), Controls: sortedShort(rule.Controls),
	}
	if len(g.Controls) == 0 {
		g.Controls = sortedShort(f.Controls)
	}
	if o, ok := r.Summary.ByRule[f.RuleID]; ok {
		g.Outcome = &o
	}
	return g
}

// inlineCode renders text with Markdown code spans (a run of backticks,
// then the same run again) as HTML: the code in <code>, everything
// escaped. Nothing else of Markdown is interpreted.
func inlineCode(s string) template.HTML {
	s = prose(s)
	var b strings.Builder
	for s != "" {
		open := strings.IndexByte(s, '`')
		if open < 0 {
			b.WriteString(html.EscapeString(s))
			break
		}
		n := open
		for n < len(s) && s[n] == '`' {
			n++
		}
		fence := s[open:n]
		end := closingFence(s[n:], len(fence))
		if end < 0 {
			// An unmatched run is literal text.
			b.WriteString(html.EscapeString(s[:n]))
			s = s[n:]
			continue
		}
		code := s[n : n+end]
		if len(code) > 1 && code[0] == ' ' && code[len(code)-1] == ' ' {
			code = code[1 : len(code)-1]
		}
		b.WriteString(html.EscapeString(s[:open]))
		b.WriteString("<code>" + html.EscapeString(code) + "</code>")
		s = s[n+end+len(fence):]
	}
	return template.HTML(b.String()) //nolint:gosec // built from escaped pieces above
}

// closingFence returns the index in s of the next run of exactly n
// backticks, or -1.
func closingFence(s string, n int) int {
	for i := 0; i < len(s); {
		if s[i] != '`' {
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] == '`' {
			j++
		}
		if j-i == n {
			return i
		}
		i = j
	}
	return -1
}

// shortList sanitises and bounds each item of a list and joins them.
func shortList(items []string) string { return joinEach(items, short) }

// formatTags renders a tag set as "k=v, k=v" in key order.
func formatTags(t map[string]string) string {
	keys := slices.Sorted(maps.Keys(t))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + t[k]
	}
	return strings.Join(parts, ", ")
}

// typeName is the plural name of a resource type (typeNames), for the
// tiles.
func typeName(typ string) string {
	for _, tn := range typeNames {
		if tn.typ == typ {
			return tn.many
		}
	}
	return short(typ)
}

func tilesOf(r *Report, rules map[string]Rule) htmlTiles {
	t := htmlTiles{Active: r.Summary.Total, Suppressed: r.Summary.Suppressed, NotEvaluated: r.Summary.NotEvaluated,
		Errors: r.Summary.Errors}
	if r.Snapshot != nil {
		byType := map[string]int{}
		for _, res := range r.Snapshot.Resources() {
			byType[res.Type]++
			t.Resources++
		}
		for typ, n := range byType {
			t.ByType = append(t.ByType, htmlCount{Label: typeName(typ), N: n})
		}
		slices.SortFunc(t.ByType, func(a, b htmlCount) int { return cmp.Or(b.N-a.N, strings.Compare(a.Label, b.Label)) })
	}
	for _, sev := range Severities {
		if n := r.Summary.BySeverity[sev]; n > 0 {
			t.BySeverity = append(t.BySeverity, htmlCount{Label: string(sev), N: n})
		}
	}
	failing := map[string]bool{}
	for _, f := range r.Findings {
		if f.Active() {
			failing[f.RuleID] = true
		}
	}
	t.RulesFailing = len(failing)
	for _, rule := range rules {
		if rule.Enabled {
			t.RulesRun++
		}
	}
	return t
}

// ruleRows is the per-rule table: every enabled rule with its outcomes,
// in ID order.
func ruleRows(r *Report, rules map[string]Rule) []htmlRuleRow {
	var out []htmlRuleRow
	for _, id := range slices.Sorted(maps.Keys(rules)) {
		rule := rules[id]
		o, counted := r.Summary.ByRule[id]
		if !rule.Enabled && !counted {
			continue
		}
		if !counted {
			// A report without outcome counts: its findings are the
			// failures, the rest is unknown.
			for _, f := range r.Findings {
				if f.RuleID == id && f.Active() {
					o.Failed++
				}
			}
		}
		out = append(out, htmlRuleRow{ID: short(id), Anchor: strings.ToLower(short(id)), Title: short(rule.Title),
			Severity: string(rule.Severity), HelpURL: ruleHelpURI(id), Order: len(out), Rank: rule.Severity.Rank(),
			Controls: sortedShort(rule.Controls), RuleOutcome: o})
	}
	return out
}

// htmlFramework is one catalogue of controls in the compliance view.
type htmlFramework struct {
	Name     string
	Controls []htmlControl
	// Controls by status.
	Failing, NotEvaluated, Passing, NotApplicable int
}

type htmlControl struct {
	ID                           string
	Order, Rank                  int
	Rules                        []string
	Failed, Passed, NotEvaluated int
	Status, StatusText           string
}

// frameworkNames name the catalogues rules map to (the prefix of a
// control, "SecurityHub:APIGateway.1").
var frameworkNames = map[string]string{
	"SecurityHub":  "AWS Security Hub (Foundational Security Best Practices)",
	"AWSConfig":    "AWS Config managed rules",
	"ControlTower": "AWS Control Tower",
	"Prowler":      "Prowler checks",
	"Trivy":        "Trivy (AVD) checks",
	"CWE":          "CWE weaknesses",
}

// complianceOf groups the enabled rules by the controls they map to, with
// the controls' outcomes summed over their rules; and lists the rules
// that map to none.
func complianceOf(r *Report, rules map[string]Rule) ([]htmlFramework, []string) {
	type key struct{ framework, control string }
	controls := map[key]*htmlControl{}
	var unmapped []string
	for _, id := range slices.Sorted(maps.Keys(rules)) {
		rule := rules[id]
		if !rule.Enabled {
			continue
		}
		if len(rule.Controls) == 0 {
			unmapped = append(unmapped, short(id))
			continue
		}
		o := r.Summary.ByRule[id]
		for _, c := range rule.Controls {
			fw, ctl, ok := strings.Cut(c, ":")
			if !ok {
				fw, ctl = "Other", c
			}
			k := key{short(fw), short(ctl)}
			hc := controls[k]
			if hc == nil {
				hc = &htmlControl{ID: k.control}
				controls[k] = hc
			}
			hc.Rules = append(hc.Rules, short(id))
			hc.Failed += o.Failed
			hc.Passed += o.Passed
			hc.NotEvaluated += o.NotEvaluated
		}
	}
	byFramework := map[string][]htmlControl{}
	for k, hc := range controls {
		switch {
		case hc.Failed > 0:
			hc.Status, hc.StatusText, hc.Rank = "failing", "failing", 3
		case hc.NotEvaluated > 0:
			hc.Status, hc.StatusText, hc.Rank = "not-evaluated", "not evaluated", 2
		case hc.Passed > 0:
			hc.Status, hc.StatusText, hc.Rank = "passing", "passing", 1
		default:
			hc.Status, hc.StatusText, hc.Rank = "not-applicable", "not applicable", 0
		}
		byFramework[k.framework] = append(byFramework[k.framework], *hc)
	}
	natural := func(a, b htmlControl) int { return naturalCompare(a.ID, b.ID) }
	var out []htmlFramework
	for _, fw := range slices.Sorted(maps.Keys(byFramework)) {
		cs := byFramework[fw]
		slices.SortFunc(cs, natural)
		for i := range cs {
			cs[i].Order = i
		}
		f := htmlFramework{Name: cmp.Or(frameworkNames[fw], fw), Controls: cs}
		for _, c := range cs {
			switch c.Rank {
			case 3:
				f.Failing++
			case 2:
				f.NotEvaluated++
			case 1:
				f.Passing++
			default:
				f.NotApplicable++
			}
		}
		out = append(out, f)
	}
	// Security Hub first: it is what most readers map to.
	slices.SortStableFunc(out, func(a, b htmlFramework) int {
		return cmp.Compare(frameworkRank(a.Name), frameworkRank(b.Name))
	})
	return out, unmapped
}

func frameworkRank(name string) int {
	for i, fw := range []string{"SecurityHub", "AWSConfig", "ControlTower"} {
		if name == frameworkNames[fw] {
			return i
		}
	}
	return 3
}

// naturalCompare orders strings with their digit runs compared as numbers:
// APIGateway.2 before APIGateway.10.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digitPrefix(a), digitPrefix(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if c := cmp.Or(cmp.Compare(len(na), len(nb)), strings.Compare(na, nb)); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func digitPrefix(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}
