package findings

import (
	"encoding/json"
	"io"
)

// writeJSON writes the report as indented JSON: the public report contract
// (report_version), which baselines read back.
func writeJSON(w io.Writer, r *Report) error {
	if r.Findings == nil {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r) // "findings": null, as ever
	}
	envelope := *r
	envelope.Findings = nil
	return encodeWithArray(w, &envelope, "findings", len(r.Findings), func(i int) any { return &r.Findings[i] })
}
