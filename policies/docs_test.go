package policies

import (
	"bytes"
	"context"
	"flag"
	"os"
	"testing"

	"github.com/gatewatch/gatewatch/findings"
)

var update = flag.Bool("update", false, "rewrite generated files (docs/rules.md) instead of comparing with them")

// TestRulesDoc keeps docs/rules.md in step with the rules' METADATA: it
// renders the built-in catalogue and compares it with the committed file.
// Run `go test ./policies -run TestRulesDoc -update` after changing a rule.
func TestRulesDoc(t *testing.T) {
	eng, err := New(context.Background(), Options{Config: DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := findings.WriteRulesMarkdown(&got, eng.Rules()); err != nil {
		t.Fatal(err)
	}
	const path = "../docs/rules.md"
	if *update {
		if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("%s is out of date with the rules' METADATA; run `go test ./policies -run TestRulesDoc -update`", path)
	}
}
