package findings

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// The JSON formats (report, ASFF, OCSF) are written as json.Encoder with
// two-space indentation writes them, byte for byte, but one array element
// at a time: marshalling 100k findings as one value held the value, its
// compact encoding and its indented copy in memory at once.

// encodeArray writes the n elements elem yields as an indented JSON array
// whose opening bracket sits at the given depth (in two-space steps).
// Elements are built as they are written, so they need not exist together.
func encodeArray(w io.Writer, depth, n int, elem func(i int) any) error {
	if n == 0 {
		_, err := io.WriteString(w, "[]")
		return err
	}
	inner := strings.Repeat("  ", depth+1)
	if _, err := io.WriteString(w, "[\n"); err != nil {
		return err
	}
	for i := range n {
		b, err := json.MarshalIndent(elem(i), inner, "  ")
		if err != nil {
			return err
		}
		sep := ",\n"
		if i == n-1 {
			sep = "\n"
		}
		if _, err := io.WriteString(w, inner); err != nil {
			return err
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
		if _, err := io.WriteString(w, sep); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, strings.Repeat("  ", depth)+"]")
	return err
}

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
