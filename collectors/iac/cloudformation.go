package iac

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// The tags CloudFormation puts on every resource of a stack that takes
// tags (SAM and CDK deploy through CloudFormation, so theirs too).
const (
	TagStackName = "aws:cloudformation:stack-name"
	TagLogicalID = "aws:cloudformation:logical-id"
)

// cdkPathKey is the metadata CDK writes on each synthesized resource: the
// path of the construct that made it (QuotesStack/Api/Resource).
const cdkPathKey = "aws:cdk:path"

// maxTemplateBytes skips files far larger than any template CloudFormation
// accepts (1 MB from S3): data files, lock files.
const maxTemplateBytes = 4 << 20

// template is one CloudFormation template (plain, SAM, or synthesized by
// CDK) of the source tree.
type template struct {
	file      string // absolute
	resources map[string]cfnResource
	// stacks are names the template is known to deploy as: its CDK
	// manifest's stackName, and its file name's stem.
	stacks []string
}

// cfnResource is one entry of a template's Resources.
type cfnResource struct {
	typ                string
	startLine, endLine int
	cdkPath            string
}

// cdkManifest is the part of cdk.out/manifest.json that names the stack
// each synthesized template deploys.
type cdkManifest struct {
	Artifacts map[string]struct {
		Type       string `json:"type"`
		Properties struct {
			TemplateFile string `json:"templateFile"`
			StackName    string `json:"stackName"`
		} `json:"properties"`
	} `json:"artifacts"`
}

// loadTemplates finds the CloudFormation templates below the source
// directories: YAML (short-form intrinsics such as !Ref and !GetAtt
// included) and JSON files whose top level has Resources with Types.
// Files that are not templates, or do not parse, are passed over; a file
// that says it is a template and does not parse is a problem.
func loadTemplates(f *files) ([]*template, []error, error) {
	var (
		out      []*template
		problems []error
		stacks   = map[string][]string{} // template file -> stack names, from CDK manifests
	)
	err := f.walk(func(path string) error {
		ext := strings.ToLower(filepath.Ext(path))
		if ext != ".yaml" && ext != ".yml" && ext != ".json" && ext != ".template" {
			return nil
		}
		if info, err := os.Stat(path); err != nil || info.Size() > maxTemplateBytes {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("--source: %w", err)
		}
		if filepath.Base(path) == "manifest.json" {
			var m cdkManifest
			if json.Unmarshal(data, &m) == nil {
				for id, a := range m.Artifacts {
					if a.Type == "aws:cloudformation:stack" && a.Properties.TemplateFile != "" {
						file := filepath.Join(filepath.Dir(path), filepath.FromSlash(a.Properties.TemplateFile))
						stacks[file] = append(stacks[file], cmp.Or(a.Properties.StackName, id))
					}
				}
			}
			return nil
		}
		if !bytes.Contains(data, []byte("Resources")) {
			return nil
		}
		var res map[string]cfnResource
		if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '{' {
			res, err = jsonResources(data)
		} else {
			res, err = yamlResources(data)
		}
		if err != nil {
			if bytes.Contains(data, []byte("AWSTemplateFormatVersion")) {
				problems = append(problems, fmt.Errorf("cloudformation: skipped %s: %w", f.rel(path), err))
			}
			return nil
		}
		if len(res) > 0 {
			out = append(out, &template{file: path, resources: res, stacks: []string{stem(path)}})
		}
		return nil
	})
	for _, t := range out {
		t.stacks = append(stacks[t.file], t.stacks...)
	}
	return out, problems, err
}

// stem is a template's file name without its extensions
// (QuotesStack.template.json -> QuotesStack), or its directory's name for
// the conventional template.yaml of SAM.
func stem(path string) string {
	base := filepath.Base(path)
	name, _, _ := strings.Cut(base, ".")
	if name == "template" {
		return filepath.Base(filepath.Dir(path))
	}
	return name
}

// yamlResources reads a YAML template's Resources with their line ranges,
// through yaml.v3's node tree: short-form intrinsic functions (!Ref,
// !GetAtt, !Sub) are tags on nodes there, not errors.
func yamlResources(data []byte) (map[string]cfnResource, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	resources := mappingValue(doc.Content[0], "Resources")
	if resources == nil || resources.Kind != yaml.MappingNode {
		return nil, nil
	}
	out := map[string]cfnResource{}
	for i := 0; i+1 < len(resources.Content); i += 2 {
		key, val := resources.Content[i], resources.Content[i+1]
		typ := mappingValue(val, "Type")
		if typ == nil || typ.Kind != yaml.ScalarNode || !strings.Contains(typ.Value, "::") {
			continue
		}
		r := cfnResource{typ: typ.Value, startLine: key.Line, endLine: lastLine(val)}
		if p := mappingValue(mappingValue(val, "Metadata"), cdkPathKey); p != nil && p.Kind == yaml.ScalarNode {
			r.cdkPath = p.Value
		}
		out[key.Value] = r
	}
	return out, nil
}

// mappingValue is the value of key in a mapping node, or nil.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// lastLine is the last line a node's text occupies: its deepest last
// child, plus the lines of a block scalar (| or >) that spans several.
func lastLine(n *yaml.Node) int {
	last := n.Line
	for _, c := range n.Content {
		last = max(last, lastLine(c))
	}
	if n.Kind == yaml.ScalarNode && (n.Style&(yaml.LiteralStyle|yaml.FoldedStyle)) != 0 {
		last += strings.Count(strings.TrimRight(n.Value, "\n"), "\n") + 1
	}
	return last
}

// jsonResources reads a JSON template's Resources with their line ranges:
// from the line of the logical ID's key to that of the closing brace of
// its value, found with the decoder's input offsets.
func jsonResources(data []byte) (map[string]cfnResource, error) {
	lines := lineStarts(data)
	lineAt := func(off int64) int { return sort.Search(len(lines), func(i int) bool { return lines[i] > int(off) }) }
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errNotObject(err)
	}
	out := map[string]cfnResource{}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, err
		}
		if key != "Resources" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, err
			}
			continue
		}
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			return nil, errNotObject(err)
		}
		for dec.More() {
			// The key starts at the first quote after the previous token.
			start := dec.InputOffset()
			start += int64(bytes.IndexByte(data[start:], '"'))
			id, err := dec.Token()
			if err != nil {
				return nil, err
			}
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return nil, err
			}
			var body struct {
				Type     string         `json:"Type"`
				Metadata map[string]any `json:"Metadata"`
			}
			if json.Unmarshal(raw, &body) != nil || !strings.Contains(body.Type, "::") {
				continue
			}
			r := cfnResource{typ: body.Type, startLine: lineAt(start), endLine: lineAt(dec.InputOffset() - 1)}
			r.cdkPath, _ = body.Metadata[cdkPathKey].(string)
			out[id.(string)] = r
		}
		if _, err := dec.Token(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func errNotObject(err error) error {
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return errors.New("not a JSON object")
}

// lineStarts lists the offset of the first byte of each line.
func lineStarts(data []byte) []int {
	starts := []int{0}
	for i, b := range data {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// compatible reports whether a template resource of type tmpl can be the
// live resource of type live: the same CloudFormation type, or the SAM
// type that transforms into it (SAM keeps the logical ID).
func compatible(live, tmpl string) bool {
	if live == tmpl {
		return true
	}
	return slices.Contains(aliases[live], tmpl)
}

var aliases = map[string][]string{
	snapshot.TypeRestAPI:    {"AWS::Serverless::Api"},
	snapshot.TypeV2API:      {"AWS::Serverless::HttpApi"},
	snapshot.TypeLambda:     {"AWS::Serverless::Function"},
	snapshot.TypeDomainName: {"AWS::ApiGatewayV2::DomainName"},
	snapshot.TypeVPCLink:    {"AWS::ApiGatewayV2::VpcLink"},
}
