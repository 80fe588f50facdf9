package findings

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// SARIF is written with plain structs rather than a library: gatewatch
// needs a small, fixed subset of SARIF 2.1.0, and owning the structs keeps
// the output deterministic and the dependency list short.

const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	// rulesDocURL is where docs/rules.md is published; each rule has an
	// anchor named after its lower-cased ID.
	rulesDocURL = "https://github.com/gatewatch/gatewatch/blob/main/docs/rules.md"
	toolInfoURL = "https://github.com/gatewatch/gatewatch"
	// fingerprintKey names the partialFingerprints entry; bump its version
	// if Finding.Fingerprint ever changes meaning.
	fingerprintKey = "gatewatch/v1"
)

// sarifLimits are GitHub code scanning's upload limits. A file over any of
// them is rejected whole, so the writer cuts results instead, least severe
// first, and says so. gatewatch writes one run per file, so the limit of
// 20 runs never binds.
type sarifLimits struct {
	Results   int // results per run
	Rules     int // rules per run
	GzipBytes int // whole file, gzip-compressed
}

var githubLimits = sarifLimits{Results: 25000, Rules: 25000, GzipBytes: 10 << 20}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool              sarifTool         `json:"tool"`
	Invocations       []sarifInvocation `json:"invocations"`
	AutomationDetails sarifAutomation   `json:"automationDetails"`
	Results           []sarifResult     `json:"results"`
	ColumnKind        string            `json:"columnKind"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	SemanticVer    string      `json:"semanticVersion,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
	// Properties carry the rest of the build's identity (Tool); absent
	// when the report knows only a name and version.
	Properties *sarifToolProps `json:"properties,omitempty"`
}

// sarifToolProps is the driver's property bag: Tool's keys past name and
// version, in SARIF's camelCase.
type sarifToolProps struct {
	Revision        string `json:"revision,omitempty"`
	CommitTime      string `json:"commitTime,omitempty"`
	BuildTime       string `json:"buildTime,omitempty"`
	Dirty           bool   `json:"dirty,omitempty"`
	GoVersion       string `json:"goVersion,omitempty"`
	OPAVersion      string `json:"opaVersion,omitempty"`
	AWSSDKVersion   string `json:"awsSdkVersion,omitempty"`
	RulePackVersion string `json:"rulePackVersion,omitempty"`
}

// sarifToolProperties returns t's identity past name and version, or nil.
func sarifToolProperties(t Tool) *sarifToolProps {
	p := sarifToolProps{Revision: t.Revision, CommitTime: t.CommitTime, BuildTime: t.BuildTime, Dirty: t.Dirty,
		GoVersion: t.GoVersion, OPAVersion: t.OPAVersion, AWSSDKVersion: t.AWSSDKVersion, RulePackVersion: t.RulePackVersion}
	if p == (sarifToolProps{}) {
		return nil
	}
	return &p
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	HelpURI              string         `json:"helpUri"`
	DefaultConfiguration sarifRuleConf  `json:"defaultConfiguration"`
	Properties           sarifRuleProps `json:"properties"`
}

// sarifMessage is a plain-text message object that shows text as it is.
// SARIF 2.1.0 §3.11.6 reads "[text](target)" in a message as an embedded
// link, which viewers render as one, and "\" as the escape of "\", "["
// and "]": AWS-provided text (a resource named "[x](https://evil.example)")
// must not become a link in a code-scanning alert, so all three are
// escaped. The spec requires the escape only inside link text; viewers
// (the SARIF VS Code viewer) also take an escaped bracket elsewhere for a
// literal one and show it without its backslash. Backslashes are escaped
// too, so that one from AWS cannot cancel the escape of the bracket
// after it.
func sarifMessage(text string) sarifText { return sarifText{Text: sarifLinkEscaper.Replace(text)} }

var sarifLinkEscaper = strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`)

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRuleConf struct {
	Level   string `json:"level"`
	Enabled bool   `json:"enabled"`
}

type sarifRuleProps struct {
	// SecuritySeverity is a score GitHub maps to its own severity scale
	// (over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, else low).
	SecuritySeverity string   `json:"security-severity"`
	Precision        string   `json:"precision"`
	Tags             []string `json:"tags"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level      string            `json:"level"`
	Message    sarifText         `json:"message"`
	Descriptor *sarifDescriptRef `json:"descriptor,omitempty"`
}

type sarifDescriptRef struct {
	ID string `json:"id"`
}

type sarifAutomation struct {
	ID string `json:"id"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	BaselineState       string             `json:"baselineState,omitempty"`
	Properties          map[string]any     `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical  `json:"physicalLocation"`
	LogicalLocations []sarifLogical `json:"logicalLocations"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
	EndLine   int `json:"endLine,omitempty"`
}

type sarifLogical struct {
	Name               string `json:"name,omitempty"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification"`
}

func writeSARIF(w io.Writer, r *Report) error {
	return writeSARIFLimited(w, r, githubLimits)
}

// writeSARIFLimited renders r as one SARIF run, cut to fit lim.
func writeSARIFLimited(w io.Writer, r *Report, lim sarifLimits) error {
	// Most severe first, so that every cut drops the least severe.
	findings := slices.Clone(r.Findings)
	SortFindings(findings)
	rules := sarifRules(r, findings)
	var notes []string
	if total := len(rules); total > lim.Rules {
		// Keep the rules of the most severe findings; their results follow.
		rules = rules[:lim.Rules]
		kept := make(map[string]bool, len(rules))
		for _, rule := range rules {
			kept[rule.ID] = true
		}
		var fs []Finding
		for _, f := range findings {
			if kept[f.RuleID] {
				fs = append(fs, f)
			}
		}
		notes = append(notes, fmt.Sprintf("%d rules exceed GitHub's limit of %d per run; %d results of the rules left out were dropped",
			total, lim.Rules, len(findings)-len(fs)))
		findings = fs
	}
	if len(findings) > lim.Results {
		notes = append(notes, fmt.Sprintf("%d results exceed GitHub's limit of %d per run; the %d least severe were dropped",
			len(findings), lim.Results, len(findings)-lim.Results))
		findings = findings[:lim.Results]
	}
	// The size limit is on the compressed file, which only rendering
	// tells: halve the results kept until it fits.
	var sizeNote []string
	for n := len(findings); ; n /= 2 {
		data, err := renderSARIF(r, rules, findings[:n], append(notes[:len(notes):len(notes)], sizeNote...))
		if err != nil {
			return err
		}
		size, err := gzipSize(data)
		if err != nil {
			return err
		}
		if size <= lim.GzipBytes || n == 0 {
			for _, note := range append(notes, sizeNote...) {
				r.warn("sarif: %s", note)
			}
			_, err = w.Write(data)
			return err
		}
		sizeNote = []string{fmt.Sprintf("%d results make the file larger than GitHub's limit of %d bytes gzip-compressed; kept the %d most severe",
			len(findings), lim.GzipBytes, n/2)}
	}
}

func gzipSize(data []byte) (int, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		return 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	return buf.Len(), nil
}

func renderSARIF(r *Report, rules []Rule, findings []Finding, notes []string) ([]byte, error) {
	index := make(map[string]int, len(rules))
	driverRules := make([]sarifRule, 0, len(rules))
	for i, rule := range rules {
		index[rule.ID] = i
		driverRules = append(driverRules, sarifRuleOf(rule))
	}
	idx := resourceIndex(r)
	results := make([]sarifResult, 0, len(findings))
	for _, f := range findings {
		results = append(results, sarifResultOf(f, index[f.RuleID], idx[f.Resource].Name))
	}
	// The evaluation itself succeeded even when collection had gaps; the
	// gaps are error notifications, which GitHub shows on the analysis, so
	// nothing is silently missing.
	inv := sarifInvocation{ExecutionSuccessful: true}
	for _, e := range r.Errors {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
			Level:      "error",
			Message:    sarifMessage(fmt.Sprintf("collection gap: %s %s in account %s region %s failed: %s: %s", e.Service, e.Operation, e.Account, e.Region, e.Code, sanitize(e.Message))),
			Descriptor: &sarifDescriptRef{ID: "collection-error"},
		})
	}
	// What the rules could not judge is no result (GitHub turns every
	// result into an alert) but a warning on the analysis.
	for _, g := range gapGroups(r) {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
			Level: "warning",
			Message: sarifMessage(fmt.Sprintf("not evaluated: %s in account %s region %s (%d resources named): missing %s; %s",
				strings.Join(g.Rules, ", "), g.Account, g.Region, g.Resources, strings.Join(g.Inputs, ", "), short(g.Advice()))),
			Descriptor: &sarifDescriptRef{ID: "not-evaluated"},
		})
	}
	if lost := r.SourcesLost; len(lost) > 0 {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
			Level: "warning", Message: sarifMessage(sourcesLostNote(lost)), Descriptor: &sarifDescriptRef{ID: "source-lost"},
		})
	}
	for _, note := range notes {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
			Level: "warning", Message: sarifMessage("output cut: " + note), Descriptor: &sarifDescriptRef{ID: "output-cut"},
		})
	}
	log := sarifLog{
		Schema:  sarifSchema,
		Version: sarifVersion,
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name: cmp.Or(r.Tool.Name, "gatewatch"), Version: r.Tool.Version, SemanticVer: semver(r.Tool.Version),
				InformationURI: toolInfoURL, Rules: driverRules, Properties: sarifToolProperties(r.Tool),
			}},
			Invocations: []sarifInvocation{inv},
			// One category per scope, so scans of different account sets
			// uploaded to one repository do not close each other's alerts.
			AutomationDetails: sarifAutomation{ID: automationID(r)},
			Results:           results,
			ColumnKind:        "unicodeCodePoints",
		}},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(log); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// sarifRules lists the catalogue rules that have results, plus a stub for
// any result whose rule is missing from the catalogue, in the order of
// their first (most severe) result. GitHub needs every ruleId described.
func sarifRules(r *Report, findings []Finding) []Rule {
	byID := make(map[string]Rule, len(r.Rules))
	for _, rule := range r.Rules {
		byID[rule.ID] = rule
	}
	seen := make(map[string]bool)
	var out []Rule
	for _, f := range findings {
		if seen[f.RuleID] {
			continue
		}
		seen[f.RuleID] = true
		rule, ok := byID[f.RuleID]
		if !ok {
			rule = Rule{ID: f.RuleID, Title: f.Title, Description: f.Title, Severity: f.Severity, Remediation: f.Remediation, Controls: f.Controls}
		}
		out = append(out, rule)
	}
	return out
}

func sarifRuleOf(rule Rule) sarifRule {
	title := cmp.Or(sanitize(rule.Title), rule.ID)
	desc := cmp.Or(sanitize(rule.Description), title)
	help := cmp.Or(sanitize(rule.Remediation), "See "+ruleHelpURI(rule.ID))
	md := "**Remediation:** " + mdEscape(help)
	if rule.Details != "" {
		// Details is Markdown written by the rule author, not by AWS.
		md += "\n\n" + rule.Details
	}
	if len(rule.Controls) > 0 {
		md += "\n\n**Controls:** " + mdEscape(strings.Join(rule.Controls, ", "))
	}
	tags := []string{"security", "aws"}
	if rule.Category != "" {
		tags = append(tags, rule.Category)
	}
	for _, c := range rule.Controls {
		tags = append(tags, sanitize(c))
	}
	return sarifRule{
		ID:                   rule.ID,
		Name:                 cmp.Or(ruleName(title), rule.ID),
		ShortDescription:     sarifText{Text: title},
		FullDescription:      sarifText{Text: desc},
		Help:                 sarifText{Text: help, Markdown: md},
		HelpURI:              ruleHelpURI(rule.ID),
		DefaultConfiguration: sarifRuleConf{Level: sarifLevel(rule.Severity), Enabled: true},
		Properties: sarifRuleProps{
			SecuritySeverity: securitySeverity(rule.Severity),
			Precision:        "high",
			Tags:             tags,
		},
	}
}

func sarifResultOf(f Finding, ruleIndex int, name string) sarifResult {
	res := sarifResult{
		RuleID:    f.RuleID,
		RuleIndex: ruleIndex,
		Level:     sarifLevel(f.Severity),
		Message:   sarifMessage(cmp.Or(sanitize(f.Message), sanitize(f.Title), f.RuleID)),
		Locations: []sarifLocation{{
			PhysicalLocation: physicalLocation(f),
			LogicalLocations: []sarifLogical{{Name: sanitize(name), FullyQualifiedName: f.Resource, Kind: "resource"}},
		}},
		PartialFingerprints: map[string]string{fingerprintKey: cmp.Or(f.Fingerprint, Fingerprint(f.RuleID, f.Resource))},
		Properties:          map[string]any{"account": f.Account, "region": f.Region, "severity": string(f.Severity)},
	}
	if f.ResourceType != "" {
		res.Properties["resource_type"] = f.ResourceType
	}
	if src := f.Source; src != nil {
		switch {
		case src.MatchedBy == "cloudformation":
			res.Properties["cloudformation_logical_id"] = src.LogicalID
			if src.Address != "" {
				res.Properties["cdk_path"] = src.Address
			}
		case src.Address != "":
			res.Properties["terraform_address"] = src.Address
		}
		if src.MatchedBy != "" {
			res.Properties["source_matched_by"] = src.MatchedBy
		}
	}
	if s := f.Suppression; s != nil {
		just := s.Kind + ": " + sanitize(s.Reason)
		if s.Expires != "" {
			just += " (expires " + s.Expires + ")"
		}
		res.Suppressions = []sarifSuppression{{Kind: "external", Status: "accepted", Justification: just}}
	}
	switch f.Baseline {
	case "new":
		res.BaselineState = "new"
	case "unchanged":
		res.BaselineState = "unchanged"
	}
	return res
}

// physicalLocation is the code that defines the resource when known, so
// the alert annotates the pull request's diff; else the synthetic path.
func physicalLocation(f Finding) sarifPhysical {
	if src := f.Source; src.Located() {
		return sarifPhysical{
			ArtifactLocation: sarifArtifact{URI: sourceURI(src.File)},
			Region:           sarifRegion{StartLine: src.StartLine, EndLine: max(src.EndLine, src.StartLine)},
		}
	}
	return sarifPhysical{ArtifactLocation: sarifArtifact{URI: resourceURI(f)}, Region: sarifRegion{StartLine: 1}}
}

// sourcesLostNote says which results lost the code location the baseline
// gave them: GitHub files an alert under its location, so each of them
// closes on the code and reopens on its synthetic path.
func sourcesLostNote(lost []Finding) string {
	const shown = 5
	var b strings.Builder
	fmt.Fprintf(&b, "code location lost: %d results that the baseline located in code have no location in this run, "+
		"so their alerts move back to aws/ paths (was --source or --terraform-state left out?):", len(lost))
	for i, f := range lost {
		if i == shown {
			fmt.Fprintf(&b, " and %d more", len(lost)-shown)
			break
		}
		fmt.Fprintf(&b, " %s on %s (was %s);", f.RuleID, sanitize(f.Resource), sanitize(f.Source.Where()))
	}
	return strings.TrimSuffix(b.String(), ";")
}

// sourceURI escapes a repository-relative path segment by segment.
func sourceURI(file string) string {
	segs := strings.Split(file, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// resourceURI is the stable relative path GitHub files an alert under:
// aws/<account>/<region>/<service>/<resource-id>, built from the ARN so the
// same resource always lands on the same path. GitHub needs a physical
// location for every result, and a cloud resource has no file.
func resourceURI(f Finding) string {
	account, region, service, id := f.Account, f.Region, "resource", f.Resource
	if a, ok := snapshot.ParseARN(f.Resource); ok {
		service, id = a.Service, a.Resource
		account, region = cmp.Or(a.Account, account), cmp.Or(a.Region, region)
	}
	segs := []string{"aws", cmp.Or(account, "unknown-account"), cmp.Or(region, "global"), service}
	for _, s := range strings.FieldsFunc(id, func(r rune) bool { return r == '/' || r == ':' }) {
		segs = append(segs, s)
	}
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
		if strings.Trim(s, ".") == "" {
			// "." and ".." would make the path climb out of aws/.
			segs[i] = strings.Repeat("%2E", len(s))
		}
	}
	return strings.Join(segs, "/")
}

func ruleHelpURI(id string) string {
	return rulesDocURL + "#" + strings.ToLower(url.PathEscape(id))
}

// ruleName turns a title into the PascalCase identifier SARIF expects in
// reportingDescriptor.name.
func ruleName(title string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(title, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

func sarifLevel(s Severity) string {
	switch s {
	case Critical, High:
		return "error"
	case Medium:
		return "warning"
	}
	return "note"
}

func securitySeverity(s Severity) string {
	switch s {
	case Critical:
		return "9.5"
	case High:
		return "8.0"
	case Medium:
		return "5.5"
	case Low:
		return "3.0"
	}
	return "1.0"
}

// semver returns v when it looks like a semantic version, else "".
func semver(v string) string {
	v = strings.TrimPrefix(v, "v")
	if v == "" || v[0] < '0' || v[0] > '9' || strings.Count(v, ".") < 2 {
		return ""
	}
	return v
}

// automationID is the run's category: one per scope, and one of their own
// for Terraform plans, so that a pull request's results neither close nor
// are closed by the nightly scan's alerts on the same account.
func automationID(r *Report) string {
	kind := "gatewatch"
	if r.Snapshot != nil && len(r.Snapshot.Planned) > 0 {
		kind = "gatewatch-plan"
	}
	return kind + "/" + scopeID(r) + "/"
}

// scopeID names the accounts and regions covered, for automation IDs.
func scopeID(r *Report) string {
	id := strings.Join(r.Scope.Accounts, "+")
	if len(r.Scope.Accounts) > 3 {
		// An organisation's account list is too long for a category.
		sum := sha256.Sum256([]byte(id))
		id = fmt.Sprintf("%d-accounts-%s", len(r.Scope.Accounts), hex.EncodeToString(sum[:4]))
	}
	if r.Scope.Shard != "" {
		id += "/shard-" + strings.ReplaceAll(r.Scope.Shard, "/", "-of-")
	}
	return cmp.Or(id, "all")
}
