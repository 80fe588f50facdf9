package findings

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSourcesLost: a finding the baseline located in code and this run
// reports without a location is listed with its old source; one located
// in both, one never located and a new one are not.
func TestSourcesLost(t *testing.T) {
	t.Parallel()
	at := func(file string) *Source { return &Source{File: file, StartLine: 3, EndLine: 9, MatchedBy: "state"} }
	prev := testReport()
	cur := testReport()
	prev.Findings[0].Source = at("infra/alb.tf")   // lost tonight
	prev.Findings[1].Source = at("infra/api.tf")   // still located
	cur.Findings[1].Source = at("infra/api.tf")    //
	cur.Findings[2].Source = &Source{Address: "x"} // never had a file: not lost
	prev.Findings[2].Source = &Source{Address: "x"}
	prev.Findings = prev.Findings[:len(prev.Findings)-1]
	cur.Findings[len(cur.Findings)-1].Source = nil // new tonight
	ApplyBaseline(cur, prev)

	var got []string
	for _, f := range cur.SourcesLost {
		got = append(got, f.RuleID+" "+f.Source.Where()+" "+f.Baseline)
	}
	if diff := cmp.Diff([]string{prev.Findings[0].RuleID + " infra/alb.tf:3 "}, got); diff != "" {
		t.Errorf("sources lost (-want +got):\n%s", diff)
	}

	log := parseSARIF(t, render(t, "sarif", cur))
	var note string
	for _, n := range log.Runs[0].Invocations[0].ToolExecutionNotifications {
		if n.Descriptor != nil && n.Descriptor.ID == "source-lost" {
			note = n.Level + ": " + n.Message.Text
		}
	}
	if !strings.HasPrefix(note, "warning: code location lost: 1 results") || !strings.Contains(note, "(was infra/alb.tf:3)") {
		t.Errorf("SARIF notification %q", note)
	}
	if again := parseSARIF(t, render(t, "sarif", prev)); len(again.Runs[0].Invocations[0].ToolExecutionNotifications) != len(log.Runs[0].Invocations[0].ToolExecutionNotifications)-1 {
		t.Error("a report with nothing lost has the notification too")
	}
}

// TestSARIFCloudFormationSource: a finding placed on a template carries
// its logical ID and CDK path as properties, not as a Terraform address.
func TestSARIFCloudFormationSource(t *testing.T) {
	t.Parallel()
	r := testReport()
	r.Findings[0].Source = &Source{File: "cdk.out/Shop.template.json", StartLine: 40, EndLine: 52,
		Address: "Shop/Alb/Resource", LogicalID: "Alb1A2B3C", MatchedBy: "cloudformation"}
	var res sarifResult
	for _, x := range parseSARIF(t, render(t, "sarif", r)).Runs[0].Results {
		if x.Locations[0].LogicalLocations[0].FullyQualifiedName == r.Findings[0].Resource && x.RuleID == r.Findings[0].RuleID {
			res = x
		}
	}
	want := map[string]any{"cloudformation_logical_id": "Alb1A2B3C", "cdk_path": "Shop/Alb/Resource", "source_matched_by": "cloudformation"}
	for k, v := range want {
		if res.Properties[k] != v {
			t.Errorf("property %s = %v, want %v", k, res.Properties[k], v)
		}
	}
	if _, ok := res.Properties["terraform_address"]; ok {
		t.Error("a CDK path is reported as a Terraform address")
	}
	if loc := res.Locations[0].PhysicalLocation; loc.ArtifactLocation.URI != "cdk.out/Shop.template.json" || loc.Region.StartLine != 40 || loc.Region.EndLine != 52 {
		t.Errorf("location %+v", loc)
	}
	if got := (Source{LogicalID: "Alb1A2B3C"}).Where(); got != "Alb1A2B3C" {
		t.Errorf("an unlocated template resource reads %q, want its logical ID", got)
	}
}
