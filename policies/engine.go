// Package policies loads the Rego rules (built in and user supplied),
// compiles them once, and evaluates snapshots into findings.
package policies

import (
	"cmp"
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"golang.org/x/sync/errgroup"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/findings"
)

// query asks every rule package for its deny set in one evaluation; pkg
// binds to the package name so each set maps back to its rule. It is the
// query for the opa CLI (Query, WriteOPAFiles). The engine asks the same
// thing one rule at a time (ruleQuery), which lets the rules run on every
// core: the rules share nothing but the input and the library's indexes,
// which cost little to build again (at 100k resources the rules one by one
// took the time of the one query, within 1 %).
const query = "results := data.gatewatch.rules[pkg].deny"

// compilations counts successful engine compilations in this process, so
// tests can hold the engine to compiling once however many snapshots (or
// accounts, or output formats) it evaluates.
var compilations atomic.Int64

// Compilations reports how many times rules were compiled in this process.
func Compilations() int64 { return compilations.Load() }

// Options configures an Engine.
type Options struct {
	// PolicyDirs are directories of user rules evaluated beside the
	// built-in ones, under the same contract.
	PolicyDirs []string
	// Config is the data rules read and the rule switches.
	Config Config
	// ConfigFile names the file Config was read from, in messages; empty
	// for the defaults.
	ConfigFile string
	// NoBuiltin leaves the built-in rule pack out (for testing user rules).
	NoBuiltin bool
	// Tool identifies the evaluating build in every report. When its Name
	// is empty, reports carry the name and version of the snapshot's tool.
	Tool findings.Tool
}

// Engine evaluates snapshots against a compiled rule set. It is safe for
// concurrent use: one engine serves every account of an organisation scan.
type Engine struct {
	rules   []findings.Rule // every loaded rule, enabled or not, by ID
	queries []ruleQuery     // one per enabled rule, by ID
	tool    findings.Tool
}

// ruleQuery is one enabled rule and its query,
// `results := data.gatewatch.rules.<package>.deny`, prepared over the
// engine's one compilation of the rules. Each deny set is read into
// findings' terms as OPA produces it (readBinding), and never held in
// OPA's form after.
type ruleQuery struct {
	rule findings.Rule
	// where is the file and line of the rule's deny, for messages about
	// what it produced.
	where    string
	prepared rego.PreparedEvalQuery
}

// New loads, checks and compiles the rules. Errors name the file and line.
func New(ctx context.Context, opts Options) (*Engine, error) {
	var mods []module
	if !opts.NoBuiltin {
		b, err := builtinModules(false)
		if err != nil {
			return nil, fmt.Errorf("built-in rules: %w", err)
		}
		mods = append(mods, b...)
	}
	// A directory with no rule would add nothing, which is never what
	// --policy meant: an empty directory, files not ending .rego, a typo
	// in the path of a checkout. One holding only helper modules is
	// fine beside another that has the rules importing them.
	var ruleless []string
	userRules := 0
	for _, dir := range opts.PolicyDirs {
		u, err := userModules(dir)
		if err != nil {
			return nil, err
		}
		rules := 0
		for _, m := range u {
			if m.rule != nil {
				rules++
			}
		}
		userRules += rules
		switch {
		case len(u) == 0:
			return nil, fmt.Errorf("no rules found in %s: a rule is a .rego file (not _test.rego) with package %s.<name>, a METADATA block and deny", dir, strings.TrimPrefix(rulesRoot, "data."))
		case rules == 0:
			ruleless = append(ruleless, dir)
		}
		mods = append(mods, u...)
	}
	if len(ruleless) > 0 && userRules == 0 {
		return nil, fmt.Errorf("no rules found in %s: only helper modules (outside %s.*) and no rule to use them", strings.Join(ruleless, ", "), strings.TrimPrefix(rulesRoot, "data."))
	}

	e := &Engine{tool: opts.Tool}
	seenID := make(map[string]string)
	denyAt := make(map[string]string) // file:line of each rule's first deny
	seenPackage := make(map[string]string)
	var compile []module
	for _, m := range mods {
		if m.rule == nil {
			compile = append(compile, m)
			continue
		}
		r := *m.rule
		if prev, dup := seenID[r.ID]; dup {
			return nil, fmt.Errorf("%s: rule id %s is already used by %s", m.file, r.ID, prev)
		}
		seenID[r.ID] = m.file
		denyAt[r.ID] = m.file
		if i := slices.IndexFunc(m.ast.Rules, isDeny); i >= 0 {
			denyAt[r.ID] = fmt.Sprintf("%s:%d", m.file, m.ast.Rules[i].Location.Row)
		}
		if prev, dup := seenPackage[r.Package]; dup {
			return nil, fmt.Errorf("%s: package %s is already a rule's, in %s: each rule has a package of its own", m.file, strings.TrimPrefix(r.Package, "data."), prev)
		}
		seenPackage[r.Package] = m.file
		if set, ok := opts.Config.Rules[r.ID]; ok {
			if set.Enabled != nil {
				r.Enabled = *set.Enabled
			}
			if set.Severity != "" {
				// LoadConfig normalises; a Config built in code may not.
				sev, err := findings.ParseSeverity(string(set.Severity))
				if err != nil {
					return nil, fmt.Errorf("%s: rules.%s.severity: %w", configName(opts.ConfigFile), r.ID, err)
				}
				r.Severity = sev
			}
		}
		e.rules = append(e.rules, r)
		if r.Enabled {
			compile = append(compile, m)
		}
	}
	for id := range opts.Config.Rules {
		if _, ok := seenID[id]; !ok {
			return nil, fmt.Errorf("%s: rules.%s: no rule has this id (see `gatewatch rules`)", configName(opts.ConfigFile), id)
		}
	}
	sort.Slice(e.rules, func(i, j int) bool { return e.rules[i].ID < e.rules[j].ID })
	for _, r := range e.rules {
		if r.Enabled {
			e.queries = append(e.queries, ruleQuery{rule: r, where: denyAt[r.ID]})
		}
	}

	cfg, err := opts.Config.regoData()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", configName(opts.ConfigFile), err)
	}
	store := inmem.NewFromObject(map[string]any{"gatewatch": map[string]any{"config": cfg}})
	var compiler *ast.Compiler
	regoOpts := []func(*rego.Rego){
		rego.Query(query),
		rego.Store(store),
		rego.SetRegoVersion(ast.RegoV1),
		// Rules are checked like code: against the snapshot's schema, in
		// strict mode, so a misspelt input field or an unused variable is
		// a compile error with file:line, not a rule that never fires.
		rego.Schemas(inputSchemaSet()),
		rego.Strict(true),
		graphFunction(),
		rego.CompilerHook(func(c *ast.Compiler) { compiler = c }),
	}
	packages := make(map[string]ast.Ref)
	for _, m := range compile {
		regoOpts = append(regoOpts, rego.ParsedModule(m.ast))
		if m.rule != nil {
			packages[m.rule.ID] = m.ast.Package.Path
		}
	}
	// The rules are compiled once, here; each rule's query is compiled
	// over that compilation.
	if _, err := rego.New(regoOpts...).PrepareForEval(ctx); err != nil {
		return nil, regoError(err)
	}
	for i := range e.queries {
		q := &e.queries[i]
		deny := append(packages[q.rule.ID].Copy(), ast.StringTerm("deny"))
		body := ast.NewBody(ast.Assign.Expr(ast.VarTerm("results"), ast.NewTerm(deny)))
		if q.prepared, err = rego.New(rego.Compiler(compiler), rego.Store(store), rego.ParsedQuery(body), graphFunction()).PrepareForEval(ctx); err != nil {
			return nil, fmt.Errorf("rule %s (%s): %w", q.rule.ID, q.rule.Source, regoError(err))
		}
	}
	compilations.Add(1)
	return e, nil
}

// configName is how messages name the configuration: "config FILE", as
// LoadConfig's errors do.
func configName(file string) string {
	if file == "" {
		return "config"
	}
	return "config " + file
}

// Rules returns the catalogue: every loaded rule sorted by ID, with
// configuration (enabled, severity) applied.
func (e *Engine) Rules() []findings.Rule { return slices.Clone(e.rules) }

// Evaluate runs every enabled rule over snap and returns the report.
func (e *Engine) Evaluate(ctx context.Context, snap *snapshot.Snapshot) (*findings.Report, error) {
	return e.EvaluateSource(ctx, InMemory(snap))
}

// Source yields the snapshot to evaluate, each time it is called the same.
type Source func() (*snapshot.Snapshot, error)

// InMemory is the Source of a snapshot already in memory.
func InMemory(snap *snapshot.Snapshot) Source {
	return func() (*snapshot.Snapshot, error) { return snap, nil }
}

// EvaluateSource runs every enabled rule over the snapshot of load and
// returns the report. It calls load twice: for the rules' input, and,
// once the rules have run and their input is released, for the report
// (while the rules' results become findings and are judged). In between
// it holds neither the snapshot nor its input, only where each resource
// lives, the coverage and the collection errors, so a source
// that reads a file (cmd/gatewatch's eval) keeps the snapshot's Go form
// (about 120 MB at 100k resources) out of memory while OPA works with its
// own form of it.
func (e *Engine) EvaluateSource(ctx context.Context, load Source) (*findings.Report, error) {
	snap, err := load()
	if err != nil {
		return nil, err
	}
	// The request graph is derived once (the rules read it through the
	// builtin, the pictures from the report), beside the conversion of
	// the input; so is what the findings and their judging need of the
	// snapshot before it is read back: where each resource lives, the
	// coverage and the collection errors.
	var (
		graph     *snapshot.Graph
		graphT    *ast.Term
		graphErr  error
		where     *places
		coverage  *snapshot.CoverageIndex
		collErrs  []snapshot.CollectionError
		graphDone = make(chan struct{})
	)
	go func(snap *snapshot.Snapshot) {
		defer close(graphDone)
		where = placesOf(snap)
		coverage, collErrs = snap.IndexCoverage(), slices.Clone(snap.Errors)
		graph = snap.Graph()
		graphT, graphErr = graphTerm(graph)
	}(snap)
	input, err := inputValue(snap)
	<-graphDone
	snap = nil
	if err != nil {
		return nil, fmt.Errorf("prepare input: %w", err)
	}
	if graphErr != nil {
		return nil, graphErr
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("evaluate rules: %w", err)
	}
	ctx = withGraphTerm(ctx, graphT)
	// OPA checks ctx as it evaluates and stops with an error when it is
	// done, so a signal stops a long evaluation promptly.
	results, err := e.evalRules(ctx, input, runtime.GOMAXPROCS(0))
	input = nil
	if err != nil {
		return nil, fmt.Errorf("evaluate rules: %w", err)
	}
	// The input and OPA's working state are garbage now, but OPA pools
	// part of that state (sync.Pool) for one more collection cycle, and the
	// next cycle would wait for the heap to double over the evaluation's
	// peak: reading the snapshot back would stack on top of it. Two
	// collections (a few hundred milliseconds at 100k resources) start it
	// from the results' own heap; the second also returns the freed pages
	// to the system, so that reading back, making and judging the findings
	// (at once) reuse no fragmented leftovers of the evaluation's peak.
	runtime.GC()
	debug.FreeOSMemory()
	// Each rule's results become findings, sorted, on a CPU of their own
	// while the snapshot is read back, and are released once they are;
	// the first rule (by ID) that broke the contract is the error. A
	// rule's findings share its severity and ID, the first keys of the
	// report's order, so laid end to end by those the rules' sorted runs
	// are the report's order, which Finalize then confirms in one pass.
	var loadErr error
	loaded := make(chan struct{})
	go func() {
		defer close(loaded)
		snap, loadErr = load()
	}()
	perRule := make([][]findings.Finding, len(e.queries))
	errs := make([]error, len(e.queries))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := range e.queries {
		g.Go(func() error {
			rs := results[i]
			results[i] = nil
			perRule[i], errs[i] = e.queries[i].findings(rs, where)
			findings.SortFindings(perRule[i])
			return nil
		})
	}
	_ = g.Wait() // the workers report through errs
	for _, err := range errs {
		if err != nil {
			<-loaded
			return nil, err
		}
	}
	report := &findings.Report{Rules: e.Rules(), Graph: graph}
	order := make([]int, len(e.queries))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(e.queries[b].rule.Severity.Rank(), e.queries[a].rule.Severity.Rank())
	})
	for _, i := range order {
		report.Findings = append(report.Findings, perRule[i]...)
		perRule[i] = nil
	}
	// The findings are judged while the snapshot is still being read.
	report.JudgeWith(coverage, collErrs, where.each)
	<-loaded
	if loadErr != nil {
		return nil, loadErr
	}
	report.Tool = e.tool
	if report.Tool.Name == "" {
		report.Tool = findings.Tool{Name: snap.Tool.Name, Version: snap.Tool.Version}
	}
	report.SnapshotTakenAt = snap.TakenAt.UTC().Format("2006-01-02T15:04:05Z")
	report.Scope = snap.Scope
	report.Incomplete = snap.Incomplete
	report.Errors = slices.Clone(snap.Errors)
	report.Snapshot = snap
	report.Finalize()
	return report, nil
}

// findings checks a rule's deny results against the rule contract and
// makes them findings. A rule may derive the same verdict twice (two paths
// to one resource); the finding identity is rule + resource + message.
func (q *ruleQuery) findings(results []any, index *places) ([]findings.Finding, error) {
	out := make([]findings.Finding, 0, len(results))
	seen := make(map[string]bool, len(results))
	for _, raw := range results {
		f, err := toFinding(q.rule, q.where, raw, index)
		if err != nil {
			return nil, err
		}
		key := f.Resource + "\x00" + f.Message
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, f)
	}
	return out, nil
}

// places says where each resource of a snapshot lives: the part of the
// snapshot's index the findings and their judging need, small enough to
// hold while the rules run (about 15 MB at 100k resources). A snapshot
// has few distinct places, so each ARN maps to one of them by number.
type places struct {
	byARN map[string]int32
	all   []findings.Placed // ARN left empty: shared by many resources
}

func placesOf(snap *snapshot.Snapshot) *places {
	resources := snap.Resources()
	p := &places{byARN: make(map[string]int32, len(resources))}
	numbers := map[findings.Placed]int32{}
	for _, r := range resources {
		at := findings.Placed{Type: r.Type, Account: r.Account, Region: r.Region}
		n, ok := numbers[at]
		if !ok {
			n = int32(len(p.all))
			numbers[at] = n
			p.all = append(p.all, at)
		}
		p.byARN[r.ARN] = n
	}
	return p
}

// each yields every resource and where it lives, in no particular order.
func (p *places) each(yield func(findings.Placed) bool) {
	for arn := range p.byARN {
		at, _ := p.of(arn)
		if !yield(at) {
			return
		}
	}
}

// of returns where the resource arn lives and whether the snapshot holds it.
func (p *places) of(arn string) (findings.Placed, bool) {
	n, ok := p.byARN[arn]
	if !ok {
		return findings.Placed{}, false
	}
	at := p.all[n]
	at.ARN = arn
	return at, true
}

// evalRules runs every enabled rule's query over input, as many at once
// as workers, and returns each rule's deny results (as readBinding reads
// them) in the order of e.queries. Rules start in that order (by ID); the
// first error stops those not yet done.
func (e *Engine) evalRules(ctx context.Context, input ast.Value, workers int, opts ...rego.EvalOption) ([][]any, error) {
	out := make([][]any, len(e.queries))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(max(workers, 1))
	for i := range e.queries {
		q := &e.queries[i]
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			rs, err := q.prepared.Eval(ctx, append([]rego.EvalOption{
				rego.EvalParsedInput(input),
				rego.EvalVirtualCache(newRuleCache()),
				rego.EvalGenerateJSON(readBinding),
			}, opts...)...)
			if err != nil {
				return err
			}
			for _, r := range rs {
				results, ok := r.Bindings["results"].([]any)
				if !ok {
					return fmt.Errorf("%s: rule %s: deny is not a set of results", q.where, q.rule.ID)
				}
				out[i] = append(out[i], results...)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// inputValue converts the snapshot to OPA's value form once per
// evaluation, exactly as its JSON form would parse: the rules see what a
// saved snapshot holds, which is what makes `eval` of a saved file give the
// findings of the live scan (see toValue).
func inputValue(snap *snapshot.Snapshot) (ast.Value, error) {
	return toValue(snap)
}
