package findings

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
)

// Formats lists the output formats Write knows, in the order the CLI
// documents them.
var Formats = []string{"table", "json", "sarif", "markdown", "html", "csv", "asff", "ocsf"}

// Write renders r in format to w, as it goes: a report of 100k findings
// is never held in memory whole in any format (SARIF, capped at GitHub's
// limits, excepted). Whoever needs a file whole or not at all writes it
// beside its final name and renames it (the CLI does); on stdout, a
// failure part way leaves part of the report.
//
// Rendering stops at the first write after ctx is done and returns ctx's
// error: an interrupted run does not go on rendering.
//
// Writers never change r. Non-fatal problems (output cut to fit an
// ingestion limit) go to r.Warn when it is set, and are also recorded in the
// output itself where the format has a place for them.
func Write(ctx context.Context, w io.Writer, format string, r *Report) error {
	return WriteWith(ctx, w, format, r, Options{})
}

// WriteWith is Write with the layout options of the terminal table; the
// other formats ignore them.
func WriteWith(ctx context.Context, w io.Writer, format string, r *Report, o Options) error {
	var render func(io.Writer, *Report) error
	switch format {
	case "table":
		render = func(w io.Writer, r *Report) error { return writeTable(w, r, o) }
	case "json":
		render = writeJSON
	case "sarif":
		render = writeSARIF
	case "markdown":
		render = writeMarkdown
	case "html":
		render = writeHTML
	case "csv":
		render = writeCSV
	case "asff":
		render = writeASFF
	case "ocsf":
		render = writeOCSF
	default:
		return fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats, ", "))
	}
	bw := bufio.NewWriterSize(&ctxWriter{ctx: ctx, w: w}, ctxChunk)
	err := render(bw, r)
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return fmt.Errorf("%s: %w", format, err)
	}
	return nil
}

// ctxWriter fails every write once ctx is done, checking it every
// ctxChunk bytes of a large write too.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

const ctxChunk = 64 << 10

func (c *ctxWriter) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		if err := c.ctx.Err(); err != nil {
			return written, err
		}
		n, err := c.w.Write(p[:min(len(p), ctxChunk)])
		written += n
		if err != nil {
			return written, err
		}
		p = p[n:]
	}
	return written, nil
}

// warn hands a non-fatal problem to the caller's callback, if any.
func (r *Report) warn(format string, args ...any) {
	if r.Warn != nil {
		r.Warn(fmt.Sprintf(format, args...))
	}
}
