package policies

import (
	"testing"
)

// FuzzParseConfig: parsing a configuration never panics, and one it
// accepts can be handed to the rules.
func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{
		"",
		"{}",
		"required_tags: [owner, team]\nthresholds:\n  cost_min_monthly_savings: 10\nrules:\n  GW103: {severity: medium}\n  GW110: {enabled: false}\n",
		`{"pricing": {"alb_requests_per_second_per_lcu": 0}}`,
		"allowed_endpoint_types: [EDGE, LOCAL]\n",
		"rules: {GW101: {severity: severe}}\n",
		"unknown: 1\n",
		"[]",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg := DefaultConfig()
		if _, err := parseConfig(data, &cfg); err != nil {
			return
		}
		if _, err := cfg.regoData(); err != nil {
			t.Fatalf("an accepted configuration does not convert for the rules: %v", err)
		}
	})
}
