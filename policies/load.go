package policies

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/findings"
	"github.com/gatewatch/gatewatch/internal/inputfile"
)

// builtin holds the rule pack and its shared library, compiled into the
// binary so a scan needs no files on disk.
//
//go:embed rules lib
var builtin embed.FS

// rulesRoot is the package every rule lives under, one package per rule.
const rulesRoot = "data.gatewatch.rules"

var (
	builtinID = regexp.MustCompile(`^GW[0-9]{3}$`)
	userID    = regexp.MustCompile(`^[A-Z][A-Z0-9_-]{1,31}$`)
)

// module is one parsed Rego file and, for rule files, its metadata.
type module struct {
	file string
	ast  *ast.Module
	rule *findings.Rule // nil for library and test files
}

// builtinModules parses the embedded rule pack; tests are included only
// when asked, for the Rego test runner.
func builtinModules(withTests bool) ([]module, error) {
	return parseTree(builtin, ".", "builtin", withTests)
}

// userModules parses every .rego file below dir (tests excluded).
func userModules(dir string) ([]module, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("policy %s: %w", dir, inputfile.Cause(err))
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("policy %s: not a directory", dir)
	}
	return parseTree(os.DirFS(dir), ".", dir, false)
}

// parseTree parses the .rego files of fsys. source is "builtin" or the
// user directory, and prefixes file names in messages.
func parseTree(fsys fs.FS, root, source string, withTests bool) ([]module, error) {
	var out []module
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".rego") {
			return nil
		}
		isTest := strings.HasSuffix(p, "_test.rego")
		if isTest && !withTests {
			return nil
		}
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		name := p
		if source != "builtin" {
			name = filepath.Join(source, filepath.FromSlash(p))
		} else {
			name = path.Join("policies", p)
		}
		m, err := parseModule(name, src, source, isTest)
		if err != nil {
			return err
		}
		out = append(out, m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func parseModule(name string, src []byte, source string, isTest bool) (module, error) {
	parsed, err := ast.ParseModuleWithOpts(name, string(src), ast.ParserOptions{
		ProcessAnnotation: true,
		RegoVersion:       ast.RegoV1,
	})
	if err != nil {
		return module{}, regoError(err)
	}
	m := module{file: name, ast: parsed}
	pkg := parsed.Package.Path.String()
	if isTest {
		return m, nil
	}
	if !strings.HasPrefix(pkg, rulesRoot+".") {
		// A helper module, which rules import, may live in any package; a
		// rule elsewhere would never be queried, so it is refused rather
		// than skipped.
		if declaresRule(parsed) {
			return module{}, fmt.Errorf("%s:%d: package %s is outside %s.*: a rule module (one that defines deny or carries a METADATA custom.id) must be package %s.<name>; a helper module that rules import may use any other package but defines neither",
				name, parsed.Package.Location.Row, strings.TrimPrefix(pkg, "data."), strings.TrimPrefix(rulesRoot, "data."), strings.TrimPrefix(rulesRoot, "data."))
		}
		return m, nil
	}
	rule, err := ruleMetadata(name, parsed, source)
	if err != nil {
		return module{}, err
	}
	m.rule = rule
	return m, nil
}

// isDeny reports whether r is (a body of) the deny set.
func isDeny(r *ast.Rule) bool {
	return r.Head.Name.String() == "deny" || r.Head.Ref().String() == "deny"
}

// declaresRule reports whether m looks like a rule: it defines deny, or
// its package METADATA names a rule id.
func declaresRule(m *ast.Module) bool {
	if slices.ContainsFunc(m.Rules, isDeny) {
		return true
	}
	for _, a := range m.Annotations {
		if _, ok := a.Custom["id"]; ok && a.Scope == "package" {
			return true
		}
	}
	return false
}

// ruleMetadata reads the package METADATA block of a rule module and checks
// it against the rule contract.
func ruleMetadata(file string, m *ast.Module, source string) (*findings.Rule, error) {
	pkg := m.Package.Path.String()
	where := fmt.Sprintf("%s:%d", file, m.Package.Location.Row)
	if strings.Count(strings.TrimPrefix(pkg, rulesRoot+"."), ".") != 0 {
		return nil, fmt.Errorf("%s: package %s: a rule package must be %s.<name>, one level deep", where, strings.TrimPrefix(pkg, "data."), strings.TrimPrefix(rulesRoot, "data."))
	}
	var pkgAnn *ast.Annotations
	for _, a := range m.Annotations {
		if a.Scope == "package" {
			pkgAnn = a
		}
	}
	if pkgAnn == nil {
		return nil, fmt.Errorf("%s: rule package %s has no METADATA block (title, description, custom.id, custom.severity, custom.remediation)", where, strings.TrimPrefix(pkg, "data."))
	}
	if !slices.ContainsFunc(m.Rules, isDeny) {
		return nil, fmt.Errorf("%s: rule package %s defines no deny rule", where, strings.TrimPrefix(pkg, "data."))
	}
	custom := pkgAnn.Custom
	str := func(key string) string {
		s, _ := custom[key].(string)
		return strings.TrimSpace(s)
	}
	list := func(key string) ([]string, error) {
		raw, ok := custom[key]
		if !ok || raw == nil {
			return []string{}, nil
		}
		items, ok := raw.([]any)
		if !ok {
			return nil, fmt.Errorf("%s: METADATA custom.%s must be a list of strings", where, key)
		}
		out := make([]string, 0, len(items))
		for _, it := range items {
			s, ok := it.(string)
			if !ok {
				return nil, fmt.Errorf("%s: METADATA custom.%s must be a list of strings", where, key)
			}
			out = append(out, s)
		}
		return out, nil
	}
	r := &findings.Rule{
		ID:          str("id"),
		Title:       strings.TrimSpace(pkgAnn.Title),
		Description: strings.TrimSpace(pkgAnn.Description),
		Remediation: str("remediation"),
		Details:     str("details"),
		Source:      source,
		Package:     pkg,
		Enabled:     true,
	}
	idPattern := userID
	r.Category = "custom"
	if source == "builtin" {
		idPattern = builtinID
		r.Category = "hygiene"
		if strings.HasPrefix(r.ID, "GW1") {
			r.Category = "architecture"
		}
	}
	if !idPattern.MatchString(r.ID) {
		return nil, fmt.Errorf("%s: METADATA custom.id %q must match %s", where, r.ID, idPattern)
	}
	sev, err := findings.ParseSeverity(str("severity"))
	if err != nil {
		return nil, fmt.Errorf("%s: METADATA custom.severity: %w", where, err)
	}
	r.Severity = sev
	for key, val := range map[string]string{"title": r.Title, "description": r.Description, "custom.remediation": r.Remediation} {
		if val == "" {
			return nil, fmt.Errorf("%s: METADATA %s is required", where, key)
		}
	}
	if r.ResourceTypes, err = list("resource_types"); err != nil {
		return nil, err
	}
	if r.Controls, err = list("controls"); err != nil {
		return nil, err
	}
	if r.Inputs, r.InputsByType, err = ruleInputs(where, custom["inputs"], r.ResourceTypes); err != nil {
		return nil, err
	}
	return r, nil
}

// ruleInputs reads METADATA custom.inputs: the datasets the rule reads, as
// a list for every resource type, or as a map from resource type to list
// when the rule reads different data for each (the load balancers of one
// deny body, the stages of another). A rule without inputs is taken to read
// every dataset, so a gap anywhere in its scope withholds its findings.
func ruleInputs(where string, raw any, types []string) ([]string, map[string][]string, error) {
	if raw == nil {
		return nil, nil, nil
	}
	names := func(v any, key string) ([]string, error) {
		items, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("%s: METADATA %s must be a list of dataset names", where, key)
		}
		out := make([]string, 0, len(items))
		for _, it := range items {
			s, _ := it.(string)
			if _, ok := snapshot.DatasetByName(s); !ok {
				return nil, fmt.Errorf("%s: METADATA %s: unknown dataset %v (want one of %s)", where, key, it, strings.Join(snapshot.DatasetNames(), ", "))
			}
			out = append(out, s)
		}
		slices.Sort(out)
		return slices.Compact(out), nil
	}
	if m, ok := raw.(map[string]any); ok {
		byType := make(map[string][]string, len(m))
		var all []string
		for typ, v := range m {
			if !slices.Contains(types, typ) {
				return nil, nil, fmt.Errorf("%s: METADATA custom.inputs: %s is not one of the rule's resource_types", where, typ)
			}
			ds, err := names(v, "custom.inputs."+typ)
			if err != nil {
				return nil, nil, err
			}
			byType[typ] = ds
			all = append(all, ds...)
		}
		slices.Sort(all)
		return slices.Compact(all), byType, nil
	}
	all, err := names(raw, "custom.inputs")
	return all, nil, err
}

// sameLocation reports whether two errors are at the same file and line.
func sameLocation(a, b *ast.Error) bool {
	if a.Location == nil || b.Location == nil {
		return a.Location == b.Location
	}
	return a.Location.File == b.Location.File && a.Location.Row == b.Location.Row
}

// regoError flattens OPA parse and compile errors to "file:line: message"
// lines, the form editors and CI logs link to.
func regoError(err error) error {
	// Compile errors may come wrapped (strict-mode and schema checks come
	// through bundle activation); find them in the chain.
	var (
		errs ast.Errors
		one  *ast.Error
	)
	switch {
	case errors.As(err, &errs):
	case errors.As(err, &one):
		errs = ast.Errors{one}
	default:
		return err
	}
	lines := make([]string, 0, len(errs))
	for i, e := range errs {
		loc := "rego"
		if e.Location != nil {
			loc = fmt.Sprintf("%s:%d", e.Location.File, e.Location.Row)
		}
		// The parser may report one mistake twice at one place, the
		// second time with what it expected ("unexpected eof token",
		// then "unexpected eof token: expected rule head name"): say it
		// once, the longer way.
		if slices.ContainsFunc(errs, func(o *ast.Error) bool {
			return o != e && o.Code == e.Code && sameLocation(o, e) && strings.HasPrefix(o.Message, e.Message) &&
				(len(o.Message) > len(e.Message) || slices.Index(errs, o) < i)
		}) {
			continue
		}
		line := fmt.Sprintf("%s: %s: %s", loc, e.Code, e.Message)
		if e.Details != nil {
			// The type checker's hint: what the ref has and what the
			// schema wants there.
			for _, d := range e.Details.Lines() {
				if strings.Contains(d, "have:") || strings.Contains(d, "want") {
					line += "\n\t" + strings.TrimSpace(d)
				}
			}
		}
		lines = append(lines, line)
	}
	return fmt.Errorf("%s", strings.Join(lines, "\n"))
}
