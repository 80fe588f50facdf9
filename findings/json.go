package findings

import (
	"encoding/json"
	"io"
)

// writeJSON writes the report as indented JSON: the public report contract
// (report_version), which baselines read back.
func writeJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
