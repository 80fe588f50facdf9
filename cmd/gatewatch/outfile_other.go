//go:build !linux

package main

import (
	"errors"
	"io/fs"
	"os"
)

var errNoUnnamed = errors.New("unnamed files need Linux's O_TMPFILE")

// openUnnamed is Linux only; elsewhere replaceFile uses a named temporary.
func openUnnamed(string, fs.FileMode) (*os.File, error) { return nil, errNoUnnamed }

func linkUnnamed(*os.File, string) error { return errNoUnnamed }
