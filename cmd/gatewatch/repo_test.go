package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// repoFile reads a file of the repository by its path from the root.
func repoFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// goMod is the value of a directive of go.mod: goMod(t, "go") is the Go
// version the module requires, goMod(t, "module") its path.
func goMod(t *testing.T, directive string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + directive + ` (\S+)$`).FindStringSubmatch(repoFile(t, "go.mod"))
	if m == nil {
		t.Fatalf("go.mod has no %s line", directive)
	}
	return m[1]
}
