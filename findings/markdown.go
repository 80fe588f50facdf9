package findings

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// mdBudget is the most a Markdown report holds, in bytes: GitHub refuses a
// pull-request or issue comment over 65,536 characters, and a character is
// at least a byte. mdReserve is kept back for the headings and the notes
// that say what was left out, which are written whatever the budget.
const (
	mdBudget  = 65536
	mdReserve = 6 << 10
)

// mdWriter writes a Markdown report within mdBudget: optional parts (rows,
// findings, the diagram) go in only while they fit. It keeps the first
// write error and does nothing after it.
type mdWriter struct {
	w   io.Writer
	n   int
	err error
}

// printf writes a part that is always there: headings, notes.
func (m *mdWriter) printf(format string, args ...any) {
	if m.err == nil {
		var n int
		n, m.err = fmt.Fprintf(m.w, format, args...)
		m.n += n
	}
}

// add writes s if it fits in the budget and reports whether it did.
func (m *mdWriter) add(s string) bool {
	if m.n+len(s) > mdBudget-mdReserve {
		return false
	}
	m.printf("%s", s)
	return true
}

// mdTableShare is the most one table other than the findings takes of
// the budget, so that a thousand collection errors leave room for the
// findings.
const mdTableShare = mdBudget / 8

// rows writes a table's rows while they fit in the budget and in the
// table's share of it, then says how many were left out.
func (m *mdWriter) rows(n int, row func(int) string) {
	start := m.n
	for i := range n {
		if m.err != nil {
			return
		}
		r := row(i)
		if m.n-start+len(r) > mdTableShare || !m.add(r) {
			m.printf("\n*%d more %s not shown, to keep this report under GitHub's 65,536-character comment limit: %s*\n", n-i, plural(n-i, "row", "rows"), mdFullReport)
			return
		}
	}
}

// mdFullReport says where the rest is when the budget cut a part.
const mdFullReport = "the HTML, JSON and CSV reports (`-o report.html`, `-o report.json`, `-o findings.csv`) list everything"

// writeMarkdown writes a review report for people and pull-request
// comments: verdict, scope, coverage gaps first, the topology as a Mermaid
// diagram, the findings grouped by severity and rule with the fix once per
// rule and the evidence collapsed, findings by entry point, suppressions,
// fixes and the rules. GitHub renders it, Mermaid included. The whole
// report stays under GitHub's comment limit (mdBudget): what does not fit
// is counted and pointed to the full reports.
//
// Identifiers (ARNs, accounts, regions, controls, inputs) are code spans
// (mdCode), rule text (the remediation, written by the rule's author) is
// Markdown as written, and every other AWS-provided string is escaped with
// mdEscape or mdProse (text), safeValue (the JSON of evidence) or
// mermaidLabel (diagram labels), each of which sanitises and bounds it
// first.
func writeMarkdown(w io.Writer, r *Report) error {
	m := &mdWriter{w: w}
	p := m.printf

	p("# gatewatch review report\n\n")
	p("**%s**\n\n", summaryLine(r))
	if r.Incomplete {
		p("> [!WARNING]\n> **Coverage is incomplete.** %d AWS calls failed for good (listed under *Coverage gaps*). "+
			"Where they failed, an absence of findings proves nothing.\n\n", len(r.Errors))
	}

	p("## Scope\n\n| | |\n| --- | --- |\n")
	p("| Accounts | %s |\n", mdCells(r.Scope.Accounts))
	p("| Regions | %s |\n", mdCells(r.Scope.Regions))
	if r.Scope.Shard != "" {
		p("| Shard | %s |\n", mdEscape(r.Scope.Shard))
	}
	if r.Snapshot != nil {
		p("| Resources | %s |\n", mdEscape(resourceCounts(r.Snapshot.Resources())))
	}
	p("| Snapshot taken | %s |\n", mdEscape(r.SnapshotTakenAt))
	p("| Tool | %s %s |\n\n", mdEscape(r.Tool.Name), mdEscape(r.Tool.Version))

	if len(r.Errors) > 0 {
		p("## Coverage gaps\n\nThese calls failed, so what they would have returned was not audited.\n\n")
		p("| Account | Region | Service | Operation | Code | Message |\n| --- | --- | --- | --- | --- | --- |\n")
		m.rows(len(r.Errors), func(i int) string {
			e := r.Errors[i]
			return fmt.Sprintf("| %s | %s | %s | %s | %s | %s |\n", mdCell(e.Account), mdCell(e.Region), mdCell(e.Service),
				mdCell(e.Operation), mdCell(e.Code), mdProse(e.Message))
		})
		p("\n")
	}
	if groups := gapGroups(r); len(groups) > 0 {
		p("## Could not evaluate\n\nThese rules lacked an input in these account-regions, so they neither fired nor passed there. " +
			"The JSON report lists every rule and resource (`not_evaluated`).\n\n")
		p("| Account | Region | Rules | Resources | Missing inputs | To fix |\n| --- | --- | --- | ---: | --- | --- |\n")
		m.rows(len(groups), func(i int) string {
			g := groups[i]
			return fmt.Sprintf("| %s | %s | %s | %d | %s | %s |\n", mdCell(g.Account), mdCell(g.Region), mdEscape(strings.Join(g.Rules, ", ")),
				g.Resources, mdCells(g.Inputs), mdEscape(g.Advice()))
		})
		p("\n")
	}

	p("## Summary\n\n| Severity | Findings |\n| --- | ---: |\n")
	for _, sev := range Severities {
		p("| %s | %d |\n", sevTitle(sev), r.Summary.BySeverity[sev])
	}
	p("| Suppressed | %d |\n", r.Summary.Suppressed)
	if r.Summary.New > 0 || r.Summary.Fixed > 0 {
		p("| New since the baseline | %d |\n| Fixed since the baseline | %d |\n", r.Summary.New, r.Summary.Fixed)
	}
	p("\n")

	topo := buildTopology(r)
	if topo != nil {
		p("## Topology\n\nHow traffic reaches the backends. Nodes with findings are coloured by their most severe one; the count follows the ⚠.\n\n")
		// The diagram goes in whole or not at all, and only while it
		// takes at most a third of the budget and leaves half of it to
		// the findings.
		var diagram strings.Builder
		if err := writeMermaid(&diagram, topo); err != nil {
			return err
		}
		if diagram.Len() <= mdBudget/3 && m.n+diagram.Len() <= mdBudget/2 {
			m.add(diagram.String())
		} else {
			p("*The diagram of %d resources is too large for a comment (GitHub's limit is 65,536 characters); the HTML report (`-o report.html`) draws it.*\n", len(topo.Nodes))
		}
		if topo.Unplaced > 0 {
			p("\n%d %s on resources the diagram does not draw (web ACLs, usage plans, ...).\n", topo.Unplaced, plural(topo.Unplaced, "finding is", "findings are"))
		}
		p("\n")
	}

	active, suppressed := splitActive(r.Findings)
	if err := m.findingsByRule(r, active); err != nil {
		return err
	}

	if topo != nil && len(active) > 0 {
		p("## Findings by entry point\n\nEach public entry point with the findings on the paths behind it; a finding on a shared backend is listed under every entry point that reaches it.\n\n")
		p("| Entry point | Account | Region | Findings on its paths |\n| --- | --- | --- | --- |\n")
		groups := groupByEntryPoint(topo, active, resourceIndex(r))
		m.rows(len(groups), func(i int) string {
			g := groups[i]
			return fmt.Sprintf("| %s | %s | %s | %s |\n", mdEscape(g.label), mdEscape(g.account), mdEscape(g.region), strings.Join(g.items, ", "))
		})
		p("\n")
	}

	if len(suppressed) > 0 {
		p("## Suppressed\n\n| Rule | Resource | By | Reason | Expires |\n| --- | --- | --- | --- | --- |\n")
		m.rows(len(suppressed), func(i int) string {
			f, s := suppressed[i], suppressed[i].Suppression
			return fmt.Sprintf("| %s | %s | %s | %s | %s |\n", mdEscape(f.RuleID), mdCell(f.Resource), mdEscape(s.Kind), mdProse(s.Reason), mdEscape(s.Expires))
		})
		p("\n")
	}
	if len(r.Fixed) > 0 {
		p("## Fixed since the baseline\n\n| Rule | Severity | Resource |\n| --- | --- | --- |\n")
		m.rows(len(r.Fixed), func(i int) string {
			f := r.Fixed[i]
			return fmt.Sprintf("| %s | %s | %s |\n", mdEscape(f.RuleID), mdEscape(string(f.Severity)), mdCell(f.Resource))
		})
		p("\n")
	}

	if rules := sarifRules(r, r.Findings); len(rules) > 0 {
		p("## Rules\n\n| Rule | Severity | Title |\n| --- | --- | --- |\n")
		m.rows(len(rules), func(i int) string {
			rule := rules[i]
			return fmt.Sprintf("| [%s](%s) | %s | %s |\n", mdEscape(rule.ID), ruleHelpURI(rule.ID), rule.Severity, mdEscape(rule.Title))
		})
	}
	return m.err
}

// findingsByRule writes the active findings by severity, then by rule: the
// rule's fix once, then one item per finding with its evidence collapsed.
// Findings that do not fit the budget are counted, with the rules they
// belong to.
func (m *mdWriter) findingsByRule(r *Report, active []Finding) error {
	p := m.printf
	p("## Findings by severity\n\n")
	if len(active) == 0 {
		p("No active findings.\n\n")
		return m.err
	}
	names := resourceIndex(r)
	showWhere := len(r.Scope.Accounts) > 1 || len(r.Scope.Regions) > 1 ||
		distinct(active, func(f Finding) string { return f.Account + " " + f.Region }) > 1
	left, leftRules := 0, map[string]bool{}
	for _, sev := range Severities {
		groups := ruleGroups(active, sev)
		if len(groups) == 0 {
			continue
		}
		count := 0
		for _, g := range groups {
			count += len(g)
		}
		if left > 0 || !m.add(fmt.Sprintf("### %s (%d)\n\n", sevTitle(sev), count)) {
			left += count
			for _, g := range groups {
				leftRules[g[0].RuleID] = true
			}
			continue
		}
		for _, g := range groups {
			f0 := g[0]
			head := fmt.Sprintf("#### %s %s (%d)\n\n**How to fix:** %s ([rule %s](%s))\n\n", mdEscape(f0.RuleID), mdEscape(f0.Title), len(g),
				ruleMarkdown(f0.Remediation), mdEscape(f0.RuleID), ruleHelpURI(f0.RuleID))
			if len(f0.Controls) > 0 {
				head += "**Controls:** " + mdCodes(f0.Controls) + "\n\n"
			}
			if left > 0 || !m.add(head) {
				left += len(g)
				leftRules[f0.RuleID] = true
				continue
			}
			for i, f := range g {
				if m.err != nil {
					return m.err
				}
				item, err := mdFindingItem(f, names[f.Resource].Name, showWhere)
				if err != nil {
					return err
				}
				if !m.add(item) {
					left += len(g) - i
					leftRules[f0.RuleID] = true
					break
				}
			}
			p("\n")
		}
	}
	if left > 0 {
		p("**%d more %s of %d %s not shown**, to keep this report under GitHub's 65,536-character comment limit: %s.\n\n",
			left, plural(left, "finding", "findings"), len(leftRules), plural(len(leftRules), "rule", "rules"), mdFullReport)
	}
	return m.err
}

// ruleGroups returns the active findings of one severity grouped by rule,
// in report order.
func ruleGroups(active []Finding, sev Severity) [][]Finding {
	var groups [][]Finding
	at := map[string]int{}
	for _, f := range active {
		if f.Severity != sev {
			continue
		}
		i, ok := at[f.RuleID]
		if !ok {
			i = len(groups)
			at[f.RuleID] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], f)
	}
	return groups
}

// mdFindingItem is one finding as a list item: the resource's name and ARN,
// where it is, what is wrong, and its evidence collapsed.
func mdFindingItem(f Finding, name string, showWhere bool) (string, error) {
	var b strings.Builder
	b.WriteString("- ")
	if name != "" {
		b.WriteString("**" + mdEscape(name) + "** ")
	}
	b.WriteString(mdCode(f.Resource))
	if showWhere {
		b.WriteString(" in " + mdCode(f.Account) + " " + mdCode(f.Region))
	}
	if f.Baseline == BaselineNew {
		b.WriteString(" · **new**")
	}
	b.WriteString(": " + mdProse(f.Message) + "\n")
	if src := f.Source; src != nil {
		b.WriteString("  Defined in " + mdCode(src.Where()) + ".\n")
	}
	if len(f.Evidence) > 0 {
		// Indented JSON: every line starts with a space or a brace, so no
		// line can close the fence. A fence does not stop bidi or C1
		// controls, so the strings inside are sanitised and bounded like
		// any other.
		ev, err := json.MarshalIndent(safeValue(f.Evidence), "  ", "  ")
		if err != nil {
			return "", fmt.Errorf("evidence of %s on %s: %w", f.RuleID, f.Resource, err)
		}
		fmt.Fprintf(&b, "\n  <details><summary>Evidence</summary>\n\n  ```json\n  %s\n  ```\n\n  </details>\n\n", ev)
	}
	return b.String(), nil
}

// ruleMarkdown is a rule's own text (its remediation), kept as Markdown so
// its commands render as code: the rule's author wrote it, not AWS. It is
// still sanitised line by line and bounded, and joined into one paragraph.
func ruleMarkdown(s string) string {
	lines := strings.Fields(strings.TrimSpace(s))
	return prose(strings.Join(lines, " "))
}

// mdCodes renders each item of a list as a code span.
func mdCodes(items []string) string { return joinEach(items, mdCode) }

// mdCell is mdCode for a table cell: GFM splits cells at a '|' even in a
// code span, unless it is escaped, and shows "\|" there as '|'.
func mdCell(s string) string { return strings.ReplaceAll(mdCode(s), "|", `\|`) }

// mdCells is mdCodes for a table cell.
func mdCells(items []string) string { return joinEach(items, mdCell) }

type entryGroup struct {
	label, account, region string
	items                  []string // escaped Markdown
	listed                 map[string]bool
}

// groupByEntryPoint lists, per public entry point in picture order, the
// active findings on the paths behind it. Findings no client path reaches
// follow, grouped under their own resource and marked internal or off the
// map.
func groupByEntryPoint(t *topology, fs []Finding, idx map[string]snapshot.Resource) []entryGroup {
	var groups []entryGroup
	at := make(map[string]int)
	add := func(key, label, account, region, onARN string, f *Finding) {
		i, ok := at[key]
		if !ok {
			i = len(groups)
			at[key] = i
			groups = append(groups, entryGroup{label: label, account: account, region: region, listed: map[string]bool{}})
		}
		item := mdEscape(f.RuleID) + " (" + string(f.Severity) + ")"
		if onARN != f.Resource {
			item += " on " + mdEscape(cmp.Or(idx[f.Resource].Name, f.Resource))
		}
		if g := &groups[i]; !g.listed[item] {
			g.listed[item] = true
			g.items = append(g.items, item)
		}
	}
	order := make(map[*topoNode]int, len(t.Nodes))
	for i, n := range t.Nodes {
		order[n] = i
	}
	type hit struct {
		entry *topoNode
		f     *Finding
		seq   int // position among the hits, to keep finding order within an entry point
	}
	var hits []hit
	type orphan struct {
		key, label, account, region, arn string
		f                                *Finding
	}
	var orphans []orphan
	for i := range fs {
		f := &fs[i]
		nodes := t.Resolve[f.Resource]
		if len(nodes) == 0 {
			orphans = append(orphans, orphan{f.Resource, cmp.Or(idx[f.Resource].Name, f.Resource) + " (not on the traffic path)", f.Account, f.Region, f.Resource, f})
		}
		for _, n := range nodes {
			entries := t.EntryPoints(n)
			if len(entries) == 0 {
				orphans = append(orphans, orphan{n.ID, n.Label + " (internal, no client path)", n.Account, n.Region, n.ARN, f})
			}
			for _, e := range entries {
				hits = append(hits, hit{e, f, len(hits)})
			}
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		return cmp.Or(cmp.Compare(order[a.entry], order[b.entry]), cmp.Compare(a.seq, b.seq))
	})
	for _, h := range hits {
		add(h.entry.ID, h.entry.Label, h.entry.Account, h.entry.Region, h.entry.ARN, h.f)
	}
	for _, o := range orphans {
		add(o.key, o.label, o.account, o.region, o.arn, o.f)
	}
	return groups
}

// severityColors are fill and stroke per severity, shared by the Mermaid
// classes and the HTML picture.
var severityColors = map[Severity][2]string{
	Critical: {"#f8d0d0", "#b00020"},
	High:     {"#fde0c2", "#d35400"},
	Medium:   {"#fff1b8", "#b7950b"},
	Low:      {"#dbe9ff", "#2e6fd8"},
	Info:     {"#eeeeee", "#777777"},
}

// writeMermaid draws the topology as a flowchart, one node per resource,
// flagged nodes classed by their worst severity. Like the HTML picture it
// folds a load balancer's target groups beyond collapseLimit into one node
// (see collapsed), keeping every hop.
func writeMermaid(w io.Writer, t *topology) error {
	t = t.collapsed(collapseLimit)
	b := bufio.NewWriter(w)
	b.WriteString("```mermaid\nflowchart LR\n")
	for _, n := range t.Nodes {
		label := mermaidLabel(n.Label)
		if n.Detail != "" {
			label += "<br/>" + mermaidLabel(n.Detail)
		}
		if total := n.Total(); total > 0 {
			label += fmt.Sprintf("<br/>⚠ %d %s", total, n.Worst)
		}
		open, close := "[\"", "\"]"
		switch n.Layer {
		case layerClients:
			open, close = "([\"", "\"])"
		case layerEdge:
			open, close = "{{\"", "\"}}"
		case layerLB:
			open, close = "[/\"", "\"/]"
		case layerCompute:
			open, close = "(\"", "\")"
		}
		fmt.Fprintf(b, "  %s%s%s%s\n", n.ID, open, label, close)
		if n.ARN != "" {
			// Which resource the node is, for readers and for tests that
			// hold the picture to the rules' graph; a comment to Mermaid.
			fmt.Fprintf(b, "  %%%% %s %s\n", n.ID, mermaidComment(n.ARN))
		}
		if len(n.Members) > 0 {
			// A folded node: the resources it stands for.
			arns := make([]string, len(n.Members))
			for i, m := range n.Members {
				arns[i] = mermaidComment(m.ARN)
			}
			fmt.Fprintf(b, "  %%%% %s %s\n", n.ID, strings.Join(arns, " "))
		}
	}
	for _, e := range t.Edges {
		fmt.Fprintf(b, "  %s --> %s\n", e.From.ID, e.To.ID)
	}
	for _, sev := range Severities {
		var ids []string
		for _, n := range t.Nodes {
			if n.Worst == sev {
				ids = append(ids, n.ID)
			}
		}
		if len(ids) == 0 {
			continue
		}
		c := severityColors[sev]
		fmt.Fprintf(b, "  classDef %s fill:%s,stroke:%s,stroke-width:3px,color:#111\n", sev, c[0], c[1])
		fmt.Fprintf(b, "  class %s %s\n", strings.Join(ids, ","), sev)
	}
	b.WriteString("```\n")
	return b.Flush()
}

// mermaidLabel makes an AWS-provided string safe inside a quoted Mermaid
// label: anything but letters, digits and plain punctuation becomes a
// Mermaid entity code (#NNN;), so quotes, backticks (Markdown strings),
// pipes, brackets, angle brackets (HTML), $ (math) and # cannot escape
// the label or be interpreted.
func mermaidLabel(s string) string {
	var b strings.Builder
	for _, r := range short(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(" .-_/:,=+@*", r):
			b.WriteRune(r)
		default:
			fmt.Fprintf(&b, "#%d;", r)
		}
	}
	return b.String()
}

// mdList escapes each item of a list and joins them: a long list stays
// whole, a long item is elided.
func mdList(items []string) string { return joinEach(items, mdEscape) }

// safeValue copies a decoded JSON value (evidence) with every string, keys
// included, sanitised and elided for a human format.
func safeValue(v any) any {
	switch v := v.(type) {
	case string:
		return short(v)
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[short(k)] = safeValue(x)
		}
		return m
	case []any:
		s := make([]any, len(v))
		for i, x := range v {
			s[i] = safeValue(x)
		}
		return s
	}
	return v
}

// mdCode renders s as a Markdown code span whatever backticks it holds:
// the fence is one backtick longer than the longest run inside.
func mdCode(s string) string {
	s = short(s)
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if longest > 0 {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

func sevTitle(s Severity) string {
	if s == "" {
		return ""
	}
	return strings.ToUpper(string(s[:1])) + string(s[1:])
}

// mermaidComment makes an AWS-provided string safe inside a %% comment
// line: one line, sanitised, nothing Mermaid could read as syntax.
func mermaidComment(s string) string {
	return strings.NewReplacer("%%", "%", "\n", " ").Replace(short(s))
}
