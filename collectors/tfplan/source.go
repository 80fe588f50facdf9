package tfplan

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

var hclStart = hcl.Pos{Line: 1, Column: 1}

// Location is where a planned resource is declared.
type Location struct {
	// Address is the resource instance's Terraform address.
	Address string
	// File is relative to the source directory, with forward slashes;
	// empty when the block was not found.
	File      string
	StartLine int
	EndLine   int
}

// Locate maps every planned resource of snap (by ARN) to its Terraform
// address and, when dir is given, to the file and lines of the resource
// block that declares it. dir is the root module's directory (where
// `terraform plan` ran); child modules are found through the plan's
// module calls when their source is a local path. Blocks are found with
// HashiCorp's own HCL parser, so line ranges are Terraform's.
func Locate(plan *tfjson.Plan, snap *snapshot.Snapshot, dir string) (map[string]Location, error) {
	blocks := map[string]Location{}
	if dir != "" {
		if err := indexModule(plan, dir, "", blocks); err != nil {
			return nil, err
		}
		for k, loc := range blocks {
			if rel, err := filepath.Rel(dir, loc.File); err == nil {
				loc.File = filepath.ToSlash(rel)
				blocks[k] = loc
			}
		}
	}
	out := make(map[string]Location, len(snap.Planned))
	for _, p := range snap.Planned {
		loc := blocks[ConfigAddress(p.Address)]
		loc.Address = p.Address
		out[p.ARN] = loc
	}
	return out, nil
}

// indexModule records the resource blocks of the module at module path
// (module.a.module.b, "" for the root) found in dir, then its children.
func indexModule(plan *tfjson.Plan, dir, module string, out map[string]Location) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		return err
	}
	if module == "" && len(files) == 0 {
		return fmt.Errorf("--source %s: no *.tf files (want the directory where `terraform plan` ran)", dir)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("--source: %w", err)
		}
		file, diags := hclsyntax.ParseConfig(src, f, hclStart)
		if diags.HasErrors() {
			return fmt.Errorf("--source: %s", diags.Error())
		}
		body, ok := file.Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		for _, b := range body.Blocks {
			if b.Type != "resource" || len(b.Labels) != 2 {
				continue
			}
			addr := b.Labels[0] + "." + b.Labels[1]
			if module != "" {
				addr = module + "." + addr
			}
			r := b.Range()
			out[addr] = Location{File: f, StartLine: r.Start.Line, EndLine: r.End.Line}
		}
	}
	cfg := (&converter{plan: plan}).configModule(module)
	if cfg == nil {
		return nil
	}
	for _, name := range slices.Sorted(maps.Keys(cfg.ModuleCalls)) {
		call := cfg.ModuleCalls[name]
		// Only local modules have their code in the repository; registry
		// and git modules are found by the nearest defining block instead.
		if call == nil || !(strings.HasPrefix(call.Source, "./") || strings.HasPrefix(call.Source, "../")) {
			continue
		}
		child := strings.TrimPrefix(module+".module."+name, ".")
		if err := indexModule(plan, filepath.Join(dir, filepath.FromSlash(call.Source)), child, out); err != nil {
			return err
		}
	}
	return nil
}
