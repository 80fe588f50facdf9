package policies

import (
	"reflect"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// InputSchema is the JSON Schema of what rules read as input: the
// snapshot, derived from its Go model by the same json tags that write it,
// so the schema and a saved snapshot cannot disagree. Structs list their
// fields as properties and nothing else, so the type checker rejects a
// field the model does not have (input.load_balancer for
// input.load_balancers); maps (tags, attributes, settings) take any key.
func InputSchema() map[string]any {
	return schemaOf(reflect.TypeFor[snapshot.Snapshot]())
}

func schemaOf(t reflect.Type) map[string]any {
	switch {
	case t == timeType:
		return map[string]any{"type": "string"}
	case t == rawJSONType:
		return map[string]any{} // any JSON value
	case t.Kind() != reflect.Pointer && t.Implements(marshalerType):
		return map[string]any{} // its own JSON form, which only its marshaller knows
	}
	switch t.Kind() {
	case reflect.Pointer:
		s := schemaOf(t.Elem())
		if typ, ok := s["type"].(string); ok {
			s["type"] = []any{typ, "null"}
		}
		return s
	case reflect.Struct:
		props := map[string]any{}
		addFields(t, props)
		return map[string]any{"type": "object", "properties": props}
	case reflect.Slice, reflect.Array:
		// encoding/json writes a nil slice as null.
		return map[string]any{"type": []any{"array", "null"}, "items": schemaOf(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": []any{"object", "null"}, "additionalProperties": schemaOf(t.Elem())}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	}
	return map[string]any{} // interfaces: anything
}

// addFields adds the JSON properties of struct t, promoting the fields of
// embedded structs as encoding/json does.
func addFields(t reflect.Type, props map[string]any) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			addFields(f.Type, props)
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = schemaOf(f.Type)
	}
}

// inputSchemaSet holds InputSchema as the schema of input for every
// module the engine compiles.
func inputSchemaSet() *ast.SchemaSet {
	ss := ast.NewSchemaSet()
	ss.Put(ast.SchemaRootRef, InputSchema())
	return ss
}
