//go:build unix

package main

// The output file tests need Unix: FIFOs, device nodes, the umask, /dev/fd.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// text returns a fill function writing s.
func text(s string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	}
}

// dirNames lists the names in dir, hidden ones included, so a leftover
// temporary file shows.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWriteFileRegular(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		existing *fs.FileMode // nil: no file before
		fill     func(io.Writer) error
		wantText string
		wantMode fs.FileMode
		wantErr  bool
	}{
		{name: "new file", fill: text("new"), wantText: "new", wantMode: 0o666 &^ testUmask},
		{name: "replaced file keeps its mode", existing: ptr(fs.FileMode(0o640)), fill: text("new"), wantText: "new", wantMode: 0o640},
		{name: "executable bit kept", existing: ptr(fs.FileMode(0o755)), fill: text("new"), wantText: "new", wantMode: 0o755},
		{name: "failure keeps the old file", existing: ptr(fs.FileMode(0o600)), fill: func(w io.Writer) error {
			io.WriteString(w, "half")
			return errors.New("render failed")
		}, wantText: "old", wantMode: 0o600, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "report.txt")
			if tt.existing != nil {
				if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(path, *tt.existing); err != nil {
					t.Fatal(err)
				}
			}
			err := writeFile(path, tt.fill)
			if (err != nil) != tt.wantErr {
				t.Fatalf("writeFile: %v, want error %v", err, tt.wantErr)
			}
			if got := readString(t, path); got != tt.wantText {
				t.Errorf("content = %q, want %q", got, tt.wantText)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode(); got != tt.wantMode {
				t.Errorf("mode = %v, want %v", got, tt.wantMode)
			}
			if got, want := dirNames(t, dir), []string{"report.txt"}; !cmp.Equal(got, want) {
				t.Errorf("directory holds %q, want %q (a temporary file was left)", got, want)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// testUmask is the umask TestMain sets, so modes are predictable.
const testUmask = 0o022

func TestMain(m *testing.M) {
	syscall.Umask(testUmask)
	if filepath.Base(os.Args[0]) == "gatewatch" {
		// The test binary linked as "gatewatch" on PATH is the CLI, for
		// tests that run scripts calling it (action_test.go).
		os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	if path := os.Getenv("GATEWATCH_TEST_WRITE_STDOUT"); path != "" {
		// The child of TestWriteFileDevStdout: write to its stdout by path.
		if err := writeFile(path, text("through /dev/stdout\n")); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestWriteFileModeFollowsUmask: under the usual umask a new report is
// 0644, readable like any file a CLI writes, not CreateTemp's 0600.
func TestWriteFileModeFollowsUmask(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "r.txt")
	if err := writeFile(path, text("x")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fi.Mode().Perm(), fs.FileMode(0o644); got != want {
		t.Errorf("mode under umask %03o = %v, want %v", testUmask, got, want)
	}
}

func TestWriteFileSymlink(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		exists bool
	}{
		{"to an existing file", true},
		{"to a file not written yet", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			real := filepath.Join(dir, "reports", "2026-12-03.html")
			if err := os.Mkdir(filepath.Dir(real), 0o755); err != nil {
				t.Fatal(err)
			}
			if tt.exists {
				if err := os.WriteFile(real, []byte("old"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			link := filepath.Join(dir, "latest.html")
			if err := os.Symlink("reports/2026-12-03.html", link); err != nil {
				t.Fatal(err)
			}
			if err := writeFile(link, text("new")); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Lstat(link)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode()&fs.ModeSymlink == 0 {
				t.Errorf("the link was replaced by a %v", fi.Mode())
			}
			if got := readString(t, real); got != "new" {
				t.Errorf("target holds %q, want %q", got, "new")
			}
			if got, want := dirNames(t, filepath.Dir(real)), []string{"2026-12-03.html"}; !cmp.Equal(got, want) {
				t.Errorf("target directory holds %q, want %q", got, want)
			}
		})
	}
}

func TestWriteFileFIFO(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(path)
		if err != nil {
			got <- err.Error()
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		got <- string(b)
	}()
	if err := writeFile(path, text("through the pipe")); err != nil {
		t.Fatal(err)
	}
	if g := <-got; g != "through the pipe" {
		t.Errorf("reader got %q, want %q", g, "through the pipe")
	}
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced by a %v", fi.Mode())
	}
}

// TestWriteFileDevice writes to a character device: first to a copy of
// /dev/null made in a temporary directory (so a regression cannot destroy
// the machine's), then to /dev/null itself. Either must stay a device.
func TestWriteFileDevice(t *testing.T) {
	t.Parallel()
	null := filepath.Join(t.TempDir(), "null")
	if err := syscall.Mknod(null, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		t.Skipf("mknod (needs root): %v", err)
	}
	for _, path := range []string{null, "/dev/null"} {
		if err := writeFile(path, text("discarded")); err != nil {
			t.Fatalf("writeFile(%s): %v", path, err)
		}
		fi, err := os.Lstat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode()&fs.ModeCharDevice == 0 {
			t.Fatalf("%s is now a %v, want a character device", path, fi.Mode())
		}
	}
}

// TestWriteFileFileDescriptor writes through /dev/fd/N to a pipe: the link
// names "pipe:[inode]", which must be opened, not created beside it.
func TestWriteFileFileDescriptor(t *testing.T) {
	t.Parallel()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	path := fmt.Sprintf("/dev/fd/%d", w.Fd())
	if err := writeFile(path, text("to the pipe")); err != nil {
		t.Fatal(err)
	}
	w.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), "to the pipe"; got != want {
		t.Errorf("pipe got %q, want %q", got, want)
	}
}

// TestWriteFileDevStdout runs a child that writes to /dev/stdout, with
// its stdout a pipe and then a regular file: the output must arrive, and
// the file must be the one the shell opened (appended to, not replaced).
// A private link to /proc/self/fd/1 goes first: run as root, a regression
// would replace whatever link it writes through, and it must not be the
// machine's /dev/stdout.
func TestWriteFileDevStdout(t *testing.T) {
	t.Parallel()
	private := filepath.Join(t.TempDir(), "stdout")
	if err := os.Symlink("/proc/self/fd/1", private); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{private, "/dev/stdout"} {
		child := func() *exec.Cmd {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "GATEWATCH_TEST_WRITE_STDOUT="+path)
			return cmd
		}
		ok := t.Run(path+" to a pipe", func(t *testing.T) {
			out, err := child().Output()
			if err != nil {
				t.Fatalf("child: %v", err)
			}
			if got, want := string(out), "through /dev/stdout\n"; got != want {
				t.Errorf("stdout = %q, want %q", got, want)
			}
		})
		ok = ok && t.Run(path+" to a regular file", func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "out.txt")
			f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.WriteString("before\n"); err != nil {
				t.Fatal(err)
			}
			before, err := f.Stat()
			if err != nil {
				t.Fatal(err)
			}
			cmd := child()
			cmd.Stdout = f
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("child: %v\n%s", err, stderr.String())
			}
			if got, want := readString(t, file), "before\nthrough /dev/stdout\n"; got != want {
				t.Errorf("file = %q, want %q", got, want)
			}
			after, err := os.Stat(file)
			if err != nil {
				t.Fatal(err)
			}
			if !os.SameFile(before, after) {
				t.Error("the file behind stdout was replaced by another")
			}
		})
		if fi, err := os.Lstat(path); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			t.Fatalf("%s is no longer a symlink (%v, %v)", path, fi.Mode(), err)
		}
		if !ok {
			t.Fatalf("writing through %s failed: not trying the next path", path)
		}
	}
}

// TestWriteFileUnnamedWhileWriting looks at the directory while the
// report is being written: on Linux the file has no name yet, so a
// process killed at that point leaves nothing behind.
func TestWriteFileUnnamedWhileWriting(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "report.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	var during []string
	err := writeFile(path, func(w io.Writer) error {
		during = dirNames(t, dir)
		_, err := io.WriteString(w, "new")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"report.json"}; !cmp.Equal(during, want) {
		t.Errorf("while writing the directory held %q, want %q", during, want)
	}
	if got := readString(t, path); got != "new" {
		t.Errorf("content = %q, want %q", got, "new")
	}
}

// TestReplaceViaTemp covers the fallback where O_TMPFILE is missing: the
// temporary is removed on failure and the mode follows the umask.
func TestReplaceViaTemp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "r.txt")
	if err := replaceViaTemp(path, 0o666, false, func(io.Writer) error { return errors.New("interrupted") }); err == nil {
		t.Fatal("a failing fill succeeded")
	}
	if got := dirNames(t, dir); len(got) != 0 {
		t.Errorf("after a failure the directory holds %q, want nothing", got)
	}
	if err := replaceViaTemp(path, 0o666, false, text("x")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fi.Mode(), fs.FileMode(0o644); got != want {
		t.Errorf("mode = %v, want %v", got, want)
	}
	if got, want := dirNames(t, dir), []string{"r.txt"}; !cmp.Equal(got, want) {
		t.Errorf("directory holds %q, want %q", got, want)
	}
}
