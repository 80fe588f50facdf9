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

// writeMarkdown writes a review report for people: verdict, scope,
// coverage gaps first, the topology as a Mermaid diagram, findings by
// severity and by entry point, suppressions, fixes and the rules. GitHub
// renders it, Mermaid included. Every AWS-provided string is escaped with
// mdEscape or mdProse (text), mdCode (code spans), safeValue (the JSON of
// evidence) or mermaidLabel (diagram labels), each of which sanitises and
// bounds it first.
func writeMarkdown(w io.Writer, r *Report) error {
	// The first failed write (cancellation included) stops the writing;
	// the loops over findings check for it.
	var werr error
	p := func(format string, args ...any) {
		if werr == nil {
			_, werr = fmt.Fprintf(w, format, args...)
		}
	}

	p("# gatewatch review report\n\n")
	p("**%s**\n\n", summaryLine(r))
	if r.Incomplete {
		p("> [!WARNING]\n> **Coverage is incomplete.** %d AWS calls failed for good (listed under *Coverage gaps*). "+
			"Where they failed, an absence of findings proves nothing.\n\n", len(r.Errors))
	}

	p("## Scope\n\n| | |\n| --- | --- |\n")
	p("| Accounts | %s |\n", mdList(r.Scope.Accounts))
	p("| Regions | %s |\n", mdList(r.Scope.Regions))
	if r.Scope.Shard != "" {
		p("| Shard | %s |\n", mdEscape(r.Scope.Shard))
	}
	p("| Snapshot taken | %s |\n", mdEscape(r.SnapshotTakenAt))
	p("| Tool | %s %s |\n\n", mdEscape(r.Tool.Name), mdEscape(r.Tool.Version))

	if len(r.Errors) > 0 {
		p("## Coverage gaps\n\nThese calls failed, so what they would have returned was not audited.\n\n")
		p("| Account | Region | Service | Operation | Code | Message |\n| --- | --- | --- | --- | --- | --- |\n")
		for _, e := range r.Errors {
			p("| %s | %s | %s | %s | %s | %s |\n", mdEscape(e.Account), mdEscape(e.Region), mdEscape(e.Service),
				mdEscape(e.Operation), mdEscape(e.Code), mdProse(e.Message))
		}
		p("\n")
	}
	if groups := gapGroups(r); len(groups) > 0 {
		p("## Could not evaluate\n\nThese rules lacked an input in these account-regions, so they neither fired nor passed there. " +
			"The JSON report lists every rule and resource (`not_evaluated`).\n\n")
		p("| Account | Region | Rules | Resources | Missing inputs | To fix |\n| --- | --- | --- | ---: | --- | --- |\n")
		for _, g := range groups {
			p("| %s | %s | %s | %d | %s | %s |\n", mdEscape(g.Account), mdEscape(g.Region), mdEscape(strings.Join(g.Rules, ", ")),
				g.Resources, mdEscape(strings.Join(g.Inputs, ", ")), mdEscape(g.Advice()))
		}
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
		if werr == nil {
			werr = writeMermaid(w, topo)
		}
		if topo.Unplaced > 0 {
			p("\n%d %s on resources the diagram does not draw (web ACLs, usage plans, ...).\n", topo.Unplaced, plural(topo.Unplaced, "finding is", "findings are"))
		}
		p("\n")
	}

	active, suppressed := splitActive(r.Findings)
	names := resourceIndex(r)
	p("## Findings by severity\n\n")
	if len(active) == 0 {
		p("No active findings.\n\n")
	}
	for _, sev := range Severities {
		var group []Finding
		for _, f := range active {
			if f.Severity == sev {
				group = append(group, f)
			}
		}
		if len(group) == 0 {
			continue
		}
		p("### %s (%d)\n\n", sevTitle(sev), len(group))
		for _, f := range group {
			if werr != nil {
				return werr
			}
			title := mdEscape(f.RuleID) + " " + mdEscape(f.Title)
			if f.Baseline == BaselineNew {
				title += " · **new**"
			}
			p("#### %s\n\n", title)
			p("- **Resource:** %s", mdCode(f.Resource))
			if n := names[f.Resource].Name; n != "" {
				p(" (%s)", mdEscape(n))
			}
			p("\n- **Where:** account %s, region %s\n", mdEscape(f.Account), mdEscape(f.Region))
			if src := f.Source; src != nil {
				p("- **Defined in:** %s\n", mdCode(src.Where()))
			}
			p("- **What:** %s\n", mdProse(f.Message))
			p("- **Fix:** %s ([rule %s](%s))\n", mdProse(f.Remediation), mdEscape(f.RuleID), ruleHelpURI(f.RuleID))
			if len(f.Controls) > 0 {
				p("- **Controls:** %s\n", mdList(f.Controls))
			}
			if len(f.Evidence) > 0 {
				// Indented JSON: every line starts with a space or a
				// brace, so no line can close the fence. A fence does
				// not stop bidi or C1 controls, so the strings inside
				// are sanitised and bounded like any other.
				ev, err := json.MarshalIndent(safeValue(f.Evidence), "  ", "  ")
				if err != nil {
					return fmt.Errorf("evidence of %s on %s: %w", f.RuleID, f.Resource, err)
				}
				p("- **Evidence:**\n\n  ```json\n  %s\n  ```\n", ev)
			}
			p("\n")
		}
	}

	if topo != nil && len(active) > 0 {
		p("## Findings by entry point\n\nEach public entry point with the findings on the paths behind it; a finding on a shared backend is listed under every entry point that reaches it.\n\n")
		p("| Entry point | Account | Region | Findings on its paths |\n| --- | --- | --- | --- |\n")
		for _, g := range groupByEntryPoint(topo, active, names) {
			p("| %s | %s | %s | %s |\n", mdEscape(g.label), mdEscape(g.account), mdEscape(g.region), strings.Join(g.items, ", "))
		}
		p("\n")
	}

	if len(suppressed) > 0 {
		p("## Suppressed\n\n| Rule | Resource | By | Reason | Expires |\n| --- | --- | --- | --- | --- |\n")
		for _, f := range suppressed {
			s := f.Suppression
			p("| %s | %s | %s | %s | %s |\n", mdEscape(f.RuleID), mdEscape(f.Resource), mdEscape(s.Kind), mdProse(s.Reason), mdEscape(s.Expires))
		}
		p("\n")
	}
	if len(r.Fixed) > 0 {
		p("## Fixed since the baseline\n\n| Rule | Severity | Resource |\n| --- | --- | --- |\n")
		for _, f := range r.Fixed {
			p("| %s | %s | %s |\n", mdEscape(f.RuleID), mdEscape(string(f.Severity)), mdEscape(f.Resource))
		}
		p("\n")
	}

	if rules := sarifRules(r, r.Findings); len(rules) > 0 {
		p("## Rules\n\n| Rule | Severity | Title |\n| --- | --- | --- |\n")
		for _, rule := range rules {
			p("| [%s](%s) | %s | %s |\n", mdEscape(rule.ID), ruleHelpURI(rule.ID), rule.Severity, mdEscape(rule.Title))
		}
	}
	return werr
}

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
