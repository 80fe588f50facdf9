package main

import (
	"bufio"
	"debug/elf"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	cmd  string // upper case: FROM, RUN, ...
	args string
	line int
}

// stage is one FROM and the instructions below it.
type stage struct {
	from, name string
	body       []instruction
}

// parseDockerfile reads the subset of the Dockerfile syntax the image
// uses: comments, line continuations and one instruction a line.
func parseDockerfile(t *testing.T, data string) []stage {
	t.Helper()
	var (
		stages []stage
		buf    strings.Builder
		start  int
	)
	sc := bufio.NewScanner(strings.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if buf.Len() == 0 && (line == "" || strings.HasPrefix(line, "#")) {
			continue
		}
		if buf.Len() == 0 {
			start = n
		}
		if cont, ok := strings.CutSuffix(line, `\`); ok {
			buf.WriteString(cont + " ")
			continue
		}
		buf.WriteString(line)
		cmd, args, _ := strings.Cut(buf.String(), " ")
		buf.Reset()
		in := instruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args), line: start}
		if in.cmd == "FROM" {
			f := strings.Fields(in.args)
			s := stage{from: f[0]}
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				s.name = f[2]
			}
			stages = append(stages, s)
			continue
		}
		if len(stages) == 0 {
			if in.cmd == "ARG" {
				continue // an ARG before the first FROM
			}
			t.Fatalf("Dockerfile:%d: %s before the first FROM", in.line, in.cmd)
		}
		stages[len(stages)-1].body = append(stages[len(stages)-1].body, in)
	}
	return stages
}

// find returns the stage's instructions of one kind.
func (s stage) find(cmd string) []instruction {
	var out []instruction
	for _, in := range s.body {
		if in.cmd == cmd {
			out = append(out, in)
		}
	}
	return out
}

// dockerBuild is what the Dockerfile's build stage does: the go build
// command, the environment it runs in, and where the binary goes.
type dockerBuild struct {
	run    string            // the RUN line holding go build
	env    map[string]string // ENV, and ARG defaults
	output string            // the -o path
}

// distrolessPath is the PATH of the distroless images, where ENTRYPOINT
// ["gatewatch"] is looked up.
var distrolessPath = []string{"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}

// checkDockerfile says what is wrong with the image's shape, and returns
// its build and the uid and gid it runs as. goVersion is go.mod's.
func checkDockerfile(stages []stage, goVersion string) (b dockerBuild, uid, gid int, problems []string) {
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if len(stages) < 2 {
		bad("%d stages, want a build stage and a runtime stage", len(stages))
		return b, 0, 0, problems
	}
	build, final := stages[0], stages[len(stages)-1]
	if want := "golang:" + goVersion; build.from != want {
		bad("build stage FROM %s, want %s (go.mod's go line)", build.from, want)
	}
	b.env = map[string]string{}
	for _, in := range build.body {
		switch in.cmd {
		case "ARG", "ENV":
			k, v, _ := strings.Cut(in.args, "=")
			b.env[k] = v
		case "RUN":
			if strings.Contains(in.args, "go build") {
				b.run = in.args
			}
		}
	}
	if b.env["CGO_ENABLED"] != "0" {
		bad("build stage CGO_ENABLED = %q, want ENV CGO_ENABLED=0", b.env["CGO_ENABLED"])
	}
	for _, flag := range []string{"-trimpath", "./cmd/gatewatch"} {
		if !slices.Contains(strings.Fields(b.run), flag) {
			bad("go build has no %s: %q", flag, b.run)
		}
	}
	if m := regexp.MustCompile(`-o (\S+)`).FindStringSubmatch(b.run); m != nil {
		b.output = m[1]
	} else {
		bad("build stage has no RUN go build ... -o FILE: %q", b.run)
	}

	if !strings.HasPrefix(final.from, "gcr.io/distroless/static") && final.from != "scratch" {
		bad("runtime stage FROM %s, want distroless/static or scratch", final.from)
	}
	copies := final.find("COPY")
	want := "--from=" + build.name + " " + b.output + " "
	if len(copies) != 1 || build.name == "" || !strings.HasPrefix(copies[0].args, want) {
		bad("runtime stage COPY %v, want one COPY %s<dir on PATH>/gatewatch", copies, want)
	} else if dest := strings.TrimPrefix(copies[0].args, want); path.Base(dest) != "gatewatch" || !slices.Contains(distrolessPath, path.Dir(dest)) {
		bad("binary copied to %s, want gatewatch in a directory on the image's PATH", dest)
	}
	entry := final.find("ENTRYPOINT")
	var argv []string
	if len(entry) != 1 || json.Unmarshal([]byte(entry[0].args), &argv) != nil || !slices.Equal(argv, []string{"gatewatch"}) {
		bad(`ENTRYPOINT %v, want exactly ENTRYPOINT ["gatewatch"] (exec form)`, entry)
	}
	users := final.find("USER")
	if len(users) != 1 {
		bad("runtime stage has %d USER lines, want one", len(users))
		return b, 0, 0, problems
	}
	u, g, _ := strings.Cut(users[0].args, ":")
	var err1, err2 error
	uid, err1 = strconv.Atoi(u)
	gid, err2 = strconv.Atoi(g)
	if err1 != nil || err2 != nil || uid == 0 || gid == 0 {
		bad("USER %s, want a numeric non-root uid:gid (runAsNonRoot checks the number)", users[0].args)
	}
	return b, uid, gid, problems
}

// TestDockerfile builds the binary exactly as the Dockerfile's build stage
// does (its command, its ENV, its ARGs), checks that it is statically
// linked, and runs `scan --demo` as the image's non-root user: what can be
// checked of the image on a machine with no container daemon.
func TestDockerfile(t *testing.T) {
	b, uid, gid, problems := checkDockerfile(parseDockerfile(t, repoFile(t, "Dockerfile")), goMod(t, "go"))
	for _, p := range problems {
		t.Error("Dockerfile: " + p)
	}
	if len(problems) > 0 {
		t.FailNow()
	}
	if testing.Short() {
		t.Skip("compiles every package with -trimpath")
	}
	t.Parallel()
	dir, err := os.MkdirTemp("", "gatewatch-image-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	// Readable by the image's user, as the image's /usr/local/bin is.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "gatewatch")

	args := map[string]string{"VERSION": "v9.9.9-image", "REVISION": "0123456789abcdef0123456789abcdef01234567",
		"COMMIT_TIME": "2026-12-02T00:00:00Z", "BUILD_TIME": "2026-12-03T05:00:00Z"}
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "GOFLAGS=") // the golang image sets none
	})
	for k, v := range b.env {
		if a, ok := args[k]; ok {
			v = a // --build-arg
		}
		env = append(env, k+"="+v)
	}
	cmd := exec.Command("sh", "-c", strings.Replace(b.run, "-o "+b.output, "-o "+bin, 1))
	cmd.Dir = "../.." // the build context, WORKDIR /src
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", b.run, err, out)
	}

	checkStatic(t, bin)

	// The reports volume of the CronJob, writable by the image's user.
	reports := filepath.Join(dir, "reports")
	if err := os.Mkdir(reports, 0o755); err != nil {
		t.Fatal(err)
	}
	scan := exec.Command(bin, "scan", "--demo", "-f", "table", "-f", "json", "-o", "-", "-o", filepath.Join(reports, "report.json"))
	scan.Dir = dir
	scan.Env = []string{"PATH=/usr/bin:/bin"} // nothing of the test's environment
	if os.Geteuid() == 0 {
		if err := os.Chown(reports, uid, gid); err != nil {
			t.Fatal(err)
		}
		scan.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	} else {
		t.Logf("running as uid %d already, not the image's %d", os.Geteuid(), uid)
	}
	out, err := scan.CombinedOutput()
	if err != nil {
		t.Fatalf("scan --demo as uid %d: %v\n%s", uid, err, out)
	}
	if !strings.Contains(string(out), "GW104") {
		t.Errorf("scan --demo printed no GW104 finding:\n%s", out)
	}
	report := filepath.Join(reports, "report.json")
	fi, err := os.Stat(report)
	if err != nil {
		t.Fatal(err)
	}
	if st := fi.Sys().(*syscall.Stat_t); os.Geteuid() == 0 && int(st.Uid) != uid {
		t.Errorf("report written by uid %d, want the image's %d", st.Uid, uid)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Tool map[string]any `json:"tool"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	// The build arguments are the identity the image reports.
	for k, want := range map[string]string{"version": args["VERSION"], "revision": args["REVISION"],
		"commit_time": args["COMMIT_TIME"], "build_time": args["BUILD_TIME"]} {
		if r.Tool[k] != want {
			t.Errorf("report tool.%s = %v, want %s from --build-arg", k, r.Tool[k], want)
		}
	}
}

// checkStatic fails unless bin is statically linked.
func checkStatic(t *testing.T, bin string) {
	t.Helper()
	if err := dynamicLinking(bin); err != nil {
		t.Error(err)
	}
}

// dynamicLinking says how bin is dynamically linked, or nil for an ELF
// executable with no interpreter, no dynamic section and no shared
// libraries: one that runs on an image without a libc.
func dynamicLinking(bin string) error {
	f, err := elf.Open(bin)
	if err != nil {
		return err
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			return fmt.Errorf("%s has a %v program header: dynamically linked", bin, p.Type)
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		return fmt.Errorf("%s needs shared libraries %v", bin, libs)
	}
	return nil
}

// TestDynamicLinkingSeesDynamicBinaries: the static check can fail. The
// test binary is static or not as cgo is; the system's sh is dynamically
// linked on the distributions this runs on.
func TestDynamicLinkingSeesDynamicBinaries(t *testing.T) {
	t.Parallel()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on PATH")
	}
	if sh, err = filepath.EvalSymlinks(sh); err != nil {
		t.Fatal(err)
	}
	if out, _ := exec.Command("ldd", sh).CombinedOutput(); !strings.Contains(string(out), "=>") {
		t.Skipf("%s is not dynamically linked here (ldd: %s)", sh, out)
	}
	if dynamicLinking(sh) == nil {
		t.Errorf("dynamicLinking(%s) = nil for a dynamically linked binary", sh)
	}
}

// TestCheckDockerfileRejects: each way an image can go wrong is caught.
func TestCheckDockerfileRejects(t *testing.T) {
	t.Parallel()
	good := repoFile(t, "Dockerfile")
	if _, _, _, p := checkDockerfile(parseDockerfile(t, good), goMod(t, "go")); len(p) > 0 {
		t.Fatalf("the repository's Dockerfile has problems: %v", p)
	}
	tests := []struct{ name, old, new, want string }{
		{"root user", "USER 65532:65532", "USER root", "numeric non-root"},
		{"cgo", "ENV CGO_ENABLED=0", "ENV CGO_ENABLED=1", "CGO_ENABLED"},
		{"no trimpath", "go build -trimpath", "go build", "-trimpath"},
		{"full base image", "FROM gcr.io/distroless/static-debian12:nonroot", "FROM debian:12", "distroless"},
		{"shell entrypoint", `ENTRYPOINT ["gatewatch"]`, "ENTRYPOINT gatewatch", "exec form"},
		{"other Go", "FROM golang:" + goMod(t, "go"), "FROM golang:1.25", "go.mod"},
		{"binary off PATH", "/usr/local/bin/gatewatch", "/opt/gatewatch", "PATH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(good, tt.old) {
				t.Fatalf("Dockerfile has no %q to change", tt.old)
			}
			_, _, _, problems := checkDockerfile(parseDockerfile(t, strings.Replace(good, tt.old, tt.new, 1)), goMod(t, "go"))
			if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, tt.want) }) {
				t.Errorf("problems %q, want one about %q", problems, tt.want)
			}
		})
	}
}
