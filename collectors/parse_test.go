package collectors

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

func TestParsePolicy(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in, want string
		ok             bool
	}{
		{"escaped as API Gateway returns it", `{\"Version\":\"2012-10-17\",\"Statement\":[]}`, `{"Version":"2012-10-17","Statement":[]}`, true},
		{"already plain JSON", `{"Version": "2012-10-17"}`, `{"Version":"2012-10-17"}`, true},
		{"escaped slashes in ARNs", `{\"Resource\":\"arn:aws:execute-api:us-east-1:1:abc\/*\"}`, `{"Resource":"arn:aws:execute-api:us-east-1:1:abc/*"}`, true},
		{"not JSON", `{\"Version\": oops`, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := parsePolicy(tc.in)
			if ok != tc.ok || string(got) != tc.want {
				t.Errorf("parsePolicy(%s) = %s, %v; want %s, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestReferencedFunctionsAreUnqualified(t *testing.T) {
	t.Parallel()
	const fn = "arn:aws:lambda:eu-west-1:111122223333:function:orders"
	s := &snapshot.Snapshot{TargetGroups: []snapshot.TargetGroup{{TargetType: "lambda", Targets: []snapshot.Target{{ID: fn + ":live"}, {ID: fn + ":3"}}}},
		V2APIs: []snapshot.V2API{{Integrations: []snapshot.V2Integration{{Type: "AWS_PROXY", URI: fn}}}}}
	if diff := cmp.Diff([]string{fn}, referencedFunctions(s)); diff != "" {
		t.Errorf("referencedFunctions (-want +got):\n%s", diff)
	}
}
