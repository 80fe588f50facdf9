package findings

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	mdtext "github.com/yuin/goldmark/text"
)

// ruleSection is one part of a rule's explanation: a title and its body,
// Markdown as the rule's author wrote it.
type ruleSection struct {
	title, body string
}

// Titles of the sections every rule has.
const (
	sectionChecks = "What it checks"
	sectionFix    = "How to fix"
)

// ruleSections splits a rule's text into the sections a reader looks for,
// each once: what it checks (the description), the sections of its details
// (each starts with a bold label such as "**Why it matters.**"), and how to
// fix it: the remediation, followed by the details' own "**Fix.**" section
// when there is one. Shown apart, the description was headed "Why it
// matters" above the details' own "Why it matters", and the remediation
// "How to fix" beside the details' "Fix": each section twice.
func ruleSections(r Rule) []ruleSection {
	secs := []ruleSection{{sectionChecks, strings.TrimSpace(r.Description)}}
	fix := strings.TrimSpace(r.Remediation)
	for _, s := range detailSections(r.Details) {
		if strings.EqualFold(s.title, "Fix") || strings.EqualFold(s.title, sectionFix) {
			fix = strings.TrimSpace(fix + "\n\n" + s.body)
			continue
		}
		secs = append(secs, s)
	}
	if fix != "" {
		secs = append(secs, ruleSection{sectionFix, fix})
	}
	return secs
}

// parseMarkdown parses CommonMark.
func parseMarkdown(src []byte) ast.Node {
	return goldmark.DefaultParser().Parse(mdtext.NewReader(src))
}

// detailSections cuts a rule's details at each paragraph that opens with a
// bold label ending in a full stop ("**Evidence.** ..."): the label is the
// title, the rest of the paragraph and the blocks up to the next label the
// body. Text before the first label is a section titled "Details".
func detailSections(details string) []ruleSection {
	src := []byte(strings.TrimSpace(details))
	if len(src) == 0 {
		return nil
	}
	type cut struct {
		title      string
		start, end int // of the label, "**" to "**"
	}
	var cuts []cut
	for n := parseMarkdown(src).FirstChild(); n != nil; n = n.NextSibling() {
		p, ok := n.(*ast.Paragraph)
		if !ok {
			continue
		}
		em, ok := p.FirstChild().(*ast.Emphasis)
		if !ok || em.Level != 2 || em.Pos() < 0 {
			continue
		}
		label := strings.TrimSpace(plainInline(em, src))
		title, ok := strings.CutSuffix(label, ".")
		if !ok || title == "" {
			continue
		}
		close := bytes.Index(src[em.Pos()+2:], []byte("**"))
		if close < 0 {
			continue
		}
		cuts = append(cuts, cut{title, em.Pos(), em.Pos() + 2 + close + 2})
	}
	var secs []ruleSection
	if len(cuts) == 0 || strings.TrimSpace(string(src[:cuts[0].start])) != "" {
		end := len(src)
		if len(cuts) > 0 {
			end = cuts[0].start
		}
		secs = append(secs, ruleSection{"Details", strings.TrimSpace(string(src[:end]))})
	}
	for i, c := range cuts {
		end := len(src)
		if i+1 < len(cuts) {
			end = cuts[i+1].start
		}
		secs = append(secs, ruleSection{c.title, strings.TrimSpace(string(src[c.end:end]))})
	}
	return secs
}

// plainInline is the text of inline Markdown without its punctuation: code
// spans as their content, emphasis as its text, a link as its text with
// the address after it.
func plainInline(n ast.Node, src []byte) string {
	var b strings.Builder
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Value(src))
			switch {
			case c.HardLineBreak():
				b.WriteByte('\n')
			case c.SoftLineBreak():
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.AutoLink:
			b.Write(c.URL(src))
		case *ast.Link:
			label := plainInline(c, src)
			b.WriteString(label)
			if dest := string(c.Destination); dest != "" && dest != label {
				b.WriteString(" (" + dest + ")")
			}
		case *ast.RawHTML:
			for i := 0; i < c.Segments.Len(); i++ {
				seg := c.Segments.At(i)
				b.Write(seg.Value(src))
			}
		default: // emphasis, code spans, images: their text
			b.WriteString(plainInline(c, src))
		}
	}
	return b.String()
}

// WriteRuleText explains one rule for a person at a terminal: its metadata,
// then each section once, the Markdown rendered as text (headings, lists,
// code blocks indented) without Markdown punctuation. Text is wrapped at
// o.Width (80 when 0, at most 100 for reading); o.Color makes headings
// bold. Rule text is the rule author's, not AWS's, but user rules are
// files anyone may hand over, so it is sanitised like everything else.
func WriteRuleText(w io.Writer, r Rule, o Options) error {
	width := o.Width
	if width <= 0 {
		width = 80
	}
	tw := &termWriter{w: w, o: Options{Width: min(width, 100), Color: o.Color}}
	tw.paraSGR(sanitize(r.ID)+"  "+sanitize(r.Title), sgrBold)
	tw.blank()
	state := "enabled"
	if !r.Enabled {
		state = "disabled by configuration"
	}
	meta := [][2]string{
		{"Severity", string(r.Severity)},
		{"Category", r.Category + " (" + state + ")"},
		{"Applies to", strings.Join(r.ResourceTypes, ", ")},
	}
	if byType := r.typeInputs(); byType != nil {
		parts := make([]string, len(byType))
		for i, ti := range byType {
			parts[i] = ti.typ + ": " + strings.Join(ti.inputs, ", ")
		}
		meta = append(meta, [2]string{"Reads", strings.Join(parts, "; ") + " (not evaluated where one was not read)"})
	} else if len(r.Inputs) > 0 {
		meta = append(meta, [2]string{"Reads", strings.Join(r.Inputs, ", ") + " (not evaluated where one was not read)"})
	}
	if len(r.Controls) > 0 {
		meta = append(meta, [2]string{"Controls", strings.Join(r.Controls, ", ")})
	}
	meta = append(meta, [2]string{"Source", r.Source + " (" + strings.TrimPrefix(r.Package, "data.") + ")"})
	tw.table([]column{{header: ""}, {header: "", wrap: 1}}, len(meta), func(i int) []string {
		return []string{meta[i][0], sanitize(meta[i][1])}
	}, nil)
	for _, s := range ruleSections(r) {
		tw.blank()
		tw.paraSGR(s.title, sgrBold)
		tw.markdown("  ", []byte(s.body))
	}
	return tw.err
}

// markdown writes Markdown as indented, wrapped text, one blank line
// between blocks.
func (t *termWriter) markdown(indent string, src []byte) {
	first := true
	for n := parseMarkdown(src).FirstChild(); n != nil; n = n.NextSibling() {
		if !first {
			t.blank()
		}
		first = false
		t.block(indent, n, src)
	}
}

// block writes one Markdown block.
func (t *termWriter) block(indent string, n ast.Node, src []byte) {
	switch n := n.(type) {
	case *ast.Heading:
		t.indented(indent, sanitize(plainInline(n, src)), sgrBold)
	case *ast.Paragraph, *ast.TextBlock:
		t.indented(indent, sanitize(plainInline(n, src)), "")
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		// Code keeps its lines and spacing: indented, never wrapped.
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			l := strings.TrimRight(sanitize(string(seg.Value(src))), " ")
			t.write(strings.TrimRight(indent+"    "+l, " ") + "\n")
		}
	case *ast.List:
		num := n.Start
		for item := n.FirstChild(); item != nil; item = item.NextSibling() {
			marker := "- "
			if n.IsOrdered() {
				marker = fmt.Sprintf("%d. ", num)
				num++
			}
			// The item's first block follows the marker, the rest are
			// indented under it.
			var b strings.Builder
			sub := &termWriter{w: &b, o: Options{Width: t.o.Width, Color: t.o.Color}}
			for c := item.FirstChild(); c != nil; c = c.NextSibling() {
				if c != item.FirstChild() && !n.IsTight {
					sub.blank()
				}
				sub.block(indent+strings.Repeat(" ", len(marker)), c, src)
			}
			if sub.err != nil {
				t.err = sub.err
				return
			}
			out := strings.TrimPrefix(b.String(), indent+strings.Repeat(" ", len(marker)))
			t.write(indent + marker + out)
		}
	case *ast.Blockquote:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			t.block(indent+"  ", c, src)
		}
	case *ast.ThematicBreak:
	default: // HTML blocks and anything else: its lines as they are
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			t.write(indent + strings.TrimRight(sanitize(string(seg.Value(src))), " ") + "\n")
		}
	}
}
