package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/gatewatch/gatewatch/collectors/iac"
	"github.com/gatewatch/gatewatch/internal/inputfile"
)

// namedPath is a file a run reads or writes, with what messages call it:
// what is "output" (numbered n from 1, the order of -o), "--snapshot",
// "the snapshot", "--baseline"...; n is 0 when what alone names it.
type namedPath struct {
	path string
	what string
	n    int
}

func (p namedPath) String() string {
	if p.n > 0 {
		return p.what + " " + strconv.Itoa(p.n)
	}
	return p.what
}

// both names two paths in one phrase: "outputs 1 and 2", or "--snapshot
// and output 1".
func both(a, b namedPath) string {
	if a.what == b.what && a.n > 0 && b.n > 0 {
		return fmt.Sprintf("%ss %d and %d", a.what, a.n, b.n)
	}
	return a.String() + " and " + b.String()
}

// runFiles are the files of one run: those it reads and those it writes.
type runFiles struct {
	inputs  []namedPath
	outputs []namedPath
}

// isStdout reports whether an output path is the process's standard
// output: "-" (or no path), or one of the names Linux gives it as a file.
// Two outputs there would interleave, so only one may go there.
func isStdout(path string) bool {
	if path == "" || path == "-" {
		return true
	}
	switch filepath.Clean(path) {
	case "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1", "/proc/thread-self/fd/1",
		"/proc/" + strconv.Itoa(os.Getpid()) + "/fd/1":
		return true
	}
	return false
}

// stdoutClash refuses a second output on stdout, whether it says "-" or
// names stdout by path.
func stdoutClash(outs []namedPath) error {
	first := -1
	for i, o := range outs {
		if !isStdout(o.path) {
			continue
		}
		if first < 0 {
			first = i
			continue
		}
		a, b := outs[first], o
		if a.what == "output" && b.what == "output" {
			return inputError(fmt.Errorf("more than one --output is stdout (%s: %s and %s): give each extra format its own --output file",
				both(a, b), stdoutName(a.path), stdoutName(b.path)))
		}
		return inputError(fmt.Errorf("%s and %s both go to stdout: write one of them to a file", onStdout(a), onStdout(b)))
	}
	return nil
}

// onStdout names an output that goes to stdout, and how it got there.
func onStdout(p namedPath) string {
	if p.path == "" {
		return p.String() + " (no --output: stdout)"
	}
	return p.String() + " " + p.path
}

// stdoutOr names an output path in messages: "stdout" for "-" or none.
func stdoutOr(path string) string {
	if path == "" || path == "-" {
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

// checkFiles refuses, before anything is read or written, a run whose
// outputs would overwrite one of its inputs or each other, or could not
// be written: its directory is missing or not a directory, the output is
// a directory, or no file can be created there. Paths are compared as
// files, not as strings: "in.json", "./in.json", a symlink to it and a
// hard link to it are one file. Devices, FIFOs and file descriptor paths
// (/dev/null, /dev/stderr) are written as they are and not checked.
func checkFiles(files runFiles) error {
	if err := stdoutClash(files.outputs); err != nil {
		return err
	}
	var written []namedPath // regular files, or files not there yet
	for _, out := range files.outputs {
		if isStdout(out.path) {
			continue
		}
		target, direct, err := resolveOutput(out.path)
		if errors.Is(err, syscall.ENOTDIR) {
			return inputError(fmt.Errorf("cannot write %s %s: %w", out.what, out.path, checkDir(filepath.Dir(out.path))))
		}
		if err != nil {
			return inputError(fmt.Errorf("%s %s: %w", out.what, out.path, inputfile.Cause(err)))
		}
		if direct {
			continue
		}
		fi, err := os.Stat(target)
		switch {
		case err == nil && fi.IsDir():
			return inputError(fmt.Errorf("%s %s is a directory: name a file in it", out.what, out.path))
		case err == nil && !fi.Mode().IsRegular():
			continue // a device or a FIFO, written in place
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			return inputError(fmt.Errorf("%s %s: %w", out.what, out.path, inputfile.Cause(err)))
		}
		for _, in := range files.inputs {
			if sameFile(target, in.path) {
				return inputError(fmt.Errorf("%s %s is also an input (%s): write the output to another file", out.what, out.path, in))
			}
		}
		for _, prev := range written {
			if sameFile(target, prev.path) {
				return inputError(fmt.Errorf("%s both write %s: give each its own file", both(prev, out), out.path))
			}
		}
		if err := checkDir(filepath.Dir(target)); err != nil {
			return inputError(fmt.Errorf("cannot write %s %s: %w", out.what, out.path, err))
		}
		written = append(written, namedPath{path: target, what: out.what, n: out.n})
	}
	return nil
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

// sameFile reports whether two paths name one file: the same absolute
// path once the symlinks that exist are resolved (which covers a file
// not written yet), or, when both exist, the same inode (hard links, bind
// mounts).
func sameFile(a, b string) bool {
	if fileKey(a) == fileKey(b) {
		return true
	}
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

// fileKey is a path made absolute with its symlinks resolved, as far as
// it exists: the directory's alone when the file is not there yet.
func fileKey(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.Clean(path)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real
	}
	if real, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		return filepath.Join(real, filepath.Base(abs))
	}
	return abs
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
