package policies

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"strings"
)

// RulePackVersion identifies the built-in rules a binary carries: a hash of
// every embedded rule and library file (tests left out, as they change no
// verdict). Two builds with the same value judge a snapshot alike whatever
// their version strings say, and a rule change can never ship under an old
// identity because nobody remembered to bump a constant.
func RulePackVersion() string {
	v, err := rulePackHash(builtin)
	if err != nil {
		// The embedded tree is fixed at compile time; walking it fails
		// only if the embed directive itself is broken.
		panic(fmt.Sprintf("hash the embedded rule pack: %v", err))
	}
	return v
}

// rulePackHash hashes the path and content of each non-test .rego file
// below lib and rules (the folders the binary embeds) in lexical order,
// length-prefixed so that no two different trees hash alike.
func rulePackHash(fsys fs.FS) (string, error) {
	h := sha256.New()
	walk := func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rego") || strings.HasSuffix(p, "_test.rego") {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%d:%s\n%d:", len(p), p, len(data))
		h.Write(data)
		return nil
	}
	for _, root := range []string{"lib", "rules"} {
		if err := fs.WalkDir(fsys, root, walk); err != nil {
			return "", err
		}
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))[:16], nil
}
