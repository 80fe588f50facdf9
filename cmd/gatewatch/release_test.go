package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"
)

// goreleaser is the part of .goreleaser.yaml the test reads.
type goreleaser struct {
	Version int `json:"version"`
	Builds  []struct {
		Main    string   `json:"main"`
		Binary  string   `json:"binary"`
		Env     []string `json:"env"`
		Flags   []string `json:"flags"`
		Ldflags []string `json:"ldflags"`
		Goos    []string `json:"goos"`
		Goarch  []string `json:"goarch"`
	} `json:"builds"`
	Archives []map[string]any `json:"archives"`
	Checksum map[string]any   `json:"checksum"`
	Sboms    []map[string]any `json:"sboms"`
}

var ldflagX = regexp.MustCompile(`-X ([\w./-]+)=`)

// stampedVars are the -X targets of ldflags, sorted.
func stampedVars(ldflags string) []string {
	var out []string
	for _, m := range ldflagX.FindAllStringSubmatch(ldflags, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return out
}

// TestGoReleaserConfig checks the release build: cross-platform, static,
// checksummed, with SBOMs, stamping the identity `version` reports, as the
// Dockerfile does. `goreleaser check` (in .ci/run) checks the schema.
func TestGoReleaserConfig(t *testing.T) {
	t.Parallel()
	var g goreleaser
	if err := yaml.Unmarshal([]byte(repoFile(t, ".goreleaser.yaml")), &g); err != nil {
		t.Fatal(err)
	}
	if g.Version != 2 || len(g.Builds) != 1 {
		t.Fatalf("version %d with %d builds, want GoReleaser v2 with one build", g.Version, len(g.Builds))
	}
	b := g.Builds[0]
	if b.Main != "./cmd/gatewatch" || b.Binary != "gatewatch" {
		t.Errorf("build main %q binary %q, want ./cmd/gatewatch and gatewatch", b.Main, b.Binary)
	}
	if !slices.Contains(b.Env, "CGO_ENABLED=0") || !slices.Contains(b.Flags, "-trimpath") {
		t.Errorf("build env %v flags %v, want CGO_ENABLED=0 and -trimpath as in the Dockerfile", b.Env, b.Flags)
	}
	for _, want := range []string{"linux", "darwin", "windows"} {
		if !slices.Contains(b.Goos, want) {
			t.Errorf("goos %v lacks %s", b.Goos, want)
		}
	}
	for _, want := range []string{"amd64", "arm64"} {
		if !slices.Contains(b.Goarch, want) {
			t.Errorf("goarch %v lacks %s", b.Goarch, want)
		}
	}
	if len(g.Archives) == 0 || len(g.Checksum) == 0 || len(g.Sboms) == 0 {
		t.Errorf("archives %d, checksum %v, sboms %d: want all three", len(g.Archives), g.Checksum, len(g.Sboms))
	}

	// One identity, however gatewatch is built: the release stamps the
	// variables the Dockerfile stamps, and version.go declares them all.
	build, _, _, _ := checkDockerfile(parseDockerfile(t, repoFile(t, "Dockerfile")), goMod(t, "go"))
	release := stampedVars(strings.Join(b.Ldflags, " "))
	if diff := cmp.Diff(stampedVars(build.run), release); diff != "" {
		t.Errorf("-X variables (-Dockerfile +.goreleaser.yaml):\n%s", diff)
	}
	declared := mainStringVars(t, "version.go")
	for _, v := range release {
		if name, ok := strings.CutPrefix(v, "main."); !ok || !slices.Contains(declared, name) {
			t.Errorf("ldflags stamp %s, which version.go does not declare as a string variable (declared: %v)", v, declared)
		}
	}
	if len(release) < 4 {
		t.Errorf("ldflags stamp %v, want version, revision, commit time and build time", release)
	}
}

// mainStringVars lists the package-level string variables of a file of
// package main: what -X can set.
func mainStringVars(t *testing.T, file string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			isString := false
			if id, ok := vs.Type.(*ast.Ident); ok && id.Name == "string" {
				isString = true
			}
			for _, v := range vs.Values {
				if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					isString = true
				}
			}
			for _, n := range vs.Names {
				if isString {
					out = append(out, n.Name)
				}
			}
		}
	}
	return out
}

// TestGoReleaserVersionPinnedOnce: CI checks the configuration with the
// GoReleaser the README and the configuration tell people to release with.
func TestGoReleaserVersionPinnedOnce(t *testing.T) {
	t.Parallel()
	pin := regexp.MustCompile(`goreleaser/goreleaser/v2@(v[0-9][0-9.]*)`)
	versions := map[string][]string{}
	for _, f := range []string{".ci/run", "README.md", ".goreleaser.yaml"} {
		data := repoFile(t, f)
		for _, m := range pin.FindAllStringSubmatch(data, -1) {
			versions[m[1]] = append(versions[m[1]], f)
		}
		if !pin.MatchString(data) {
			t.Errorf("%s names no goreleaser/v2@VERSION", f)
		}
	}
	if len(versions) != 1 {
		t.Errorf("GoReleaser versions named: %v, want one", versions)
	}
}
