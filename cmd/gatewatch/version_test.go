package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gatewatch/gatewatch/findings"
	"github.com/gatewatch/gatewatch/policies"
)

func TestToolIdentity(t *testing.T) {
	t.Parallel()
	deps := []*debug.Module{
		{Path: "github.com/aws/aws-sdk-go-v2", Version: "v1.48.0"},
		{Path: "github.com/aws/aws-sdk-go-v2/service/ec2", Version: "v1.344.3"},
		{Path: "github.com/open-policy-agent/opa", Version: "v1.22.3", Replace: &debug.Module{Path: "example.com/opa-fork", Version: "v1.22.4-fix"}},
	}
	settings := []debug.BuildSetting{
		{Key: "-trimpath", Value: "true"},
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: "220d8a8abcd1ef0123456789abcdef0123456789"},
		{Key: "vcs.time", Value: "2026-12-03T04:55:35Z"},
		{Key: "vcs.modified", Value: "true"},
	}
	tests := []struct {
		name  string
		bi    *debug.BuildInfo
		stamp stamped
		want  findings.Tool
	}{
		{
			name: "no build info",
			want: findings.Tool{Name: "gatewatch", Version: "dev", RulePackVersion: "sha256:r"},
		},
		{
			name: "go build without VCS information",
			bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Deps: deps},
			want: findings.Tool{Name: "gatewatch", Version: "dev", GoVersion: "go1.26.8",
				OPAVersion: "v1.22.4-fix", AWSSDKVersion: "v1.48.0", RulePackVersion: "sha256:r"},
		},
		{
			name: "build in a dirty checkout",
			bi: &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261203045535-220d8a8abcd1+dirty"},
				Deps: deps, Settings: settings},
			want: findings.Tool{Name: "gatewatch", Version: "v0.0.0-20261203045535-220d8a8abcd1+dirty",
				Revision: "220d8a8abcd1ef0123456789abcdef0123456789", CommitTime: "2026-12-03T04:55:35Z", Dirty: true,
				GoVersion: "go1.26.8", OPAVersion: "v1.22.4-fix", AWSSDKVersion: "v1.48.0", RulePackVersion: "sha256:r"},
		},
		{
			name:  "release build stamps win over the build info",
			bi:    &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Deps: deps, Settings: settings},
			stamp: stamped{version: "v1.2.3", revision: "feedface", commitTime: "2026-12-02T00:00:00Z", buildTime: "2026-12-03T05:00:00Z"},
			want: findings.Tool{Name: "gatewatch", Version: "v1.2.3", Revision: "feedface", CommitTime: "2026-12-02T00:00:00Z",
				BuildTime: "2026-12-03T05:00:00Z", Dirty: true,
				GoVersion: "go1.26.8", OPAVersion: "v1.22.4-fix", AWSSDKVersion: "v1.48.0", RulePackVersion: "sha256:r"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := toolIdentity(tt.bi, tt.stamp, "sha256:r")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("toolIdentity (-want +got):\n%s", diff)
			}
		})
	}
}

// identityKeys are the keys of the tool block, always present.
var identityKeys = []string{"name", "version", "revision", "commit_time", "build_time", "dirty",
	"go_version", "opa_version", "aws_sdk_version", "rule_pack_version"}

func TestVersionCommand(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runCLI(t, "version", "--format", "json")
	if code != exitOK {
		t.Fatalf("version --format json: exit %d, stderr:\n%s", code, stderr)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("version --format json is not JSON: %v\n%s", err, stdout)
	}
	for _, k := range identityKeys {
		if _, ok := got[k]; !ok {
			t.Errorf("version --format json has no %q key:\n%s", k, stdout)
		}
	}
	// A test binary carries the module's dependencies in its build info.
	want := map[string]any{"name": "gatewatch", "rule_pack_version": policies.RulePackVersion(),
		"opa_version": depVersion(t, opaModule), "aws_sdk_version": depVersion(t, awsSDKModule)}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("version --format json: %s = %v, want %v", k, got[k], v)
		}
	}

	code, stdout, _ = runCLI(t, "version")
	if code != exitOK || !strings.HasPrefix(stdout, "gatewatch ") || !strings.Contains(stdout, "rule pack:") ||
		!strings.Contains(stdout, "opa:") || !strings.Contains(stdout, depVersion(t, opaModule)) {
		t.Errorf("version: exit %d, output:\n%s", code, stdout)
	}
	if code, _, stderr := runCLI(t, "version", "--format", "xml"); code != exitUsage || !strings.Contains(stderr, `--format "xml"`) {
		t.Errorf("version --format xml: exit %d, stderr %q; want exit 2 naming the format", code, stderr)
	}
}

// depVersion is the version of module path in this binary's build info.
func depVersion(t *testing.T, path string) string {
	t.Helper()
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		t.Fatal("no build info in the test binary")
	}
	for _, d := range bi.Deps {
		if d.Path == path {
			return d.Version
		}
	}
	t.Fatalf("%s is not a dependency of the test binary", path)
	return ""
}

// TestReportToolIsTheBuildIdentity: every report names the build that
// evaluated it, whichever tool wrote the snapshot.
func TestReportToolIsTheBuildIdentity(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runCLI(t, "scan", "--demo", "-f", "json")
	if code != exitOK {
		t.Fatalf("scan --demo: exit %d, stderr:\n%s", code, stderr)
	}
	var report struct {
		Tool map[string]any `json:"tool"`
	}
	if err := json.Unmarshal([]byte(stdout), &report); err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	b, _ := json.Marshal(buildTool())
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, report.Tool); diff != "" {
		t.Errorf("report tool block (-build identity +report):\n%s", diff)
	}
	if report.Tool["opa_version"] == "" || report.Tool["rule_pack_version"] == "" {
		t.Errorf("report tool block lacks the OPA or rule-pack version: %v", report.Tool)
	}
}

// TestVersionRevisionFromTemporaryClone builds gatewatch the way a user
// does, with go build in a git checkout, and checks that the binary
// reports the commit it was built from, and a dirty tree as dirty.
func TestVersionRevisionFromTemporaryClone(t *testing.T) {
	if testing.Short() {
		t.Skip("builds gatewatch twice in a temporary repository")
	}
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed: cannot make a temporary clone")
	}
	t.Parallel()
	dir := t.TempDir()
	copyCheckout(t, dir)
	run := func(name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		// The machine's GOFLAGS may say -buildvcs=false; a user's go
		// build stamps VCS information, which is what is tested here.
		cmd.Env = append(os.Environ(), "GOFLAGS=", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	run(git, "init", "-q")
	run(git, "add", "-A")
	run(git, "-c", "user.name=gatewatch test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "temporary clone")
	head := run(git, "rev-parse", "HEAD")

	version := func() map[string]any {
		t.Helper()
		bin := filepath.Join(t.TempDir(), "gatewatch")
		run("go", "build", "-buildvcs=true", "-o", bin, "./cmd/gatewatch")
		var got map[string]any
		if err := json.Unmarshal([]byte(run(bin, "version", "--format", "json")), &got); err != nil {
			t.Fatal(err)
		}
		return got
	}
	got := version()
	if got["revision"] != head || got["dirty"] != false || got["commit_time"] == "" {
		t.Errorf("clean checkout at %s: version --format json = %v, want that revision, not dirty, a commit time", head, got)
	}
	if v, _ := got["version"].(string); !strings.HasPrefix(v, "v0.0.0-") || !strings.HasSuffix(v, head[:12]) {
		t.Errorf("version %q, want Go's pseudo-version of commit %s", v, head[:12])
	}

	f, err := os.OpenFile(filepath.Join(dir, "cmd/gatewatch/main.go"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("\n// an uncommitted change\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if got := version(); got["revision"] != head || got["dirty"] != true {
		t.Errorf("dirty checkout at %s: version --format json = %v, want that revision and dirty", head, got)
	}
}

// copyCheckout copies the files git knows of (tracked, and untracked but
// not ignored) from this checkout into dir: the tree a clone of the
// current work would hold.
func copyCheckout(t *testing.T, dir string) {
	t.Helper()
	root := filepath.Join("..", "..")
	out, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		data, err := os.ReadFile(filepath.Join(root, name))
		if os.IsNotExist(err) {
			continue // deleted in the working tree, not yet committed
		}
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
