package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gatewatch/gatewatch/collectors/fakeaws"
	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/collectors/snapshot/synth"
)

// builtBinary is the gatewatch binary the signal tests share, built once.
var builtBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "gatewatch-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "gatewatch")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return "", &buildError{err: err, out: string(out)}
	}
	return bin, nil
})

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return "go build: " + e.err.Error() + "\n" + e.out }

// buildGatewatch builds the binary, so that signals reach main as they do
// in production.
func buildGatewatch(t *testing.T) string {
	t.Helper()
	bin, err := builtBinary()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// stderrLines starts cmd and returns its stderr line by line; the channel
// closes when stderr does.
func stderrLines(t *testing.T, cmd *exec.Cmd) <-chan string {
	t.Helper()
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 100)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			lines <- sc.Text()
		}
		io.Copy(io.Discard, pipe)
	}()
	return lines
}

// waitFor reads lines until one contains want and returns everything read.
func waitFor(t *testing.T, lines <-chan string, want string) []string {
	t.Helper()
	var seen []string
	for l := range lines {
		seen = append(seen, l)
		if strings.Contains(l, want) {
			return seen
		}
	}
	t.Fatalf("stderr closed before %q:\n%s", want, strings.Join(seen, "\n"))
	return nil
}

// largeSnapshot writes a synthetic organisation of n resources: big
// enough that evaluating it takes seconds, so a signal sent once
// evaluation has started lands while it runs.
func largeSnapshot(t *testing.T, n int) string {
	t.Helper()
	data, err := json.Marshal(synth.Org(1, synth.Spec{Regions: 2, Resources: n}))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "org.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSIGTERMStopsEvaluation sends a real SIGTERM to `eval -f markdown`
// of a large snapshot once evaluation has started: the process must stop
// evaluating, exit 3 saying it was interrupted, leave the report already
// in place as it was, write no partial report and leave no temporary file.
// A second signal must end it at once, with the files just as intact.
func TestSIGTERMStopsEvaluation(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and a large snapshot")
	}
	t.Parallel()
	bin := buildGatewatch(t)
	snap := largeSnapshot(t, 30000)
	for _, signals := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d signals", signals), func(t *testing.T) {
			out := t.TempDir()
			md := filepath.Join(out, "report.md")
			if err := os.WriteFile(md, []byte("last night's report\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(bin, "eval", snap, "--log-level", "info",
				"-f", "markdown", "-o", md, "-f", "json", "-o", filepath.Join(out, "report.json"))
			lines := stderrLines(t, cmd)
			stderr := waitFor(t, lines, "evaluating rules")
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			if signals == 2 {
				// main says when the default handling is back; the second
				// signal then kills the process wherever it is.
				stderr = append(stderr, waitFor(t, lines, "interrupt again to exit at once")...)
				cmd.Process.Signal(syscall.SIGTERM)
			}
			for l := range lines {
				stderr = append(stderr, l)
			}
			err := cmd.Wait()
			code := cmd.ProcessState.ExitCode()
			switch {
			case signals == 1 && code != exitInterrupted:
				t.Errorf("exit %d (%v), want %d\n%s", code, err, exitInterrupted, strings.Join(stderr, "\n"))
			case signals == 1 && !strings.Contains(strings.Join(stderr, "\n"), "gatewatch: interrupted"):
				t.Errorf("stderr does not say the run was interrupted:\n%s", strings.Join(stderr, "\n"))
			case signals == 2 && code != exitInterrupted && code != -1:
				// -1: killed by the signal. The run may also have finished
				// stopping (exit 3) before the second signal arrived.
				t.Errorf("exit %d (%v), want death by SIGTERM or %d", code, err, exitInterrupted)
			}
			if got := readString(t, md); got != "last night's report\n" {
				t.Errorf("report.md = %.200q, want the previous report untouched", got)
			}
			if got, want := dirNames(t, out), []string{"report.md"}; !cmp.Equal(got, want) {
				t.Errorf("output directory holds %q, want %q: no partial report, no temporary file", got, want)
			}
		})
	}
}

// TestSIGTERMWritesIncompleteSnapshot builds the binary and sends it a real
// SIGTERM while a call hangs: main's signal handling must reach the
// collectors, and collect must still write the snapshot, marked incomplete,
// and exit 3.
func TestSIGTERMWritesIncompleteSnapshot(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	fakeCredentials(t)
	bin := buildGatewatch(t)
	srv := demoOrg(t, fakeaws.Options{Hang: []string{"elasticloadbalancingv2:DescribeLoadBalancers"}})
	out := filepath.Join(t.TempDir(), "snapshot.json")
	cmd := exec.Command(bin, "collect", "--endpoint-url", srv.URL, "--regions", "eu-west-1", "-o", out)
	cmd.Env = os.Environ()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	<-srv.Hung()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != exitIncomplete {
		t.Fatalf("exit %d (%v), want %d", code, err, exitIncomplete)
	}
	snap, err := snapshot.Load(out)
	if err != nil {
		t.Fatalf("no valid snapshot after SIGTERM: %v", err)
	}
	if !snap.Incomplete {
		t.Error("snapshot not marked incomplete")
	}
	canceled := false
	for _, e := range snap.Errors {
		canceled = canceled || (e.Code == "Canceled" && e.Region == "eu-west-1")
	}
	if !canceled {
		t.Errorf("the interrupted account-region is not marked Canceled: %+v", snap.Errors)
	}
}
