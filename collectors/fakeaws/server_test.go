package fakeaws

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/collectors/snapshot/synth"
)

func TestPageOf(t *testing.T) {
	t.Parallel()
	items := []int{1, 2, 3, 4, 5}
	for _, tc := range []struct {
		name            string
		pageSize, limit int
		token           string
		want            []int
		wantNext        string
	}{
		{"everything", 0, 0, "", []int{1, 2, 3, 4, 5}, ""},
		{"client limit", 0, 2, "", []int{1, 2}, "2"},
		{"server page size caps the limit", 2, 100, "", []int{1, 2}, "2"},
		{"client limit below the page size", 3, 1, "", []int{1}, "1"},
		{"second page", 2, 0, "2", []int{3, 4}, "4"},
		{"last page", 2, 0, "4", []int{5}, ""},
		{"token past the end", 2, 0, "9", []int{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &Server{opts: Options{PageSize: tc.pageSize}}
			got, next := pageOf(s, items, tc.token, tc.limit)
			if diff := cmp.Diff(tc.want, got); diff != "" || next != tc.wantNext {
				t.Errorf("page (-want +got):\n%s next %q, want %q", diff, next, tc.wantNext)
			}
		})
	}
}

func TestServeRejectsWhatAWSWouldNotAccept(t *testing.T) {
	t.Parallel()
	srv := New(&snapshot.Snapshot{Scope: snapshot.Scope{Accounts: []string{"111122223333"}}}, Options{})
	defer srv.Close()
	sign := func(service string) string {
		return "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/" + service + "/aws4_request, SignedHeaders=host, Signature=00"
	}
	for _, tc := range []struct {
		name, method, path, auth, body string
		wantStatus                     int
	}{
		{"unsigned", http.MethodGet, "/restapis", "", "", http.StatusBadRequest},
		{"malformed scope", http.MethodGet, "/restapis", "AWS4-HMAC-SHA256 Credential=AKID/us-east-1", "", http.StatusBadRequest},
		{"unknown service", http.MethodGet, "/", sign("s3"), "", http.StatusBadRequest},
		{"unknown REST path", http.MethodGet, "/nothing/here", sign("apigateway"), "", http.StatusBadRequest},
		{"known REST path", http.MethodGet, "/restapis", sign("apigateway"), "", http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tc.wantStatus)
			}
		})
	}
	if got := srv.Calls()["apigateway:GetRestApis"]; got != 1 {
		t.Errorf("GetRestApis calls = %d, want 1", got)
	}
}

func TestQuotaFloor(t *testing.T) {
	t.Parallel()
	calls := map[AccountRegion]map[string]int{
		// 140 control-plane calls: 100 beyond the burst of 40 at 10/s.
		{"1", "us-east-1"}: {"apigateway:GetRestApis": 40, "apigatewayv2:GetApis": 50, "apigateway:GetStages": 50},
		// 25 GetResources: 20 beyond the burst of 5 at 2.5/s, slower still.
		{"2", "us-east-1"}: {"apigateway:GetResources": 25},
		// Within every burst.
		{"1", "eu-west-1"}: {"elasticloadbalancingv2:DescribeTags": 40, "ec2:DescribeSecurityGroups": 1},
	}
	if got, want := QuotaFloor(calls, AWSQuotas()), 10*time.Second; got != want {
		t.Errorf("QuotaFloor = %v, want %v", got, want)
	}
	delete(calls, AccountRegion{"1", "us-east-1"})
	if got, want := QuotaFloor(calls, AWSQuotas()), 8*time.Second; got != want {
		t.Errorf("QuotaFloor = %v, want %v", got, want)
	}
}

// TestDropCutsTheBody: a dropped response announces its whole length, then
// the connection closes half-way through the body; the next one is whole.
func TestDropCutsTheBody(t *testing.T) {
	t.Parallel()
	srv := New(&snapshot.Snapshot{Scope: snapshot.Scope{Accounts: []string{"111122223333"}}},
		Options{Drop: map[string]int{"apigateway:GetRestApis": 1}})
	defer srv.Close()
	get := func() (*http.Response, []byte, error) {
		req, err := http.NewRequest(http.MethodGet, srv.URL+"/restapis", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/apigateway/aws4_request, SignedHeaders=host, Signature=00")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return resp, body, err
	}
	resp, body, err := get()
	if resp.StatusCode != http.StatusOK || !errors.Is(err, io.ErrUnexpectedEOF) || int64(len(body)) >= resp.ContentLength {
		t.Errorf("dropped: status %d, %d of %d bytes, error %v; want 200 and the body cut short", resp.StatusCode, len(body), resp.ContentLength, err)
	}
	if resp, body, err := get(); resp.StatusCode != http.StatusOK || err != nil || int64(len(body)) != resp.ContentLength {
		t.Errorf("after the drop: status %d, %d of %d bytes, error %v; want a whole answer", resp.StatusCode, len(body), resp.ContentLength, err)
	}
	if got := srv.Dropped(); got != 1 {
		t.Errorf("Dropped = %d, want 1", got)
	}
}

// TestByAccountKeepsEveryResource: the account views the fake answers
// from hold the whole world between them, so no list of the model is
// forgotten when one is added.
func TestByAccountKeepsEveryResource(t *testing.T) {
	t.Parallel()
	world := synth.Org(3, synth.Spec{Accounts: 3, Regions: 2, Large: synth.Large{RestAPIs: 2, PathsPerAPI: 2, ALBs: 2, ListenersPerALB: 1, RulesPerListener: 1}})
	joined := &snapshot.Snapshot{SchemaVersion: world.SchemaVersion, Tool: world.Tool, TakenAt: world.TakenAt, Scope: world.Scope,
		Accounts: world.Accounts, Coverage: world.Coverage, Errors: world.Errors}
	for _, part := range byAccount(world) {
		part.Scope, part.Accounts = snapshot.Scope{}, nil
		joined.Append(part)
	}
	joined.Normalize()
	if diff := cmp.Diff(world, joined, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("the account views do not add up to the world (-world +views):\n%s", diff)
	}
}

// TestLatencyDelaysEveryAnswer: each answer waits its latency, a
// throttling answer as much as a served one.
func TestLatencyDelaysEveryAnswer(t *testing.T) {
	t.Parallel()
	const fixed = 300 * time.Millisecond
	srv := New(&snapshot.Snapshot{Scope: snapshot.Scope{Accounts: []string{"111122223333"}}}, Options{
		Latency: Latency{Fixed: fixed, Jitter: 50 * time.Millisecond},
		Quotas:  []Quota{{Name: "one", Match: []string{"apigateway"}, Rate: 1e-9, Burst: 1}}})
	defer srv.Close()
	get := func() (int, time.Duration) {
		req, err := http.NewRequest(http.MethodGet, srv.URL+"/restapis", nil)
		if err != nil {
			t.Error(err)
			return 0, 0
		}
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/apigateway/aws4_request, SignedHeaders=host, Signature=00")
		start := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return 0, 0
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, time.Since(start)
	}
	type answer struct {
		status int
		took   time.Duration
	}
	answers := make(chan answer, 2)
	for range 2 {
		go func() {
			status, took := get()
			answers <- answer{status, took}
		}()
	}
	statuses := map[int]int{}
	for range 2 {
		a := <-answers
		statuses[a.status]++
		if a.took < fixed {
			t.Errorf("an answer (%d) came after %v, before its latency of %v", a.status, a.took, fixed)
		}
	}
	if statuses[http.StatusOK] != 1 || statuses[http.StatusTooManyRequests] != 1 {
		t.Errorf("statuses %v, want one 200 and one 429 from the one-token bucket", statuses)
	}
}
