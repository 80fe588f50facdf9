package findings

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/findings/judge"
)

func TestSARIF(t *testing.T) {
	t.Parallel()
	got := render(t, "sarif", testReport())
	golden(t, "report.sarif", got)

	log := parseSARIF(t, got)
	run := log.Runs[0]
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q with %d runs, want 2.1.0 with 1", log.Version, len(log.Runs))
	}
	rules := make(map[string]sarifRule)
	for _, r := range run.Tool.Driver.Rules {
		rules[r.ID] = r
	}
	if len(run.Results) != 7 {
		t.Fatalf("%d results, want 7 (suppressed included)", len(run.Results))
	}
	for i, res := range run.Results {
		rule, ok := rules[res.RuleID]
		if !ok || run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("result %d: rule %s not described at index %d", i, res.RuleID, res.RuleIndex)
		}
		loc := res.Locations[0]
		uri := loc.PhysicalLocation.ArtifactLocation.URI
		if !strings.HasPrefix(uri, "aws/") || strings.Contains(uri, "://") || loc.PhysicalLocation.Region.StartLine != 1 {
			t.Errorf("result %d: location %q line %d, want a relative aws/ path at line 1", i, uri, loc.PhysicalLocation.Region.StartLine)
		}
		if loc.LogicalLocations[0].FullyQualifiedName == "" || res.PartialFingerprints[fingerprintKey] == "" {
			t.Errorf("result %d: no ARN logical location or fingerprint", i)
		}
		if rule.HelpURI == "" || rule.Help.Markdown == "" || rule.Properties.SecuritySeverity == "" {
			t.Errorf("rule %s lacks help, helpUri or security-severity", rule.ID)
		}
	}

	byRule := make(map[string]sarifResult)
	for _, res := range run.Results {
		byRule[res.RuleID] = res
	}
	tests := []struct {
		rule, level, severity, uri string
	}{
		{"GW104", "error", "9.5", "aws/222222222222/us-east-1/elasticloadbalancing/loadbalancer/app/legacy/0123456789abcdef"},
		{"GW101", "error", "8.0", "aws/111111111111/eu-west-1/apigateway/restapis/a1b2c3d4e5/stages/prod"},
		{"GW106", "warning", "5.5", "aws/111111111111/eu-west-1/lambda/function/thumbnailer"},
		{"GW112", "note", "3.0", "aws/111111111111/eu-west-1/apigateway/apis/h7t8p9q0r1/stages/$default"},
		{"GW201", "note", "1.0", "aws/111111111111/eu-west-1/elasticloadbalancing/loadbalancer/app/edge-alb/50dc6c495c0c9188"},
	}
	for _, tt := range tests {
		res := byRule[tt.rule]
		if res.Level != tt.level || rules[tt.rule].Properties.SecuritySeverity != tt.severity {
			t.Errorf("%s: level %q severity %q, want %q %q", tt.rule, res.Level, rules[tt.rule].Properties.SecuritySeverity, tt.level, tt.severity)
		}
		if got := res.Locations[0].PhysicalLocation.ArtifactLocation.URI; got != tt.uri {
			t.Errorf("%s: uri %q, want %q", tt.rule, got, tt.uri)
		}
		if got, want := res.PartialFingerprints[fingerprintKey], Fingerprint(tt.rule, res.Locations[0].LogicalLocations[0].FullyQualifiedName); got != want {
			t.Errorf("%s: fingerprint %q, want %q", tt.rule, got, want)
		}
	}
	if s := byRule["GW107"].Suppressions; len(s) != 1 || s[0].Kind != "external" || !strings.Contains(s[0].Justification, "throttled by the edge WAF") {
		t.Errorf("suppressed GW107: suppressions %+v", s)
	}
	notes := run.Invocations[0].ToolExecutionNotifications
	if len(notes) != 3 || notes[0].Level != "error" || notes[1].Level != "error" {
		t.Fatalf("%d notifications, successful %v; want the 2 collection errors as errors and the not-evaluated rule as a warning", len(notes), run.Invocations[0].ExecutionSuccessful)
	}
	// What was not evaluated is said on the analysis, never as a result.
	if n := notes[2]; n.Level != "warning" || !strings.Contains(n.Message.Text, "not evaluated: GW104 in account 222222222222 region us-east-1") ||
		!strings.Contains(n.Message.Text, "grant wafv2:GetWebACL, wafv2:ListWebACLs") {
		t.Errorf("not-evaluated notification = %+v", n)
	}
}

// fullTool is the identity of a build from a dirty checkout, every key set.
var fullTool = Tool{
	Name: "gatewatch", Version: "v0.0.0-20261203045535-220d8a8abcd1+dirty",
	Revision: "220d8a8abcd1ef0123456789abcdef0123456789", CommitTime: "2026-12-03T04:55:35Z",
	BuildTime: "2026-12-03T05:00:00Z", Dirty: true, GoVersion: "go1.26.8",
	OPAVersion: "v1.22.3", AWSSDKVersion: "v1.48.0", RulePackVersion: "sha256:0123456789abcdef",
}

func TestSARIFDriverCarriesToolIdentity(t *testing.T) {
	t.Parallel()
	r := testReport()
	r.Tool = fullTool
	d := parseSARIF(t, render(t, "sarif", r)).Runs[0].Tool.Driver
	want := sarifToolProps{
		Revision: fullTool.Revision, CommitTime: fullTool.CommitTime, BuildTime: fullTool.BuildTime, Dirty: true,
		GoVersion: "go1.26.8", OPAVersion: "v1.22.3", AWSSDKVersion: "v1.48.0", RulePackVersion: "sha256:0123456789abcdef",
	}
	if d.Version != fullTool.Version || d.SemanticVer != "0.0.0-20261203045535-220d8a8abcd1+dirty" || d.InformationURI != toolInfoURL {
		t.Errorf("driver version %q semanticVersion %q informationUri %q", d.Version, d.SemanticVer, d.InformationURI)
	}
	if d.Properties == nil || *d.Properties != want {
		t.Errorf("driver properties = %+v, want %+v", d.Properties, want)
	}
	// A report that knows only name and version has no property bag.
	if p := parseSARIF(t, render(t, "sarif", testReport())).Runs[0].Tool.Driver.Properties; p != nil {
		t.Errorf("driver properties = %+v for a name-and-version tool, want none", p)
	}
}

func TestSARIFLimits(t *testing.T) {
	t.Parallel()
	size := func(t *testing.T, lim sarifLimits) (sarifLog, []string) {
		t.Helper()
		r := testReport()
		var warnings []string
		r.Warn = func(msg string) { warnings = append(warnings, msg) }
		var buf bytes.Buffer
		if err := writeSARIFLimited(&buf, r, lim); err != nil {
			t.Fatal(err)
		}
		return parseSARIF(t, buf.Bytes()), warnings
	}
	t.Run("results", func(t *testing.T) {
		log, warnings := size(t, sarifLimits{Results: 3, Rules: 100, GzipBytes: 1 << 20})
		if n := len(log.Runs[0].Results); n != 3 || len(warnings) != 1 || !strings.Contains(warnings[0], "7 results exceed") {
			t.Fatalf("%d results, warnings %q", n, warnings)
		}
		// The most severe are kept.
		if log.Runs[0].Results[0].RuleID != "GW104" || log.Runs[0].Results[2].Level != "error" {
			t.Errorf("kept %+v", log.Runs[0].Results)
		}
		if notes := log.Runs[0].Invocations[0].ToolExecutionNotifications; !strings.Contains(notes[len(notes)-1].Message.Text, "output cut") {
			t.Errorf("the cut is not recorded in the file: %+v", notes)
		}
	})
	t.Run("rules", func(t *testing.T) {
		log, warnings := size(t, sarifLimits{Results: 100, Rules: 2, GzipBytes: 1 << 20})
		if n := len(log.Runs[0].Tool.Driver.Rules); n != 2 || len(warnings) != 1 {
			t.Fatalf("%d rules, warnings %q", n, warnings)
		}
		for _, res := range log.Runs[0].Results {
			if res.RuleID != "GW104" && res.RuleID != "GW101" {
				t.Errorf("result of dropped rule %s kept", res.RuleID)
			}
		}
	})
	t.Run("size", func(t *testing.T) {
		log, warnings := size(t, sarifLimits{Results: 100, Rules: 100, GzipBytes: 2500})
		if n := len(log.Runs[0].Results); n == 0 || n == 7 || len(warnings) != 1 || !strings.Contains(warnings[0], "gzip") {
			t.Fatalf("%d results, warnings %q", n, warnings)
		}
	})
	t.Run("within", func(t *testing.T) {
		if _, warnings := size(t, githubLimits); len(warnings) != 0 {
			t.Fatalf("warnings %q for a small report", warnings)
		}
	})
}

func TestResourceURI(t *testing.T) {
	t.Parallel()
	tests := []struct{ resource, account, region, want string }{
		{distARN, acctA, "global", "aws/111111111111/global/cloudfront/distribution/E2QWRUHAPOMQZL"},
		{"arn:aws:wafv2:us-east-1:111111111111:global/webacl/edge name/0b1c", acctA, "us-east-1", "aws/111111111111/us-east-1/wafv2/global/webacl/edge%20name/0b1c"},
		{"not-an-arn/x?y#z", acctA, "eu-west-1", "aws/111111111111/eu-west-1/resource/not-an-arn/x%3Fy%23z"},
		{"arn:aws:apigateway:eu-west-1::/restapis/x/../../etc", acctA, "eu-west-1", "aws/111111111111/eu-west-1/apigateway/restapis/x/%2E%2E/%2E%2E/etc"},
	}
	for _, tt := range tests {
		if got := resourceURI(Finding{Resource: tt.resource, Account: tt.account, Region: tt.region}); got != tt.want {
			t.Errorf("resourceURI(%q) = %q, want %q", tt.resource, got, tt.want)
		}
	}
}

// TestSARIFMultitool runs Microsoft's SARIF validator with GitHub's
// ingestion rules over the output: the external judge of what code
// scanning accepts.
func TestSARIFMultitool(t *testing.T) {
	tool := judge.Multitool(t)
	good := render(t, "sarif", testReport())
	if errs := judge.SARIFErrors(t, tool, good); len(errs) > 0 {
		t.Errorf("multitool found %d errors:\n%s", len(errs), strings.Join(errs, "\n"))
	}
	identified := testReport()
	identified.Tool = fullTool
	if errs := judge.SARIFErrors(t, tool, render(t, "sarif", identified)); len(errs) > 0 {
		t.Errorf("multitool found %d errors with the full tool identity:\n%s", len(errs), strings.Join(errs, "\n"))
	}
	// Escaped brackets and backslashes in messages are valid SARIF.
	linked := testReport()
	linked.Findings[0].Message = `ALB [x](https://evil.example/x) a\[y](3) has no web ACL.`
	if errs := judge.SARIFErrors(t, tool, render(t, "sarif", linked)); len(errs) > 0 {
		t.Errorf("multitool found %d errors with escaped brackets:\n%s", len(errs), strings.Join(errs, "\n"))
	}
	// The judge must be able to say no: drop the locations GitHub needs.
	var bad map[string]any
	if err := json.Unmarshal(good, &bad); err != nil {
		t.Fatal(err)
	}
	res := bad["runs"].([]any)[0].(map[string]any)["results"].([]any)[0].(map[string]any)
	delete(res, "locations")
	data, _ := json.Marshal(bad)
	if errs := judge.SARIFErrors(t, tool, data); len(errs) == 0 {
		t.Error("multitool accepted a result without locations; is it running the GitHub rules?")
	}
}

func parseSARIF(t *testing.T, data []byte) sarifLog {
	t.Helper()
	var log sarifLog
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatalf("parse SARIF: %v", err)
	}
	if len(log.Runs) == 0 {
		t.Fatal("SARIF has no runs")
	}
	return log
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSARIFSourceLocation: a finding whose resource is defined in code (a
// planned Terraform resource) is located on its block, so the alert
// annotates the pull request; its fingerprint does not depend on that.
func TestSARIFSourceLocation(t *testing.T) {
	t.Parallel()
	plain := parseSARIF(t, render(t, "sarif", testReport()))
	r := testReport()
	r.Findings[0].Source = &Source{File: "modules/edge alb/main.tf", StartLine: 11, EndLine: 26, Address: `module.shop["bare"].aws_lb.this`}
	located := parseSARIF(t, render(t, "sarif", r))
	var hit *sarifResult
	for i, res := range located.Runs[0].Results {
		if res.Locations[0].LogicalLocations[0].FullyQualifiedName == r.Findings[0].Resource && res.RuleID == r.Findings[0].RuleID {
			hit = &located.Runs[0].Results[i]
		}
		if got, want := res.PartialFingerprints, plain.Runs[0].Results[i].PartialFingerprints; got[fingerprintKey] != want[fingerprintKey] {
			t.Errorf("result %d: fingerprint %v changed with a source location (was %v)", i, got, want)
		}
	}
	if hit == nil {
		t.Fatal("the located finding is not in the SARIF")
	}
	loc := hit.Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URI != "modules/edge%20alb/main.tf" || loc.Region.StartLine != 11 || loc.Region.EndLine != 26 {
		t.Errorf("location %+v, want modules/edge%%20alb/main.tf lines 11-26", loc)
	}
	if hit.Properties["terraform_address"] != `module.shop["bare"].aws_lb.this` {
		t.Errorf("properties %v carry no terraform_address", hit.Properties)
	}
	if id := located.Runs[0].AutomationDetails.ID; id != plain.Runs[0].AutomationDetails.ID {
		t.Errorf("a live report's category changed with a source location: %q", id)
	}
	r.Snapshot = &snapshot.Snapshot{Planned: []snapshot.Planned{{ARN: r.Findings[0].Resource, Address: "aws_lb.this", Action: "create"}}}
	planned := parseSARIF(t, render(t, "sarif", r))
	if id := planned.Runs[0].AutomationDetails.ID; !strings.HasPrefix(id, "gatewatch-plan/") {
		t.Errorf("a plan's category is %q, want its own gatewatch-plan/... so it leaves the nightly scan's alerts alone", id)
	}
}

// TestSourceShownToPeople: the table, Markdown and HTML reports say where a
// finding's resource is defined.
func TestSourceShownToPeople(t *testing.T) {
	t.Parallel()
	r := testReport()
	r.Findings[0].Source = &Source{File: "infra/alb.tf", StartLine: 42, EndLine: 60, Address: "aws_lb.public"}
	if table := string(render(t, "table", r)); !strings.Contains(table, "(infra/alb.tf:42)") {
		t.Errorf("table does not say infra/alb.tf:42:\n%s", table)
	}
	if md := string(render(t, "markdown", r)); !strings.Contains(md, "\n  Defined in `infra/alb.tf:42`.\n") {
		t.Errorf("markdown does not say where the resource is defined:\n%s", md)
	}
	if page := string(render(t, "html", r)); !strings.Contains(page, "defined in infra/alb.tf:42") {
		t.Error("the HTML report does not say where the resource is defined")
	}
	if got := (Source{Address: `module.edge.aws_lb.public["eu"]`}).Where(); got != `module.edge.aws_lb.public["eu"]` {
		t.Errorf("unlocated source reads %q, want its address", got)
	}
}

// TestSARIFMessagesHaveNoEmbeddedLinks: text from AWS that looks like an
// embedded link ("[x](https://evil.example/x)" in a resource name or an
// error message) is no link in a SARIF message (SARIF 2.1.0 §3.11.6):
// its brackets and backslashes are escaped, so a viewer shows the text as
// AWS gave it and links nowhere.
func TestSARIFMessagesHaveNoEmbeddedLinks(t *testing.T) {
	t.Parallel()
	const (
		link = "[x](https://evil.example/x)"
		// A backslash of AWS's own must not undo the escape of the
		// bracket after it.
		tricky = `a\[y](https://evil.example/y) b\\[z](3) c\`
	)
	r := testReport()
	r.Findings[0].Message = "ALB " + link + " " + tricky + " has no web ACL."
	r.Errors[0].Message = "denied on " + link
	log := parseSARIF(t, render(t, "sarif", r))
	var texts []string
	for _, res := range log.Runs[0].Results {
		texts = append(texts, res.Message.Text)
	}
	for _, n := range log.Runs[0].Invocations[0].ToolExecutionNotifications {
		texts = append(texts, n.Message.Text)
	}
	var shown []string
	for _, text := range texts {
		s, links := readSARIFText(text)
		if len(links) > 0 {
			t.Errorf("message %q has embedded links to %q", text, links)
		}
		shown = append(shown, s)
	}
	all := strings.Join(shown, "\n")
	for _, want := range []string{"ALB " + link + " " + tricky + " has no web ACL.", "denied on " + link} {
		if !strings.Contains(all, want) {
			t.Errorf("no message shows %q; shown:\n%s", want, all)
		}
	}
	// The reader sees links where there are some.
	if _, links := readSARIFText(`see [here](3) and \[not](4)`); len(links) != 1 || links[0] != "3" {
		t.Errorf("readSARIFText found links %q, want [3]", links)
	}
}

// readSARIFText reads a plain-text SARIF message as SARIF 2.1.0 §3.11.6
// defines it: "\" escapes "\", "[" and "]", and "[text](target)" with
// unescaped brackets is an embedded link. It returns the text a viewer
// shows and the targets of the links.
func readSARIFText(s string) (shown string, links []string) {
	var b strings.Builder
	escaped := func(i int) bool { return i+1 < len(s) && strings.ContainsRune(`\[]`, rune(s[i+1])) }
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && escaped(i):
			i++
			b.WriteByte(s[i])
			continue
		case s[i] == '[':
			// Find the unescaped "]" that closes the link text.
			var text strings.Builder
			j := i + 1
			for ; j < len(s) && s[j] != ']'; j++ {
				if s[j] == '[' {
					break
				}
				if s[j] == '\\' && escaped(j) {
					j++
				}
				text.WriteByte(s[j])
			}
			if j < len(s) && s[j] == ']' && strings.HasPrefix(s[j+1:], "(") {
				if end := strings.IndexByte(s[j+2:], ')'); end >= 0 {
					links = append(links, s[j+2:j+2+end])
					b.WriteString(text.String())
					i = j + 2 + end
					continue
				}
			}
		}
		b.WriteByte(s[i])
	}
	return b.String(), links
}
