package iac

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/gatewatch/gatewatch/internal/inputfile"
)

// tfBlock is a resource or module block of a *.tf file.
type tfBlock struct {
	file               string // absolute
	startLine, endLine int
	// source is a module block's literal source ("./modules/alb").
	source string
	// name is a resource block's literal name argument (stage_name for a
	// REST API stage), when it has one and declares a single instance (no
	// count, no for_each).
	name string
	// api is the API block a stage block's api_id or rest_api_id refers
	// to ("aws_apigatewayv2_api.orders").
	api string
}

// tfDir holds the blocks of one directory's *.tf files, keyed "type.name"
// for resources and "module.name" for module calls.
type tfDir map[string]tfBlock

// Terraform is the Terraform code found below the source directories:
// every directory holding *.tf files, parsed with HashiCorp's own HCL
// parser so that line ranges are Terraform's.
type Terraform struct {
	files *files
	dirs  map[string]tfDir // by absolute path
	// Problems are the files that did not parse, one error each; their
	// directories are indexed without them.
	Problems []error
}

// LoadTerraform parses every *.tf file below the source directories.
// Hidden directories (.terraform holds downloaded modules, .git history)
// and node_modules are skipped.
func LoadTerraform(sources []string) (*Terraform, error) {
	f, err := newFiles(sources)
	if err != nil {
		return nil, err
	}
	return loadTerraform(f)
}

func loadTerraform(f *files) (*Terraform, error) {
	t := &Terraform{files: f, dirs: map[string]tfDir{}}
	err := f.walk(func(path string) error {
		if !strings.HasSuffix(path, ".tf") {
			return nil
		}
		dir := filepath.Dir(path)
		if t.dirs[dir] == nil {
			t.dirs[dir] = tfDir{}
		}
		if err := parseTF(path, f.rel(path), t.dirs[dir]); err != nil {
			t.Problems = append(t.Problems, err)
		}
		return nil
	})
	return t, err
}

// parseTF adds the resource and module blocks of one file to out; name is
// the file's name in messages.
func parseTF(path, name string, out tfDir) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	file, diags := hclsyntax.ParseConfig(src, name, hcl.Pos{Line: 1, Column: 1})
	if diags.HasErrors() {
		return errors.New(diags.Error())
	}
	body, ok := file.Body.(*hclsyntax.Body)
	if !ok {
		return nil
	}
	for _, b := range body.Blocks {
		r := b.Range()
		blk := tfBlock{file: path, startLine: r.Start.Line, endLine: r.End.Line}
		switch {
		case b.Type == "resource" && len(b.Labels) == 2:
			_, counted := b.Body.Attributes["count"]
			_, each := b.Body.Attributes["for_each"]
			if !counted && !each {
				blk.name = literal(b.Body.Attributes[cmp.Or(nameArgument[b.Labels[0]], "name")])
			}
			for _, arg := range []string{"api_id", "rest_api_id"} {
				if a := b.Body.Attributes[arg]; a != nil {
					blk.api = reference(a)
				}
			}
			out[b.Labels[0]+"."+b.Labels[1]] = blk
		case b.Type == "module" && len(b.Labels) == 1:
			blk.source = literal(b.Body.Attributes["source"])
			out["module."+b.Labels[0]] = blk
		}
	}
	return nil
}

// literal is an attribute's value when it is a plain string that needs no
// variable, reference or function to evaluate.
func literal(a *hclsyntax.Attribute) string {
	if a == nil {
		return ""
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() || !v.IsWhollyKnown() || v.IsNull() || v.Type() != cty.String {
		return ""
	}
	return v.AsString()
}

// nameArgument names the argument that holds a resource's name where it
// is not "name".
var nameArgument = map[string]string{"aws_api_gateway_stage": "stage_name"}

// reference is the resource ("type.name") an attribute's expression
// refers to, when it refers to exactly one.
func reference(a *hclsyntax.Attribute) string {
	vars := a.Expr.Variables()
	if len(vars) != 1 || len(vars[0]) < 2 {
		return ""
	}
	step, ok := vars[0][1].(hcl.TraverseAttr)
	if !ok {
		return ""
	}
	return vars[0].RootName() + "." + step.Name
}

// isLocal reports whether a module source is a path in the same
// repository; registry and git modules have their code elsewhere.
func isLocal(source string) bool {
	return strings.HasPrefix(source, "./") || strings.HasPrefix(source, "../")
}

// FindRoot returns the directory that best declares want, the addresses
// of a root module's resource and module blocks ("aws_lb.public",
// "module.edge"): a directory no other one calls as a local module before
// one that is called, then the one declaring most of them, then the
// shallowest, then the first in lexical order. all says whether every
// address must be declared. ties lists other directories that rank as
// high, for a warning; root is "" when no directory declares any.
func (t *Terraform) FindRoot(want []string, all bool) (root string, ties []string) {
	called := map[string]bool{}
	for dir, blocks := range t.dirs {
		for _, b := range blocks {
			if isLocal(b.source) {
				called[filepath.Join(dir, filepath.FromSlash(b.source))] = true
			}
		}
	}
	type rank struct{ module, missing, depth int }
	var best rank
	for _, dir := range slices.Sorted(maps.Keys(t.dirs)) {
		score := 0
		for _, a := range want {
			if _, ok := t.dirs[dir][a]; ok {
				score++
			}
		}
		if score == 0 || all && score < len(want) {
			continue
		}
		r := rank{missing: len(want) - score, depth: depth(dir)}
		if called[dir] {
			r.module = 1
		}
		same := root != "" && r.module == best.module && r.missing == best.missing
		switch {
		case same && r.depth < best.depth:
			ties = append(ties, root)
			root, best = dir, r
		case same:
			ties = append(ties, dir)
		case root == "" || cmp.Or(cmp.Compare(r.module, best.module), cmp.Compare(r.missing, best.missing)) < 0:
			root, best, ties = dir, r, nil
		}
	}
	return root, ties
}

func depth(dir string) int { return strings.Count(filepath.ToSlash(dir), "/") }

// Blocks maps the configuration address of every resource and module
// block of the module tree rooted at root ("module.edge.aws_lb.this",
// "module.edge") to its location. Child modules are followed through
// module blocks whose source is a local path.
func (t *Terraform) Blocks(root string) map[string]Location {
	out := map[string]Location{}
	t.walkModule(root, "", out, 0)
	return out
}

// maxModuleDepth stops a module that calls itself (a cycle Terraform
// would refuse) from recursing forever.
const maxModuleDepth = 32

func (t *Terraform) walkModule(dir, module string, out map[string]Location, level int) {
	blocks := t.dirs[dir]
	for _, addr := range slices.Sorted(maps.Keys(blocks)) {
		b := blocks[addr]
		full := strings.TrimPrefix(module+"."+addr, ".")
		out[full] = t.location(b)
		if b.source != "" && isLocal(b.source) && level < maxModuleDepth {
			t.walkModule(filepath.Join(dir, filepath.FromSlash(b.source)), full, out, level+1)
		}
	}
}

func (t *Terraform) location(b tfBlock) Location {
	return Location{File: t.files.rel(b.file), StartLine: b.startLine, EndLine: b.endLine}
}

// Nearest returns the location of the block that declares the instance
// at addr (module.edge["eu"].aws_lb.public[0]) in blocks (from Blocks):
// its resource block, else the closest module block on its path, for a
// resource of a registry or git module whose code is not here.
func Nearest(blocks map[string]Location, addr string) (Location, bool) {
	cfg := ConfigAddress(addr)
	if loc, ok := blocks[cfg]; ok {
		return loc, true
	}
	parts := strings.Split(cfg, ".")
	for n := len(parts) - 2; n >= 2; n-- {
		if parts[n-2] != "module" {
			continue
		}
		if loc, ok := blocks[strings.Join(parts[:n], ".")]; ok {
			return loc, true
		}
	}
	return Location{}, false
}

// instanceKey matches the count and for_each keys of an address.
var instanceKey = regexp.MustCompile(`\[[^\]]*\]`)

// ConfigAddress is the address of the block that declares an instance:
// its address without count or for_each keys.
func ConfigAddress(addr string) string { return instanceKey.ReplaceAllString(addr, "") }

// files is the set of source directories and the walk over their files,
// shared by the Terraform and CloudFormation indexes.
type files struct {
	// roots are the source directories, absolute, in the order given.
	roots []string
	// given are the same as the user wrote them, for messages.
	given []string
}

func newFiles(sources []string) (*files, error) {
	f := &files{}
	for _, s := range sources {
		info, err := os.Stat(s)
		if err != nil {
			return nil, fmt.Errorf("--source %s: %w", s, inputfile.Cause(err))
		}
		if !info.IsDir() {
			return nil, fmt.Errorf("--source %s: not a directory (give the repository checkout)", s)
		}
		abs, err := filepath.Abs(s)
		if err != nil {
			return nil, fmt.Errorf("--source %s: %w", s, err)
		}
		f.roots = append(f.roots, abs)
		f.given = append(f.given, s)
	}
	return f, nil
}

// walk calls fn with the absolute path of every regular file below the
// source directories, each file once even when the directories nest, in
// lexical order. Hidden directories and node_modules are skipped.
func (f *files) walk(fn func(path string) error) error {
	seen := map[string]bool{}
	for i, root := range f.roots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("--source %s: %w", f.given[i], err)
			}
			if d.IsDir() {
				if path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() || seen[path] {
				return nil
			}
			seen[path] = true
			return fn(path)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// rel makes path relative to the first source directory that holds it,
// with forward slashes: what code scanning resolves against the
// repository when the source directory is the checkout.
func (f *files) rel(path string) string {
	for _, root := range f.roots {
		if r, err := filepath.Rel(root, path); err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) {
			return filepath.ToSlash(r)
		}
	}
	return filepath.ToSlash(path)
}
