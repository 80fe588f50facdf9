package yamljson

import (
	"testing"
)

func TestToJSON(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in, want, err string
	}{
		{"yaml", "rules:\n  GW104:\n    enabled: false\n", `{"rules":{"GW104":{"enabled":false}}}`, ""},
		{"json", `{"rules": {"GW104": {"enabled": false}}}`, `{"rules":{"GW104":{"enabled":false}}}`, ""},
		{"same key in two mappings", "a:\n  x: 1\nb:\n  x: 2\n", `{"a":{"x":1},"b":{"x":2}}`, ""},
		{"empty", "", "null", ""},
		{"top-level key twice", "rules: {}\nowner_tags: [a]\nrules: {}\n", "", `line 3: key "rules" is set twice in one mapping (first at line 1; the later would silently replace the earlier)`},
		{"nested key twice", "rules:\n  GW104:\n    enabled: false\n  GW104:\n    severity: low\n", "", `line 4: key "GW104" is set twice in one mapping (first at line 2; the later would silently replace the earlier)`},
		{"json key twice", `{"rules": {}, "rules": {}}`, "", `line 1: key "rules" is set twice in one mapping`},
		{"syntax", "rules:\n  - a\n b: c\n", "", "not valid YAML: line 2: did not find expected key"},
		{"merge keys", "a: &a {p: 1}\nb: &b {q: 2}\nc:\n  <<: *a\n  <<: *b\n", `{"a":{"p":1},"b":{"q":2},"c":{"p":1,"q":2}}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ToJSON([]byte(tc.in))
			switch {
			case tc.err == "" && (err != nil || string(got) != tc.want):
				t.Errorf("ToJSON = %s, %v; want %s", got, err, tc.want)
			case tc.err != "" && (err == nil || len(err.Error()) < len(tc.err) || err.Error()[:len(tc.err)] != tc.err):
				t.Errorf("error %v, want one starting %q", err, tc.err)
			}
		})
	}
}
