package inputfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// endless is a stream that never ends, like /dev/zero or a stuck
// producer, and counts what was read from it.
type endless struct {
	fill byte
	read int64
}

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = e.fill
	}
	e.read += int64(len(p))
	return len(p), nil
}

// TestStreamThatStopsBeingJSONIsNotReadOn: a stream of NUL bytes, alone
// or after a valid start, is read no further than a few KiB past where
// it stops being JSON, whatever the limit: /dev/zero used to be read to
// the 2 GiB limit, and a process under a memory limit died of it.
func TestStreamThatStopsBeingJSONIsNotReadOn(t *testing.T) {
	t.Parallel()
	for _, prefix := range []string{"", `{"schema_version": 2, "taken_at": `} {
		zeros := &endless{}
		data, err := ReadFrom(io.MultiReader(strings.NewReader(prefix), zeros), MaxJSON, -1, true)
		if err != nil {
			t.Fatalf("prefix %q: %v", prefix, err)
		}
		if !strings.HasPrefix(string(data), prefix+"\x00") || zeros.read > 1<<20 {
			t.Errorf("prefix %q: returned %d bytes, read %d from the stream; want the start, and at most 1 MiB read", prefix, len(data), zeros.read)
		}
	}
}

func TestLimits(t *testing.T) {
	t.Parallel()
	// A stream that stays JSON is read up to the limit, and refused past it.
	spaces := &endless{fill: ' '}
	if _, err := ReadFrom(io.MultiReader(strings.NewReader(`{"a": "`), &endless{fill: 'x'}), 1<<20, -1, true); !errors.Is(err, ErrTooLarge) {
		t.Errorf("endless string: error %v, want ErrTooLarge", err)
	}
	if _, err := ReadFrom(spaces, 1<<20, -1, false); !errors.Is(err, ErrTooLarge) || err.Error() != "too large: more than 1 MiB" {
		t.Errorf("endless text: error %v, want %q", err, "too large: more than 1 MiB")
	}
	// A whole value, with what follows it, within the limit.
	in := "{\"a\": [1, 2]}\n\n"
	if got, err := ReadFrom(strings.NewReader(in), 1<<20, -1, true); err != nil || string(got) != in {
		t.Errorf("ReadFrom = %q, %v; want %q", got, err, in)
	}
	// A regular file past the limit is refused before it is read.
	path := filepath.Join(t.TempDir(), "big.json")
	if err := os.WriteFile(path, []byte(strings.Repeat(" ", 2<<20)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, regular, err := Read(path, 1<<20, true); !errors.Is(err, ErrTooLarge) || !regular {
		t.Errorf("Read of a 2 MiB file, limit 1 MiB: regular %v, error %v; want ErrTooLarge", regular, err)
	}
	if data, regular, err := Read(path, 4<<20, true); err != nil || !regular || len(data) != 2<<20 {
		t.Errorf("Read within the limit: %d bytes, regular %v, %v", len(data), regular, err)
	}
	var pe *os.PathError
	if _, _, err := Read(filepath.Join(t.TempDir(), "none"), MaxJSON, true); !errors.As(err, &pe) {
		t.Errorf("missing file: error %v (%T), want *os.PathError", err, err)
	}
}
