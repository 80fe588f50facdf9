package iac

import (
	"bytes"
	"testing"
)

// FuzzTemplate holds both template readers to their contract on any
// input, since a repository's files are anyone's: no panic, and every
// resource found spans lines of the file, first to last.
func FuzzTemplate(f *testing.F) {
	f.Add([]byte("Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties: {X: !Ref Y}\n"))
	f.Add([]byte("{\"Resources\": {\"A\": {\"Type\": \"AWS::S3::Bucket\", \"Metadata\": {\"aws:cdk:path\": \"S/A\"}}}}"))
	f.Add([]byte("{\"Resources\": {1: 2}}"))
	f.Add([]byte("Resources:\n  A:\n    Type: AWS::Lambda::Function\n    Code: |\n      x\n      y\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := bytes.Count(data, []byte("\n")) + 1
		for name, read := range map[string]func([]byte) (map[string]cfnResource, error){"json": jsonResources, "yaml": yamlResources} {
			res, err := read(data)
			if err != nil {
				continue
			}
			for id, r := range res {
				if r.startLine < 1 || r.endLine < r.startLine || r.endLine > lines+1 {
					t.Errorf("%s: %s spans lines %d-%d of %d", name, id, r.startLine, r.endLine, lines)
				}
			}
		}
	})
}
