package snapshot

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gatewatch/gatewatch/internal/safetext"
)

// snapshotSeeds are the seed corpus of the snapshot fuzzers: the demo
// account and the shapes TestParseRejectsMalformedInput names.
func snapshotSeeds(f *testing.F) [][]byte {
	f.Helper()
	demo, err := os.ReadFile("../../testdata/demo/snapshot.json")
	if err != nil {
		f.Fatal(err)
	}
	return [][]byte{
		demo,
		[]byte(`{"schema_version": 1}`),
		[]byte(`[]`),
		[]byte(`{"schema_version": 1, "lambda_functions": [{"arn": "arn:aws:lambda:eu-west-1:1:function:f", "account": "1", "name": "f"}]}`),
		[]byte(`{"schema_version": 1, "web_acls": [{"arn": "x", "account": "1"}, {"arn": "x", "account": "1"}]}`),
		[]byte("{\"schema_version\": 1,\n \"load_balancers\": [{\"arn\": \"a\", \"account\": \"1\", \"listeners\": {}}]}"),
	}
}

// FuzzParse: Parse never panics, its errors are one clean line, and a
// snapshot it accepts survives its own round trip (what collect writes,
// eval reads back the same).
func FuzzParse(f *testing.F) {
	for _, s := range snapshotSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data, "fuzz.json")
		if err != nil {
			msg := err.Error()
			if strings.ContainsFunc(msg, safetext.Unsafe) {
				t.Fatalf("error holds a control character: %q", msg)
			}
			return
		}
		out, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("marshal a parsed snapshot: %v", err)
		}
		again, err := Parse(out, "again.json")
		if err != nil {
			t.Fatalf("a parsed snapshot does not parse again: %v", err)
		}
		// Compared as JSON: an empty list under omitempty comes back nil,
		// which no reader can tell apart.
		out2, err := json.Marshal(again)
		if err != nil {
			t.Fatalf("marshal the reparsed snapshot: %v", err)
		}
		if diff := cmp.Diff(string(out), string(out2)); diff != "" {
			t.Fatalf("round trip changed the snapshot (-first +again):\n%s", diff)
		}
	})
}

// FuzzMerge: merging two snapshots never panics, and a merge that succeeds
// is a valid snapshot holding every resource of both parts (functions
// seen by both once).
func FuzzMerge(f *testing.F) {
	seeds := snapshotSeeds(f)
	for _, a := range seeds {
		for _, b := range seeds {
			f.Add(a, b)
		}
	}
	f.Fuzz(func(t *testing.T, a, b []byte) {
		sa, err := Parse(a, "a.json")
		if err != nil {
			return
		}
		sb, err := Parse(b, "b.json")
		if err != nil {
			return
		}
		na, nb := len(sa.Resources()), len(sb.Resources())
		m, err := Merge(sa, sb)
		if err != nil {
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("merged snapshot is invalid: %v", err)
		}
		if n := len(m.Resources()); n > na+nb || n < max(na, nb) {
			t.Fatalf("merged %d and %d resources into %d", na, nb, n)
		}
	})
}
