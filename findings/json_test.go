package findings

import (
	"encoding/json"
	"testing"
)

func TestJSON(t *testing.T) {
	t.Parallel()
	got := render(t, "json", testReport())
	golden(t, "report.json", got)

	var back Report
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatal(err)
	}
	if back.ReportVersion != ReportVersion || len(back.Findings) != 7 || back.Summary.Suppressed != 1 || len(back.Errors) != 2 {
		t.Errorf("round trip: version %d, %d findings, %d suppressed, %d errors",
			back.ReportVersion, len(back.Findings), back.Summary.Suppressed, len(back.Errors))
	}
}
