package findings

import (
	"strings"

	"github.com/gatewatch/gatewatch/internal/safetext"
)

// Every human-facing sink (the terminal table, Markdown, HTML text,
// Mermaid labels) passes AWS-provided strings through safetext.Sanitize and bounds
// them with safetext.Elide; the machine formats keep them whole, sanitised
// only where a person reads them (SARIF messages, ASFF and OCSF text).

// sanitize is safetext.Sanitize: AWS-provided text without escape
// sequences, control characters, bidi controls or line separators.
func sanitize(s string) string { return safetext.Sanitize(s) }

// Limits on what a human-facing format shows of one AWS-provided value;
// JSON, SARIF, ASFF and OCSF keep the whole value.
const (
	maxValueRunes = 256  // a name, an ARN, a tag, an account, a reason
	maxProseRunes = 2048 // a finding's message, which quotes values
)

// short is what the human formats show of a value: sanitised and elided.
func short(s string) string { return safetext.Elide(sanitize(s), maxValueRunes) }

// prose is short for messages, which are longer by nature.
func prose(s string) string { return safetext.Elide(sanitize(s), maxProseRunes) }

// joinEach joins the items of a list, each passed through f, with ", ".
func joinEach(items []string, f func(string) string) string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = f(it)
	}
	return strings.Join(out, ", ")
}

// truncate shortens s to at most n runes, marking the cut with an ellipsis.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n-1]) + "…"
}

// mdSpecial are the characters that can start Markdown or HTML syntax
// mid-line: emphasis, code, links, images, HTML tags and entities, table
// cells, headings, strikethrough and math. A backslash makes each literal.
const mdSpecial = "\\`*_{}[]<>()+!|~&$"

// mdSpecialSet is mdSpecial as a lookup table, for the hot loop.
var mdSpecialSet = func() (set [0x80]bool) {
	for _, r := range mdSpecial {
		set[r] = true
	}
	return set
}()

// mdEscape makes an AWS-provided string inert inline Markdown on one
// line, also for what GitHub links after parsing:
//
//   - the ':' of "://" is escaped, so "https://..." never reaches GFM's
//     URL autolink, which triggers on an unescaped ':' followed by "//";
//   - the '.' of "www." is escaped, so GFM's www autolink, which needs the
//     four characters "www." in the source, does not trigger;
//   - '@' and '#' go in code spans: GFM finds e-mail autolinks (and GitHub
//     @mentions and #123 references) in the text after backslash escapes
//     are resolved, so escaping cannot stop them, but neither looks
//     inside code.
func mdEscape(s string) string {
	s = short(s)
	return mdEscapeSafe(s)
}

// mdEscapeSafe is mdEscape for text already sanitised and bounded.
func mdEscapeSafe(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for i, r := range s {
		switch {
		case r == '@' || r == '#':
			b.WriteString("`" + string(r) + "`")
			continue
		case r == ':' && strings.HasPrefix(s[i+1:], "//"), r < 0x80 && mdSpecialSet[r]:
			b.WriteByte('\\')
		case r == '.' && i >= 3 && strings.EqualFold(s[i-3:i], "www"):
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdProse is mdEscape for messages: the same escaping, a longer bound.
func mdProse(s string) string { return mdEscapeSafe(prose(s)) }
