package snapshot

import (
	"os"
	"path/filepath"
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
