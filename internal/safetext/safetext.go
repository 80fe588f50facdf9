// Package safetext makes text that others wrote (AWS resource names, tag
// values, error messages) safe to show to a person: on a terminal, on one
// line of a document. Every human-facing sink of gatewatch goes through
// Sanitize and bounds what it shows with Elide; the machine formats keep
// the text whole.
package safetext

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Tag values, names, descriptions and error messages are free text in AWS
// (and in what an API returns), so a resource can carry terminal escape
// sequences, bidirectional overrides that make text read differently from
// what it is, line separators, and megabytes of text.

// Sanitize makes an AWS-provided string safe to print on a terminal or to
// put on one line of a document:
//
//   - escape sequences are removed whole, payload included: CSI (ESC [ or
//     U+009B, e.g. clear screen), OSC (ESC ] or U+009D, e.g. window title
//     or an OSC 8 hyperlink), DCS, SOS, PM and APC strings, and the short
//     ESC sequences;
//   - newlines, tabs, NEL and the Unicode line and paragraph separators
//     (U+2028, U+2029) become spaces;
//   - every other C0 and C1 control character and every bidirectional
//     control (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) is
//     dropped;
//   - invalid UTF-8 bytes become U+FFFD, so a lone 0x9B byte cannot act as
//     an 8-bit CSI either.
//
// The result holds no control character but the space; sanitising it
// again changes nothing.
func Sanitize(s string) string {
	if printableASCII(s) {
		return s // the common case, without allocating
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case r == 0x1b: // ESC
			i = skipEscape(s, i+size)
			continue
		case r == 0x9b: // CSI
			i = skipCSI(s, i+size)
			continue
		case r == 0x90 || r == 0x98 || r == 0x9d || r == 0x9e || r == 0x9f: // DCS, SOS, OSC, PM, APC
			i = skipString(s, i+size)
			continue
		case r == '\n' || r == '\r' || r == '\t' || r == '\v' || r == '\f' || r == 0x85 || r == 0x2028 || r == 0x2029:
			b.WriteByte(' ')
		case Unsafe(r):
			// dropped
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// Unsafe reports whether Sanitize keeps r out of its output: a C0 or C1
// control character, a bidirectional control, a line or paragraph
// separator.
func Unsafe(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == 0x2028 || r == 0x2029
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// skipEscape returns the index after the escape sequence whose ESC ended
// at i. An ESC followed by nothing a terminal would read as a sequence is
// dropped alone.
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[':
		return skipCSI(s, i+1)
	case ']', 'P', 'X', '^', '_': // OSC, DCS, SOS, PM, APC
		return skipString(s, i+1)
	}
	// Two-byte (and nF, with intermediates) sequences: ESC 7, ESC c,
	// ESC ( B, ...
	j := i
	for j < len(s) && s[j] >= 0x20 && s[j] <= 0x2f {
		j++
	}
	if j < len(s) && s[j] >= 0x30 && s[j] <= 0x7e {
		return j + 1
	}
	return i
}

// skipCSI returns the index after a control sequence whose introducer
// ended at i: parameter bytes, intermediate bytes, one final byte.
func skipCSI(s string, i int) int {
	for i < len(s) && s[i] >= 0x30 && s[i] <= 0x3f {
		i++
	}
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x40 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipString returns the index after a control string (OSC, DCS, ...)
// that started at i: up to and including BEL or ST (ESC \ or U+009C), up
// to the next ESC (which starts a sequence of its own), or to the end, as
// a terminal would swallow it.
func skipString(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == 0x07:
			return i + 1
		case s[i] == 0x1b:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i
		case strings.HasPrefix(s[i:], "\u009c"):
			return i + len("\u009c")
		}
		i++
	}
	return i
}

// Elide shortens s to at most n runes and says how much it left out, so a
// reader sees that the value goes on (the machine formats have it whole).
func Elide(s string, n int) string {
	if len(s) <= n {
		return s // fewer bytes than n means fewer runes
	}
	cut, count := -1, 0
	for i := range s {
		if count == n {
			cut = i
		}
		count++
	}
	if cut < 0 {
		return s
	}
	return s[:cut] + "… [" + strconv.Itoa(count-n) + " more characters]"
}
