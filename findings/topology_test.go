package findings

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTopology(t *testing.T) {
	t.Parallel()
	topo := buildTopology(testReport())
	label := func(n *topoNode) string { return n.Label }
	var got []string
	for _, e := range topo.Edges {
		got = append(got, label(e.From)+" -> "+label(e.To))
	}
	slices.Sort(got)
	want := []string{
		"<script>alert(1)</script>/$default -> orders",   // v2 VPC link integration by listener ARN
		"CloudFront E2QWRUHAPOMQZL -> edge-alb",          // origin by ALB DNS name
		"CloudFront E2QWRUHAPOMQZL -> partners-api/prod", // origin by execute-api host and /prod path
		"Internet clients -> <script>alert(1)</script>/$default",
		"Internet clients -> CloudFront E2QWRUHAPOMQZL",
		"Internet clients -> edge-alb",
		"Internet clients -> legacy",
		"Internet clients -> partners-api/prod",
		"edge-alb -> thumbs",          // listener rule
		"edge-alb -> web",             // default action
		"orders -> orders",            // internal ALB to its target group
		"partners-api/prod -> orders", // HTTP_PROXY to the internal ALB's DNS name
		"thumbs -> thumbnailer",       // lambda target
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}

	worst := make(map[string]string)
	for _, n := range topo.Nodes {
		if n.Worst != "" {
			worst[n.Label] = string(n.Worst)
		}
	}
	wantWorst := map[string]string{
		"legacy":                             "critical",
		"partners-api/prod":                  "high", // GW107 is suppressed and does not count
		"<script>alert(1)</script>/$default": "high", // GW108 on the API lands on its stage
		"thumbnailer":                        "medium",
		"edge-alb":                           "info",
	}
	if diff := cmp.Diff(wantWorst, worst); diff != "" {
		t.Errorf("flagged nodes (-want +got):\n%s", diff)
	}
	entries := func(arn string) []string {
		var out []string
		for _, n := range topo.Resolve[arn] {
			for _, e := range topo.EntryPoints(n) {
				out = append(out, e.Label)
			}
		}
		return out
	}
	for arn, want := range map[string][]string{
		lambdaARN:    {"edge-alb"},                                                // behind a public ALB
		ordersTGARN:  {"partners-api/prod", "<script>alert(1)</script>/$default"}, // behind two APIs
		edgeLisARN:   {"edge-alb"},                                                // a listener is its ALB
		legacyALBARN: {"legacy"},                                                  // public itself
		webACLARN:    nil,                                                         // not drawn
	} {
		if diff := cmp.Diff(want, entries(arn)); diff != "" {
			t.Errorf("entry points of %s (-want +got):\n%s", arn, diff)
		}
	}
	if topo.Unplaced != 0 {
		t.Errorf("%d findings unplaced, want 0", topo.Unplaced)
	}
	if r := testReport(); buildTopology(&Report{Findings: r.Findings}) != nil {
		t.Error("a report without a snapshot has a topology")
	}
}
