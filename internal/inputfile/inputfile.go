// Package inputfile reads the files users hand gatewatch (snapshots,
// reports, plans, states, configuration) within a bound, so that a device
// or a pipe that never ends (/dev/zero, a stuck producer) is one clear
// error rather than a process the kernel kills for its memory.
package inputfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/go-json-experiment/json/jsontext"
)

// Limits of what is read. JSON inputs grow with the organisation: a
// snapshot of 100k resources is about 66 MB, so 2 GiB is far beyond any
// real one. What people write by hand is small.
const (
	MaxJSON    = 2 << 30
	MaxWritten = 64 << 20
)

// ErrTooLarge is what Read returns for an input past its limit.
var ErrTooLarge = errors.New("too large")

// Read reads the file at path, at most limit bytes, and says whether it
// is a regular file (one that can be read again). Open and stat errors
// are the *os.PathError os gives. With json set, what is not a regular
// file (a pipe, a device) is checked as it is read: it is read no further
// than where it stops being JSON (the first NUL byte of /dev/zero), and
// what was read is returned for the caller's parser to reject as it does.
func Read(path string, limit int64, json bool) (data []byte, regular bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, false, err
	}
	size := int64(-1)
	if fi.Mode().IsRegular() {
		size = fi.Size()
	}
	data, err = ReadFrom(f, limit, size, json)
	return data, fi.Mode().IsRegular(), err
}

// ReadFrom reads r as Read reads a file; size, when not negative, is what
// r holds: past the limit, nothing is read, and within it the buffer is
// sized at once (growing one by doubling took four times as long for a
// 66 MB snapshot). A regular file is bounded by its size; only a stream
// of unknown length (size < 0) needs checking as it comes.
func ReadFrom(r io.Reader, limit, size int64, json bool) ([]byte, error) {
	tooLarge := fmt.Errorf("%w: more than %d MiB", ErrTooLarge, limit>>20)
	if size > limit {
		return nil, tooLarge
	}
	var buf bytes.Buffer
	if size >= 0 {
		buf.Grow(int(size) + bytes.MinRead)
	}
	lr := io.LimitReader(r, limit+1)
	if json && size < 0 {
		dec := jsontext.NewDecoder(io.TeeReader(lr, &buf), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
		err := dec.SkipValue()
		var syntax *jsontext.SyntacticError
		switch {
		case int64(buf.Len()) > limit:
			return nil, tooLarge
		case errors.As(err, &syntax), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return buf.Bytes(), nil // not JSON, or cut short: the parser says which
		case err != nil:
			return nil, fmt.Errorf("read: %w", err)
		}
	}
	if _, err := buf.ReadFrom(lr); err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if int64(buf.Len()) > limit {
		return nil, tooLarge
	}
	return buf.Bytes(), nil
}

// Cause is err without the path an *fs.PathError adds, for messages that
// name the file already ("snapshot in.json: no such file or directory").
func Cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
