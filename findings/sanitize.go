package findings

import (
	"regexp"
	"strings"
	"unicode"
)

// escapeSeq matches terminal escape sequences: CSI (ESC [ ... final byte),
// OSC (ESC ] ... BEL or ESC \, which can set window titles or hyperlinks),
// and two-byte ESC sequences. Tag values and names are free text in AWS, so
// a resource can carry any of these.
var escapeSeq = regexp.MustCompile(`\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|\x9b[0-?]*[ -/]*[@-~]`)

// plain makes an AWS-provided string safe to print on a terminal or to put
// on one line: escape sequences removed, newlines and tabs turned into
// spaces, other control characters and bidirectional overrides (which can
// make text read differently from what it is) dropped.
func plain(s string) string {
	if s == "" {
		return s
	}
	s = escapeSeq.ReplaceAllString(s, "")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r):
			return -1
		}
		return r
	}, s)
}

// truncate shortens s to at most n runes, marking the cut with an ellipsis.
func truncate(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n-1]) + "…"
}

// mdSpecial are the characters that can start Markdown or HTML syntax
// mid-line: emphasis, code, links, images, HTML tags and entities, table
// cells, headings, strikethrough, @mentions and math.
const mdSpecial = "\\`*_{}[]<>()#+!|~&@$"

// mdEscape makes an AWS-provided string inert inline Markdown on one line.
func mdEscape(s string) string {
	s = plain(s)
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(mdSpecial, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
