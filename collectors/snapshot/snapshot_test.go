package snapshot

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseRejectsMalformedInput(t *testing.T) {
	t.Parallel()
	// whole is what a snapshot must say besides its version.
	const whole = `"taken_at": "2026-11-20T02:00:00Z", "scope": {"accounts": ["1"], "regions": ["eu-west-1"]}, `
	tests := []struct {
		name, data, want string
	}{
		{"empty", "  \n", "file is empty"},
		{"not json", "schema_version: 1", "line 1, column 1: invalid JSON"},
		{"array", " [] ", "not a gatewatch snapshot: the file holds a JSON array, want an object with schema_version"},
		{"array of snapshots", `[{"schema_version": 1}]`, "the file holds a JSON array"},
		{"string", `"snapshot"`, "the file holds a JSON string"},
		{"number", `1`, "the file holds a JSON number"},
		{"null", `null`, "the file holds a JSON null"},
		{"no version", `{"rest_apis": []}`, "no schema_version field"},
		{"string version", `{"schema_version": "1"}`, `schema_version must be an integer, got "1"`},
		{"future version", `{"schema_version": 3}`, "schema_version 3 is not supported (this build reads versions 1 to 2)"},
		{"past version", `{"schema_version": 0}`, "schema_version 0 is not supported (this build reads versions 1 to 2)"},
		{"array version", "{\"schema_version\": [{\n}]}", `schema_version must be an integer, got a JSON array`},
		{"object version", `{"schema_version": {"v": 1}}`, `schema_version must be an integer, got an object`},
		{"escaped version", `{"schema_version": "\u001b]0;pwn\u0007"}`, `schema_version must be an integer, got a JSON string`},
		{"wrong type", "{\"schema_version\": 1,\n \"load_balancers\": [{\"arn\": \"a\", \"account\": \"1\", \"listeners\": {}}]}", "line 2: field load_balancers[0].listeners: expected an array, got a JSON object"},
		{"wrong scalar", "{\"schema_version\": 1,\n\n \"lambda_functions\": [{\"arn\": \"a\", \"account\": \"1\", \"reserved_concurrency\": \"5\"}]}", "line 3: field lambda_functions[0].reserved_concurrency: expected an integer, got a JSON string"},
		{"nested unknown field", "{\"schema_version\": 1,\n \"web_acls\": [{\"arn\": \"x\", \"account\": \"1\", \"rulez\": []}]}", `line 2: unknown field "rulez" in web_acls[0]`},
		{"name in other case", `{"schema_version": 1, "Rest_APIs": []}`, `unknown field "Rest_APIs"`},
		{"invalid UTF-8", "{\"schema_version\": 1, \"scope\": {\"regions\": [\"eu-\xff\"]}}", "line 1, column 49: invalid JSON: invalid UTF-8"},
		{"bad time", `{"schema_version": 1, "taken_at": "yesterday"}`, "field taken_at: expected an RFC 3339 time string"},
		{"unknown field", `{"schema_version": 1, "rest_api": []}`, `unknown field "rest_api"`},
		{"trailing data", `{"schema_version": 1} {}`, "line 1, column 23: invalid JSON: invalid character '{' after top-level value"},
		{"missing arn", `{"schema_version": 1, ` + whole + `"lambda_functions": [{"account": "1", "name": "f"}]}`, "AWS::Lambda::Function f has no arn"},
		{"missing account", `{"schema_version": 1, ` + whole + `"lambda_functions": [{"arn": "arn:aws:lambda:eu-west-1:1:function:f"}]}`, "arn:aws:lambda:eu-west-1:1:function:f has no account"},
		{"stub", `{"schema_version": 2}`, "no taken_at, no scope.accounts, no scope.regions: a snapshot says when it was taken"},
		{"zero time", `{"schema_version": 2, "taken_at": "0001-01-01T00:00:00Z", "scope": {"accounts": ["1"], "regions": ["eu-west-1"]}}`, "no taken_at: "},
		{"no accounts", `{"schema_version": 2, "taken_at": "2026-11-20T02:00:00Z", "scope": {"accounts": [], "regions": ["eu-west-1"]}}`, "no scope.accounts: "},
		{"no regions", `{"schema_version": 1, "taken_at": "2026-11-20T02:00:00Z", "scope": {"accounts": ["1"]}}`, "no scope.regions: "},
		{"duplicate arn", `{"schema_version": 1, ` + whole + `"web_acls": [{"arn": "x", "account": "1"}, {"arn": "x", "account": "1"}]}`, "x appears twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tt.data), "s.json")
			if err == nil {
				t.Fatalf("Parse(%q) succeeded, want error containing %q", tt.data, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "snapshot s.json: ") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want prefix %q and %q", err, "snapshot s.json: ", tt.want)
			}
			if strings.Contains(err.Error(), "struct {") {
				t.Errorf("error shows Go type internals: %q", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans several lines: %q", err)
			}
		})
	}
}

func TestNormalizeIsCanonical(t *testing.T) {
	t.Parallel()
	one := func() *Snapshot {
		return &Snapshot{
			SchemaVersion: SchemaVersion,
			TakenAt:       time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC),
			Scope:         Scope{Accounts: []string{"1"}, Regions: []string{"us-east-1", "eu-west-1", "us-east-1"}},
			LoadBalancers: []LoadBalancer{
				{ARN: "b", Account: "1", Listeners: []Listener{{ARN: "b/l", Rules: []ListenerRule{
					{ARN: "r-default", Priority: "default", IsDefault: true},
					{ARN: "r-10", Priority: "10"},
					{ARN: "r-2", Priority: "2"},
				}}}},
				{ARN: "a", Account: "1"},
			},
		}
	}
	s := one()
	s.Upgrade() // as Parse does: the coverage of the scope
	s.Normalize()
	if got := []string{s.LoadBalancers[0].ARN, s.LoadBalancers[1].ARN}; !cmp.Equal(got, []string{"a", "b"}) {
		t.Errorf("load balancers in order %v, want [a b]", got)
	}
	var prio []string
	for _, r := range s.LoadBalancers[1].Listeners[0].Rules {
		prio = append(prio, r.Priority)
	}
	if !cmp.Equal(prio, []string{"2", "10", "default"}) {
		t.Errorf("rules in order %v, want evaluation order [2 10 default]", prio)
	}
	if !cmp.Equal(s.Scope.Regions, []string{"eu-west-1", "us-east-1"}) {
		t.Errorf("regions = %v, want sorted and unique", s.Scope.Regions)
	}
	first, _ := json.Marshal(s)
	again, err := Parse(first, "round trip")
	if err != nil {
		t.Fatal(err)
	}
	second, _ := json.Marshal(again)
	if diff := cmp.Diff(string(first), string(second)); diff != "" {
		t.Errorf("save and reload changed the snapshot (-first +second):\n%s", diff)
	}
	if !strings.Contains(string(first), `"rest_apis":[]`) || !strings.Contains(string(first), `"tags":{}`) {
		t.Errorf("empty lists and tag sets should serialise as [] and {}: %s", first)
	}
}
