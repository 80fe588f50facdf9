package safetext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzSanitize: whatever goes in, no control character, bidi control or
// line separator comes out, the output is valid UTF-8, sanitising twice
// changes nothing, and Elide bounds the result.
func FuzzSanitize(f *testing.F) {
	for _, s := range []string{
		"plain",
		"\x1b]0;pwn\x07title",
		"\x1b[2Jclear",
		"\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
		"\u202eevil\u202c \u2066isolate\u2069",
		"\u009b31m \u009d0;x\u009c",
		"line\u2028sep\u2029para\r\n",
		"raw \x9b\xff byte",
		"\x1bP unterminated",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Sanitize(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Sanitize(%q) = %q: invalid UTF-8", s, out)
		}
		if i := strings.IndexFunc(out, Unsafe); i >= 0 {
			t.Fatalf("Sanitize(%q) = %q: unsafe rune at byte %d", s, out, i)
		}
		if again := Sanitize(out); again != out {
			t.Fatalf("Sanitize is not idempotent: %q -> %q -> %q", s, out, again)
		}
		if e := Elide(out, 16); utf8.RuneCountInString(e) > 16+len("… [ more characters]")+20 {
			t.Fatalf("Elide(%q, 16) = %q: not bounded", out, e)
		}
	})
}
