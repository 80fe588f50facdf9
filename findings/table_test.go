package findings

import (
	"strings"
	"testing"
)

func TestTable(t *testing.T) {
	t.Parallel()
	got := string(render(t, "table", testReport()))
	golden(t, "report.txt", []byte(got))

	for _, want := range []string{
		"6 findings (1 critical, 2 high, 1 medium, 1 low, 1 info), 1 suppressed, 2 collection errors",
		"INCOMPLETE",
		"AccessDeniedException",
		"Rate exceeded <retries exhausted>", // newline flattened
		"Partners are throttled by the edge WAF",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q", want)
		}
	}
	// Terminal safety: no escape or other control character survives;
	// the visible text of the hostile tag does.
	for i, c := range got {
		if c < 0x20 && c != '\n' || c == 0x7f || c >= 0x80 && c < 0xa0 {
			t.Fatalf("control character %U at byte %d: %q", c, i, got[max(0, i-20):min(len(got), i+20)])
		}
	}
	if !strings.Contains(got, "red|` next") {
		t.Errorf("table lost the visible text of the tag: %q", got)
	}
}
