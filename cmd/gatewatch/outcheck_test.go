package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
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

// runWith runs the CLI with stdin and stdout given, files as a shell
// redirect gives them: checkFiles compares those with the outputs and
// inputs.
func runWith(t *testing.T, stdin io.Reader, stdout io.Writer, args ...string) (int, string) {
	t.Helper()
	var stderr strings.Builder
	code := run(context.Background(), args, stdin, stdout, &stderr)
	return code, stderr.String()
}

// wantWritten checks that a run got past the checks: a report was
// written and the exit is the demo snapshot's (findings at --fail-on).
func wantWritten(t *testing.T, code int, stderr string) {
	t.Helper()
	if code != exitOK && code != exitFindings {
		t.Fatalf("exit %d, want a report; stderr:\n%s", code, stderr)
	}
}

// TestOutputProcPathsAreFiles: only /dev/fd/N, /dev/stdout (and stdin,
// stderr) and /proc/{self,thread-self,PID}/fd/N are file descriptor
// paths; another path below /proc (/proc/self/root/..., /proc/PID/cwd/...)
// names a file like any other, compared with the inputs and written whole.
// A file descriptor path open on a regular file is compared too.
func TestOutputProcPathsAreFiles(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/proc/self/root"); err != nil {
		t.Skip("no /proc")
	}
	dir := t.TempDir()
	in := copyFile(t, demoSnapshot, dir, "in.json")
	before := mustReadFile(t, in)
	f, err := os.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, tc := range []struct{ name, out string }{
		{"/proc/self/root", "/proc/self/root" + in},
		{"/proc/PID/root", fmt.Sprintf("/proc/%d/root%s", os.Getpid(), in)},
		{"/dev/fd/N open on the snapshot", fmt.Sprintf("/dev/fd/%d", f.Fd())},
		{"/proc/thread-self/fd/N open on the snapshot", fmt.Sprintf("/proc/thread-self/fd/%d", f.Fd())},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "eval", in, "-f", "json", "-o", tc.out)
			wantRefused(t, code, stderr, "output "+tc.out+" is also an input (the snapshot)")
			if got := mustReadFile(t, in); string(got) != string(before) {
				t.Fatalf("the snapshot was changed")
			}
		})
	}
	t.Run("a new file through /proc/self/root", func(t *testing.T) {
		out := "/proc/self/root" + filepath.Join(dir, "new.json")
		code, _, stderr := runCLI(t, "eval", in, "-f", "json", "-o", out)
		wantWritten(t, code, stderr)
		if got := mustReadFile(t, filepath.Join(dir, "new.json")); !strings.Contains(string(got), `"findings"`) {
			t.Errorf("new.json = %.200q, want the JSON report", got)
		}
	})
	t.Run("two outputs through /proc/self/root", func(t *testing.T) {
		a := filepath.Join(dir, "a.json")
		code, _, stderr := runCLI(t, "eval", in, "-f", "json", "-o", a, "-o", "/proc/self/root"+a)
		wantRefused(t, code, stderr, "outputs 1 and 2 both write /proc/self/root"+a)
	})
}

// TestOutputProcCwd: eval in.json -o /proc/self/cwd/in.json is the
// snapshot, and /proc/self/cwd/new.json a new file in the working
// directory. Not parallel: the working directory is the process's.
func TestOutputProcCwd(t *testing.T) {
	if _, err := os.Stat("/proc/self/cwd"); err != nil {
		t.Skip("no /proc")
	}
	dir := t.TempDir()
	copyFile(t, demoSnapshot, dir, "in.json")
	t.Chdir(dir)
	before := mustReadFile(t, "in.json")
	code, _, stderr := runCLI(t, "eval", "in.json", "-f", "json", "-o", "/proc/self/cwd/in.json")
	wantRefused(t, code, stderr, "output /proc/self/cwd/in.json is also an input (the snapshot)")
	if got := mustReadFile(t, "in.json"); string(got) != string(before) {
		t.Fatalf("the snapshot was changed")
	}
	code, _, stderr = runCLI(t, "eval", "in.json", "-f", "json", "-o", "/proc/self/cwd/new.json")
	wantWritten(t, code, stderr)
	if got := mustReadFile(t, "new.json"); !strings.Contains(string(got), `"findings"`) {
		t.Errorf("new.json = %.200q, want the JSON report", got)
	}
	if got := dirNames(t, dir); !slices.Equal(got, []string{"in.json", "new.json"}) {
		t.Errorf("directory holds %q", got)
	}
}

// TestOutputFDPaths: which paths name a file descriptor, and near misses
// that name files.
func TestOutputFDPaths(t *testing.T) {
	t.Parallel()
	pid := strconv.Itoa(os.Getpid())
	for _, tc := range []struct {
		path    string
		fd      int
		own, ok bool
	}{
		{"/dev/stdout", 1, true, true},
		{"/dev/stderr", 2, true, true},
		{"/dev/stdin", 0, true, true},
		{"/dev/fd/1", 1, true, true},
		{"/dev//fd/./7", 7, true, true},
		{"/proc/self/fd/1", 1, true, true},
		{"/proc/thread-self/fd/3", 3, true, true},
		{"/proc/" + pid + "/fd/1", 1, true, true},
		{"/proc/" + pid + "/task/" + pid + "/fd/1", 1, true, true},
		{"/proc/1/fd/1", 1, false, true},
		{"/proc/self/cwd/in.json", 0, false, false},
		{"/proc/self/root/tmp/a.json", 0, false, false},
		{"/proc/self/fdinfo/1", 0, false, false},
		{"/proc/self/fd/x", 0, false, false},
		{"/proc/self/fd", 0, false, false},
		{"/dev/fd/1/x", 0, false, false},
		{"/dev/stdout.json", 0, false, false},
		{"dev/stdout", 0, false, false},
		{"/dev/null", 0, false, false},
	} {
		fd, own, ok := fdPath(tc.path)
		if fd != tc.fd || own != tc.own || ok != tc.ok {
			t.Errorf("fdPath(%q) = %d, %v, %v; want %d, %v, %v", tc.path, fd, own, ok, tc.fd, tc.own, tc.ok)
		}
	}
}

// TestStdoutByLinkOrIdentity: an output is on stdout when a symlink leads
// it to /dev/stdout, or when it is the very file or pipe stdout is (a shell
// redirect); two such outputs are refused, and so is stdout on a file
// the run reads.
func TestStdoutByLinkOrIdentity(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := copyFile(t, demoSnapshot, dir, "in.json")
	before := mustReadFile(t, in)
	for i, target := range []string{"/dev/stdout", "/proc/self/fd/1", "/dev/fd/1"} {
		link := filepath.Join(dir, fmt.Sprintf("so-%d.csv", i))
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
		chain := link + ".link"
		if err := os.Symlink(filepath.Base(link), chain); err != nil {
			t.Fatal(err)
		}
		for _, out := range []string{link, chain} {
			code, _, stderr := runCLI(t, "eval", in, "-f", "json", "-o", "-", "-f", "csv", "-o", out)
			wantRefused(t, code, stderr, "more than one --output is stdout (outputs 1 and 2: - and "+out)
		}
	}

	t.Run("stdout is an output's file", func(t *testing.T) {
		x := filepath.Join(dir, "x.csv")
		stdout, err := os.Create(x)
		if err != nil {
			t.Fatal(err)
		}
		defer stdout.Close()
		code, stderr := runWith(t, strings.NewReader(""), stdout, "eval", in, "-f", "json", "-o", "-", "-f", "csv", "-o", x)
		wantRefused(t, code, stderr, "more than one --output is stdout (outputs 1 and 2: - and "+x+" (stdout's file))")
		code, stderr = runWith(t, strings.NewReader(""), stdout, "eval", in, "-f", "csv", "-o", x, "-f", "json", "-o", "-")
		wantRefused(t, code, stderr, "more than one --output is stdout (outputs 1 and 2: "+x+" (stdout's file) and -)")
		code, stderr = runWith(t, strings.NewReader(""), stdout, "scan", "--demo", "--snapshot", x)
		wantRefused(t, code, stderr, "the table report (no --output: stdout) and --snapshot "+x+" (stdout's file) both go to stdout")
		// One output on that file alone is what the redirect asked for.
		code, stderr = runWith(t, strings.NewReader(""), stdout, "eval", in, "-o", x)
		wantWritten(t, code, stderr)
	})
	t.Run("stdout is a pipe an output names", func(t *testing.T) {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		drained := make(chan struct{})
		go func() { io.Copy(io.Discard, r); close(drained) }()
		pipe := fmt.Sprintf("/dev/fd/%d", w.Fd())
		code, stderr := runWith(t, strings.NewReader(""), w, "eval", in, "-f", "json", "-o", "-", "-f", "csv", "-o", pipe)
		w.Close()
		<-drained
		r.Close()
		wantRefused(t, code, stderr, "more than one --output is stdout (outputs 1 and 2: - and "+pipe+" (stdout's pipe))")
	})
	t.Run("stdout and an output on /dev/null", func(t *testing.T) {
		// A device may take several outputs: nothing is lost there.
		null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			t.Skip(err)
		}
		defer null.Close()
		code, stderr := runWith(t, strings.NewReader(""), null, "eval", in, "-f", "json", "-o", "-", "-f", "csv", "-o", os.DevNull)
		wantWritten(t, code, stderr)
	})
	t.Run("stdout appends to the snapshot", func(t *testing.T) {
		stdout, err := os.OpenFile(in, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer stdout.Close()
		code, stderr := runWith(t, strings.NewReader(""), stdout, "eval", in, "-f", "json")
		wantRefused(t, code, stderr, "the json report goes to stdout, which is also an input (the snapshot)")
		code, stderr = runWith(t, strings.NewReader(""), stdout, "eval", in, "-f", "json", "-o", "-")
		wantRefused(t, code, stderr, "output 1 - goes to stdout, which is also an input (the snapshot)")
	})
	if got := mustReadFile(t, in); string(got) != string(before) {
		t.Errorf("the snapshot was changed")
	}
}

// TestOutputStdinSnapshot: eval - with stdin redirected from a file
// refuses an output that is that file, however spelt; a file named "-"
// (./-) is an output like any other, not stdin.
func TestOutputStdinSnapshot(t *testing.T) {
	dir := t.TempDir()
	in := copyFile(t, demoSnapshot, dir, "in.json")
	before := mustReadFile(t, in)
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink("in.json", link); err != nil {
		t.Fatal(err)
	}
	stdin := func() *os.File {
		f, err := os.Open(in)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	for _, out := range []string{in, link} {
		code, stderr := runWith(t, stdin(), io.Discard, "eval", "-", "-f", "json", "-o", out)
		wantRefused(t, code, stderr, "output "+out+" is also an input (the snapshot on stdin)")
	}
	if got := mustReadFile(t, in); string(got) != string(before) {
		t.Fatalf("the snapshot was changed")
	}
	// Not parallel: the working directory is the process's.
	t.Chdir(dir)
	code, stderr := runWith(t, stdin(), io.Discard, "eval", "-", "-f", "json", "-o", "./-")
	wantWritten(t, code, stderr)
	if got := mustReadFile(t, filepath.Join(dir, "-")); !strings.Contains(string(got), `"findings"`) {
		t.Errorf("./- = %.200q, want the JSON report", got)
	}
}

// TestOutputPathsThroughSymlinkedDirectories: "sub/.." is the parent of
// the directory sub links to, not the directory sub is in, as the kernel
// resolves it: outputs are compared and checked where they will be
// written.
func TestOutputPathsThroughSymlinkedDirectories(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	other, work := filepath.Join(root, "other"), filepath.Join(root, "work")
	for _, d := range []string{filepath.Join(other, "deep"), filepath.Join(work, "q")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	sub := filepath.Join(work, "sub")
	if err := os.Symlink(filepath.Join(other, "deep"), sub); err != nil {
		t.Fatal(err)
	}
	in := copyFile(t, demoSnapshot, root, "in.json")

	code, _, stderr := runCLI(t, "eval", in, "-f", "json", "-o", sub+"/../a.json", "-o", filepath.Join(other, "a.json"))
	wantRefused(t, code, stderr, "outputs 1 and 2 both write "+filepath.Join(other, "a.json"))

	code, _, stderr = runCLI(t, "eval", in, "-f", "json", "-o", sub+"/../q/x.json")
	wantRefused(t, code, stderr, "cannot write output "+sub+"/../q/x.json: directory "+sub+"/../q does not exist")

	code, _, stderr = runCLI(t, "eval", in, "-f", "json", "-o", sub+"/../b.json", "-o", filepath.Join(work, "b.json"))
	wantWritten(t, code, stderr)
	if got := mustReadFile(t, filepath.Join(other, "b.json")); !strings.Contains(string(got), `"findings"`) {
		t.Errorf("other/b.json = %.200q, want the JSON report", got)
	}
	if got := dirNames(t, work); !slices.Equal(got, []string{"b.json", "q", "sub"}) {
		t.Errorf("work holds %q, want b.json (output 2) and no stray file", got)
	}
}
