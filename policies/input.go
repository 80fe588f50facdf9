package policies

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"
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
	c := converter{strings: make(map[string]*ast.Term)}
	t, err := c.convert(reflect.ValueOf(v))
	if err != nil {
		return nil, err
	}
	return t.Value, nil
}

// converter shares one term among equal short strings (regions, account
// IDs, tag keys and values, enum values), which a snapshot repeats
// thousands of times: fewer allocations, less garbage to collect. Terms of
// the input are never modified during evaluation; OPA shares its own
// interned terms the same way.
type converter struct {
	strings map[string]*ast.Term
}

// maxInterned is the longest string shared; longer ones (ARNs, URIs,
// policies) are nearly all unique.
const maxInterned = 40

func (c *converter) str(s string) *ast.Term {
	s = validUTF8(s)
	if len(s) > maxInterned {
		return ast.StringTerm(s)
	}
	if t, ok := c.strings[s]; ok {
		return t
	}
	t := ast.StringTerm(s)
	c.strings[s] = t
	return t
}

var (
	timeType      = reflect.TypeFor[time.Time]()
	rawJSONType   = reflect.TypeFor[json.RawMessage]()
	marshalerType = reflect.TypeFor[json.Marshaler]()
)

func (c *converter) convert(v reflect.Value) (*ast.Term, error) {
	switch t := v.Type(); {
	case t == timeType:
		b, err := v.Interface().(time.Time).MarshalJSON()
		if err != nil {
			return nil, err
		}
		s, err := strconv.Unquote(string(b))
		if err != nil {
			return nil, err
		}
		return ast.StringTerm(s), nil
	case t == rawJSONType:
		if v.IsNil() {
			return ast.NullTerm(), nil
		}
		return fromJSON(v.Bytes())
	case t.Implements(marshalerType) && (t.Kind() != reflect.Pointer || !v.IsNil()):
		// A type with its own JSON form, which only its marshaller knows.
		data, err := json.Marshal(v.Interface())
		if err != nil {
			return nil, err
		}
		return fromJSON(data)
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ast.NullTerm(), nil
		}
		return c.convert(v.Elem())
	case reflect.Struct:
		return c.convertStruct(v)
	case reflect.Slice:
		if v.IsNil() {
			return ast.NullTerm(), nil
		}
		fallthrough
	case reflect.Array:
		terms := make([]*ast.Term, v.Len())
		for i := range terms {
			e, err := c.convert(v.Index(i))
			if err != nil {
				return nil, err
			}
			terms[i] = e
		}
		return ast.ArrayTerm(terms...), nil
	case reflect.Map:
		if v.IsNil() {
			return ast.NullTerm(), nil
		}
		if v.Type().Key().Kind() != reflect.String {
			return nil, fmt.Errorf("input: map key type %s is not a string", v.Type().Key())
		}
		pairs := make([][2]*ast.Term, 0, v.Len())
		for it := v.MapRange(); it.Next(); {
			e, err := c.convert(it.Value())
			if err != nil {
				return nil, err
			}
			pairs = append(pairs, [2]*ast.Term{c.str(it.Key().String()), e})
		}
		return ast.ObjectTerm(pairs...), nil
	case reflect.String:
		return c.str(v.String()), nil
	case reflect.Bool:
		return ast.InternedTerm(v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return ast.InternedTerm(v.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if n := v.Uint(); n <= math.MaxInt64 {
			return ast.InternedTerm(int64(n)), nil
		}
		return ast.NumberTerm(json.Number(strconv.FormatUint(v.Uint(), 10))), nil
	case reflect.Float32, reflect.Float64:
		return floatNumber(v.Float(), v.Type().Bits())
	}
	return nil, fmt.Errorf("input: cannot convert %s", v.Type())
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
func floatNumber(f float64, bits int) (*ast.Term, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, fmt.Errorf("input: unsupported number %v", f)
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
	return ast.NumberTerm(json.Number(b)), nil
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

func (c *converter) convertStruct(v reflect.Value) (*ast.Term, error) {
	fields := fieldsOf(v.Type())
	pairs := make([][2]*ast.Term, 0, len(fields))
	for _, f := range fields {
		fv := v.Field(f.index)
		if f.omitEmpty && isEmpty(fv) {
			continue
		}
		e, err := c.convert(fv)
		if err != nil {
			return nil, err
		}
		pairs = append(pairs, [2]*ast.Term{f.name, e})
	}
	return ast.ObjectTerm(pairs...), nil
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
