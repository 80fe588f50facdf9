package findings

import (
	"bytes"
	"strings"
	"testing"
)

func TestWriteEveryFormat(t *testing.T) {
	t.Parallel()
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			r := testReport()
			before := render(t, "json", r)
			got := render(t, format, r)
			if len(got) == 0 {
				t.Fatal("empty output")
			}
			// Writers must not change the report (several formats are
			// written from one report).
			if after := render(t, "json", r); !bytes.Equal(before, after) {
				t.Error("writer changed the report")
			}
			// Deterministic: the same report gives the same bytes.
			if again := render(t, format, testReport()); !bytes.Equal(got, again) {
				t.Error("two renders of the same report differ")
			}
		})
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	t.Parallel()
	err := Write(&bytes.Buffer{}, "xml", testReport())
	if err == nil || !strings.Contains(err.Error(), `unknown format "xml"`) || !strings.Contains(err.Error(), "json") {
		t.Fatalf("Write(xml) = %v, want an error naming the format and the known ones", err)
	}
}
