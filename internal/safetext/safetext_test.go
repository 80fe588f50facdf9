package safetext

import (
	"strings"
	"testing"
)

func TestSanitize(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"\x1b[1;31mbold red\x1b[0m", "bold red"},
		{"\x1b[2Jcleared", "cleared"},
		{"\x1b]0;pwn\x07after", "after"},
		{"\x1b]0;pwn\x1b\\after", "after"},
		{"\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\", "link"},
		{"\x1bPq#0;2;0;0;0\x1b\\sixel", "sixel"},
		{"\x1b(Bcharset", "charset"},
		{"\x1b7saved", "saved"},
		{"lone\x1b", "lone"},
		{"a\x00b\x07c\x7fd", "abcd"},
		{"line1\r\nline2\tx", "line1  line2 x"},
		{"\u202eevil\u202c", "evil"},
		{"\u2066isolate\u2069 \u200emark\u200f \u061carabic", "isolate mark arabic"},
		{"\u009b31mC1 CSI", "C1 CSI"},
		{"\u009d0;pwn\u009cC1 OSC", "C1 OSC"},
		{"\u0085nel", " nel"},
		{"para\u2028line\u2029", "para line "},
		{"raw \x9b byte", "raw \ufffd byte"},
		{"ünïcode ✓", "ünïcode ✓"},
	}
	for _, tt := range tests {
		got := Sanitize(tt.in)
		if got != tt.want {
			t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if again := Sanitize(got); again != got {
			t.Errorf("Sanitize is not idempotent on %q: %q", got, again)
		}
	}
}

func TestElide(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"eleven char", 10, "eleven cha… [1 more characters]"},
		{"ünïcödé ünïcödé", 7, "ünïcödé… [8 more characters]"},
		{strings.Repeat("x", 1<<20), 256, strings.Repeat("x", 256) + "… [1048320 more characters]"},
	}
	for _, tt := range tests {
		if got := Elide(tt.in, tt.n); got != tt.want {
			t.Errorf("Elide(%.20q, %d) = %.300q, want %.300q", tt.in, tt.n, got, tt.want)
		}
	}
}
