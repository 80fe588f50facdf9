package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/pflag"

	"github.com/gatewatch/gatewatch/collectors/fakeaws"
)

// badCollectionFlags are collection flags whose values no run can use,
// with the line that says so.
var badCollectionFlags = []struct {
	args []string
	want string
}{
	{[]string{"--quota-share", "0"}, "--quota-share 0: must be above 0 and at most 1"},
	{[]string{"--quota-share", "2"}, "--quota-share 2: must be above 0 and at most 1"},
	{[]string{"--quota-share", "-1"}, "--quota-share -1: must be above 0 and at most 1"},
	{[]string{"--quota-share", "NaN"}, "--quota-share NaN: must be above 0 and at most 1"},
	{[]string{"--max-calls-in-flight", "-5"}, "--max-calls-in-flight -5: must be at least 1"},
	{[]string{"--concurrency", "-5"}, "--concurrency -5: must be at least 1"},
	{[]string{"--timeout", "-5m"}, "--timeout -5m0s: must not be negative"},
	{[]string{"--attempt-timeout", "0"}, "--attempt-timeout 0s: must be above zero"},
	{[]string{"--progress", "sometimes"}, `--progress "sometimes": want auto, log or off`},
	{[]string{"--shard", "9/8"}, `--shard "9/8": shard number must be between 1 and 8, got 9`},
	{[]string{"--shard", "x"}, `--shard "x": want i/n`},
	{[]string{"--accounts", "12"}, `--accounts: "12" is not a 12-digit account ID`},
	{[]string{"--accounts", "@testdata/nofile"}, "--accounts: open testdata/nofile: no such file or directory"},
	{[]string{"--org", "--role-name", "r", "--ou-include", "garbage"}, `--ou-include "garbage": not an organizational unit or root ID`},
	{[]string{"--org", "--role-name", "r", "--ou-exclude", "ou-ab12-sandbox"}, `--ou-exclude "ou-ab12-sandbox": not an organizational unit or root ID`},
	{[]string{"--org"}, "--accounts and --org reach the accounts other than the credentials' own through a role: pass --role-name or --role-arn-template"},
	{[]string{"--role-name", "a", "--role-arn-template", "arn:aws:iam::{account}:role/b"}, "--role-name and --role-arn-template: pass one of them"},
}

// TestCollectionFlagsCheckedWithDemo: scan --demo collects nothing, but a
// collection flag it is given is checked as a live scan checks it (exit 2,
// one line), so a typo is not first met in the nightly run.
func TestCollectionFlagsCheckedWithDemo(t *testing.T) {
	t.Parallel()
	for _, tc := range badCollectionFlags {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runCLI(t, append([]string{"scan", "--demo"}, tc.args...)...)
			if code != exitUsage || !strings.Contains(stderr, "gatewatch: "+tc.want) || stdout != "" {
				t.Errorf("exit %d, stderr %q, stdout %d bytes; want exit 2, %q and no report", code, stderr, len(stdout), tc.want)
			}
			if strings.Contains(stderr, "goroutine ") {
				t.Errorf("stack trace:\n%s", stderr)
			}
		})
	}
}

// TestCollectionFlagsCheckedBeforeCredentials: without credentials, a bad
// flag is still what scan and collect report, not the missing
// credentials, and AWS is not called.
func TestCollectionFlagsCheckedBeforeCredentials(t *testing.T) {
	noCredentials(t)
	srv := demoServer(t, fakeaws.Options{})
	for _, command := range []string{"scan", "collect"} {
		for _, tc := range badCollectionFlags {
			args := append([]string{command, "--endpoint-url", srv.URL, "--regions", "eu-west-1"}, tc.args...)
			code, _, stderr := runCLI(t, args...)
			if code != exitUsage || !strings.Contains(stderr, "gatewatch: "+tc.want) {
				t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", args, code, stderr, tc.want)
			}
		}
	}
	if calls := srv.Calls(); len(calls) != 0 {
		t.Errorf("AWS was called: %v", calls)
	}
}

// TestDemoSaysWhichFlagsItIgnores: flags that say what or how to collect
// have no effect on scan --demo, which says so on stderr; --concurrency
// still warns that it is deprecated. With --security-hub, the flags that
// reach AWS are used, so they are not listed.
func TestDemoSaysWhichFlagsItIgnores(t *testing.T) {
	t.Parallel()
	code, _, stderr := runCLI(t, "scan", "--demo", "--profile", "nope", "--region", "eu-west-1", "--concurrency", "4")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"these flags have no effect: --concurrency, --profile, --region", "--concurrency is deprecated"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if got := demoIgnores(flagSet(t, "--profile", "p", "--regions", "all"), true); strings.Join(got, " ") != "--regions" {
		t.Errorf("with --security-hub, ignored = %v, want [--regions]", got)
	}
}

// flagSet is the scan's collection flags parsed from args.
func flagSet(t *testing.T, args ...string) *pflag.FlagSet {
	t.Helper()
	var f awsFlags
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	f.register(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return fs
}

// TestUnknownRegionExits2: a region name that no region has the shape of
// is bad input, said before any call; before, scan ran and recorded a
// collection error per call that advised checking permissions.
func TestUnknownRegionExits2(t *testing.T) {
	fakeCredentials(t)
	srv := demoServer(t, fakeaws.Options{})
	for _, region := range []string{"mars-north-9", "EU-WEST-1", "eu-west-1/../x", "all,eu-west-1"} {
		code, stdout, stderr := runCLI(t, "scan", "--endpoint-url", srv.URL, "--regions", region, "-f", "json")
		if code != exitUsage || !strings.HasPrefix(stderr, "gatewatch: --regions") || stdout != "" {
			t.Errorf("--regions %s: exit %d, stderr %q; want exit 2 and one line on --regions", region, code, stderr)
		}
		if region != "all,eu-west-1" && !strings.Contains(stderr, "unknown region") {
			t.Errorf("--regions %s: stderr %q lacks \"unknown region\"", region, stderr)
		}
	}
	t.Setenv("AWS_REGION", "Mars")
	code, _, stderr := runCLI(t, "collect", "--endpoint-url", srv.URL)
	if code != exitUsage || !strings.Contains(stderr, `region "Mars" (from AWS_REGION or the profile): unknown region`) {
		t.Errorf("AWS_REGION=Mars: exit %d, stderr %q", code, stderr)
	}
	if calls := srv.Calls(); len(calls) != 0 {
		t.Errorf("AWS was called: %v", calls)
	}
}

// TestEvalReadsStdin: "eval -" reads the snapshot from standard input
// ('gatewatch collect | gatewatch eval -') and gives what eval of the
// file gives; a stream that is no snapshot is one line, exit 2.
func TestEvalReadsStdin(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(demoSnapshot)
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"eval", "-", "-f", "json"}, bytes.NewReader(data), &stdout, &stderr); code != exitOK {
		t.Fatalf("eval -: exit %d: %s", code, stderr.String())
	}
	_, want, _ := runCLI(t, "eval", demoSnapshot, "-f", "json")
	if diff := cmp.Diff(decodeReport(t, want).Findings, decodeReport(t, stdout.String()).Findings); diff != "" {
		t.Errorf("eval - differs from eval FILE (-file +stdin):\n%s", diff)
	}

	stderr.Reset()
	code := run(context.Background(), []string{"eval", "-"}, io.MultiReader(strings.NewReader("{"), zeros{}), io.Discard, &stderr)
	if want := "gatewatch: snapshot stdin: line 1, column 2: invalid JSON"; code != exitUsage || !strings.HasPrefix(stderr.String(), want) {
		t.Errorf("eval - of '{' and zeros: exit %d, stderr %q; want 2 and %q", code, stderr.String(), want)
	}
}

// TestEvalOfADevice: /dev/zero is refused at its first byte, where it was
// read into memory up to 2 GiB (and a process under a memory limit died).
func TestEvalOfADevice(t *testing.T) {
	t.Parallel()
	code, _, stderr := runCLI(t, "eval", "/dev/zero")
	if want := "gatewatch: snapshot /dev/zero: line 1, column 1: invalid JSON: invalid character '\\x00' at start of value\n"; code != exitUsage || stderr != want {
		t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, want)
	}
}

// zeros reads as /dev/zero does.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
