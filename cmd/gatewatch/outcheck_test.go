package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gatewatch/gatewatch/collectors/fakeaws"
)

// copyFile copies src to dir/name and returns the new path.
func copyFile(t *testing.T, src, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, mustReadFile(t, src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// wantRefused checks that a run exited 2 with want on stderr.
func wantRefused(t *testing.T, code int, stderr, want string) {
	t.Helper()
	if code != exitUsage {
		t.Errorf("exit %d, want %d; stderr:\n%s", code, exitUsage, stderr)
	}
	if !strings.Contains(stderr, want) {
		t.Errorf("stderr = %q, want it to contain %q", stderr, want)
	}
}

// TestOutputThatIsAnInputIsRefused: an output that names a file the run
// reads, however spelt (another relative path, a symlink, a hard link),
// exits 2 before anything is read or written, and the input is intact.
func TestOutputThatIsAnInputIsRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := copyFile(t, demoSnapshot, dir, "in.json")
	plan := copyFile(t, "../../testdata/tfplan/context/plan.json", dir, "plan.json")
	live := copyFile(t, "../../testdata/tfplan/context/live.json", dir, "live.json")
	state := copyFile(t, "../../testdata/tfplan/context/plan.json", dir, "state.json")
	accounts := filepath.Join(dir, "accounts.txt")
	other := filepath.Join(dir, "other.yaml")
	for _, p := range []string{accounts, other} {
		if err := os.WriteFile(p, []byte("111111111111\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink("in.json", link); err != nil {
		t.Fatal(err)
	}
	hard := filepath.Join(dir, "hard.json")
	if err := os.Link(in, hard); err != nil {
		t.Fatal(err)
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	relative, err := filepath.Rel(wd, in)
	if err != nil {
		t.Fatal(err)
	}
	before := map[string][]byte{}
	for _, p := range []string{in, plan, live, state, accounts, other} {
		before[p] = mustReadFile(t, p)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"the same path", []string{"eval", in, "-f", "json", "-o", in}, "output " + in + " is also an input (the snapshot)"},
		{"another spelling", []string{"eval", in, "-f", "json", "-o", relative}, "is also an input (the snapshot)"},
		{"a dot in the path", []string{"eval", in, "-f", "json", "-o", filepath.Join(dir, ".") + "/./in.json"}, "is also an input (the snapshot)"},
		{"through a symlink", []string{"eval", in, "-f", "json", "-o", link}, "output " + link + " is also an input (the snapshot)"},
		{"a hard link", []string{"eval", in, "-f", "json", "-o", hard}, "is also an input (the snapshot)"},
		{"the snapshot's symlink", []string{"eval", link, "-o", in}, "is also an input (the snapshot)"},
		{"a Terraform plan", []string{"eval", "--terraform-plan", plan, "-f", "json", "-o", plan}, "is also an input (--terraform-plan)"},
		{"a plan's live snapshot", []string{"eval", "--terraform-plan", plan, "--snapshot", live, "-f", "json", "-o", live}, "is also an input (--snapshot)"},
		{"a scan's snapshot over its baseline", []string{"scan", "--demo", "--baseline", in, "--snapshot", in}, "--snapshot " + in + " is also an input (--baseline)"},
		{"suppressions", []string{"eval", in, "--suppressions", other, "-f", "json", "-o", other}, "is also an input (--suppressions)"},
		{"configuration", []string{"scan", "--demo", "--config", other, "-f", "json", "-o", other}, "is also an input (--config)"},
		{"a Terraform state", []string{"scan", "--demo", "--terraform-state", state, "-f", "json", "-o", state}, "is also an input (--terraform-state)"},
		{"a Terraform state of a root", []string{"scan", "--demo", "--terraform-state", dir + "=" + state, "-f", "json", "-o", state}, "is also an input (--terraform-state)"},
		{"an accounts file", []string{"collect", "--accounts", "@" + accounts, "-o", accounts}, "is also an input (--accounts)"},
		{"a merged shard", []string{"merge", live, in, "-o", in}, "is also an input (a file merged)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := runCLI(t, tc.args...)
			wantRefused(t, code, stderr, tc.want)
		})
	}
	t.Cleanup(func() {
		for p, data := range before {
			if got := mustReadFile(t, p); string(got) != string(data) {
				t.Errorf("input %s was changed", p)
			}
		}
	})
}

// TestOutputsOnOneFileAreRefused: two outputs that name one file, however
// spelt, exit 2 before anything is written.
func TestOutputsOnOneFileAreRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := filepath.Join(dir, "a.json")
	// A symlink to a report not written yet, and a symlinked directory.
	if err := os.Symlink("a.json", filepath.Join(dir, "to-a.json")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(".", filepath.Join(dir, "same")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"the same path", []string{"scan", "--demo", "-f", "json", "-o", a, "-f", "sarif", "-o", a}, "outputs 1 and 2 both write " + a},
		{"a symlink to a new file", []string{"scan", "--demo", "-o", a, "-f", "sarif", "-o", filepath.Join(dir, "to-a.json")}, "outputs 1 and 2 both write"},
		{"a symlinked directory", []string{"scan", "--demo", "-o", "-", "-o", a, "-o", filepath.Join(dir, "same", "a.json")}, "outputs 2 and 3 both write"},
		{"snapshot and report", []string{"scan", "--demo", "--snapshot", a, "-o", a}, "output 1 and --snapshot both write " + a},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			wantRefused(t, code, stderr, tc.want)
			if got := dirNames(t, dir); !slices.Equal(got, []string{"same", "to-a.json"}) {
				t.Errorf("directory holds %q after a refused run", got)
			}
		})
	}
}

// TestOutputsCheckedBeforeCollecting: an output whose directory is
// missing, or is a file, or that is a directory, fails before the first
// AWS call, and before any other output is written.
func TestOutputsCheckedBeforeCollecting(t *testing.T) {
	fakeCredentials(t)
	srv := demoServer(t, fakeaws.Options{})
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing", "x.json")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"collect into a missing directory", []string{"collect", "--endpoint-url", srv.URL, "--regions", "us-east-1", "-o", missing},
			"cannot write output " + missing + ": directory " + filepath.Dir(missing) + " does not exist"},
		{"scan with a missing directory", []string{"scan", "--endpoint-url", srv.URL, "--regions", "us-east-1", "-o", filepath.Join(dir, "p1.html"), "-o", missing},
			"cannot write output " + missing},
		{"below a file", []string{"collect", "--endpoint-url", srv.URL, "--regions", "us-east-1", "-o", filepath.Join(file, "x.json")},
			file + " is not a directory"},
		{"a directory", []string{"scan", "--endpoint-url", srv.URL, "--regions", "us-east-1", "-f", "json", "-o", dir},
			"output " + dir + " is a directory"},
		{"a scan's snapshot", []string{"scan", "--endpoint-url", srv.URL, "--regions", "us-east-1", "--snapshot", missing},
			"cannot write --snapshot " + missing},
		{"a demo scan", []string{"scan", "--demo", "-o", filepath.Join(dir, "p1.html"), "-o", missing, "-o", filepath.Join(dir, "p2.sarif")},
			"cannot write output " + missing},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			wantRefused(t, code, stderr, tc.want)
			if calls := srv.Calls(); len(calls) > 0 {
				t.Errorf("AWS calls before the outputs were checked: %v", calls)
			}
			if got := dirNames(t, dir); !slices.Equal(got, []string{"file"}) {
				t.Errorf("directory holds %q after a refused run", got)
			}
		})
	}
	if os.Geteuid() != 0 {
		readOnly := t.TempDir()
		if err := os.Chmod(readOnly, 0o555); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := runCLI(t, "scan", "--demo", "-o", filepath.Join(readOnly, "x.json"))
		wantRefused(t, code, stderr, "cannot create a file in "+readOnly+": permission denied")
	}
}

// TestOutputWriteFailureSaysWhatWasWritten: an output that fails while it
// is written (a full disk: /dev/full) does not cost the outputs after it,
// and stderr says which were written and which not.
func TestOutputWriteFailureSaysWhatWasWritten(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	dir := t.TempDir()
	p1, p2, snap := filepath.Join(dir, "p1.html"), filepath.Join(dir, "p2.sarif"), filepath.Join(dir, "snap.json")
	code, _, stderr := runCLI(t, "scan", "--demo", "--snapshot", snap, "-f", "html", "-o", p1, "-f", "json", "-o", "/dev/full", "-f", "sarif", "-o", p2)
	wantRefused(t, code, stderr, "write /dev/full: no space left on device; not written: json to /dev/full; "+
		"written: snapshot to "+snap+", html to "+p1+", sarif to "+p2)
	if got := dirNames(t, dir); !slices.Equal(got, []string{"p1.html", "p2.sarif", "snap.json"}) {
		t.Errorf("directory holds %q, want every output but the failed one", got)
	}

	code, _, stderr = runCLI(t, "scan", "--demo", "--snapshot", "/dev/full", "-f", "json", "-o", filepath.Join(dir, "r.json"))
	wantRefused(t, code, stderr, "not written: snapshot to /dev/full; written: json to "+filepath.Join(dir, "r.json"))
}

// TestStdoutTakesOneOutput: "-" and the paths that name stdout
// (/dev/stdout, /dev/fd/1, /proc/self/fd/1) are one place, which only one
// output may take; scan --snapshot - writes the snapshot there, not to a
// file named "-".
func TestStdoutTakesOneOutput(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"- and /dev/stdout", []string{"scan", "--demo", "-f", "json", "-o", "-", "-f", "sarif", "-o", "/dev/stdout"},
			"more than one --output is stdout (outputs 1 and 2: - and /dev/stdout)"},
		{"/dev/fd/1 and -", []string{"scan", "--demo", "-f", "json", "-o", "/dev/fd/1", "-o", "-"}, "more than one --output is stdout"},
		{"/proc/self/fd/1 twice", []string{"eval", demoSnapshot, "-f", "json", "-o", "/proc/self/fd/1", "-f", "csv", "-o", "/proc/self/fd/1"}, "more than one --output is stdout"},
		{"snapshot to /dev/stdout and the table", []string{"scan", "--demo", "--snapshot", "/dev/stdout"},
			"the table report (no --output: stdout) and --snapshot /dev/stdout both go to stdout"},
		{"snapshot to - and a report to -", []string{"scan", "--demo", "--snapshot", "-", "-f", "json", "-o", "-"},
			"output 1 - and --snapshot - both go to stdout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := runCLI(t, tc.args...)
			wantRefused(t, code, stderr, tc.want)
		})
	}

	t.Run("snapshot to -", func(t *testing.T) {
		if _, err := os.Lstat("-"); err == nil {
			t.Fatal(`a file named "-" is in the working directory already`)
		}
		t.Cleanup(func() { os.Remove("-") })
		report := filepath.Join(t.TempDir(), "r.json")
		code, stdout, stderr := runCLI(t, "scan", "--demo", "--snapshot", "-", "-o", report)
		if code != exitOK {
			t.Fatalf("exit %d; stderr:\n%s", code, stderr)
		}
		if !strings.Contains(stdout, `"schema_version"`) {
			t.Errorf("stdout does not hold the snapshot: %.200q", stdout)
		}
		if _, err := os.Lstat("-"); err == nil {
			t.Error(`--snapshot - wrote a file named "-"`)
		}
	})
}
