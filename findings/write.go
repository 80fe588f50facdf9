package findings

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// Formats lists the output formats Write knows, in the order the CLI
// documents them.
var Formats = []string{"table", "json", "sarif", "markdown", "html", "asff", "ocsf"}

// Write renders r in format to w. Each format is rendered in memory first so
// that a failing writer never leaves half a file behind a success.
//
// Writers never change r. Non-fatal problems (output cut to fit an
// ingestion limit) go to r.Warn when it is set, and are also recorded in the
// output itself where the format has a place for them.
func Write(w io.Writer, format string, r *Report) error {
	var buf bytes.Buffer
	var err error
	switch format {
	case "table":
		err = writeTable(&buf, r)
	case "json":
		err = writeJSON(&buf, r)
	case "sarif":
		err = writeSARIF(&buf, r)
	case "markdown":
		err = writeMarkdown(&buf, r)
	case "html":
		err = writeHTML(&buf, r)
	case "asff":
		err = writeASFF(&buf, r)
	case "ocsf":
		err = writeOCSF(&buf, r)
	default:
		return fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats, ", "))
	}
	if err != nil {
		return fmt.Errorf("%s: %w", format, err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("%s: write: %w", format, err)
	}
	return nil
}

// warn hands a non-fatal problem to the caller's callback, if any.
func (r *Report) warn(format string, args ...any) {
	if r.Warn != nil {
		r.Warn(fmt.Sprintf(format, args...))
	}
}
