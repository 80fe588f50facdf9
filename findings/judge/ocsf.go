package judge

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// OCSF is the OCSF schema as its source repository lays it out
// (dictionary.json, categories.json, events/, objects/, profiles/). No JSON
// Schema of OCSF is published, so the checks are made here from those
// definitions: a class is resolved through its extends chain and the
// profiles it includes, each attribute's definition is the dictionary's
// overlaid with the class's or object's, and an event is checked against
// the result through every nested object.
type OCSF struct {
	version    string
	dict       map[string]map[string]any // attribute name -> definition
	types      map[string]map[string]any // type name -> definition
	categories map[string]map[string]any // category name -> uid, caption
	objects    map[string]map[string]any // object name -> raw definition
	events     map[string]map[string]any // event name -> raw definition
	dir        string
	// resolved caches classes and objects by name.
	resolved map[string]*ocsfType
	regex    map[string]*regexp.Regexp
}

// ocsfType is a class or object with its attributes resolved.
type ocsfType struct {
	name, caption string
	attrs         map[string]map[string]any
	constraints   map[string]any
	// For classes: the category's uid and caption.
	categoryUID     int
	categoryCaption string
}

// OCSFSchema loads the schema from $OCSF_SCHEMA_DIR, the folder of the OCSF
// schema repository at the version the events declare. It skips, or fails
// under CI=true, when the variable is unset or names no schema.
func OCSFSchema(t testing.TB) *OCSF {
	t.Helper()
	dir := os.Getenv("OCSF_SCHEMA_DIR")
	if dir == "" {
		missing(t, "OCSF_SCHEMA_DIR not set: point it at a checkout of github.com/ocsf/ocsf-schema at v1.6.0 "+
			"(in this workspace ../shared/ocsf-schema-1.6.0 beside the repository; .ci/run sets it)")
		return nil
	}
	s, err := LoadOCSF(dir)
	if err != nil {
		missing(t, "OCSF_SCHEMA_DIR: "+err.Error())
		return nil
	}
	return s
}

// LoadOCSF reads the schema folder.
func LoadOCSF(dir string) (*OCSF, error) {
	s := &OCSF{dir: dir, objects: map[string]map[string]any{}, events: map[string]map[string]any{},
		resolved: map[string]*ocsfType{}, regex: map[string]*regexp.Regexp{}}
	var version struct{ Version string }
	if err := readJSON(filepath.Join(dir, "version.json"), &version); err != nil {
		return nil, err
	}
	s.version = version.Version
	var dict struct {
		Attributes map[string]map[string]any
		Types      struct{ Attributes map[string]map[string]any }
	}
	if err := readJSON(filepath.Join(dir, "dictionary.json"), &dict); err != nil {
		return nil, err
	}
	s.dict, s.types = dict.Attributes, dict.Types.Attributes
	var cats struct{ Attributes map[string]map[string]any }
	if err := readJSON(filepath.Join(dir, "categories.json"), &cats); err != nil {
		return nil, err
	}
	s.categories = cats.Attributes
	for sub, into := range map[string]map[string]map[string]any{"objects": s.objects, "events": s.events} {
		err := filepath.WalkDir(filepath.Join(dir, sub), func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
				return err
			}
			var def map[string]any
			if err := readJSON(path, &def); err != nil {
				return err
			}
			name, _ := def["name"].(string)
			if name == "" {
				return fmt.Errorf("%s: no name", path)
			}
			into[name] = def
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if len(s.events) == 0 || len(s.objects) == 0 || len(s.dict) == 0 {
		return nil, fmt.Errorf("%s holds no OCSF schema (dictionary.json, events/, objects/)", dir)
	}
	return s, nil
}

func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// Version is the schema's version.
func (s *OCSF) Version() string { return s.version }

// OCSFErrors checks data, a JSON array of OCSF events (or one event), and
// returns one line per problem, prefixed with the event's index and the
// attribute's path.
func (s *OCSF) OCSFErrors(data []byte) []string {
	var events []map[string]any
	if err := json.Unmarshal(data, &events); err != nil {
		var one map[string]any
		if err2 := json.Unmarshal(data, &one); err2 != nil {
			return []string{"not a JSON array of events nor one event: " + err.Error()}
		}
		events = []map[string]any{one}
	}
	var errs []string
	for i, e := range events {
		for _, msg := range s.EventErrors(e) {
			errs = append(errs, fmt.Sprintf("event %d: %s", i, msg))
		}
	}
	return errs
}

// EventErrors checks one event.
func (s *OCSF) EventErrors(e map[string]any) []string {
	v := &validation{s: s}
	classUID, ok := intOf(e["class_uid"])
	if !ok {
		return []string{"class_uid: missing or not an integer"}
	}
	class, err := s.class(classUID)
	if err != nil {
		return []string{err.Error()}
	}
	if md, ok := e["metadata"].(map[string]any); ok {
		if got := md["version"]; got != s.version {
			v.add("metadata.version", "%v, want the schema's %s", got, s.version)
		}
		if ps, ok := md["profiles"].([]any); ok {
			for _, p := range ps {
				if name, ok := p.(string); ok {
					v.profiles = append(v.profiles, name)
				}
			}
		}
	}
	if cu, _ := intOf(e["category_uid"]); cu != class.categoryUID {
		v.add("category_uid", "%v, want %d (the class's category)", e["category_uid"], class.categoryUID)
	}
	if cn, ok := e["category_name"]; ok && cn != class.categoryCaption {
		v.add("category_name", "%q, want %q", cn, class.categoryCaption)
	}
	if cn, ok := e["class_name"]; ok && cn != class.caption {
		v.add("class_name", "%q, want %q", cn, class.caption)
	}
	activity, _ := intOf(e["activity_id"])
	if tu, ok := intOf(e["type_uid"]); !ok || tu != classUID*100+activity {
		v.add("type_uid", "%v, want class_uid * 100 + activity_id = %d", e["type_uid"], classUID*100+activity)
	}
	if tn, ok := e["type_name"]; ok {
		caption := enumCaption(class.attrs["activity_id"], activity)
		if want := class.caption + ": " + caption; tn != want {
			v.add("type_name", "%q, want %q", tn, want)
		}
	}
	// The base event's enums of these two list only 0; the class and its
	// category, checked above, are their values.
	attrs := maps.Clone(class.attrs)
	for _, k := range []string{"class_uid", "category_uid"} {
		attrs[k] = maps.Clone(attrs[k])
		delete(attrs[k], "enum")
	}
	v.object("", e, &ocsfType{name: class.name, attrs: attrs, constraints: class.constraints})
	return v.errs
}

type validation struct {
	s        *OCSF
	profiles []string
	errs     []string
}

func (v *validation) add(path, format string, args ...any) {
	v.errs = append(v.errs, path+": "+fmt.Sprintf(format, args...))
}

// object checks value against a resolved class or object.
func (v *validation) object(path string, value map[string]any, t *ocsfType) {
	for _, key := range slices.Sorted(maps.Keys(value)) {
		p := join(path, key)
		def, ok := t.attrs[key]
		if !ok {
			v.add(p, "not an attribute of %s", t.name)
			continue
		}
		if _, ok := def["@deprecated"]; ok {
			v.add(p, "deprecated in %s", t.name)
		}
		if prof, ok := def["profile"].(string); ok && !slices.Contains(v.profiles, prof) {
			v.add(p, "belongs to profile %q, which metadata.profiles does not declare", prof)
		}
		v.value(p, value[key], def)
		if sib, ok := def["sibling"].(string); ok && def["enum"] != nil {
			if id, ok := intOf(value[key]); ok && id != 99 {
				if got, ok := value[sib]; ok && got != enumCaption(def, id) {
					v.add(join(path, sib), "%q, want %q, the caption of %s %d", got, enumCaption(def, id), key, id)
				}
			}
		}
	}
	for _, key := range slices.Sorted(maps.Keys(t.attrs)) {
		def := t.attrs[key]
		if def["requirement"] != "required" {
			continue
		}
		if prof, ok := def["profile"].(string); ok && !slices.Contains(v.profiles, prof) {
			continue
		}
		if _, ok := value[key]; !ok {
			v.add(join(path, key), "required by %s, missing", t.name)
		}
	}
	if names, ok := t.constraints["at_least_one"].([]any); ok && countPresent(value, names) == 0 {
		v.add(cmp.Or(path, "event"), "%s needs at least one of %v", t.name, names)
	}
	if names, ok := t.constraints["just_one"].([]any); ok && countPresent(value, names) != 1 {
		v.add(cmp.Or(path, "event"), "%s needs exactly one of %v", t.name, names)
	}
}

func countPresent(value map[string]any, names []any) int {
	n := 0
	for _, name := range names {
		if s, ok := name.(string); ok && value[s] != nil {
			n++
		}
	}
	return n
}

// value checks one attribute's value against its definition.
func (v *validation) value(path string, val any, def map[string]any) {
	if def["is_array"] == true {
		arr, ok := val.([]any)
		if !ok {
			v.add(path, "want an array, got %T", val)
			return
		}
		one := maps.Clone(def)
		delete(one, "is_array")
		for i, el := range arr {
			v.value(fmt.Sprintf("%s[%d]", path, i), el, one)
		}
		return
	}
	typ, _ := def["type"].(string)
	if typ == "object" { // any object (unmapped)
		if _, ok := val.(map[string]any); !ok {
			v.add(path, "want an object, got %T", val)
		}
		return
	}
	if _, ok := v.s.objects[typ]; ok {
		obj, ok := val.(map[string]any)
		if !ok {
			v.add(path, "want a %s object, got %T", typ, val)
			return
		}
		t, err := v.s.object(typ)
		if err != nil {
			v.add(path, "%v", err)
			return
		}
		v.object(path, obj, t)
		return
	}
	base, regex := v.s.baseType(typ)
	switch base {
	case "string_t":
		s, ok := val.(string)
		if !ok {
			v.add(path, "want a string (%s), got %T", typ, val)
			return
		}
		if regex != "" {
			re, err := v.s.compile(regex)
			if err == nil && !re.MatchString(s) {
				v.add(path, "%q does not match %s's pattern", s, typ)
			}
		}
	case "integer_t", "long_t":
		if _, ok := intOf(val); !ok {
			v.add(path, "want an integer (%s), got %v", typ, val)
			return
		}
	case "float_t":
		if _, ok := val.(float64); !ok {
			v.add(path, "want a number (%s), got %T", typ, val)
		}
	case "boolean_t":
		if _, ok := val.(bool); !ok {
			v.add(path, "want a boolean, got %T", val)
		}
	case "json_t":
	default:
		v.add(path, "unknown type %q", typ)
	}
	if enum, ok := def["enum"].(map[string]any); ok {
		if id, ok := intOf(val); ok {
			if _, known := enum[strconv.Itoa(id)]; !known {
				v.add(path, "%d is not one of the enum's values %v", id, slices.Sorted(maps.Keys(enum)))
			}
		}
	}
}

// baseType follows a type to its primitive and returns the first pattern
// met on the way.
func (s *OCSF) baseType(typ string) (base, regex string) {
	for range 8 {
		def, ok := s.types[typ]
		if !ok {
			return typ, regex
		}
		if r, ok := def["regex"].(string); ok && regex == "" {
			regex = r
		}
		next, ok := def["type"].(string)
		if !ok || next == typ {
			return typ, regex
		}
		typ = next
	}
	return typ, regex
}

func (s *OCSF) compile(pattern string) (*regexp.Regexp, error) {
	if re, ok := s.regex[pattern]; ok {
		return re, nil
	}
	re, err := regexp.Compile(pattern)
	if err == nil {
		s.regex[pattern] = re
	}
	return re, err
}

// class resolves the event class of a class_uid: its category's uid times
// 1000 plus the class's own uid.
func (s *OCSF) class(classUID int) (*ocsfType, error) {
	for name, def := range s.events {
		uid, ok := intOf(def["uid"])
		if !ok {
			continue
		}
		c, ok := s.categories[s.category(def)]
		if !ok {
			continue
		}
		cu, _ := intOf(c["uid"])
		if cu*1000+uid != classUID {
			continue
		}
		t, err := s.resolve("event "+name, name, s.events)
		if err != nil {
			return nil, err
		}
		t.categoryUID = cu
		t.categoryCaption, _ = c["caption"].(string)
		return t, nil
	}
	return nil, fmt.Errorf("class_uid %d: no such class in OCSF %s", classUID, s.version)
}

// category is a class's category, which a class may inherit from the
// class it extends.
func (s *OCSF) category(def map[string]any) string {
	for range 16 {
		if c, ok := def["category"].(string); ok {
			return c
		}
		parent, _ := def["extends"].(string)
		if def = s.events[parent]; def == nil {
			return ""
		}
	}
	return ""
}

func (s *OCSF) object(name string) (*ocsfType, error) {
	return s.resolve("object "+name, name, s.objects)
}

// resolve merges a definition's extends chain (parent first), the profiles
// each level includes, and the dictionary's definition of each attribute
// under the class's or object's own.
func (s *OCSF) resolve(key, name string, defs map[string]map[string]any) (*ocsfType, error) {
	if t, ok := s.resolved[key]; ok {
		return t, nil
	}
	var chain []map[string]any
	for n := name; n != ""; {
		def, ok := defs[n]
		if !ok {
			return nil, fmt.Errorf("%s: extends unknown %q", key, n)
		}
		chain = append([]map[string]any{def}, chain...)
		n, _ = def["extends"].(string)
		if len(chain) > 16 {
			return nil, fmt.Errorf("%s: extends loop", key)
		}
	}
	t := &ocsfType{name: name, attrs: map[string]map[string]any{}, constraints: map[string]any{}}
	for _, def := range chain {
		attrs, _ := def["attributes"].(map[string]any)
		if inc, ok := attrs["$include"].([]any); ok {
			for _, f := range inc {
				path, _ := f.(string)
				var prof struct {
					Name       string
					Attributes map[string]map[string]any
				}
				if err := readJSON(filepath.Join(s.dir, path), &prof); err != nil {
					return nil, fmt.Errorf("%s: include: %w", key, err)
				}
				for a, d := range prof.Attributes {
					d = maps.Clone(d)
					d["profile"] = prof.Name
					t.attrs[a] = merge(t.attrs[a], d)
				}
			}
		}
		for a, d := range attrs {
			if m, ok := d.(map[string]any); ok && a != "$include" {
				t.attrs[a] = merge(t.attrs[a], m)
			}
		}
		if c, ok := def["constraints"].(map[string]any); ok {
			maps.Copy(t.constraints, c)
		}
		if c, ok := def["caption"].(string); ok {
			t.caption = c
		}
	}
	for a, d := range t.attrs {
		if dict, ok := s.dict[a]; ok {
			t.attrs[a] = merge(dict, d)
		}
	}
	s.resolved[key] = t
	return t, nil
}

// merge overlays b on a, recursively for objects; a null in b removes the
// value (a class sets "profile": null to take an attribute out of its
// profile).
func merge(a, b map[string]any) map[string]any {
	out := maps.Clone(a)
	if out == nil {
		out = map[string]any{}
	}
	for k, bv := range b {
		if bv == nil {
			delete(out, k)
			continue
		}
		am, aok := out[k].(map[string]any)
		bm, bok := bv.(map[string]any)
		if aok && bok {
			out[k] = merge(am, bm)
			continue
		}
		out[k] = bv
	}
	return out
}

func enumCaption(def map[string]any, id int) string {
	enum, _ := def["enum"].(map[string]any)
	entry, _ := enum[strconv.Itoa(id)].(map[string]any)
	c, _ := entry["caption"].(string)
	return c
}

func intOf(v any) (int, bool) {
	f, ok := v.(float64)
	if !ok || f != math.Trunc(f) {
		return 0, false
	}
	return int(f), true
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
