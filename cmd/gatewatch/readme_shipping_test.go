package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// yamlBlocks returns the README's ```yaml blocks that contain marker.
func yamlBlocks(readme, marker string) []string {
	var out []string
	for _, part := range strings.Split(readme, "```yaml\n")[1:] {
		block, _, _ := strings.Cut(part, "```")
		if strings.Contains(block, marker) {
			out = append(out, block)
		}
	}
	return out
}

// TestReadmeInstall: the install lines work for this module, come before
// the quick start, and the Go version named is the one go.mod requires.
func TestReadmeInstall(t *testing.T) {
	t.Parallel()
	readme := repoFile(t, "README.md")
	for _, line := range []string{
		"go install " + goMod(t, "module") + "/cmd/gatewatch@latest",
		"go build -o bin/gatewatch ./cmd/gatewatch",
	} {
		i := strings.Index(readme, line)
		if i < 0 || i > strings.Index(readme, "## Quick start") {
			t.Errorf("README has no %q before its quick start", line)
		}
	}
	want := goMod(t, "go")
	for _, m := range regexp.MustCompile(`\bGo (1\.[0-9]+(?:\.[0-9]+)?)`).FindAllStringSubmatch(readme, -1) {
		// Go 1.21 is where GOTOOLCHAIN=auto fetches the toolchain go.mod names.
		if m[1] != want && m[1] != "1.21" {
			t.Errorf("README says %q; go.mod requires Go %s", m[0], want)
		}
	}
	if !strings.Contains(readme, "Go "+want) {
		t.Errorf("README never names Go %s, go.mod's go line", want)
	}
	if strings.Contains(readme, `go-version: "`) {
		t.Error(`README pins a Go version in setup-go; use go-version-file: go.mod`)
	}
}

// TestReadmeKubernetesUsesTheImage: the CronJob and Indexed Job run the
// image the Dockerfile builds: gatewatch as the entrypoint, no shell.
func TestReadmeKubernetesUsesTheImage(t *testing.T) {
	t.Parallel()
	readme := repoFile(t, "README.md")
	tag := regexp.MustCompile(`docker build -t (\S+)`).FindStringSubmatch(readme)
	if tag == nil {
		t.Fatal("README shows no docker build -t IMAGE")
	}
	blocks := append(yamlBlocks(readme, "kind: CronJob"), yamlBlocks(readme, "kind: Job")...)
	if len(blocks) != 2 {
		t.Fatalf("%d Kubernetes manifests in the README, want the CronJob and the Indexed Job", len(blocks))
	}
	for _, b := range blocks {
		var m struct {
			Kind string `json:"kind"`
			Spec struct {
				Template    podTemplate `json:"template"`
				JobTemplate struct {
					Spec struct {
						Template podTemplate `json:"template"`
					} `json:"spec"`
				} `json:"jobTemplate"`
			} `json:"spec"`
		}
		if err := yaml.Unmarshal([]byte(b), &m); err != nil {
			t.Fatalf("README manifest: %v\n%s", err, b)
		}
		containers := append(m.Spec.Template.Spec.Containers, m.Spec.JobTemplate.Spec.Template.Spec.Containers...)
		if len(containers) != 1 {
			t.Fatalf("%s: %d containers, want 1", m.Kind, len(containers))
		}
		c := containers[0]
		if c.Image != tag[1] {
			t.Errorf("%s image %q, want %q, the image the README's docker build makes", m.Kind, c.Image, tag[1])
		}
		// ENTRYPOINT ["gatewatch"] on distroless: no shell to run.
		if len(c.Command) > 0 {
			t.Errorf("%s overrides the entrypoint with %q; the image has no shell, pass args", m.Kind, c.Command)
		}
		if len(c.Args) == 0 || !slices.Contains([]string{"scan", "collect", "eval", "merge"}, c.Args[0]) {
			t.Errorf("%s args %q, want a gatewatch command first", m.Kind, c.Args)
		}
		// Kubernetes expands $(VAR) only for variables the container declares.
		for _, ref := range regexp.MustCompile(`\$\(([A-Z_]+)\)`).FindAllStringSubmatch(strings.Join(c.Args, " "), -1) {
			if !slices.ContainsFunc(c.Env, func(e envVar) bool { return e.Name == ref[1] }) {
				t.Errorf("%s args use $(%s), which its env does not declare", m.Kind, ref[1])
			}
		}
	}
}

type envVar struct {
	Name string `json:"name"`
}

type podTemplate struct {
	Spec struct {
		Containers []struct {
			Image   string   `json:"image"`
			Command []string `json:"command"`
			Args    []string `json:"args"`
			Env     []envVar `json:"env"`
		} `json:"containers"`
	} `json:"spec"`
}

// workflow is what the tests read of a GitHub Actions workflow.
type workflow struct {
	Jobs map[string]struct {
		Steps []struct {
			Uses string            `json:"uses"`
			Run  string            `json:"run"`
			With map[string]string `json:"with"`
		} `json:"steps"`
	} `json:"jobs"`
}

// readmeNightly is the README's one nightly workflow.
func readmeNightly(t *testing.T) workflow {
	t.Helper()
	blocks := yamlBlocks(repoFile(t, "README.md"), "name: gatewatch nightly")
	if len(blocks) != 1 {
		t.Fatalf("%d nightly workflows in the README, want 1", len(blocks))
	}
	var wf workflow
	if err := yaml.Unmarshal([]byte(blocks[0]), &wf); err != nil {
		t.Fatal(err)
	}
	return wf
}

// TestReadmeNightlyUsesTheAction: the nightly workflow calls action.yml
// with inputs it has, and the README's table of inputs is action.yml's.
func TestReadmeNightlyUsesTheAction(t *testing.T) {
	t.Parallel()
	readme := repoFile(t, "README.md")
	a := readAction(t)
	used := false
	for _, job := range readmeNightly(t).Jobs {
		for _, s := range job.Steps {
			if !strings.HasPrefix(s.Uses, "gatewatch/gatewatch@") {
				continue
			}
			used = true
			for k := range s.With {
				if _, ok := a.Inputs[k]; !ok {
					t.Errorf("nightly passes %q, which action.yml has no input for", k)
				}
			}
		}
	}
	if !used {
		t.Error("the nightly workflow does not use gatewatch/gatewatch (action.yml)")
	}
	for name, in := range a.Inputs {
		row := "| `" + name + "` | `" + in.Default + "` |"
		if !strings.Contains(readme, row) {
			t.Errorf("README's action inputs have no row starting %s", row)
		}
	}
}

// TestReadmeMotoGaps keeps the README's list of moto gaps equal to the
// errors the moto integration test tolerates (its knownGaps), plus the
// calls it checks fall back.
func TestReadmeMotoGaps(t *testing.T) {
	t.Parallel()
	const motoTest = "collectors/moto_test.go"
	src := repoFile(t, motoTest)
	f, err := parser.ParseFile(token.NewFileSet(), motoTest, src, 0)
	if err != nil {
		t.Fatal(err)
	}
	var known []string
	ast.Inspect(f, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
			return true
		}
		if id, ok := as.Lhs[0].(*ast.Ident); !ok || id.Name != "knownGaps" {
			return true
		}
		for _, e := range as.Rhs[0].(*ast.CompositeLit).Elts {
			k, _ := strconv.Unquote(e.(*ast.KeyValueExpr).Key.(*ast.BasicLit).Value)
			known = append(known, k)
		}
		return false
	})
	if len(known) == 0 {
		t.Fatalf("%s has no knownGaps map literal", motoTest)
	}
	readme := repoFile(t, "README.md")
	start, end := strings.Index(readme, "<!-- moto-gaps:start -->"), strings.Index(readme, "<!-- moto-gaps:end -->")
	if start < 0 || end < start {
		t.Fatal("README has no moto-gaps section")
	}
	var listed []string
	for _, m := range regexp.MustCompile("(?m)^\\s*- `([a-z0-9]+:[A-Za-z]+)`").FindAllStringSubmatch(readme[start:end], -1) {
		listed = append(listed, m[1])
	}
	for _, k := range known {
		if !slices.Contains(listed, k) {
			t.Errorf("README does not list %s, a moto gap the moto test tolerates", k)
		}
	}
	for _, l := range listed {
		if !slices.Contains(known, l) && !strings.Contains(src, `"`+l+`"`) {
			t.Errorf("README lists %s as a moto gap; the moto test knows nothing of it", l)
		}
	}
}
