package snapshot

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/gatewatch/gatewatch/internal/safetext"
)

// maxSnapshotBytes bounds what Load reads; an organisation-wide snapshot is
// tens of megabytes, so anything near this is not a snapshot.
const maxSnapshotBytes = 2 << 30

// Load reads and validates the snapshot at path. Every error names the file
// and says what is wrong in one line.
func Load(path string) (*Snapshot, error) {
	data, _, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(data, path)
}

// readFile reads the file at path, bounded by maxSnapshotBytes, and says
// whether it is a regular file (one that can be read again).
func readFile(path string) (data []byte, regular bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, fmt.Errorf("snapshot %s: %w", path, errors.Unwrap(err))
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, false, fmt.Errorf("snapshot %s: %w", path, errors.Unwrap(err))
	}
	if data, err = io.ReadAll(io.LimitReader(f, maxSnapshotBytes)); err != nil {
		return nil, false, fmt.Errorf("snapshot %s: read: %w", path, err)
	}
	return data, fi.Mode().IsRegular(), nil
}

// FileSource returns a loader of the snapshot at path that reads the file
// each time it is called, so its caller need not hold the snapshot between
// two uses (policies.Engine.EvaluateSource). A regular file that changed
// since the first read is an error, not a different snapshot; what cannot
// be read twice (a pipe, /dev/stdin) is read once and kept.
func FileSource(path string) func() (*Snapshot, error) {
	var (
		sum  *[sha256.Size]byte // of the first read
		kept *Snapshot
	)
	return func() (*Snapshot, error) {
		if kept != nil {
			return kept, nil
		}
		data, regular, err := readFile(path)
		if err != nil {
			return nil, err
		}
		h := sha256.Sum256(data)
		if sum != nil && h != *sum {
			return nil, fmt.Errorf("snapshot %s: the file changed while it was being evaluated", path)
		}
		sum = &h
		snap, err := Parse(data, path)
		if err == nil && !regular {
			kept = snap
		}
		return snap, err
	}
}

// Decode reads a snapshot from r; name is used in error messages.
func Decode(r io.Reader, name string) (*Snapshot, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSnapshotBytes))
	if err != nil {
		return nil, fmt.Errorf("snapshot %s: read: %w", name, err)
	}
	return Parse(data, name)
}

// Parse decodes and validates snapshot JSON held in memory.
func Parse(data []byte, name string) (*Snapshot, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("snapshot %s: %s", name, fmt.Sprintf(format, args...))
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, fail("file is empty")
	}
	// A top-level value that is not an object would otherwise be reported
	// by encoding/json in terms of Go types ("expected struct { ... }").
	if kind := jsonKind(trimmed[0]); kind != "" {
		return nil, fail("not a gatewatch snapshot: the file holds a JSON %s, want an object with schema_version", kind)
	}
	// Look at the version before anything else: a snapshot from another
	// schema should be refused for that reason, not for a field mismatch.
	var head struct {
		SchemaVersion *json.RawMessage `json:"schema_version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fail("%s", describeJSONError(data, err))
	}
	if head.SchemaVersion == nil {
		return nil, fail("no schema_version field: not a gatewatch snapshot")
	}
	var version int
	if err := json.Unmarshal(*head.SchemaVersion, &version); err != nil {
		return nil, fail("schema_version must be an integer, got %s", describeValue(*head.SchemaVersion))
	}
	if version < minSchemaVersion || version > SchemaVersion {
		return nil, fail("schema_version %d is not supported (this build reads versions %d to %d)", version, minSchemaVersion, SchemaVersion)
	}

	var s Snapshot
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fail("%s", describeJSONError(data, err))
	}
	if dec.More() {
		return nil, fail("unexpected data after the snapshot object")
	}
	s.Upgrade()
	if err := s.Validate(); err != nil {
		return nil, fail("%v", err)
	}
	s.Normalize()
	return &s, nil
}

// describeValue shows a short JSON scalar as it is and names the kind of
// anything else: the raw text could span lines or hold control characters.
func describeValue(raw json.RawMessage) string {
	if kind := jsonKind(raw[0]); kind == "" {
		return "an object"
	} else if kind == "array" || len(raw) > 40 || bytes.ContainsAny(raw, "\\\n") {
		return "a JSON " + kind
	}
	return string(raw)
}

// jsonKind names the kind of JSON value that starts with c, or returns ""
// for an object or for what is not JSON at all (left to the decoder, which
// gives a position).
func jsonKind(c byte) string {
	switch {
	case c == '[':
		return "array"
	case c == '"':
		return "string"
	case c == 't' || c == 'f':
		return "boolean"
	case c == 'n':
		return "null"
	case c == '-' || c >= '0' && c <= '9':
		return "number"
	}
	return ""
}

// describeJSONError turns encoding/json errors into one line with a
// line:column position a person can open an editor at.
func describeJSONError(data []byte, err error) string {
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntaxErr) && syntaxErr.Offset >= int64(len(bytes.TrimRight(data, " \t\r\n"))):
		return "invalid JSON: unexpected end of file (is it truncated?)"
	case errors.As(err, &syntaxErr):
		return fmt.Sprintf("%s: invalid JSON: %s", position(data, syntaxErr.Offset), syntaxErr.Error())
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "top level"
		}
		// The offset of a type error lands somewhere in the value; the line
		// is exact, a column would be misleading.
		line, _, _ := strings.Cut(position(data, typeErr.Offset), ",")
		return fmt.Sprintf("%s: field %s: expected %s, got JSON %s", line, field, typeErr.Type, typeErr.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "invalid JSON: unexpected end of file"
	}
	msg := err.Error()
	// encoding/json reports unknown fields as `json: unknown field "x"`.
	return strings.TrimPrefix(msg, "json: ")
}

// position converts a decoder offset into "line L, column C". encoding/json
// offsets count the bytes read, one past the character at fault.
func position(data []byte, offset int64) string {
	offset--
	if offset < 0 {
		offset = 0
	}
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(offset) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("line %d, column %d", line, col)
}

// Upgrade brings a snapshot of an older layout, or one written without
// coverage records, to this build's: its coverage is derived from its
// scope and recorded errors (complete except where an error says
// otherwise).
func (s *Snapshot) Upgrade() {
	if len(s.Coverage) == 0 {
		s.deriveCoverage()
	}
	s.SchemaVersion = SchemaVersion
}

// maxQuotedRunes bounds a name or ARN quoted in an error message.
const maxQuotedRunes = 200

// quoted makes a name from the file fit to quote in a one-line error:
// names are free text in AWS and can hold escape sequences or megabytes.
func quoted(s string) string { return safetext.Elide(safetext.Sanitize(s), maxQuotedRunes) }

// Validate checks the invariants the rules rely on: every resource has an
// ARN and knows its account, and no ARN appears twice.
func (s *Snapshot) Validate() error {
	if s.SchemaVersion != SchemaVersion {
		return fmt.Errorf("schema_version %d is not supported (this build reads version %d)", s.SchemaVersion, SchemaVersion)
	}
	seen := make(map[string]string)
	var problems []string
	for _, c := range s.Coverage {
		if _, ok := DatasetByName(c.Dataset); !ok && len(problems) < 3 {
			problems = append(problems, fmt.Sprintf("coverage names unknown dataset %q", c.Dataset))
		}
		if stateRank[c.State] == 0 && c.State != Complete && len(problems) < 3 {
			problems = append(problems, fmt.Sprintf("coverage of %s in %s/%s has unknown state %q (want complete, failed, partial or not_collected)", c.Dataset, c.Account, c.Region, c.State))
		}
	}
	for _, r := range s.Resources() {
		where := r.Type
		if r.Name != "" {
			where += " " + quoted(strings.TrimSpace(r.Name))
		}
		switch {
		case r.ARN == "":
			problems = append(problems, where+" has no arn")
		case r.Account == "":
			problems = append(problems, quoted(r.ARN)+" has no account")
		case seen[r.ARN] != "":
			problems = append(problems, quoted(r.ARN)+" appears twice")
		}
		seen[r.ARN] = r.Type
		if len(problems) >= 3 {
			break
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}
