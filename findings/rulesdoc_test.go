package findings

import (
	"bytes"
	"strings"
	"testing"
)

func TestWriteRulesMarkdown(t *testing.T) {
	t.Parallel()
	rules := []Rule{
		{ID: "GW202", Title: "B", Severity: Low, Category: "hygiene", Description: "second", Remediation: "fix b", Controls: []string{"SecurityHub:ELB.1"}},
		{
			ID: "GW101", Title: "A | pipe", Severity: High, Category: "architecture", Description: "first", Remediation: "fix a",
			ResourceTypes: []string{"AWS::ApiGateway::RestApi"},
			Details:       "## Why\n\nbecause\n\n```sh\n# a shell comment, not a heading\n```",
		},
	}
	var buf bytes.Buffer
	if err := WriteRulesMarkdown(&buf, rules); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	for _, want := range []string{
		"| [GW101](#gw101) | A \\| pipe | high | architecture |  |\n| [GW202](#gw202) | B | low | hygiene | SecurityHub:ELB.1 |",
		"<a id=\"gw101\"></a>\n\n## GW101: A | pipe",
		"- **Resource types:** `AWS::ApiGateway::RestApi`",
		"- **Resource types:** none",
		"#### Why",                              // a rule's own headings sit below the section's
		"# a shell comment, not a heading\n```", // code blocks are left alone
		"### Remediation\n\nfix a",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("rules Markdown lacks %q; got:\n%s", want, got)
		}
	}
	if strings.Index(got, "## GW101") > strings.Index(got, "## GW202") {
		t.Error("rules are not in ID order")
	}
	if strings.Count(got, "### Details") != 1 {
		t.Error("want a Details section for the rule that has details, and only for it")
	}
}
