package snapshot

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestFileSourceRefusesAChangedFile: the evaluation reads a snapshot file
// twice (for the rules, then for the report); a file replaced in between
// is an error, never a report mixing two snapshots.
func TestFileSourceRefusesAChangedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "snap.json")
	write := func(account string) {
		data := `{"schema_version": 2, "taken_at": "2026-12-01T00:00:00Z", "scope": {"accounts": ["` + account + `"], "regions": ["eu-west-1"]}}`
		// Large enough to be read again, not kept.
		data += strings.Repeat(" ", keepBelow)
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("111111111111")
	load := FileSource(path)
	first, err := load()
	if err != nil {
		t.Fatal(err)
	}
	again, err := load()
	if err != nil || again.Scope.Accounts[0] != first.Scope.Accounts[0] {
		t.Fatalf("second read of an unchanged file: %v, %v", again, err)
	}
	write("222222222222")
	if _, err := load(); err == nil || !strings.Contains(err.Error(), "changed while it was being evaluated") {
		t.Errorf("changed file: err = %v", err)
	}
}

// TestFileSourceKeepsASmallFile: a snapshot under keepBelow bytes is read
// once and kept, so the second call neither reads nor parses it again.
func TestFileSourceKeepsASmallFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "snap.json")
	data := `{"schema_version": 2, "taken_at": "2026-12-01T00:00:00Z", "scope": {"accounts": ["111111111111"], "regions": ["eu-west-1"]}}`
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	load := FileSource(path)
	first, err := load()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	again, err := load()
	if err != nil || again != first {
		t.Fatalf("second call for a small file: %v, %v; want the snapshot of the first", again, err)
	}
}

// TestFileSourceReadsAPipeOnce: a snapshot piped in (eval /dev/stdin) can
// be read only once; the loader keeps it rather than failing the second
// read.
func TestFileSourceReadsAPipeOnce(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		w.WriteString(`{"schema_version": 2, "taken_at": "2026-12-01T00:00:00Z", "scope": {"accounts": ["111111111111"], "regions": ["eu-west-1"]}}`)
		w.Close()
	}()
	defer r.Close()
	load := FileSource("/dev/fd/" + strconv.Itoa(int(r.Fd())))
	first, err := load()
	if err != nil {
		t.Fatal(err)
	}
	again, err := load()
	if err != nil || again != first {
		t.Fatalf("second read of a pipe: %v, %v", again, err)
	}
}
