package snapshot

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/gatewatch/gatewatch/internal/inputfile"
	"github.com/gatewatch/gatewatch/internal/safetext"
)

// keepBelow is the size of snapshot file FileSource keeps in memory
// rather than read again: about 25k resources, whose Go form (some 50 MB)
// costs less than reading it twice; above it, memory is what bounds an
// evaluation, and a second read costs a few per cent of it.
const keepBelow = 16 << 20

// Load reads and validates the snapshot at path. Every error names the file
// and says what is wrong in one line.
func Load(path string) (*Snapshot, error) {
	data, _, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(data, path)
}

// readFile reads the file at path within inputfile.MaxJSON, and says
// whether it is a regular file (one that can be read again). What does not
// open a JSON object is not read further than its first bytes, for Parse
// to reject: /dev/zero is refused at once, not read into memory.
func readFile(path string) (data []byte, regular bool, err error) {
	data, regular, err = inputfile.Read(path, inputfile.MaxJSON, true)
	if err != nil {
		return nil, false, fmt.Errorf("snapshot %s: %w", path, inputfile.Cause(err))
	}
	return data, regular, nil
}

// FileSource returns a loader of the snapshot at path that reads the file
// each time it is called, so its caller need not hold the snapshot between
// two uses (policies.Engine.EvaluateSource). A regular file that changed
// since the first read is an error, not a different snapshot; what cannot
// be read twice (a pipe, /dev/stdin), and a file under keepBelow bytes,
// is read once and kept.
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
		if err == nil && (!regular || len(data) < keepBelow) {
			kept = snap
		}
		return snap, err
	}
}

// Decode reads a snapshot from r, within inputfile.MaxJSON; name is used
// in error messages.
func Decode(r io.Reader, name string) (*Snapshot, error) {
	data, err := inputfile.ReadFrom(r, inputfile.MaxJSON, -1, true)
	if err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", name, err)
	}
	return Parse(data, name)
}

// ReaderSource is FileSource for a stream, such as standard input: it is
// read once, when the loader is first called, and kept.
func ReaderSource(r io.Reader, name string) func() (*Snapshot, error) {
	var (
		kept *Snapshot
		err  error
		done bool
	)
	return func() (*Snapshot, error) {
		if !done {
			kept, err = Decode(r, name)
			done = true
		}
		return kept, err
	}
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
	raw, err := schemaVersion(data)
	if err != nil {
		return nil, fail("%s", describeJSONError(data, err))
	}
	if raw == nil {
		return nil, fail("no schema_version field: not a gatewatch snapshot")
	}
	var version int
	if err := json.Unmarshal(raw, &version); err != nil {
		return nil, fail("schema_version must be an integer, got %s", describeValue(json.RawMessage(raw)))
	}
	if version < minSchemaVersion || version > SchemaVersion {
		return nil, fail("schema_version %d is not supported (this build reads versions %d to %d)", version, minSchemaVersion, SchemaVersion)
	}

	// encoding/json/v2's decoder (its staging module) reads a snapshot in
	// about 0.4 s at 100k resources, where encoding/json took 1.2 s; eval
	// reads the file twice. A snapshot is strict JSON: a member this build
	// does not know, a member name in other case, invalid UTF-8 or a
	// second top-level value is an error. A name may repeat, as
	// encoding/json allowed: policy documents AWS returns are kept as
	// they came.
	var s Snapshot
	if err := jsonv2.Unmarshal(data, &s, jsonv2.RejectUnknownMembers(true), jsontext.AllowDuplicateNames(true)); err != nil {
		return nil, fail("%s", describeJSONError(data, err))
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

// schemaVersion returns the raw value of the top-level schema_version
// member, or nil when there is none. It reads no further than that member
// (the first one in what gatewatch writes); a file without it is read to
// its end, so that a syntax error is reported as one.
func schemaVersion(data []byte) (jsontext.Value, error) {
	dec := jsontext.NewDecoder(bytes.NewReader(data), jsontext.AllowDuplicateNames(true))
	if _, err := dec.ReadToken(); err != nil { // '{', as Parse checked
		return nil, err
	}
	for dec.PeekKind() == '"' {
		name, err := dec.ReadToken()
		if err != nil {
			return nil, err
		}
		if name.String() == "schema_version" {
			return dec.ReadValue()
		}
		if err := dec.SkipValue(); err != nil {
			return nil, err
		}
	}
	_, err := dec.ReadToken() // '}', or the error that stopped the loop
	return nil, err
}

// describeJSONError turns a decoding error into one line with the place a
// person can open an editor at: line and column for a syntax error, the
// line and the member's path (load_balancers[0].listeners) for a value of
// the wrong kind or a member this build does not know.
func describeJSONError(data []byte, err error) string {
	var syntaxErr *jsontext.SyntacticError
	var semErr *jsonv2.SemanticError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "invalid JSON: unexpected end of file (is it truncated?)"
	case errors.As(err, &syntaxErr):
		return fmt.Sprintf("%s: invalid JSON: %s", position(data, syntaxErr.ByteOffset), describeSyntax(syntaxErr))
	case errors.As(err, &semErr):
		line, _, _ := strings.Cut(position(data, semErr.ByteOffset), ",")
		path := memberPath(semErr.JSONPointer)
		if errors.Is(err, jsonv2.ErrUnknownName) {
			field, parent := path, ""
			if i := strings.LastIndexByte(path, '.'); i >= 0 {
				field, parent = path[i+1:], " in "+path[:i]
			}
			return fmt.Sprintf("%s: unknown field %q%s", line, field, parent)
		}
		if path == "" {
			path = "top level"
		}
		got := "invalid value"
		if semErr.JSONKind != 0 {
			got = "a JSON " + kindName(semErr.JSONKind)
		}
		return fmt.Sprintf("%s: field %s: expected %s, got %s", line, path, goKindName(semErr.GoType), got)
	}
	return err.Error()
}

// describeSyntax is a syntax error's own words, without the decoder's
// package name and the offset and path the caller puts in front.
func describeSyntax(err *jsontext.SyntacticError) string {
	if err.Err == nil {
		return "syntax error"
	}
	return strings.TrimPrefix(err.Err.Error(), "jsontext: ")
}

// memberPath writes a JSON pointer (/load_balancers/0/listeners) as the
// path a person reads (load_balancers[0].listeners).
func memberPath(ptr jsontext.Pointer) string {
	var b strings.Builder
	for tok := range ptr.Tokens() {
		if _, err := strconv.Atoi(tok); err == nil && b.Len() > 0 {
			fmt.Fprintf(&b, "[%s]", tok)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return quoted(b.String())
}

// kindName names the kind of JSON value a decoder saw.
func kindName(k jsontext.Kind) string {
	switch k {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case '0':
		return "number"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "value"
}

// goKindName says what JSON a field of type t takes, in JSON's words.
func goKindName(t reflect.Type) string {
	if t == nil {
		return "another value"
	}
	if t == reflect.TypeFor[time.Time]() {
		return "an RFC 3339 time string"
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Pointer:
		return goKindName(t.Elem())
	}
	return "another value"
}

// position converts a decoder's byte offset (of the character at fault)
// into "line L, column C".
func position(data []byte, offset int64) string {
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

// Upgrade brings a snapshot of an older layout to this build's. Version 1
// recorded no coverage, and its collector read every dataset: its
// coverage is derived from its scope and recorded errors (complete except
// where an error says otherwise). A later snapshot without coverage
// records says nothing was read (a shard that owned none of the scope),
// and nothing is derived for it.
func (s *Snapshot) Upgrade() {
	if s.SchemaVersion < firstCoverageVersion && len(s.Coverage) == 0 {
		s.deriveCoverage()
	}
	s.SchemaVersion = SchemaVersion
}

// firstCoverageVersion is the first schema version whose collector
// recorded coverage.
const firstCoverageVersion = 2

// maxQuotedRunes bounds a name or ARN quoted in an error message.
const maxQuotedRunes = 200

// quoted makes a name from the file fit to quote in a one-line error:
// names are free text in AWS and can hold escape sequences or megabytes.
func quoted(s string) string { return safetext.Elide(safetext.Sanitize(s), maxQuotedRunes) }

// Validate checks the invariants the rules rely on: the snapshot says when
// it was taken and what it covers, every resource has an ARN and knows its
// account, and no ARN appears twice.
func (s *Snapshot) Validate() error {
	if s.SchemaVersion != SchemaVersion {
		return fmt.Errorf("schema_version %d is not supported (this build reads version %d)", s.SchemaVersion, SchemaVersion)
	}
	// A stub such as {"schema_version":2} would read as a clean scan of
	// nothing, taken in year 1: what was scanned, and when, is required.
	var missing []string
	if s.TakenAt.IsZero() {
		missing = append(missing, "taken_at")
	}
	if len(s.Scope.Accounts) == 0 {
		missing = append(missing, "scope.accounts")
	}
	if len(s.Scope.Regions) == 0 {
		missing = append(missing, "scope.regions")
	}
	if len(missing) > 0 {
		return fmt.Errorf("no %s: a snapshot says when it was taken and which accounts and regions it covers (gatewatch collect writes them)", strings.Join(missing, ", no "))
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
