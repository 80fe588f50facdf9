package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/gatewatch/gatewatch/collectors/fakeaws"
	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// TestSIGTERMWritesIncompleteSnapshot builds the binary and sends it a real
// SIGTERM while a call hangs: main's signal handling must reach the
// collectors, and collect must still write the snapshot, marked incomplete,
// and exit 3.
func TestSIGTERMWritesIncompleteSnapshot(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	fakeCredentials(t)
	bin := filepath.Join(t.TempDir(), "gatewatch")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
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
