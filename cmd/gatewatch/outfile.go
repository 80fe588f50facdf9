package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gatewatch/gatewatch/internal/inputfile"
)

// writeTo writes what fill produces to stdout when path is "" or "-"
// (isStdout), and to the file at path otherwise (see writeFile).
func writeTo(stdout io.Writer, path string, fill func(io.Writer) error) error {
	if isStdout(path) {
		return fill(stdout)
	}
	return writeFile(path, fill)
}

// writeFile writes an output file the way a reader of it expects:
//
//   - a regular file, or a path where nothing exists yet, is written beside
//     its final name and renamed into place, so a reader never sees half a
//     report and a failed or interrupted run leaves the old file as it was;
//   - a symlink is followed and its target written (atomically, beside the
//     target), so the link stays a link;
//   - anything else (a device such as /dev/null, a FIFO, a socket, and
//     the file descriptor paths of fdPath: /dev/stdout, /dev/fd/N,
//     /proc/self/fd/N) is opened and written
//     directly: replacing a device node with a regular file is what an
//     atomic rename would do to /dev/null when run as root;
//   - a new file's mode follows the umask (0666 &^ umask, 0644 by default),
//     a replaced file keeps its mode.
//
// On Linux the file is built unnamed (O_TMPFILE) and only linked in once
// complete, so no temporary name exists while it is written and a process
// killed half way leaves nothing behind.
func writeFile(path string, fill func(io.Writer) error) error {
	if err := writeFileAt(path, fill); err != nil {
		return fmt.Errorf("write %s: %w", path, inputfile.Cause(err))
	}
	return nil
}

func writeFileAt(path string, fill func(io.Writer) error) error {
	target, direct, err := resolveOutput(path)
	if err != nil {
		return err
	}
	if direct {
		return writeDirect(target, fill)
	}
	fi, err := os.Lstat(target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return replaceFile(target, 0o666, false, fill)
	case err != nil:
		return err
	case fi.Mode().IsRegular():
		return replaceFile(target, fi.Mode().Perm(), true, fill)
	case fi.IsDir():
		return errors.New("is a directory")
	}
	return writeDirect(target, fill)
}

// resolveOutput follows the symlinks of path's last element to the file
// that is to be written, which need not exist yet (a link to a report not
// written yet is followed as a shell's > follows it). direct is true for
// file descriptor paths (fdPath), whose links name pipes and terminals
// rather than files and must be opened as they are.
func resolveOutput(path string) (target string, direct bool, err error) {
	for range 40 { // the kernel's limit on symlinks followed
		if _, _, ok := fdPath(path); ok {
			return path, true, nil
		}
		fi, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) || err == nil && fi.Mode()&fs.ModeSymlink == 0 {
			return path, false, nil
		}
		if err != nil {
			return "", false, err
		}
		link, err := os.Readlink(path)
		if err != nil {
			return "", false, err
		}
		if !filepath.IsAbs(link) {
			dir, _ := splitPath(path)
			link = dir + string(filepath.Separator) + link
		}
		path = link
	}
	return "", false, errors.New("too many levels of symbolic links")
}

// splitPath splits path after its last separator without cleaning it:
// the directory of "sub/../x" is "sub/..", which is not "." when sub is a
// symlink (the kernel resolves sub first); filepath.Dir would say ".".
func splitPath(path string) (dir, name string) {
	vol := len(filepath.VolumeName(path))
	i := len(path) - 1
	for i >= vol && !os.IsPathSeparator(path[i]) {
		i--
	}
	switch {
	case i < vol:
		return path[:vol] + ".", path[vol:]
	case i == vol:
		return path[:vol+1], path[vol+1:]
	}
	return path[:i], path[i+1:]
}

// writeDirect writes to what is already there without creating,
// truncating or renaming anything. O_APPEND keeps what a shell redirect
// already wrote when /dev/stdout is a regular file.
func writeDirect(path string, fill func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	if err := fill(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// replaceFile writes target whole or not at all. perm is the mode of the
// file replaced (keep) or the mode a new file is created with before the
// umask applies.
func replaceFile(target string, perm fs.FileMode, keep bool, fill func(io.Writer) error) error {
	dir, _ := splitPath(target)
	f, err := openUnnamed(dir, perm)
	if err != nil {
		// No O_TMPFILE here (another system, or a file system without
		// it): a named temporary, removed on any failure.
		return replaceViaTemp(target, perm, keep, fill)
	}
	defer f.Close()
	if err := fillFile(f, perm, keep, fill); err != nil {
		return err
	}
	if err := linkUnnamed(f, target); err == nil {
		return f.Close()
	} else if !errors.Is(err, fs.ErrExist) {
		// Linking needs /proc; without it, copy to a named temporary.
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		return replaceViaTemp(target, perm, keep, func(w io.Writer) error {
			_, err := io.Copy(w, f)
			return err
		})
	}
	// The target exists: link under a temporary name beside it and rename
	// over it. The name lives for two system calls.
	tmp := tempName(target)
	if err := linkUnnamed(f, tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, target); err != nil {
		os.Remove(tmp)
		return err
	}
	return f.Close()
}

// replaceViaTemp is replaceFile with a named temporary file, removed
// unless renamed into place.
func replaceViaTemp(target string, perm fs.FileMode, keep bool, fill func(io.Writer) error) error {
	var f *os.File
	var err error
	for range 10 {
		f, err = os.OpenFile(tempName(target), os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := fillFile(f, perm, keep, fill); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), target)
}

// fillFile writes the content, gives a replacement the mode of the file
// it replaces (the umask narrowed the mode it was created with), and
// flushes it to disk so the rename never exposes an empty file after a
// crash.
func fillFile(f *os.File, perm fs.FileMode, keep bool, fill func(io.Writer) error) error {
	if err := fill(f); err != nil {
		return err
	}
	if keep {
		if err := f.Chmod(perm); err != nil {
			return err
		}
	}
	return f.Sync()
}

// tempName is a hidden name beside target, unlikely to be taken.
func tempName(target string) string {
	var b [6]byte
	rand.Read(b[:])
	dir, name := splitPath(target)
	return dir + string(filepath.Separator) + "." + name + "." + hex.EncodeToString(b[:]) + ".tmp"
}
