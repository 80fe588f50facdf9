package main

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/gatewatch/gatewatch/collectors/fakeaws"
)

// noCredentials empties every source of the credential chain but the
// instance metadata service, which it points at a local server that counts
// the requests it gets and answers each with a 500 (which the SDK's default
// retryer would retry).
func noCredentials(t *testing.T) *atomic.Int32 {
	t.Helper()
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
		"AWS_REGION", "AWS_ENDPOINT_URL", "AWS_EC2_METADATA_DISABLED", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	var probes atomic.Int32
	imds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		probes.Add(1)
		http.Error(w, "unavailable", http.StatusInternalServerError)
	}))
	t.Cleanup(imds.Close)
	t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.URL)
	return &probes
}

// TestNoCredentialsIsOneLineAtOnce: without credentials, scan says so in
// one line and exits 2, having probed the metadata service once (a token
// request and a role look-up, no retries) and sent AWS nothing. Before,
// every signing attempt of every retry walked the chain again: 13 s of
// silence, then the SDK's chain of wrapped errors.
func TestNoCredentialsIsOneLineAtOnce(t *testing.T) {
	probes := noCredentials(t)
	srv := demoServer(t, fakeaws.Options{})

	code, stdout, stderr := runCLI(t, "scan", "--endpoint-url", srv.URL, "--regions", "us-east-1")
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	if want := "gatewatch: " + msgNoCredentials + "\n"; stderr != want || stdout != "" {
		t.Errorf("stderr = %q, stdout = %q; want stderr %q", stderr, stdout, want)
	}
	if n := probes.Load(); n < 1 || n > 2 {
		t.Errorf("metadata service got %d requests, want one probe (a token request and a role look-up)", n)
	}
	if calls := srv.Calls(); len(calls) != 0 {
		t.Errorf("AWS was called without credentials: %v", calls)
	}

	// The SDK's own account of the chain is there for debugging.
	_, _, stderr = runCLI(t, "scan", "--endpoint-url", srv.URL, "--regions", "us-east-1", "--log-level", "debug")
	if !strings.Contains(stderr, "ec2imds") || !strings.Contains(stderr, msgNoCredentials) {
		t.Errorf("debug stderr lacks the SDK chain or the line:\n%s", stderr)
	}
}

// TestCallerIdentityFailures: what STS answers the caller decides the exit
// code. Credentials it refuses are a configuration problem (2), said in one
// line after one attempt; an STS that hangs, or an endpoint that cannot be
// reached, is a collection failure (3), not bad input.
func TestCallerIdentityFailures(t *testing.T) {
	fakeCredentials(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXPIRED")
	srv := demoServer(t, fakeaws.Options{ExpiredKeys: []string{"AKIDEXPIRED"}})

	code, _, stderr := runCLI(t, "collect", "--endpoint-url", srv.URL, "--regions", "us-east-1")
	if want := "gatewatch: " + msgExpiredCredentials + "\n"; code != exitUsage || stderr != want {
		t.Errorf("expired: exit %d, stderr %q; want %d, %q", code, stderr, exitUsage, want)
	}
	if n := srv.Calls()["sts:GetCallerIdentity"]; n != 1 {
		t.Errorf("expired: GetCallerIdentity attempts = %d, want 1", n)
	}

	// STS hangs: each attempt times out, the second ends the call.
	hung := demoServer(t, fakeaws.Options{Hang: []string{"sts:GetCallerIdentity"}})
	code, _, stderr = runCLI(t, "collect", "--endpoint-url", hung.URL, "--regions", "us-east-1", "--attempt-timeout", "100ms")
	if code != exitIncomplete || !strings.HasPrefix(stderr, "gatewatch: collection failed, AWS could not be reached: ") {
		t.Errorf("hung: exit %d, stderr %q; want %d and a collection failure", code, stderr, exitIncomplete)
	}
	if n := hung.Calls()["sts:GetCallerIdentity"]; n != 2 {
		t.Errorf("hung: GetCallerIdentity attempts = %d, want 2", n)
	}

	// A closed port: nothing answers.
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	code, _, stderr = runCLI(t, "collect", "--endpoint-url", closed.URL, "--regions", "us-east-1")
	if code != exitIncomplete || !strings.HasPrefix(stderr, "gatewatch: collection failed, AWS could not be reached: ") {
		t.Errorf("unreachable: exit %d, stderr %q; want %d and a collection failure", code, stderr, exitIncomplete)
	}
}

// TestExpiredSSOSession: a profile whose SSO session has expired (here: no
// cached token at all, as after the session was cleared) is the expired
// line, before any call.
func TestExpiredSSOSession(t *testing.T) {
	noCredentials(t)
	home := t.TempDir()
	t.Setenv("HOME", home)
	cfgFile := filepath.Join(home, "config")
	if err := os.WriteFile(cfgFile, []byte("[profile audit]\nsso_start_url = https://example.awsapps.com/start\n"+
		"sso_region = us-east-1\nsso_account_id = 111122223333\nsso_role_name = Audit\nregion = us-east-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", cfgFile)
	srv := demoServer(t, fakeaws.Options{})

	code, _, stderr := runCLI(t, "collect", "--profile", "audit", "--endpoint-url", srv.URL)
	if want := "gatewatch: " + msgExpiredCredentials + "\n"; code != exitUsage || stderr != want {
		t.Errorf("exit %d, stderr %q; want %d, %q", code, stderr, exitUsage, want)
	}
	if calls := srv.Calls(); len(calls) != 0 {
		t.Errorf("AWS was called with an expired session: %v", calls)
	}
}

// sourced is a credential provider that fails, from the given sources.
type sourced []aws.CredentialSource

func (s sourced) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials{}, errors.New("unused")
}
func (s sourced) ProviderSources() []aws.CredentialSource { return s }

// TestCredentialsProblem: how a failed credential chain is told, by where
// the credentials were to come from and how the attempt failed.
func TestCredentialsProblem(t *testing.T) {
	t.Parallel()
	unanswered := &smithy.OperationError{ServiceID: "STS", OperationName: "AssumeRole",
		Err: &smithyhttp.RequestSendError{Err: errors.New("dial tcp 127.0.0.1:1: connect: connection refused")}}
	refused := &smithy.OperationError{ServiceID: "SSO", OperationName: "GetRoleCredentials",
		Err: &smithy.GenericAPIError{Code: "UnauthorizedException", Message: "Session token not found or invalid"}}
	for _, tc := range []struct {
		name     string
		sources  sourced
		err      error
		wantCode int
		want     string
	}{
		{"nothing but the metadata service", sourced{aws.CredentialSourceIMDS}, errors.New("no EC2 IMDS role found"), exitUsage, msgNoCredentials},
		{"no SSO token cached", sourced{aws.CredentialSourceProfileSSO}, &ssocreds.InvalidTokenError{}, exitUsage, msgExpiredCredentials},
		{"SSO portal refuses the session", sourced{aws.CredentialSourceProfileSSO}, refused, exitUsage, msgExpiredCredentials},
		{"SSO portal does not answer", sourced{aws.CredentialSourceProfileSSO}, unanswered, exitIncomplete, "AWS could not be reached for credentials: "},
		{"source profile's role, STS does not answer", sourced{aws.CredentialSourceProfileSourceProfile}, unanswered, exitIncomplete, "AWS could not be reached for credentials: "},
		{"credential process fails", sourced{aws.CredentialSourceProfileProcess}, errors.New("exit status 1"), exitUsage, "AWS credentials: exit status 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var ee *exitError
			err := credentialsProblem(tc.sources, tc.err, collecting)
			if !errors.As(err, &ee) || ee.code != tc.wantCode || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("got %v (%T), want exit %d and %q", err, err, tc.wantCode, tc.want)
			}
		})
	}
}
