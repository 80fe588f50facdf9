package findings

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strings"

	"golang.org/x/sync/errgroup"
)

// The JSON formats (report, ASFF, OCSF) are written as json.Encoder with
// two-space indentation writes them, byte for byte, but one array element
// at a time: marshalling 100k findings as one value held the value, its
// compact encoding and its indented copy in memory at once.

// encodeArray writes the n elements elem yields as an indented JSON array
// whose opening bracket sits at the given depth (in two-space steps).
// Elements are built as they are written, so they need not exist together:
// a window of a few hundred per CPU is encoded at a time, each CPU a run
// of them (elem must be safe to call concurrently), and written in order.
func encodeArray(w io.Writer, depth, n int, elem func(i int) any) error {
	if n == 0 {
		_, err := io.WriteString(w, "[]")
		return err
	}
	inner := strings.Repeat("  ", depth+1)
	if _, err := io.WriteString(w, "[\n"); err != nil {
		return err
	}
	workers := runtime.GOMAXPROCS(0)
	runs := make([][]byte, workers)
	for start := 0; start < n; start += workers * encodeRun {
		var g errgroup.Group
		for k := range workers {
			lo, hi := start+k*encodeRun, min(start+(k+1)*encodeRun, n)
			if lo >= hi {
				runs[k] = runs[k][:0]
				continue
			}
			g.Go(func() error {
				// One encoder per run reuses its buffers from element to
				// element; each Encode ends with a newline, which becomes
				// the comma and newline between elements.
				buf := bytes.NewBuffer(runs[k][:0])
				enc := json.NewEncoder(buf)
				enc.SetIndent(inner, "  ")
				for i := lo; i < hi; i++ {
					buf.WriteString(inner)
					if err := enc.Encode(elem(i)); err != nil {
						return err
					}
					buf.Truncate(buf.Len() - 1)
					buf.WriteString(",\n")
				}
				b := buf.Bytes()
				if hi == n { // the last element has no comma
					b = append(b[:len(b)-2], '\n')
				}
				runs[k] = b
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
		for _, run := range runs {
			if _, err := w.Write(run); err != nil {
				return err
			}
		}
	}
	_, err := io.WriteString(w, strings.Repeat("  ", depth)+"]")
	return err
}

// encodeRun is how many elements one CPU encodes at a time.
const encodeRun = 256

// encodeWithArray writes envelope, an object whose top-level field key is
// null, with the array encodeArray writes in that field's place, and the
// newline json.Encoder ends with.
func encodeWithArray(w io.Writer, envelope any, key string, n int, elem func(i int) any) error {
	head, err := json.MarshalIndent(envelope, "", "  ")
	if err != nil {
		return err
	}
	hole := []byte("\n  " + strconvQuote(key) + ": null")
	at := bytes.Index(head, hole)
	if at < 0 {
		return fmt.Errorf("internal error: no null %q field to stream into", key)
	}
	at += len(hole) - len("null")
	if _, err := w.Write(head[:at]); err != nil {
		return err
	}
	if err := encodeArray(w, 1, n, elem); err != nil {
		return err
	}
	if _, err := w.Write(head[at+len("null"):]); err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n")
	return err
}

// strconvQuote quotes a JSON object key as encoding/json does.
func strconvQuote(key string) string {
	b, _ := json.Marshal(key)
	return string(b)
}
