// Package motoserver runs moto_server, the AWS emulator, for tests: one
// server per test on a free loopback port, stopped when the test ends.
package motoserver

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"testing"
	"time"
)

// Account is the account moto serves for credentials it did not issue
// itself (assumed roles' credentials belong to the role's account).
const Account = "123456789012"

// Start runs moto_server and returns its endpoint. It skips the test when
// moto_server is not on PATH, and fails it under CI=true.
func Start(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("moto_server is not on PATH; CI must install moto (pip install 'moto[server]')")
		}
		t.Skip("moto_server is not on PATH; install moto (pip install 'moto[server]') to run this test")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()

	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("moto_server output:\n%s", logs.String())
		}
	})
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	// Wait for readiness by polling, not by a fixed sleep; the bound is
	// only there to turn a broken install into a failure instead of a hang.
	for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get(endpoint + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			return endpoint
		}
		if time.Since(start) > 2*time.Minute {
			t.Fatalf("moto_server did not start: %v", err)
		}
	}
}
