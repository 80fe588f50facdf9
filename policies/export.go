package policies

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// graphLibFile holds graphBinding, the library's one call of the
// gatewatch.request_graph builtin.
const (
	graphLibFile = "lib/gatewatch.rego"
	graphBinding = "graph := gatewatch.request_graph(input)"
)

// Query is the query the engine evaluates, for running the same
// evaluation with the opa CLI over files written by WriteOPAFiles.
const Query = query

// WriteOPAFiles writes the built-in rules that cfg enables (with their
// library, without tests) below dir, and cfg's rule data with the request
// graph of snap as dir/data.json, so that
//
//	opa eval -d DIR -i SNAPSHOT.json 'results := data.gatewatch.rules[pkg].deny'
//
// evaluates exactly what the engine evaluates for snap. The opa CLI has no
// gatewatch.request_graph builtin, so the library written reads the graph
// from data.gatewatch.graph instead, derived here by the same Go code. It
// serves OPA's own tools (opa eval --profile to find a slow rule) and the
// benchmark comparison with the opa CLI.
func WriteOPAFiles(dir string, cfg Config, snap *snapshot.Snapshot) error {
	mods, err := builtinModules(false)
	if err != nil {
		return fmt.Errorf("built-in rules: %w", err)
	}
	for _, m := range mods {
		if m.rule != nil {
			if set, ok := cfg.Rules[m.rule.ID]; ok && set.Enabled != nil && !*set.Enabled {
				continue
			}
		}
		// m.file is "policies/<path in the embedded tree>".
		name := strings.TrimPrefix(m.file, "policies/")
		src, err := fs.ReadFile(builtin, name)
		if err != nil {
			return err
		}
		if name == graphLibFile {
			if !bytes.Contains(src, []byte(graphBinding)) {
				return fmt.Errorf("%s: no %q to rewrite for the opa CLI", name, graphBinding)
			}
			src = bytes.Replace(src, []byte(graphBinding), []byte("graph := data.gatewatch.graph"), 1)
		}
		dst := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, src, 0o644); err != nil {
			return err
		}
	}
	data, err := cfg.regoData()
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	js, err := json.Marshal(map[string]any{"gatewatch": map[string]any{"config": data, "graph": snap.Graph()}})
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "data.json"), js, 0o644)
}
