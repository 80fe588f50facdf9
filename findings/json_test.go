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
	if len(back.NotEvaluated) != 1 || back.Summary.NotEvaluated != 1 || back.NotEvaluated[0].Resource != "" || back.NotEvaluated[0].Inputs[0] != "web_acls" {
		t.Errorf("round trip: not_evaluated %+v, summary.not_evaluated %d", back.NotEvaluated, back.Summary.NotEvaluated)
	}
	// The JSON contract names these keys.
	var raw map[string]any
	if err := json.Unmarshal(got, &raw); err != nil {
		t.Fatal(err)
	}
	summary, _ := raw["summary"].(map[string]any)
	for _, key := range []string{"not_evaluated", "by_rule"} {
		if _, ok := summary[key]; !ok {
			t.Errorf("summary has no %q key", key)
		}
	}
	if _, ok := raw["not_evaluated"].([]any); !ok {
		t.Errorf("report has no not_evaluated list")
	}
}
