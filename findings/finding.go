// Package findings holds what an evaluation produces: findings, the report
// that carries them with the collection errors and scope, suppressions and
// baselines, and one writer per output format.
package findings

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Severity ranks a finding. The zero value is invalid.
type Severity string

// Severities, most severe first.
const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
	Info     Severity = "info"
)

// Severities lists every severity, most severe first.
var Severities = []Severity{Critical, High, Medium, Low, Info}

// ParseSeverity accepts a severity name in any case.
func ParseSeverity(s string) (Severity, error) {
	sev := Severity(strings.ToLower(strings.TrimSpace(s)))
	if sev.Rank() < 0 {
		return "", fmt.Errorf("unknown severity %q (want one of critical, high, medium, low, info)", s)
	}
	return sev, nil
}

// Rank is 4 for critical down to 0 for info, and -1 for an invalid value.
func (s Severity) Rank() int {
	switch s {
	case Critical:
		return 4
	case High:
		return 3
	case Medium:
		return 2
	case Low:
		return 1
	case Info:
		return 0
	}
	return -1
}

// AtLeast reports whether s is as severe as min or more.
func (s Severity) AtLeast(min Severity) bool { return s.Rank() >= min.Rank() }

// Finding is one rule's verdict on one resource.
type Finding struct {
	RuleID       string   `json:"rule_id"`
	Severity     Severity `json:"severity"`
	Title        string   `json:"title"`
	Resource     string   `json:"resource"`
	ResourceType string   `json:"resource_type,omitempty"`
	Account      string   `json:"account"`
	Region       string   `json:"region"`
	Message      string   `json:"message"`
	Remediation  string   `json:"remediation"`
	// Evidence holds the values that triggered the rule, as the rule gave
	// them.
	Evidence map[string]any `json:"evidence"`
	// Controls are the hygiene controls the rule maps to, such as
	// "SecurityHub:APIGateway.1".
	Controls []string `json:"controls,omitempty"`
	// Fingerprint identifies the finding across runs: a hash of the rule
	// and the resource only, never of times or messages.
	Fingerprint string `json:"fingerprint"`
	// Suppression is set when a suppression or waiver tag covers the
	// finding; suppressed findings stay in machine outputs, marked.
	Suppression *Suppression `json:"suppression,omitempty"`
	// Baseline is "new" or "unchanged" when a baseline was given.
	Baseline string `json:"baseline,omitempty"`
	// Source is the infrastructure code that defines the resource, when
	// known: a Terraform plan's resource block, or a live resource's
	// Terraform block or CloudFormation template entry (--source).
	Source *Source `json:"source,omitempty"`
	// Inputs, when the rule's result named them, narrow the datasets this
	// finding rests on. Not part of the report.
	Inputs []string `json:"-"`
}

// Suppression says why a finding is not acted on.
type Suppression struct {
	// Kind is "file" (a suppressions file entry) or "tag" (a waiver tag on
	// the resource).
	Kind    string `json:"kind"`
	Reason  string `json:"reason"`
	Expires string `json:"expires,omitempty"`
}

// Fingerprint is the stable identity of a rule's finding on a resource.
func Fingerprint(ruleID, resource string) string {
	sum := sha256.Sum256([]byte(ruleID + "\x00" + resource))
	return hex.EncodeToString(sum[:16])
}

// Source is where a finding's resource is defined in code.
type Source struct {
	// File is relative to the --source directory, with forward slashes;
	// empty when the defining block was not found (no --source given).
	File      string `json:"file,omitempty"`
	StartLine int    `json:"start_line,omitempty"`
	EndLine   int    `json:"end_line,omitempty"`
	// Address is the Terraform address of the resource instance, or the
	// CDK construct path of a resource CDK synthesized.
	Address string `json:"address,omitempty"`
	// LogicalID is the CloudFormation logical ID of the resource.
	LogicalID string `json:"logical_id,omitempty"`
	// MatchedBy says how the resource was tied to the code: "plan" (a
	// Terraform plan's resource), "state" (a Terraform state's),
	// "name" (a Terraform block with its unique literal name) or
	// "cloudformation" (the stack tags CloudFormation puts on resources).
	MatchedBy string `json:"matched_by,omitempty"`
}

// Located reports whether the source names a file and line.
func (s *Source) Located() bool { return s != nil && s.File != "" && s.StartLine > 0 }

// Where says where the resource is defined, for people: "file:line" when
// the block was located, else the Terraform address or logical ID.
func (s Source) Where() string {
	if !s.Located() {
		return cmp.Or(s.Address, s.LogicalID)
	}
	return fmt.Sprintf("%s:%d", s.File, s.StartLine)
}
