package findings

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWriteRulesMarkdown(t *testing.T) {
	t.Parallel()
	rules := []Rule{
		{ID: "GW202", Title: "B", Severity: Low, Category: "hygiene", Description: "second", Remediation: "fix b", Controls: []string{"SecurityHub:ELB.1"},
			Inputs: []string{"load_balancers"}},
		{
			ID: "GW101", Title: "A | pipe", Severity: High, Category: "architecture", Description: "first", Remediation: "fix a",
			ResourceTypes: []string{"AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"},
			Inputs:        []string{"rest_apis", "v2_apis", "vpc_links"},
			InputsByType:  map[string][]string{"AWS::ApiGateway::RestApi": {"rest_apis", "vpc_links"}, "AWS::ApiGatewayV2::Api": {"v2_apis"}},
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
		"- **Resource types:** `AWS::ApiGateway::RestApi`, `AWS::ApiGatewayV2::Api`",
		"- **Resource types:** none",
		// Inputs declared per resource type are listed per type.
		"- **Reads:**\n  - `AWS::ApiGateway::RestApi`: `rest_apis`, `vpc_links`\n  - `AWS::ApiGatewayV2::Api`: `v2_apis`\n\n",
		"- **Reads:** `load_balancers`\n\n",
		"### Details\n\n#### Why",               // a rule's own headings sit below the section's
		"# a shell comment, not a heading\n```", // code blocks are left alone
		"### How to fix\n\nfix a",
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

// gw104Details is the shape of every built-in rule's details: bold labels
// opening each part, the fix last with a code block.
const gw104Details = `**Why it matters.** A web ACL stops abuse
before it costs backend capacity.

**What triggers it.**
- An internet-facing ALB with no ` + "`web ACL`" + `;
- a public stage.

A distribution fronts a stage only when one of its origins reaches it.

**Evidence.** ` + "`web_acls`" + ` (empty).

**Fix.**
` + "```sh\naws wafv2 associate-web-acl --web-acl-arn ACL_ARN\n```" + `
In Terraform:
` + "```hcl\nresource \"aws_wafv2_web_acl_association\" \"api\" {}\n```"

func gw104Rule() Rule {
	return Rule{
		ID: "GW104", Title: "Public entry point without a WAF web ACL", Severity: High, Category: "architecture", Enabled: true,
		Description: "An internet-facing ALB has no **AWS WAF** web ACL.",
		Remediation: "Associate a regional web ACL: `aws wafv2 associate-web-acl`.",
		Details:     gw104Details, Source: "builtin", Package: "data.gatewatch.rules.gw104",
		ResourceTypes: []string{"AWS::ElasticLoadBalancingV2::LoadBalancer"}, Inputs: []string{"web_acls"},
	}
}

// TestRuleSectionsOnce: the description, the details' labelled parts and
// the remediation make one section each, the details' Fix joining the
// remediation under "How to fix".
func TestRuleSectionsOnce(t *testing.T) {
	t.Parallel()
	var titles []string
	var fix string
	for _, s := range ruleSections(gw104Rule()) {
		titles = append(titles, s.title)
		if s.title == sectionFix {
			fix = s.body
		}
	}
	if diff := cmp.Diff([]string{"What it checks", "Why it matters", "What triggers it", "Evidence", "How to fix"}, titles); diff != "" {
		t.Errorf("sections (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(fix, "Associate a regional web ACL") || !strings.Contains(fix, "```hcl") {
		t.Errorf("How to fix is not the remediation then the details' fix:\n%s", fix)
	}
	// Near miss: details without labels stay one "Details" section, and a
	// bold phrase mid-paragraph is no label.
	r := gw104Rule()
	r.Details = "Plain text with a **bold. phrase** inside.\n\n**Not a label** either."
	titles = nil
	for _, s := range ruleSections(r) {
		titles = append(titles, s.title)
	}
	if diff := cmp.Diff([]string{"What it checks", "Details", "How to fix"}, titles); diff != "" {
		t.Errorf("unlabelled details (-want +got):\n%s", diff)
	}
}

func TestWriteRuleText(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteRuleText(&buf, gw104Rule(), Options{Width: 60}); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	for _, want := range []string{
		"GW104  Public entry point without a WAF web ACL\n",
		"What it checks\n  An internet-facing ALB has no AWS WAF web ACL.\n",
		"Why it matters\n  A web ACL stops abuse before it costs backend capacity.\n", // reflowed
		"What triggers it\n  - An internet-facing ALB with no web ACL;\n  - a public stage.\n\n  A distribution",
		"Evidence\n  web_acls (empty).\n",
		"How to fix\n  Associate a regional web ACL: aws wafv2 associate-web-acl.\n\n      aws wafv2 associate-web-acl --web-acl-arn ACL_ARN\n\n  In Terraform:\n",
		"Reads       web_acls (not evaluated where one was not read)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("rule text lacks %q; got:\n%s", want, got)
		}
	}
	buf.Reset()
	r := gw104Rule()
	r.ResourceTypes = append(r.ResourceTypes, "AWS::ApiGateway::Stage")
	r.Inputs = []string{"rest_stages", "web_acls"}
	r.InputsByType = map[string][]string{"AWS::ApiGateway::Stage": {"rest_stages"}}
	if err := WriteRuleText(&buf, r, Options{Width: 100}); err != nil {
		t.Fatal(err)
	}
	// A type the map leaves out reads the whole list.
	for _, want := range []string{
		"Reads       AWS::ElasticLoadBalancingV2::LoadBalancer: rest_stages, web_acls;\n",
		"            AWS::ApiGateway::Stage: rest_stages (not evaluated where one was not read)\n",
	} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("rule text lacks %q; got:\n%s", want, buf.String())
		}
	}
	for _, punct := range []string{"**", "`", "```"} {
		if strings.Contains(got, punct) {
			t.Errorf("rule text keeps Markdown punctuation %q:\n%s", punct, got)
		}
	}
	for title, want := range map[string]int{"Why it matters": 1, "How to fix": 1, "Fix": 0, "Fix.": 0} {
		if n := strings.Count(got, "\n"+title+"\n"); n != want {
			t.Errorf("section %q appears %d times, want %d", title, n, want)
		}
	}
	for _, l := range strings.Split(got, "\n") {
		if len(l) > 60 && !strings.HasPrefix(l, "      ") { // code is never wrapped
			t.Errorf("line wider than 60: %q", l)
		}
	}
	if strings.Contains(got, "\x1b") {
		t.Error("colour without Color")
	}
}
