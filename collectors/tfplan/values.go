package tfplan

import (
	"encoding/json"
	"strconv"
)

// Readers of planned values: Terraform writes nested blocks as lists of
// objects, numbers as JSON numbers, and unknown values as absent.

func str(m map[string]any, key string) string {
	switch v := m[key].(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case json.Number:
		return v.String()
	}
	return ""
}

func boolean(m map[string]any, key string) bool {
	b, _ := m[key].(bool)
	return b
}

// integer returns a number value; ok is false when absent or not a number.
func integer(m map[string]any, key string) (int, bool) {
	switch v := m[key].(type) {
	case float64:
		return int(v), true
	case json.Number:
		n, err := v.Int64()
		return int(n), err == nil
	case string:
		n, err := strconv.Atoi(v)
		return n, err == nil
	}
	return 0, false
}

func number(m map[string]any, key string) (float64, bool) {
	switch v := m[key].(type) {
	case float64:
		return v, true
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	}
	return 0, false
}

// blocks returns a nested block list (or a single object) as objects.
func blocks(m map[string]any, key string) []map[string]any {
	var out []map[string]any
	switch v := m[key].(type) {
	case []any:
		for _, it := range v {
			if o, ok := it.(map[string]any); ok {
				out = append(out, o)
			}
		}
	case map[string]any:
		out = append(out, v)
	}
	return out
}

// block returns the first block of a nested block list, or nil.
func block(m map[string]any, key string) map[string]any {
	if bs := blocks(m, key); len(bs) > 0 {
		return bs[0]
	}
	return nil
}

// strs returns a list (or set) of strings.
func strs(m map[string]any, key string) []string {
	var out []string
	if l, ok := m[key].([]any); ok {
		for _, it := range l {
			if s, ok := it.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// strMap returns a map of strings (tags, variables, dimensions).
func strMap(m map[string]any, key string) map[string]string {
	raw, ok := m[key].(map[string]any)
	if !ok {
		return nil
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

// isUnknown reports whether after_unknown marks key (or anything in it).
func isUnknown(u map[string]any, key string) bool {
	switch v := u[key].(type) {
	case bool:
		return v
	case map[string]any:
		for k := range v {
			if isUnknown(v, k) {
				return true
			}
		}
	case []any:
		for _, it := range v {
			if b, ok := it.(bool); ok && b {
				return true
			}
			if o, ok := it.(map[string]any); ok {
				for k := range o {
					if isUnknown(o, k) {
						return true
					}
				}
			}
		}
	}
	return false
}
