package policies

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/open-policy-agent/opa/v1/ast"
	"golang.org/x/sync/errgroup"
)

// toValue converts a snapshot (or any value of the model) to the OPA value
// its JSON form would parse to, without writing and re-reading the JSON:
// at 100k resources the text round trip (json.Marshal, then decoding into
// Go interfaces, then into OPA terms) took half of an evaluation. It
// follows encoding/json's rules for the types the model uses (json tags,
// omitempty, nil slices and maps as null, time.Time and json.RawMessage,
// float formatting), and a test holds it to ast.ValueFromReader over
// json.Marshal, so the rules still see exactly what a saved snapshot holds.
func toValue(v any) (ast.Value, error) {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() && !rv.Type().Implements(marshalerType) {
		rv = rv.Elem()
	}
	if workers := runtime.GOMAXPROCS(0); workers > 1 && rv.Kind() == reflect.Struct && !rv.Type().Implements(marshalerType) && rv.Type() != timeType {
		return convertSplit(rv, workers)
	}
	t, _, err := newConverter().convert(rv)
	if err != nil {
		return nil, err
	}
	return t.Value, nil
}

func newConverter() *converter {
	return &converter{strings: map[string]*ast.Term{}, numbers: map[json.Number]*ast.Term{}, composites: map[string]*ast.Term{}}
}

// splitLen is the length from which a top-level list (a dataset of the
// snapshot) is converted in runs on every CPU.
const splitLen = 2048

// convertSplit converts a struct (the snapshot) with its long lists cut
// into runs that workers convert at once, each with its own converter:
// at 100k resources, converting was the longest step of an evaluation
// that ran on one CPU. A string repeated across runs converted by
// different workers is a term per worker, which costs a few megabytes.
func convertSplit(v reflect.Value, workers int) (ast.Value, error) {
	type run struct {
		list   reflect.Value
		lo, hi int
		out    []*ast.Term
	}
	fields := fieldsOf(v.Type())
	pairs := make([][2]*ast.Term, 0, len(fields))
	lists := map[int][]*ast.Term{} // by index in pairs
	var runs []run
	main := newConverter()
	for _, f := range fields {
		fv := v.Field(f.index)
		if f.omitEmpty && isEmpty(fv) {
			continue
		}
		if fv.Kind() == reflect.Slice && fv.Len() >= splitLen && fv.Type() != rawJSONType && !fv.Type().Implements(marshalerType) {
			terms := make([]*ast.Term, fv.Len())
			lists[len(pairs)] = terms
			size := max(splitLen/4, fv.Len()/(4*workers)+1)
			for lo := 0; lo < fv.Len(); lo += size {
				hi := min(lo+size, fv.Len())
				runs = append(runs, run{list: fv, lo: lo, hi: hi, out: terms[lo:hi]})
			}
			pairs = append(pairs, [2]*ast.Term{f.name, nil})
			continue
		}
		e, _, err := main.convert(fv)
		if err != nil {
			return nil, err
		}
		pairs = append(pairs, [2]*ast.Term{f.name, e})
	}
	next := make(chan *run, len(runs))
	for i := range runs {
		next <- &runs[i]
	}
	close(next)
	var g errgroup.Group
	for w := range workers {
		c := main
		if w > 0 {
			c = newConverter()
		}
		g.Go(func() error {
			for r := range next {
				for i := r.lo; i < r.hi; i++ {
					t, _, err := c.convert(r.list.Index(i))
					if err != nil {
						return err
					}
					r.out[i-r.lo] = t
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for i, terms := range lists {
		pairs[i][1] = ast.ArrayTerm(terms...)
	}
	return ast.NewObject(pairs...), nil
}

// converter shares terms among equal values. Every string is one term
// however often the snapshot repeats it (regions, account IDs, tag keys
// and values, the ARNs that load balancer rules, target groups and web
// ACLs name each other by). Small objects and arrays made only of shared
// terms are shared too: tag sets, attribute maps, health checks, method
// settings, listener conditions and actions repeat across thousands of
// resources, and OPA's objects cost about 4x their JSON (at 100k
// resources the input value was 300 MB, the largest part of an
// evaluation's memory). Terms of the input are never modified during
// evaluation; OPA shares its own interned terms the same way.
type converter struct {
	strings    map[string]*ast.Term
	numbers    map[json.Number]*ast.Term
	composites map[string]*ast.Term // by kind and the addresses of their shared parts
	key        []byte
}

// maxShared bounds the entries of an object or array considered for
// sharing: larger ones (a resource with all its fields) are nearly all
// unique, and their keys would only cost time.
const maxShared = 16

func (c *converter) str(s string) *ast.Term {
	s = validUTF8(s)
	if t, ok := c.strings[s]; ok {
		return t
	}
	t := ast.StringTerm(s)
	c.strings[s] = t
	return t
}

// share returns the term already made for a composite of the same kind
// whose n parts (part(i)) are the same shared terms, or t, remembered for
// the next one.
func (c *converter) share(kind byte, n int, part func(int) *ast.Term, t *ast.Term) *ast.Term {
	c.key = append(c.key[:0], kind)
	for i := range n {
		c.key = binary.LittleEndian.AppendUint64(c.key, uint64(uintptr(unsafe.Pointer(part(i)))))
	}
	if prev, ok := c.composites[string(c.key)]; ok {
		return prev
	}
	c.composites[string(c.key)] = t
	return t
}

// shareObject shares an object by its pairs, keys and values in turn.
func (c *converter) shareObject(pairs [][2]*ast.Term, t *ast.Term) *ast.Term {
	return c.share('o', 2*len(pairs), func(i int) *ast.Term { return pairs[i/2][i%2] }, t)
}

var (
	timeType      = reflect.TypeFor[time.Time]()
	rawJSONType   = reflect.TypeFor[json.RawMessage]()
	marshalerType = reflect.TypeFor[json.Marshaler]()
)

// convert returns v's term and whether that term is shared (every equal
// value converts to the same pointer), which makes the objects and arrays
// holding it candidates for sharing.
func (c *converter) convert(v reflect.Value) (*ast.Term, bool, error) {
	switch t := v.Type(); {
	case t == timeType:
		b, err := v.Interface().(time.Time).MarshalJSON()
		if err != nil {
			return nil, false, err
		}
		s, err := strconv.Unquote(string(b))
		if err != nil {
			return nil, false, err
		}
		return c.str(s), true, nil
	case t == rawJSONType:
		if v.IsNil() {
			return nullTerm, true, nil
		}
		t, err := fromJSON(v.Bytes())
		return t, false, err
	case t.Implements(marshalerType) && (t.Kind() != reflect.Pointer || !v.IsNil()):
		// A type with its own JSON form, which only its marshaller knows.
		data, err := json.Marshal(v.Interface())
		if err != nil {
			return nil, false, err
		}
		t, err := fromJSON(data)
		return t, false, err
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nullTerm, true, nil
		}
		return c.convert(v.Elem())
	case reflect.Struct:
		return c.convertStruct(v)
	case reflect.Slice:
		if v.IsNil() {
			return nullTerm, true, nil
		}
		fallthrough
	case reflect.Array:
		terms := make([]*ast.Term, v.Len())
		all := len(terms) <= maxShared
		for i := range terms {
			e, shared, err := c.convert(v.Index(i))
			if err != nil {
				return nil, false, err
			}
			terms[i], all = e, all && shared
		}
		t := ast.ArrayTerm(terms...)
		if all {
			return c.share('a', len(terms), func(i int) *ast.Term { return terms[i] }, t), true, nil
		}
		return t, false, nil
	case reflect.Map:
		if v.IsNil() {
			return nullTerm, true, nil
		}
		if v.Type().Key().Kind() != reflect.String {
			return nil, false, fmt.Errorf("input: map key type %s is not a string", v.Type().Key())
		}
		pairs := make([][2]*ast.Term, 0, v.Len())
		all := v.Len() <= maxShared
		for it := v.MapRange(); it.Next(); {
			e, shared, err := c.convert(it.Value())
			if err != nil {
				return nil, false, err
			}
			pairs = append(pairs, [2]*ast.Term{c.str(it.Key().String()), e})
			all = all && shared
		}
		t := ast.ObjectTerm(pairs...)
		if !all {
			return t, false, nil
		}
		// Map order is random: key the pairs in key order.
		slices.SortFunc(pairs, func(a, b [2]*ast.Term) int {
			return strings.Compare(string(a[0].Value.(ast.String)), string(b[0].Value.(ast.String)))
		})
		return c.shareObject(pairs, t), true, nil
	case reflect.String:
		return c.str(v.String()), true, nil
	case reflect.Bool:
		return ast.InternedTerm(v.Bool()), true, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return c.number(json.Number(strconv.FormatInt(v.Int(), 10))), true, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return c.number(json.Number(strconv.FormatUint(v.Uint(), 10))), true, nil
	case reflect.Float32, reflect.Float64:
		n, err := floatNumber(v.Float(), v.Type().Bits())
		if err != nil {
			return nil, false, err
		}
		return c.number(n), true, nil
	}
	return nil, false, fmt.Errorf("input: cannot convert %s", v.Type())
}

var nullTerm = ast.NullTerm()

// number is the one term of a number.
func (c *converter) number(n json.Number) *ast.Term {
	if t, ok := c.numbers[n]; ok {
		return t
	}
	t := ast.NumberTerm(n)
	c.numbers[n] = t
	return t
}

func fromJSON(data []byte) (*ast.Term, error) {
	v, err := ast.ValueFromReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return ast.NewTerm(v), nil
}

// floatNumber formats f as encoding/json does, so that messages built with
// sprintf read the same from a live scan and a saved snapshot.
func floatNumber(f float64, bits int) (json.Number, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return "", fmt.Errorf("input: unsupported number %v", f)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21)) {
		format = 'e'
	}
	b := strconv.AppendFloat(nil, f, format, -1, bits)
	if format == 'e' {
		// encoding/json writes e-7, not e-07.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return json.Number(b), nil
}

// validUTF8 replaces each invalid byte with U+FFFD, as encoding/json does.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString("\ufffd")
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// field is one JSON field of a struct type.
type field struct {
	index     int
	name      *ast.Term
	omitEmpty bool
}

var fieldCache sync.Map // reflect.Type -> []field

func fieldsOf(t reflect.Type) []field {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]field)
	}
	var fields []field
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() || sf.Anonymous {
			continue
		}
		name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" && opts == "" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		fields = append(fields, field{index: i, name: ast.StringTerm(name), omitEmpty: strings.Contains(","+opts+",", ",omitempty,")})
	}
	fieldCache.Store(t, fields)
	return fields
}

func (c *converter) convertStruct(v reflect.Value) (*ast.Term, bool, error) {
	fields := fieldsOf(v.Type())
	pairs := make([][2]*ast.Term, 0, len(fields))
	all := len(fields) <= maxShared
	for _, f := range fields {
		fv := v.Field(f.index)
		if f.omitEmpty && isEmpty(fv) {
			continue
		}
		e, shared, err := c.convert(fv)
		if err != nil {
			return nil, false, err
		}
		pairs = append(pairs, [2]*ast.Term{f.name, e})
		all = all && shared
	}
	t := ast.ObjectTerm(pairs...)
	if all {
		// Field names are one term per struct type, in field order.
		return c.shareObject(pairs, t), true, nil
	}
	return t, false, nil
}

// isEmpty is encoding/json's omitempty test.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	}
	return false
}
