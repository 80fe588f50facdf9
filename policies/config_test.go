package policies

import (
	"os"
	"path/filepath"
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "gatewatch.yaml")
			if err := os.WriteFile(path, []byte(tt.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := LoadConfig(path)
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
	path := filepath.Join(t.TempDir(), "gatewatch.yaml")
	data := "allowed_endpoint_types: [EDGE]\npricing:\n  alb_hourly: 0.03\n"
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(path)
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
	path := filepath.Join(t.TempDir(), "gatewatch.yaml")
	if err := os.WriteFile(path, []byte("rules:\n  GW104:\n    severity: ' Critical'\n  GW101:\n    severity: LOW\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(path)
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
