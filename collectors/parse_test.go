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

func TestFunctionFromURI(t *testing.T) {
	t.Parallel()
	const fn = "arn:aws:lambda:eu-west-1:111122223333:function:orders"
	for _, tc := range []struct{ in, want string }{
		{"arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/" + fn + "/invocations", fn},
		{"arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/" + fn + ":live/invocations", fn + ":live"},
		{fn, fn},
		{"https://example.com/orders", "https://example.com/orders"},
	} {
		if got := functionFromURI(tc.in); got != tc.want {
			t.Errorf("functionFromURI(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestLambdaARNParts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in              string
		region, account string
		ok              bool
	}{
		{"arn:aws:lambda:eu-west-1:111122223333:function:orders", "eu-west-1", "111122223333", true},
		{"arn:aws-cn:lambda:cn-north-1:111122223333:function:orders:3", "cn-north-1", "111122223333", true},
		{"arn:aws:lambda:eu-west-1:111122223333:function:${stageVariables.fn}", "", "", false},
		{"arn:aws:s3:::bucket", "", "", false},
		{"https://example.com", "", "", false},
	} {
		region, account, ok := lambdaARNParts(tc.in)
		if diff := cmp.Diff([]any{tc.region, tc.account, tc.ok}, []any{region, account, ok}); diff != "" {
			t.Errorf("lambdaARNParts(%q) (-want +got):\n%s", tc.in, diff)
		}
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
