package findings

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"testing"
)

// TestStreamedJSONIsTheEncoders: the report written an element at a time,
// in parallel runs, is byte for byte what json.Encoder writes of the whole
// report, at sizes around the runs' and windows' edges.
func TestStreamedJSONIsTheEncoders(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 2, encodeRun - 1, encodeRun, encodeRun + 1, 2 * encodeRun, 2*encodeRun + 1, 5*encodeRun + 7} {
		r := &Report{Tool: Tool{Name: "gatewatch", Version: "test"}, Findings: []Finding{}}
		for i := range n {
			r.Findings = append(r.Findings, Finding{
				RuleID: fmt.Sprintf("GW%03d", i%40), Severity: High, Resource: fmt.Sprintf("arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/lb-%d/x", i),
				Message: fmt.Sprintf("<finding> %d & more", i), Evidence: map[string]any{"i": i, "nested": map[string]any{"list": []int{i, i + 1}}},
			})
		}
		var want, got bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
		if err := writeJSON(&got, r); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%d findings: the streamed JSON differs from json.Encoder's (%d bytes, want %d)", n, got.Len(), want.Len())
		}
	}
}

// BenchmarkWriteJSON writes the JSON report of 20k findings.
func BenchmarkWriteJSON(b *testing.B) {
	r := &Report{Tool: Tool{Name: "gatewatch", Version: "bench"}, Findings: []Finding{}}
	for i := range 20000 {
		r.Findings = append(r.Findings, Finding{
			RuleID: fmt.Sprintf("GW%03d", i%40), Severity: High, Resource: fmt.Sprintf("arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/lb-%d/x", i),
			Message: fmt.Sprintf("load balancer lb-%d has no WAF web ACL", i), Evidence: map[string]any{"i": i, "nested": map[string]any{"list": []int{i, i + 1}, "name": "lb"}},
		})
	}
	for b.Loop() {
		if err := writeJSON(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}
