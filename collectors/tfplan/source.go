package tfplan

import (
	"errors"
	"fmt"
	"io/fs"
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
		root, err := findRoot(plan, dir)
		if err != nil {
			return nil, err
		}
		if err := indexModule(plan, root, "", blocks); err != nil {
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

// findRoot finds the root module's directory: dir itself, or the
// shallowest directory below it (a repository checkout holding the root in
// infra/prod) whose files declare every resource and module block of the
// plan's root module. Paths in findings are then relative to dir, the
// repository, which is what code scanning resolves them against.
func findRoot(plan *tfjson.Plan, dir string) (string, error) {
	var want []string
	if plan.Config != nil && plan.Config.RootModule != nil {
		for _, r := range plan.Config.RootModule.Resources {
			if r != nil && r.Mode == tfjson.ManagedResourceMode {
				want = append(want, r.Address)
			}
		}
		for name := range plan.Config.RootModule.ModuleCalls {
			want = append(want, "module."+name)
		}
	}
	best, bestDepth := "", -1
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if path != dir && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
			return filepath.SkipDir // .terraform, .git: downloaded modules and history
		}
		depth := strings.Count(filepath.ToSlash(path), "/")
		if bestDepth >= 0 && depth >= bestDepth {
			return nil
		}
		declared, err := declaredIn(path)
		if err != nil {
			return err
		}
		if len(declared) > 0 && !slices.ContainsFunc(want, func(a string) bool { _, ok := declared[a]; return !ok }) {
			best, bestDepth = path, depth
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("--source: %w", err)
	}
	if best == "" {
		return "", fmt.Errorf("--source %s: no directory below it declares the plan's root module (want the repository or the directory where `terraform plan` ran)", dir)
	}
	return best, nil
}

// declaredIn parses the *.tf files of one directory and returns their
// resource blocks ("type.name") and module blocks ("module.name").
func declaredIn(dir string) (map[string]Location, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		return nil, err
	}
	out := map[string]Location{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		file, diags := hclsyntax.ParseConfig(src, f, hclStart)
		if diags.HasErrors() {
			return nil, errors.New(diags.Error())
		}
		body, ok := file.Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		for _, b := range body.Blocks {
			var addr string
			switch {
			case b.Type == "resource" && len(b.Labels) == 2:
				addr = b.Labels[0] + "." + b.Labels[1]
			case b.Type == "module" && len(b.Labels) == 1:
				addr = "module." + b.Labels[0]
			default:
				continue
			}
			r := b.Range()
			out[addr] = Location{File: f, StartLine: r.Start.Line, EndLine: r.End.Line}
		}
	}
	return out, nil
}

// indexModule records the resource blocks of the module at module path
// (module.a.module.b, "" for the root) found in dir, then its children.
func indexModule(plan *tfjson.Plan, dir, module string, out map[string]Location) error {
	declared, err := declaredIn(dir)
	if err != nil {
		return fmt.Errorf("--source: %w", err)
	}
	for addr, loc := range declared {
		if module != "" {
			addr = module + "." + addr
		}
		out[addr] = loc
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
