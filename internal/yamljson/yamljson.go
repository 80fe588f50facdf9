// Package yamljson reads the YAML (or JSON) files users write, the
// configuration and the suppressions, as JSON, strictly: a key set twice
// in one mapping is an error, where YAML decoders let the last one win
// silently ("rules:" twice drops the first block's switches).
package yamljson

import (
	"errors"
	"regexp"
	"strings"

	yamlv3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/yaml"
)

// duplicateKey is go.yaml.in/yaml/v3's message for a key set twice.
var duplicateKey = regexp.MustCompile(`^line (\d+): mapping key (".*") already defined at line (\d+)$`)

// ToJSON converts a YAML or JSON document to JSON. Errors are one line
// with the line number: "not valid YAML: line 3: ..." or `line 5: key
// "GW104" is set twice in one mapping (first at line 2)`.
//
// sigs.k8s.io/yaml converts, as it always has here; its strict mode
// reports a duplicate at the line of the second value rather than of its
// key, so go.yaml.in/yaml/v3, which refuses duplicates by default and
// names both lines, looks for them.
func ToJSON(data []byte) ([]byte, error) {
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		msg := strings.TrimPrefix(strings.TrimPrefix(err.Error(), "error converting YAML to JSON: "), "yaml: ")
		return nil, errors.New("not valid YAML: " + strings.Join(strings.Fields(msg), " "))
	}
	var doc any
	var te *yamlv3.TypeError
	if err := yamlv3.Unmarshal(data, &doc); errors.As(err, &te) {
		for _, e := range te.Errors {
			// "<<" is YAML's merge key: given twice, both mappings merge
			// (as sigs.k8s.io/yaml does), nothing is replaced.
			if m := duplicateKey.FindStringSubmatch(e); m != nil && m[2] != `"<<"` {
				return nil, errors.New("line " + m[1] + ": key " + m[2] + " is set twice in one mapping (first at line " + m[3] + "; the later would silently replace the earlier)")
			}
		}
	}
	return js, nil
}
