package policies

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// The detector behind TestRuleInputsMatchWhatTheyRead: a small abstract
// interpreter of Rego that follows where each value comes from in the
// snapshot, so that a field read is charged to the collection it is read
// from (lb.tags to load_balancers.tags, acl.tags to web_acls.tags), not to
// every collection with a field of that name.
//
// A value is a list of alternatives (shapes). A shape is what one value
// may be: a place in the input (an origin: a dotted path through lists,
// with the JSON Schema node there), a literal array or object built by the
// rule (its parts, by position or key), or a collection (a comprehension,
// a partial set rule) with what iterating it yields. Reading field f of a
// value at path P reads P.f; the dataset read is the one whose path is the
// longest prefix of P.f (snapshot.Datasets). User functions are evaluated
// for the values they are called with, library rules and helpers alike.
//
// Where the interpreter cannot follow a value (an unknown construct, a
// variable it did not see bound, data it does not know), the value is
// unknown, and reading it in any way (a field, an element, all of it)
// counts as reading every dataset: the detector may over-report but does
// not under-report. The test logs where it fell back.
//
// The request graph (lib.graph) is derived from datasets: reading a field
// of it whole reads snapshot.GraphDatasets of that field, and looking up
// one entry by a key read from a dataset (lib.fronting(lb.arn)) reads
// snapshot.GraphLookups of that field and dataset.
//
// Each deny body is evaluated on its own, and split into worlds where it
// iterates a collection whose parts are read apart (lib.api_stages: its
// REST and its v2 definition); the resource ARN a world reports names its
// resource type, so declarations are checked per resource type.

// snode is the JSON Schema of the snapshot (InputSchema) as a tree.
type snode struct {
	kind  byte // 'o' struct, 'a' array, 'm' map, 's' scalar, 0 any JSON
	props map[string]*snode
	elem  *snode
}

func schemaTree(s map[string]any) *snode {
	n := &snode{kind: 's'}
	if props, ok := s["properties"].(map[string]any); ok {
		n.kind, n.props = 'o', map[string]*snode{}
		for k, v := range props {
			n.props[k] = schemaTree(v.(map[string]any))
		}
	} else if items, ok := s["items"].(map[string]any); ok {
		n.kind, n.elem = 'a', schemaTree(items)
	} else if values, ok := s["additionalProperties"].(map[string]any); ok {
		n.kind, n.elem = 'm', schemaTree(values)
	} else if len(s) == 0 {
		n.kind = 0
	}
	return n
}

// graphRoot is the path prefix of the request graph (lib.graph), whose
// fields are derived from datasets (snapshot.GraphDatasets).
const graphRoot = "@graph"

// origin is a place in the input: a dotted path of field names through
// lists ("" for input itself) and the schema node there (nil when not
// known: raw JSON, the graph).
type origin struct {
	path string
	node *snode
}

func (o origin) child(name string, node *snode) origin {
	if o.path == "" {
		return origin{name, node}
	}
	return origin{o.path + "." + name, node}
}

// shape is one alternative of a value.
type shape struct {
	origins []origin
	unknown bool
	ext     bool           // data outside the snapshot: the configuration
	literal bool           // an array or object literal: elems and fields are all it has
	elems   []val          // array literal, by position
	fields  map[string]val // object literal, by constant key
	members val            // what iterating it yields (collections, literals)
	keys    val            // its keys when iterated
	fp      string
}

// val is a value: any one of its shapes.
type val []*shape

var (
	scalar   = val{{}}
	unknown  = val{{unknown: true}}
	external = val{{ext: true}}
)

func (s *shape) fingerprint() string {
	if s.fp != "" {
		return s.fp
	}
	var b strings.Builder
	b.WriteString("(")
	for _, o := range s.origins {
		fmt.Fprintf(&b, "%s@%p,", o.path, o.node)
	}
	if s.unknown {
		b.WriteString("?")
	}
	if s.ext {
		b.WriteString("E")
	}
	if s.literal {
		b.WriteString("L")
	}
	for _, e := range s.elems {
		b.WriteString("[" + e.fingerprint() + "]")
	}
	keys := make([]string, 0, len(s.fields))
	for k := range s.fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "%q:%s,", k, s.fields[k].fingerprint())
	}
	if s.members != nil {
		b.WriteString("*" + s.members.fingerprint())
	}
	if s.keys != nil {
		b.WriteString("#" + s.keys.fingerprint())
	}
	b.WriteString(")")
	s.fp = b.String()
	return s.fp
}

func (v val) fingerprint() string {
	parts := make([]string, len(v))
	for i, s := range v {
		parts[i] = s.fingerprint()
	}
	return strings.Join(parts, "|")
}

// union is any of the values: their alternatives, each once.
func union(vs ...val) val {
	var out val
	seen := map[string]bool{}
	for _, v := range vs {
		for _, s := range v {
			if fp := s.fingerprint(); !seen[fp] {
				seen[fp] = true
				out = append(out, s)
			}
		}
	}
	return out
}

// merged is one shape holding everything of the values at once, for
// builtins that combine their arguments (object.union) or that the
// detector does not know.
func merged(vs ...val) val {
	m := &shape{}
	originSeen := map[origin]bool{}
	var members, keys []val
	for _, v := range vs {
		for _, s := range v {
			for _, o := range s.origins {
				if !originSeen[o] {
					originSeen[o] = true
					m.origins = append(m.origins, o)
				}
			}
			m.unknown = m.unknown || s.unknown
			for k, f := range s.fields {
				if m.fields == nil {
					m.fields = map[string]val{}
				}
				m.fields[k] = union(m.fields[k], f)
			}
			members = append(members, s.members)
			keys = append(keys, s.keys)
		}
	}
	slices.SortFunc(m.origins, func(a, b origin) int { return strings.Compare(a.path, b.path) })
	m.members, m.keys = union(members...), union(keys...)
	if len(m.members) == 0 {
		m.members = nil
	}
	if len(m.keys) == 0 {
		m.keys = nil
	}
	return val{m}
}

// A read is what a deny body reads: the path of a field ('p'), everything
// at and below a path ('d': a value that reaches a finding or a builtin
// that reads all of it), a dataset an entry of the graph looked up by key
// is derived from ('k'), or anything at all ('u': an unknown value read).
type read struct {
	kind byte
	s    string
}

type readSet map[read]bool

func (r readSet) add(o readSet) {
	for k := range o {
		r[k] = true
	}
}

// frame is the state of evaluating one body: the package and imports of
// the code, the variables bound so far and what was read.
type frame struct {
	pkg     string
	imports map[ast.Var]ast.Ref
	env     map[ast.Var]val
	reads   readSet
	line    int // of the deny body, for messages
}

func (f *frame) child() *frame {
	g := *f
	g.env = make(map[ast.Var]val, len(f.env))
	for k, v := range f.env {
		g.env[k] = v
	}
	return &g
}

// fork is a copy of the frame that reads into a set of its own.
func (f *frame) fork() *frame {
	g := f.child()
	g.reads = readSet{}
	g.reads.add(f.reads)
	return g
}

// maxWorlds bounds how many ways one deny body is split.
const maxWorlds = 64

type memoEntry struct {
	v     val
	reads readSet
}

// detector evaluates the rule packages and the library they call.
type detector struct {
	rules  map[string]map[string][]*ast.Rule // package path -> rule name -> definitions
	root   *snode
	memo   map[string]memoEntry
	active map[string]bool
	notes  map[string]bool // where a value could not be followed
}

func newDetector(mods []module) *detector {
	d := &detector{rules: map[string]map[string][]*ast.Rule{}, root: schemaTree(InputSchema()),
		memo: map[string]memoEntry{}, active: map[string]bool{}, notes: map[string]bool{}}
	for _, m := range mods {
		pkg := m.ast.Package.Path.String()
		if d.rules[pkg] == nil {
			d.rules[pkg] = map[string][]*ast.Rule{}
		}
		for _, r := range m.ast.Rules {
			name := r.Head.Ref()[0].Value.String()
			d.rules[pkg][name] = append(d.rules[pkg][name], r)
		}
	}
	return d
}

func (d *detector) note(loc *ast.Location, format string, args ...any) val {
	where := "?"
	if loc != nil {
		where = fmt.Sprintf("%s:%d", loc.File, loc.Row)
	}
	d.notes[where+": "+fmt.Sprintf(format, args...)] = true
	return unknown
}

func frameFor(r *ast.Rule, pkg string) *frame {
	f := &frame{pkg: pkg, imports: map[ast.Var]ast.Ref{}, env: map[ast.Var]val{}, reads: readSet{}}
	if r.Module != nil {
		for _, imp := range r.Module.Imports {
			ref, ok := imp.Path.Value.(ast.Ref)
			if !ok || !ref.HasPrefix(ast.DefaultRootRef) {
				continue
			}
			alias := imp.Alias
			if alias == "" {
				alias = ast.Var(ref[len(ref)-1].Value.(ast.String))
			}
			f.imports[alias] = ref
		}
	}
	return f
}

// memoized is the value and the reads of compute, computed once per key
// and added to the frame's reads each time. A rule the computation is
// already in (Rego has no recursion, so only through a detector bug) is
// unknown.
func (d *detector) memoized(f *frame, key string, compute func(e *memoEntry)) val {
	e, ok := d.memo[key]
	if !ok {
		if d.active[key] {
			return unknown
		}
		d.active[key] = true
		e = memoEntry{reads: readSet{}}
		compute(&e)
		d.memo[key] = e
		delete(d.active, key)
	}
	f.reads.add(e.reads)
	return e.v
}

// ruleValue is the value of a rule without arguments, with what computing
// it reads.
func (d *detector) ruleValue(f *frame, pkg, name string) val {
	return d.memoized(f, pkg+"."+name, func(e *memoEntry) {
		var members, keys []val
		for _, r := range d.rules[pkg][name] {
			for def := r; def != nil; def = def.Else {
				g := frameFor(r, pkg)
				d.body(g, def.Body)
				h := def.Head
				switch {
				case h.Key != nil && h.Value == nil: // name contains key
					members = append(members, d.term(g, h.Key))
					keys = append(keys, d.term(g, h.Key))
				case len(h.Ref()) > 1: // name[key] := value
					keys = append(keys, d.term(g, h.Ref()[1]))
					members = append(members, d.term(g, h.Value))
				case h.Value != nil:
					e.v = union(e.v, d.term(g, h.Value))
				default:
					e.v = union(e.v, scalar)
				}
				e.reads.add(g.reads)
			}
		}
		if len(members) > 0 {
			e.v = union(e.v, val{{members: union(members...), keys: union(keys...)}})
		}
		if e.v == nil {
			e.v = d.note(nil, "no rule %s.%s", pkg, name)
		}
	})
}

// callFunction evaluates a user function for the values it is called
// with: every definition and else branch, any of which may answer.
func (d *detector) callFunction(f *frame, pkg, name string, args []val) val {
	fps := make([]string, len(args))
	for i, a := range args {
		fps[i] = a.fingerprint()
	}
	return d.memoized(f, pkg+"."+name+"("+strings.Join(fps, ";")+")", func(e *memoEntry) {
		for _, r := range d.rules[pkg][name] {
			for def := r; def != nil; def = def.Else {
				g := frameFor(r, pkg)
				for i, p := range r.Head.Args {
					if i < len(args) {
						d.bind(g, p, args[i], true)
					}
				}
				d.body(g, def.Body)
				if def.Head.Value != nil {
					e.v = union(e.v, d.term(g, def.Head.Value))
				} else {
					e.v = union(e.v, scalar)
				}
				e.reads.add(g.reads)
			}
		}
	})
}

// resolve finds the package rule a reference names: a rule of the current
// package by bare name, or one under data (through an import alias). It
// returns the package, the rule name and how many terms of ref it used.
func (d *detector) resolve(f *frame, ref ast.Ref) (pkg, name string, used int, ok bool) {
	head, isVar := ref[0].Value.(ast.Var)
	if !isVar {
		return "", "", 0, false
	}
	if _, bound := f.env[head]; bound {
		return "", "", 0, false
	}
	if d.rules[f.pkg][string(head)] != nil {
		return f.pkg, string(head), 1, true
	}
	full := ref
	skip := 0
	if imp, ok := f.imports[head]; ok {
		full = append(imp.Copy(), ref[1:]...)
		skip = len(imp) - 1
	} else if !head.Equal(ast.DefaultRootDocument.Value) {
		return "", "", 0, false
	}
	for i := len(full) - 1; i > 0; i-- {
		p := full[:i].String()
		if d.rules[p] == nil {
			continue
		}
		s, ok := full[i].Value.(ast.String)
		if !ok || d.rules[p][string(s)] == nil {
			return "", "", 0, false
		}
		return p, string(s), i + 1 - skip, true
	}
	return "", "", 0, false
}

func (d *detector) term(f *frame, t *ast.Term) val {
	switch v := t.Value.(type) {
	case ast.Null, ast.Boolean, ast.Number, ast.String:
		return scalar
	case ast.Var:
		return d.ref(f, ast.Ref{t}, t.Location)
	case ast.Ref:
		return d.ref(f, v, t.Location)
	case ast.Call:
		return d.call(f, v[0], v[1:], t.Location)
	case *ast.Array:
		s := &shape{literal: true}
		for i := range v.Len() {
			s.elems = append(s.elems, d.term(f, v.Elem(i)))
		}
		s.members, s.keys = union(s.elems...), scalar
		return val{s}
	case ast.Set:
		var ms []val
		v.Foreach(func(e *ast.Term) { ms = append(ms, d.term(f, e)) })
		u := union(ms...)
		return val{{literal: true, members: u, keys: u}}
	case ast.Object:
		s := &shape{literal: true, fields: map[string]val{}}
		var ms, ks []val
		v.Foreach(func(k, e *ast.Term) {
			ev := d.term(f, e)
			if str, ok := k.Value.(ast.String); ok {
				s.fields[string(str)] = ev
			} else {
				s.literal = false // keys the detector cannot tell apart
			}
			ms = append(ms, ev)
			ks = append(ks, d.term(f, k))
		})
		s.members, s.keys = union(ms...), union(ks...)
		return val{s}
	case *ast.ArrayComprehension:
		g := f.child()
		d.body(g, v.Body)
		return val{{members: d.term(g, v.Term), keys: scalar}}
	case *ast.SetComprehension:
		g := f.child()
		d.body(g, v.Body)
		m := d.term(g, v.Term)
		return val{{members: m, keys: m}}
	case *ast.ObjectComprehension:
		g := f.child()
		d.body(g, v.Body)
		return val{{members: d.term(g, v.Value), keys: d.term(g, v.Key)}}
	}
	d.evalNested(f, t)
	return d.note(t.Location, "term %v not followed", t)
}

// evalNested evaluates the terms inside a construct the detector does not
// know, for what they read.
func (d *detector) evalNested(f *frame, x any) {
	ast.WalkTerms(x, func(t *ast.Term) bool {
		switch t.Value.(type) {
		case ast.Ref, ast.Call, ast.Var:
			d.deepRead(f, d.term(f, t))
			return true
		}
		return false
	})
}

func (d *detector) ref(f *frame, r ast.Ref, loc *ast.Location) val {
	var v val
	rest := r[1:]
	switch head := r[0].Value.(type) {
	case ast.Var:
		if bound, ok := f.env[head]; ok {
			v = bound
		} else if head.Equal(ast.InputRootDocument.Value) {
			v = val{{origins: []origin{{"", d.root}}}}
		} else if pkg, name, used, ok := d.resolve(f, r); ok {
			v, rest = d.ruleValue(f, pkg, name), r[used:]
		} else if head.Equal(ast.DefaultRootDocument.Value) || f.imports[head] != nil {
			// data outside the rule packages: the configuration.
			full := r
			if imp, ok := f.imports[head]; ok {
				full = append(imp.Copy(), r[1:]...)
			}
			if full.HasPrefix(ast.MustParseRef("data.gatewatch.config")) {
				return external
			}
			return d.note(loc, "data reference %v not followed", r)
		} else if head.IsWildcard() {
			return unknown
		} else {
			return d.note(loc, "variable %v not bound", head)
		}
	default:
		v = d.term(f, r[0])
	}
	for _, el := range rest {
		switch k := el.Value.(type) {
		case ast.String:
			v = d.field(f, v, string(k))
		case ast.Number:
			i, ok := k.Int()
			v = d.elemAt(f, v, i, ok)
		case ast.Var:
			if _, bound := f.env[k]; bound || d.isName(f, k) {
				v = d.index(f, v, d.term(f, el))
				continue
			}
			if !k.IsWildcard() {
				f.env[k] = d.keys(v)
			}
			v = d.elem(f, v)
		default:
			v = d.index(f, v, d.term(f, el))
		}
	}
	return v
}

// isName reports whether an unbound variable names something: a rule of
// the package, an import, input or data.
func (d *detector) isName(f *frame, v ast.Var) bool {
	return d.rules[f.pkg][string(v)] != nil || f.imports[v] != nil ||
		v.Equal(ast.InputRootDocument.Value) || v.Equal(ast.DefaultRootDocument.Value)
}

// opaque is what any part of a shape the detector does not follow is:
// unknown, which reads anything, or configuration.
func opaque(f *frame, s *shape) []val {
	var out []val
	if s.unknown {
		f.reads[read{'u', ""}] = true
		out = append(out, unknown)
	}
	if s.ext {
		out = append(out, external)
	}
	return out
}

// field is v.name.
func (d *detector) field(f *frame, v val, name string) val {
	var out []val
	for _, s := range v {
		out = append(out, opaque(f, s)...)
		var at []origin
		for _, o := range s.origins {
			var node *snode
			if o.node != nil {
				switch o.node.kind {
				case 's':
					continue
				case 'm':
					at = append(at, origin{o.path, o.node.elem})
					continue
				case 'o':
					node = o.node.props[name]
				}
			}
			c := o.child(name, node)
			// A field of the graph is read where it is used: whole, or
			// one entry by a key (see index).
			if o.path != graphRoot {
				f.reads[read{'p', c.path}] = true
			}
			at = append(at, c)
		}
		if len(at) > 0 {
			out = append(out, val{{origins: at}})
		}
		switch {
		case s.literal:
			out = append(out, s.fields[name])
		case s.members != nil:
			out = append(out, s.members)
		}
	}
	return union(out...)
}

// elem is v[k] for a key the detector does not know, or what iterating v
// yields.
func (d *detector) elem(f *frame, v val) val {
	var out []val
	for _, s := range v {
		out = append(out, opaque(f, s)...)
		var at []origin
		for _, o := range s.origins {
			if under(o.path, graphRoot) {
				f.reads[read{'p', o.path}] = true
			}
			switch {
			case o.node == nil || o.node.kind == 0:
				at = append(at, o)
			case o.node.kind == 'a' || o.node.kind == 'm':
				at = append(at, origin{o.path, o.node.elem})
			case o.node.kind == 'o':
				// Any field of a record: all of them.
				for name, p := range o.node.props {
					c := o.child(name, p)
					f.reads[read{'p', c.path}] = true
					at = append(at, c)
				}
			}
		}
		if len(at) > 0 {
			slices.SortFunc(at, func(a, b origin) int { return strings.Compare(a.path, b.path) })
			out = append(out, val{{origins: at}})
		}
		if s.members != nil {
			out = append(out, s.members)
		}
	}
	return union(out...)
}

// elemAt is v[i].
func (d *detector) elemAt(f *frame, v val, i int, ok bool) val {
	var out []val
	for _, s := range v {
		if ok && s.literal && s.elems != nil {
			if i >= 0 && i < len(s.elems) {
				out = append(out, s.elems[i])
			}
			continue
		}
		out = append(out, d.elem(f, val{s}))
	}
	return union(out...)
}

// index is v[key] for a key of value kv. An entry of a graph field
// looked up by a key read from a dataset that snapshot.GraphLookups names
// reads what that entry is derived from, not the whole field.
func (d *detector) index(f *frame, v, kv val) val {
	var rest val
	var out []val
	for _, s := range v {
		field, ok := strings.CutPrefix(lookupPath(s), graphRoot+".")
		deps, known := snapshot.GraphLookups[field][keyDataset(kv)]
		if !ok || !known {
			rest = append(rest, s)
			continue
		}
		for _, ds := range deps {
			f.reads[read{'k', ds}] = true
		}
		out = append(out, val{{origins: []origin{{graphEntry, nil}}}})
	}
	return union(append(out, d.elem(f, rest))...)
}

// graphEntry is the path of an entry of the graph looked up by key, whose
// reads were counted when it was looked up.
const graphEntry = "@entry"

// lookupPath is the path of a shape that is one place and nothing else.
func lookupPath(s *shape) string {
	if len(s.origins) != 1 || s.unknown || s.ext || s.literal || s.members != nil {
		return ""
	}
	return s.origins[0].path
}

// keyDataset names the dataset every alternative of a key is read from,
// or "" when they differ or one is not read from the snapshot.
func keyDataset(kv val) string {
	name := ""
	for _, s := range kv {
		p := lookupPath(s)
		if p == "" {
			return ""
		}
		ds := datasetAt(p)
		if ds == "" || (name != "" && ds != name) {
			return ""
		}
		name = ds
	}
	return name
}

// keys is what the keys of v are when it is iterated.
func (d *detector) keys(v val) val {
	var out []val
	for _, s := range v {
		switch {
		case s.unknown:
			out = append(out, unknown)
		case s.keys != nil:
			out = append(out, s.keys)
		default:
			out = append(out, scalar) // indexes, field names, map keys
		}
	}
	return union(out...)
}

// deepRead records that all of v is read.
func (d *detector) deepRead(f *frame, v val) {
	seen := map[*shape]bool{}
	var walk func(v val)
	walk = func(v val) {
		for _, s := range v {
			if seen[s] {
				continue
			}
			seen[s] = true
			if s.unknown {
				f.reads[read{'u', ""}] = true
			}
			for _, o := range s.origins {
				f.reads[read{'d', o.path}] = true
			}
			for _, e := range s.elems {
				walk(e)
			}
			for _, e := range s.fields {
				walk(e)
			}
			walk(s.members)
			walk(s.keys)
		}
	}
	walk(v)
}

// Builtins by what their result holds of their arguments.
var (
	// The result is some of the first argument.
	keepFirst = map[string]bool{
		"sort": true, "array.slice": true, "array.reverse": true, "object.filter": true, "object.remove": true,
		"json.filter": true, "json.remove": true, "and": true, "minus": true, "object.subset": true,
	}
	// The result holds nothing of the arguments a rule could read a field
	// of; the arguments are read in full.
	scalarResult = map[string]bool{
		"sprintf": true, "concat": true, "lower": true, "upper": true, "trim": true, "trim_space": true,
		"trim_prefix": true, "trim_suffix": true, "trim_left": true, "trim_right": true, "replace": true,
		"split": true, "substring": true, "startswith": true, "endswith": true, "contains": true,
		"indexof": true, "format_int": true, "to_number": true, "regex.match": true, "regex.split": true,
		"regex.replace": true, "regex.find_all_string_submatch_n": true, "regex.find_n": true,
		"abs": true, "round": true, "ceil": true, "floor": true, "plus": true, "mul": true, "div": true,
		"rem": true, "sum": true, "max": true, "min": true, "product": true, "equal": true, "neq": true,
		"lt": true, "gt": true, "lte": true, "gte": true, "net.cidr_contains": true, "base64.is_valid": true,
		"base64.decode": true, "base64.encode": true, "numbers.range": true, "glob.match": true,
		"time.parse_rfc3339_ns": true, "time.now_ns": true, "strings.count": true, "strings.replace_n": true,
	}
	// The result says something of the shape of the arguments, not of
	// their fields: reading them is reading where they are.
	shallow = map[string]bool{
		"count": true, "object.keys": true, "type_name": true, "is_array": true, "is_object": true,
		"is_string": true, "is_number": true, "is_boolean": true, "is_set": true, "is_null": true,
		"internal.member_2": true, "internal.member_3": true, "print": true,
	}
)

func (d *detector) call(f *frame, op *ast.Term, argTerms []*ast.Term, loc *ast.Location) val {
	opRef, ok := op.Value.(ast.Ref)
	if !ok {
		d.evalNested(f, argTerms)
		return d.note(loc, "call of %v not followed", op)
	}
	if pkg, name, used, ok := d.resolve(f, opRef); ok && used == len(opRef) {
		args := make([]val, len(argTerms))
		for i, a := range argTerms {
			args[i] = d.term(f, a)
		}
		return d.callFunction(f, pkg, name, args)
	}
	name := opRef.String()
	args := make([]val, len(argTerms))
	for i, a := range argTerms {
		args[i] = d.term(f, a)
	}
	switch {
	case name == "object.get" && len(args) == 3:
		v := args[0]
		switch k := argTerms[1].Value.(type) {
		case ast.String:
			v = d.field(f, v, string(k))
		case *ast.Array:
			for i := range k.Len() {
				if s, ok := k.Elem(i).Value.(ast.String); ok {
					v = d.field(f, v, string(s))
				} else {
					v = d.elem(f, v)
				}
			}
		default:
			v = d.index(f, v, args[1])
		}
		return union(v, args[2])
	case name == "gatewatch.request_graph":
		return val{{origins: []origin{{graphRoot, nil}}}}
	case name == "array.concat" || name == "or":
		// Iterating the result yields an element of one of them.
		var ms []val
		for _, a := range args {
			ms = append(ms, d.elem(f, a))
		}
		u := union(ms...)
		return val{{members: u, keys: u}}
	case name == "object.union":
		return merged(args...)
	case name == "object.union_n" && len(args) == 1:
		return merged(d.elem(f, args[0]))
	case keepFirst[name] && len(args) > 0:
		return args[0]
	case shallow[name]:
		for _, a := range args {
			for _, s := range a {
				for _, o := range s.origins {
					if under(o.path, graphRoot) {
						f.reads[read{'p', o.path}] = true
					}
				}
			}
		}
		return scalar
	case scalarResult[name]:
		for _, a := range args {
			d.deepRead(f, a)
		}
		return scalar
	}
	for _, a := range args {
		d.deepRead(f, a)
	}
	d.note(loc, "builtin %s: its arguments are taken as read in full", name)
	return merged(args...)
}

// bind binds the variables of a pattern to the parts of v. rebind says
// whether a bound variable is rebound (some, :=, function arguments)
// rather than compared (=).
func (d *detector) bind(f *frame, p *ast.Term, v val, rebind bool) {
	switch pv := p.Value.(type) {
	case ast.Var:
		if pv.IsWildcard() {
			return
		}
		if _, bound := f.env[pv]; bound && !rebind {
			d.deepRead(f, v)
			return
		}
		f.env[pv] = v
	case *ast.Array:
		for i := range pv.Len() {
			d.bind(f, pv.Elem(i), d.elemAt(f, v, i, true), rebind)
		}
	case ast.Object:
		pv.Foreach(func(k, e *ast.Term) {
			if s, ok := k.Value.(ast.String); ok {
				d.bind(f, e, d.field(f, v, string(s)), rebind)
			} else {
				d.bind(f, e, d.elem(f, v), rebind)
			}
		})
	default:
		// A constant or an expression to compare with.
		d.deepRead(f, v)
		d.deepRead(f, d.term(f, p))
	}
}

// unbound reports whether a pattern has a variable not bound yet.
func unbound(f *frame, p *ast.Term) bool {
	found := false
	ast.WalkVars(p, func(v ast.Var) bool {
		if _, ok := f.env[v]; !ok && !v.IsWildcard() {
			found = true
		}
		return found
	})
	return found
}

func (d *detector) body(f *frame, b ast.Body) {
	for _, e := range b {
		d.expr(f, e)
	}
}

// worlds evaluates a deny body from expression i, split where a some
// iterates a collection made of parts that are read apart (see parts),
// and returns the frame of each way through it.
func (d *detector) worlds(f *frame, b ast.Body, i int, out []*frame) []*frame {
	for ; i < len(b); i++ {
		if sd, ok := b[i].Terms.(*ast.SomeDecl); ok && len(sd.Symbols) == 1 {
			if call, ok := sd.Symbols[0].Value.(ast.Call); ok {
				if parts := d.parts(f, call[len(call)-1]); len(parts) > 1 && len(out)+len(parts) <= maxWorlds {
					for _, part := range parts {
						g := f.fork()
						coll := part(g)
						d.bindMember(g, call, coll, d.elem(g, coll))
						out = d.worlds(g, b, i+1, out)
					}
					return out
				}
			}
		}
		d.expr(f, b[i])
	}
	return append(out, f)
}

// parts splits a collection into parts that are computed from different
// reads, each evaluated into the frame it is given: the arguments of
// array.concat and of a set union, the definitions of a partial set rule
// (lib.api_stages: REST stages, v2 stages). An element of the collection
// is an element of one part, and exists whatever the other parts read.
func (d *detector) parts(f *frame, t *ast.Term) []func(*frame) val {
	whole := []func(*frame) val{func(g *frame) val { return d.term(g, t) }}
	switch v := t.Value.(type) {
	case ast.Call:
		op, ok := v[0].Value.(ast.Ref)
		if !ok || (op.String() != "array.concat" && op.String() != "or") {
			return whole
		}
		if _, _, _, isRule := d.resolve(f, op); isRule {
			return whole
		}
		var out []func(*frame) val
		for _, a := range v[1:] {
			out = append(out, d.parts(f, a)...)
		}
		return out
	case ast.Var, ast.Ref:
		ref, ok := v.(ast.Ref)
		if !ok {
			ref = ast.Ref{t}
		}
		pkg, name, used, ok := d.resolve(f, ref)
		if !ok || used != len(ref) {
			return whole
		}
		defs := d.rules[pkg][name]
		for _, r := range defs {
			if r.Head.Key == nil || r.Head.Value != nil || len(r.Head.Args) > 0 {
				return whole
			}
		}
		var out []func(*frame) val
		for _, r := range defs {
			out = append(out, func(g *frame) val { return d.partialSetDef(g, pkg, r) })
		}
		return out
	}
	return whole
}

// partialSetDef is what one definition of a partial set rule (name
// contains key if body) contributes, with what computing it reads.
func (d *detector) partialSetDef(f *frame, pkg string, r *ast.Rule) val {
	return d.memoized(f, fmt.Sprintf("%s.%v@%d", pkg, r.Head.Ref(), r.Location.Row), func(e *memoEntry) {
		g := frameFor(r, pkg)
		d.body(g, r.Body)
		m := d.term(g, r.Head.Key)
		e.v, e.reads = val{{members: m, keys: m}}, g.reads
	})
}

// bindMember binds the variables of `some x in coll` or `some k, x in
// coll` to the keys and the elements (elems) of coll.
func (d *detector) bindMember(f *frame, call ast.Call, coll, elems val) {
	switch len(call) {
	case 3: // internal.member_2(x, coll)
		d.bind(f, call[1], elems, true)
	case 4: // internal.member_3(k, x, coll)
		d.bind(f, call[1], d.keys(coll), true)
		d.bind(f, call[2], elems, true)
	}
}

func (d *detector) expr(f *frame, e *ast.Expr) {
	if len(e.With) > 0 {
		// with replaces what the expression reads: take it as reading
		// anything.
		for _, w := range e.With {
			d.deepRead(f, d.term(f, w.Value))
		}
		f.reads[read{'u', ""}] = true
		d.note(e.Location, "with modifier not followed")
	}
	switch t := e.Terms.(type) {
	case *ast.SomeDecl:
		for _, sym := range t.Symbols {
			switch s := sym.Value.(type) {
			case ast.Var:
				delete(f.env, s)
			case ast.Call:
				coll := d.term(f, s[len(s)-1])
				d.bindMember(f, s, coll, d.elem(f, coll))
			}
		}
	case *ast.Every:
		g := f.child()
		dom := d.term(g, t.Domain)
		if t.Key != nil {
			d.bind(g, t.Key, d.keys(dom), true)
		}
		d.bind(g, t.Value, d.elem(g, dom), true)
		d.body(g, t.Body)
	case *ast.Term:
		// A test that the value is defined and not false: it reads
		// where the value is, as evaluating it did.
		d.term(f, t)
	case []*ast.Term:
		op := t[0].Value.(ast.Ref).String()
		switch {
		case op == "assign" && len(t) == 3:
			d.bind(f, t[1], d.term(f, t[2]), true)
		case op == "eq" && len(t) == 3:
			switch {
			case unbound(f, t[1]):
				d.bind(f, t[1], d.term(f, t[2]), false)
			case unbound(f, t[2]):
				d.bind(f, t[2], d.term(f, t[1]), false)
			default:
				d.deepRead(f, d.term(f, t[1]))
				d.deepRead(f, d.term(f, t[2]))
			}
		default:
			d.call(f, t[0], t[1:], e.Location)
		}
	default:
		d.evalNested(f, e)
		d.note(e.Location, "expression %v not followed", e)
	}
}

// world is one way through a deny body: the datasets it reads and the
// resource types of what it reports.
type world struct {
	line     int
	datasets []string
	types    []string // nil: any of the rule's types
}

// denyWorlds evaluates every deny body of a rule package.
func (d *detector) denyWorlds(pkg string) []world {
	var out []world
	for _, r := range d.rules[pkg]["deny"] {
		f := frameFor(r, pkg)
		f.line = r.Location.Row
		for _, g := range d.worlds(f, r.Body, 0, nil) {
			head := r.Head.Key
			if head == nil {
				head = r.Head.Value
			}
			result := d.term(g, head)
			d.deepRead(g, result)
			out = append(out, world{line: g.line, datasets: datasetsRead(g.reads), types: resourceTypes(d.field(g, result, "resource"))})
		}
	}
	return out
}

// resourceTypes names the types of resources whose ARN v is: the
// collections the ARN is read from (stage.arn from rest_apis.stages), by
// the dataset listing that type; nil when some ARN comes from elsewhere.
func resourceTypes(v val) []string {
	var types []string
	for _, s := range v {
		if s.unknown || s.literal || s.members != nil || len(s.origins) == 0 {
			return nil
		}
		for _, o := range s.origins {
			coll, ok := strings.CutSuffix(o.path, ".arn")
			typ := ""
			for _, ds := range snapshot.Datasets {
				if ok && ds.Paths[0] == coll {
					typ = typeListedBy[ds.Name]
				}
			}
			if typ == "" {
				return nil
			}
			types = append(types, typ)
		}
	}
	slices.Sort(types)
	return slices.Compact(types)
}

// typeListedBy maps a dataset to the resource type it lists.
var typeListedBy = func() map[string]string {
	m := map[string]string{}
	for _, typ := range []string{snapshot.TypeRestAPI, snapshot.TypeRestStage, snapshot.TypeUsagePlan, snapshot.TypeVPCLink,
		snapshot.TypeDomainName, snapshot.TypeV2API, snapshot.TypeV2Stage, snapshot.TypeLoadBalancer, snapshot.TypeListener,
		snapshot.TypeListenerRule, snapshot.TypeTargetGroup, snapshot.TypeSecurityGroup, snapshot.TypeWebACL,
		snapshot.TypeLambda, snapshot.TypeDistribution, snapshot.TypeShield, snapshot.TypeAlarm} {
		m[snapshot.ListingOf(typ)] = typ
	}
	return m
}()

// under reports whether path is prefix or lies below it, by components.
func under(path, prefix string) bool {
	return prefix == "" || path == prefix || strings.HasPrefix(path, prefix+".")
}

// datasetAt names the dataset a path is in: the one with the longest
// path it lies under ("" for none: input.accounts, the graph).
func datasetAt(path string) string {
	best, bestLen := "", -1
	for _, ds := range snapshot.Datasets {
		for _, p := range ds.Paths {
			if under(path, p) && len(p) > bestLen {
				best, bestLen = ds.Name, len(p)
			}
		}
	}
	return best
}

// datasetsRead maps what a deny body read to datasets.
func datasetsRead(reads readSet) []string {
	var out []string
	for r := range reads {
		switch r.kind {
		case 'p', 'd':
			if r.s == graphRoot || under(r.s, graphRoot) {
				field, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(r.s, graphRoot), "."), ".")
				for f, names := range snapshot.GraphDatasets {
					if f == field || field == "" {
						out = append(out, names...)
					}
				}
				continue
			}
			if ds := datasetAt(r.s); ds != "" {
				out = append(out, ds)
			}
			if r.kind == 'd' {
				for _, ds := range snapshot.Datasets {
					for _, p := range ds.Paths {
						if under(p, r.s) {
							out = append(out, ds.Name)
						}
					}
				}
			}
		case 'k':
			out = append(out, r.s)
		case 'u':
			out = append(out, snapshot.DatasetNames()...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
