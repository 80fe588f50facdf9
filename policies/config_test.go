package policies

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gatewatch/gatewatch/findings"
)

// TestLoadConfigErrors holds configuration errors to naming the key at
// fault, so a typo in a nightly job's config is fixed from the log alone.
func TestLoadConfigErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown top-level key", "required_tag: [owner]\n", `unknown key "required_tag"`},
		{"unknown nested key", "thresholds:\n  latency_slo: 5\n", `unknown key "latency_slo"`},
		{"wrong type", "thresholds:\n  websocket_min_idle_timeout_seconds: long\n", "key thresholds.websocket_min_idle_timeout_seconds: expected int"},
		{"wrong type in pricing", "pricing:\n  alb_hourly: [1]\n", "key pricing.alb_hourly: expected float64"},
		{"bad endpoint type", "allowed_endpoint_types: [PUBLIC]\n", "key allowed_endpoint_types"},
		{"bad severity", "rules:\n  GW101:\n    severity: urgent\n", "key rules.GW101.severity"},
		{"no owner tags", "owner_tags: []\n", "key owner_tags: list at least one tag key (to stop GW103, set rules.GW103.enabled: false)"},
		{"blank owner tag", "owner_tags: [owner, ' ']\n", "key owner_tags: tag keys must not be empty"},
		{"negative threshold", "thresholds:\n  websocket_min_idle_timeout_seconds: -5\n", "key thresholds.websocket_min_idle_timeout_seconds: must not be negative, got -5"},
		{"negative float threshold", "thresholds:\n  cost_min_monthly_savings: -0.5\n", "key thresholds.cost_min_monthly_savings: must not be negative, got -0.5"},
		{"negative price", "pricing:\n  alb_hourly: -1\n", "key pricing.alb_hourly: must not be negative"},
		{"key twice", "rules:\n  GW101:\n    enabled: false\nrules:\n  GW102:\n    enabled: false\n", `line 4: key "rules" is set twice in one mapping`},
		{"rule twice", "rules:\n  GW104:\n    enabled: false\n  GW104:\n    severity: low\n", `key "GW104" is set twice in one mapping`},
		{"JSON key twice", `{"owner_tags": ["a"], "owner_tags": ["b"]}`, `line 1: key "owner_tags" is set twice in one mapping`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := writeConfig(t, tt.yaml)
			_, _, err := LoadConfig(path)
			if err == nil {
				t.Fatalf("LoadConfig(%q) = nil error, want one containing %q", tt.yaml, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("LoadConfig(%q) error = %q, want it to contain %q", tt.yaml, err, tt.want)
			}
		})
	}
}

// TestLoadConfigOverridesDefaults checks that a partial file keeps the
// defaults it does not mention and replaces lists it does.
func TestLoadConfigOverridesDefaults(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, "allowed_endpoint_types: [EDGE]\npricing:\n  alb_hourly: 0.03\n")
	cfg, _, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	def := DefaultConfig()
	if got := cfg.AllowedEndpointTypes; len(got) != 1 || got[0] != "EDGE" {
		t.Errorf("allowed_endpoint_types = %v, want [EDGE]", got)
	}
	if cfg.Pricing.ALBHourly != 0.03 {
		t.Errorf("pricing.alb_hourly = %v, want 0.03", cfg.Pricing.ALBHourly)
	}
	if cfg.Pricing.ALBLCUHourly != def.Pricing.ALBLCUHourly {
		t.Errorf("pricing.alb_lcu_hourly = %v, want the default %v", cfg.Pricing.ALBLCUHourly, def.Pricing.ALBLCUHourly)
	}
}

// TestLoadConfigNormalisesSeverity: any spelling LoadConfig accepts is
// stored in the one form severities rank by.
func TestLoadConfigNormalisesSeverity(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, "rules:\n  GW104:\n    severity: ' Critical'\n  GW101:\n    severity: LOW\n")
	cfg, _, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Rules["GW104"].Severity; got != findings.Critical {
		t.Errorf("rules.GW104.severity = %q, want %q", got, findings.Critical)
	}
	if got := cfg.Rules["GW101"].Severity; got != findings.Low {
		t.Errorf("rules.GW101.severity = %q, want %q", got, findings.Low)
	}
}

// TestLoadConfigOwnerTagsMigration: a file written when required_tags also
// decided GW103 keeps its keys as the ownership keys, now any-of, and is
// told so; a file that sets owner_tags, or neither, is not warned.
func TestLoadConfigOwnerTagsMigration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, yaml      string
		owner, required []string
		warn            string
	}{
		{"required_tags only", "required_tags: [cost-center, owner]\n", []string{"cost-center", "owner"}, []string{"cost-center", "owner"},
			"required_tags no longer decides GW103 alone: GW103 now treats a route as owned when it carries any one of owner_tags, which this file does not set, so GW103 uses required_tags [cost-center owner] as owner_tags (any one of them owns a route); GW216 still requires all of them. Set owner_tags to choose the ownership keys and silence this warning"},
		{"both", "required_tags: [cost-center]\nowner_tags: [owner]\n", []string{"owner"}, []string{"cost-center"}, ""},
		{"owner_tags only", "owner_tags: [squad]\n", []string{"squad"}, []string{"owner", "team"}, ""},
		{"neither", "high_value_tag: crown-jewel\n", []string{"owner", "team"}, []string{"owner", "team"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := writeConfig(t, tt.yaml)
			cfg, warnings, err := LoadConfig(path)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(cfg.OwnerTags, tt.owner) || !slices.Equal(cfg.RequiredTags, tt.required) {
				t.Errorf("owner_tags %v, required_tags %v; want %v, %v", cfg.OwnerTags, cfg.RequiredTags, tt.owner, tt.required)
			}
			var want []string
			if tt.warn != "" {
				want = []string{"config " + path + ": " + tt.warn}
			}
			if !slices.Equal(warnings, want) {
				t.Errorf("warnings = %q, want %q", warnings, want)
			}
		})
	}
}

// writeConfig writes a configuration file for one test and returns its
// path.
func writeConfig(t *testing.T, yaml string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gatewatch.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestDefaultSSLPoliciesFloorIsTLS12: GW213 passes a listener on any
// default policy, so none of them may offer TLS 1.0 or 1.1. ELB names say
// the range: ELBSecurityPolicy-TLS13-1-2-* offers TLS 1.2 and 1.3,
// -TLS13-1-3-* TLS 1.3 only, -TLS13-1-0-* and -TLS13-1-1-* go lower, and
// names without TLS13 (2016-08, TLS-1-2-2017-01, FS-*) offer no TLS 1.3.
func TestDefaultSSLPoliciesFloorIsTLS12(t *testing.T) {
	t.Parallel()
	policies := DefaultConfig().RecommendedSSLPolicies
	seen := map[string]bool{}
	for _, p := range policies {
		if !strings.HasPrefix(p, "ELBSecurityPolicy-TLS13-1-2-") && !strings.HasPrefix(p, "ELBSecurityPolicy-TLS13-1-3-") {
			t.Errorf("default recommended_ssl_policies has %s, whose range is not TLS 1.2-1.3 or 1.3", p)
		}
		if seen[p] {
			t.Errorf("default recommended_ssl_policies lists %s twice", p)
		}
		seen[p] = true
	}
	// The 2025-09 FIPS post-quantum policies were once missing (a false
	// positive on listeners AWS recommends).
	for _, want := range []string{
		"ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
		"ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-PQ-2025-09",
		"ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-PQ-2025-09",
		"ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-PQ-2025-09",
		"ELBSecurityPolicy-TLS13-1-2-RFC9151-FIPS-2023-07",
	} {
		if !slices.Contains(policies, want) {
			t.Errorf("default recommended_ssl_policies lacks %s", want)
		}
	}
}

// TestConfigTooLargeSaysTheLimit: a configuration past its bound (a
// device that never ends) is refused with the bound, not a bare "too
// large".
func TestConfigTooLargeSaysTheLimit(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	_, _, err := LoadConfig("/dev/zero")
	if err == nil || !strings.Contains(err.Error(), "config /dev/zero: too large: more than 64 MiB") {
		t.Errorf("LoadConfig(/dev/zero) = %v, want the 64 MiB bound named", err)
	}
}
