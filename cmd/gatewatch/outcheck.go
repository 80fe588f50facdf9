package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"

	"github.com/gatewatch/gatewatch/collectors/iac"
	"github.com/gatewatch/gatewatch/internal/inputfile"
)

// namedPath is a file a run reads or writes, with what messages call it:
// what is "output" (numbered n from 1, the order of -o), "--snapshot",
// "the snapshot", "--baseline"...; n is 0 when what alone names it. An
// input read from standard input ("eval -") has stdin set and no path.
type namedPath struct {
	path  string
	what  string
	n     int
	stdin bool
}

func (p namedPath) String() string {
	name := p.what
	if p.n > 0 {
		name += " " + strconv.Itoa(p.n)
	}
	if p.stdin {
		name += " on stdin"
	}
	return name
}

// both names two paths in one phrase: "outputs 1 and 2", or "--snapshot
// and output 1".
func both(a, b namedPath) string {
	if a.what == b.what && a.n > 0 && b.n > 0 {
		return fmt.Sprintf("%ss %d and %d", a.what, a.n, b.n)
	}
	return a.String() + " and " + b.String()
}

// runFiles are the files of one run: those it reads and those it writes,
// and the command's stdin and stdout, compared with them when they are
// files (a shell redirect) or pipes.
type runFiles struct {
	inputs  []namedPath
	outputs []namedPath
	stdin   io.Reader
	stdout  io.Writer
}

// isStdout reports whether an output path means the command's standard
// output: "-", or no path at all. Paths that name stdout (/dev/stdout,
// /dev/fd/1) are file descriptor paths (fdPath), opened as such;
// checkFiles counts them as stdout too.
func isStdout(path string) bool { return path == "" || path == "-" }

// fdPathPattern matches /dev/fd/N and /proc/{self,thread-self,PID,
// PID/task/TID}/fd/N: the process (group 1, empty for /dev/fd) and N.
var fdPathPattern = regexp.MustCompile(`^/(?:dev/fd|proc/(self|thread-self|[0-9]+(?:/task/[0-9]+)?)/fd)/([0-9]+)$`)

// fdPath reports whether path names an open file descriptor rather than
// a file in a directory, and which: /dev/stdin, /dev/stdout, /dev/stderr
// (0, 1, 2), /dev/fd/N, /proc/self/fd/N, /proc/thread-self/fd/N and
// /proc/PID/fd/N; own is false for another process's. Its link names a
// pipe, a terminal or the file the descriptor has open, so it is opened
// as it is, never replaced. Any other path, /proc/self/cwd/x included, is
// a file.
func fdPath(path string) (fd int, own, ok bool) {
	switch path = filepath.Clean(path); path {
	case "/dev/stdin":
		return 0, true, true
	case "/dev/stdout":
		return 1, true, true
	case "/dev/stderr":
		return 2, true, true
	}
	m := fdPathPattern.FindStringSubmatch(path)
	if m == nil {
		return 0, false, false
	}
	fd, err := strconv.Atoi(m[2])
	if err != nil {
		return 0, false, false
	}
	pid, _, _ := strings.Cut(m[1], "/")
	own = pid == "" || pid == "self" || pid == "thread-self" || pid == strconv.Itoa(os.Getpid())
	return fd, own, true
}

// fileID is what tells two paths apart: a regular file's identity (its
// device and inode), or, where nothing exists yet, the path with its
// symlinks resolved (fileKey). Devices, FIFOs and terminals have neither:
// they are written in place and never compared.
type fileID struct {
	info fs.FileInfo
	key  string
}

func (a fileID) same(b fileID) bool {
	if a.key != "" && a.key == b.key {
		return true
	}
	return a.info != nil && b.info != nil && os.SameFile(a.info, b.info)
}

// regularID is the identity of fi when it is a regular file.
func regularID(fi fs.FileInfo) fileID {
	if fi == nil || !fi.Mode().IsRegular() {
		return fileID{}
	}
	return fileID{info: fi}
}

// statStdio is what stdin or stdout is when the command was given an
// open file (a redirect, a pipe), else nil.
func statStdio(v any) fs.FileInfo {
	if f, ok := v.(*os.File); ok && f != nil {
		if fi, err := f.Stat(); err == nil {
			return fi
		}
	}
	return nil
}

// dest is an output as checkFiles sees it: where it goes and, when that
// is stdout, what messages call it there ("" when it is not stdout).
type dest struct {
	namedPath
	id     fileID
	stdout string
}

// checkFiles refuses, before anything is read or written, a run whose
// outputs would overwrite one of its inputs or each other, or could not
// be written: its directory is missing or not a directory, the output is
// a directory, or no file can be created there. Paths are compared as
// files, not as strings: "in.json", "./in.json", "sub/../in.json" through
// a symlinked sub, /proc/self/cwd/in.json, a symlink and a hard link to it
// are one file, and so are /dev/fd/N or /dev/stdout when they have it
// open. At most one output goes to stdout: "-", the paths that name it,
// symlinks to those, and the file or pipe stdout is (a redirect) all
// count; stdout and "eval -"'s stdin are compared with the files like
// any path. Devices, FIFOs and terminals are written as they are and not
// compared.
func checkFiles(files runFiles) error {
	stdout := statStdio(files.stdout)
	inputs := make([]fileID, len(files.inputs))
	for i, in := range files.inputs {
		inputs[i] = inputID(in, statStdio(files.stdin))
	}
	var dests []dest
	first := -1 // the output that goes to stdout
	for _, out := range files.outputs {
		d, err := checkOutput(out, stdout)
		if err != nil {
			return err
		}
		if d.stdout != "" {
			if first >= 0 {
				return stdoutClash(dests[first], d)
			}
			first = len(dests)
		}
		for i, in := range files.inputs {
			if d.id.same(inputs[i]) {
				return alsoInput(d, in)
			}
		}
		for _, prev := range dests {
			if d.id.same(prev.id) {
				return inputError(fmt.Errorf("%s both write %s: give each its own file", both(prev.namedPath, out), out.path))
			}
		}
		dests = append(dests, d)
	}
	return nil
}

// inputID is the identity of an input: the file it is, or where nothing
// exists, the file it would be.
func inputID(in namedPath, stdin fs.FileInfo) fileID {
	if in.stdin {
		return regularID(stdin)
	}
	if fi, err := os.Stat(in.path); err == nil {
		return regularID(fi)
	}
	return fileID{key: fileKey(in.path)}
}

// checkOutput finds where out goes and whether it can be written there.
// stdout is what the command's stdout is, nil when not a file.
func checkOutput(out namedPath, stdout fs.FileInfo) (dest, error) {
	d := dest{namedPath: out}
	if isStdout(out.path) {
		d.stdout = stdoutName(out.path)
		d.id = regularID(stdout)
		return d, nil
	}
	target, direct, err := resolveOutput(out.path)
	if errors.Is(err, syscall.ENOTDIR) {
		dir, _ := splitPath(out.path)
		return d, inputError(fmt.Errorf("cannot write %s %s: %w", out.what, out.path, checkDir(dir)))
	}
	if err != nil {
		return d, inputError(fmt.Errorf("%s %s: %w", out.what, out.path, inputfile.Cause(err)))
	}
	fi, err := os.Stat(target)
	switch {
	case err == nil && fi.IsDir():
		return d, inputError(fmt.Errorf("%s %s is a directory: name a file in it", out.what, out.path))
	case err != nil && (direct || !errors.Is(err, fs.ErrNotExist)):
		return d, inputError(fmt.Errorf("%s %s: %w", out.what, out.path, inputfile.Cause(err)))
	case err != nil:
		fi = nil
	}
	fd, own, _ := fdPath(target)
	switch {
	case direct && fd == 1 && own:
		d.stdout = out.path
	case fi != nil && stdout != nil && stdout.Mode()&fs.ModeDevice == 0 && os.SameFile(fi, stdout):
		// A terminal or /dev/null may take several outputs; the file or
		// pipe stdout is may not.
		d.stdout = out.path + " (stdout's file)"
		if fi.Mode()&fs.ModeNamedPipe != 0 {
			d.stdout = out.path + " (stdout's pipe)"
		}
	}
	if direct || fi != nil && !fi.Mode().IsRegular() {
		d.id = regularID(fi) // written in place
		return d, nil
	}
	if fi != nil {
		d.id = fileID{info: fi}
	} else {
		d.id = fileID{key: fileKey(target)}
	}
	// A report replaces its file by a new one created beside it.
	dir, _ := splitPath(target)
	if err := checkDir(dir); err != nil {
		return d, inputError(fmt.Errorf("cannot write %s %s: %w", out.what, out.path, err))
	}
	return d, nil
}

// stdoutClash refuses b, a second output on stdout after a.
func stdoutClash(a, b dest) error {
	if a.what == "output" && b.what == "output" {
		return inputError(fmt.Errorf("more than one --output is stdout (%s: %s and %s): give each extra format its own --output file",
			both(a.namedPath, b.namedPath), a.stdout, b.stdout))
	}
	return inputError(fmt.Errorf("%s and %s both go to stdout: write one of them to a file", onStdout(a), onStdout(b)))
}

// alsoInput refuses an output that would replace or append to input in.
func alsoInput(d dest, in namedPath) error {
	if isStdout(d.path) {
		name := d.String()
		if d.path != "" {
			name += " " + d.path
		}
		return inputError(fmt.Errorf("%s goes to stdout, which is also an input (%s): redirect stdout to another file", name, in))
	}
	return inputError(fmt.Errorf("%s %s is also an input (%s): write the output to another file", d.what, d.path, in))
}

// onStdout names an output that goes to stdout, and how it got there.
func onStdout(d dest) string {
	if d.path == "" {
		return d.String() + " (no --output: stdout)"
	}
	return d.String() + " " + d.stdout
}

// stdoutOr names an output path in messages: "stdout" for "-" or none.
func stdoutOr(path string) string {
	if isStdout(path) {
		return "stdout"
	}
	return path
}

func stdoutName(path string) string {
	if path == "" {
		return "the default"
	}
	return path
}

// checkDir says why no output file can be created in dir: it does not
// exist, is not a directory, or refuses a new file. It creates the file
// replaceFile would create first, and lets it go at once: an unnamed
// file where the system has them, so nothing appears, else a hidden
// temporary removed straight away.
func checkDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("directory %s does not exist", dir)
	case err != nil:
		return fmt.Errorf("directory %s: %w", dir, inputfile.Cause(err))
	case !fi.IsDir():
		return fmt.Errorf("%s is not a directory", dir)
	}
	if f, err := openUnnamed(dir, 0o600); err == nil {
		return f.Close()
	}
	f, err := os.OpenFile(tempName(filepath.Join(dir, "probe")), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("cannot create a file in %s: %w", dir, inputfile.Cause(err))
	}
	f.Close()
	return os.Remove(f.Name())
}

// fileKey is a path made absolute with its symlinks resolved, as far as
// it exists: the directory's alone when the file is not there yet. The
// path is not cleaned first: "sub/.." is the parent of what sub links to.
func fileKey(path string) string {
	if !filepath.IsAbs(path) {
		if wd, err := os.Getwd(); err == nil {
			path = wd + string(filepath.Separator) + path
		}
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		return real
	}
	dir, name := splitPath(path)
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		return filepath.Join(real, name)
	}
	return filepath.Clean(path)
}

// inputs names each non-empty path as what.
func inputs(what string, paths ...string) []namedPath {
	var out []namedPath
	for _, p := range paths {
		if p != "" {
			out = append(out, namedPath{path: p, what: what})
		}
	}
	return out
}

// stateInputs are the files of --terraform-state values (FILE or
// ROOT=FILE).
func stateInputs(specs []string) []namedPath {
	var out []namedPath
	for _, s := range specs {
		out = append(out, inputs("--terraform-state", iac.StateFile(s))...)
	}
	return out
}

// accountInputs are the @FILE values of --accounts.
func accountInputs(args []string) []namedPath {
	var out []namedPath
	for _, a := range trimAll(args) {
		if path, ok := strings.CutPrefix(a, "@"); ok {
			out = append(out, inputs("--accounts", path)...)
		}
	}
	return out
}

// outputPaths names the planned outputs of a report: "output N" for the
// Nth --output, or "the FORMAT report" for the one that goes to stdout
// when no --output is given.
func outputPaths(outs []output, numbered bool) []namedPath {
	paths := make([]namedPath, len(outs))
	for i, o := range outs {
		if numbered {
			paths[i] = namedPath{path: o.path, what: "output", n: i + 1}
		} else {
			paths[i] = namedPath{path: o.path, what: "the " + o.format + " report"}
		}
	}
	return paths
}
