package policies

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/gatewatch/gatewatch/findings"
)

// DefaultConfigFile is looked for in the working directory when --config
// is not given.
const DefaultConfigFile = ".gatewatch.yaml"

// Config is the data rules read as data.gatewatch.config, plus which rules
// run and at what severity. Rules never hard-code a threshold or a tag key.
type Config struct {
	// RequiredTags are the tag keys that say who owns a route (GW103).
	// Keys match case-insensitively and need a non-empty value.
	RequiredTags []string `json:"required_tags"`
	// HighValueTag marks entry points that deserve Shield Advanced (GW111):
	// a resource carrying this key with value "true" is high-value.
	HighValueTag string `json:"high_value_tag"`
	// Thresholds are the numeric limits the rules compare against.
	Thresholds Thresholds `json:"thresholds"`
	// Rules turns rules off or changes their severity, keyed by rule ID.
	Rules map[string]RuleSettings `json:"rules,omitempty"`
}

// Thresholds holds every numeric limit a rule uses.
type Thresholds struct {
	// WebSocketMinIdleTimeoutSeconds is the least ALB idle timeout that
	// suits long-lived connections (GW109).
	WebSocketMinIdleTimeoutSeconds int `json:"websocket_min_idle_timeout_seconds"`
	// WebSocketMinDeregistrationDelaySeconds is the least deregistration
	// delay that lets open WebSockets drain on deploys (GW109).
	WebSocketMinDeregistrationDelaySeconds int `json:"websocket_min_deregistration_delay_seconds"`
}

// RuleSettings adjusts one rule.
type RuleSettings struct {
	// Enabled false turns the rule off; nil leaves it on.
	Enabled *bool `json:"enabled,omitempty"`
	// Severity overrides the rule's declared severity.
	Severity findings.Severity `json:"severity,omitempty"`
}

// DefaultConfig is what rules see when no configuration file is given.
func DefaultConfig() Config {
	return Config{
		RequiredTags: []string{"owner", "team"},
		HighValueTag: "gatewatch:high-value",
		Thresholds: Thresholds{
			WebSocketMinIdleTimeoutSeconds:         300,
			WebSocketMinDeregistrationDelaySeconds: 60,
		},
	}
}

// LoadConfig reads a YAML or JSON configuration file over the defaults.
// Unknown keys and wrong types are errors that name the key.
func LoadConfig(path string) (Config, error) {
	cfg := DefaultConfig()
	data, err := os.ReadFile(path)
	if err != nil {
		return cfg, fmt.Errorf("config %s: %w", path, errors.Unwrap(err))
	}
	if err := parseConfig(data, &cfg); err != nil {
		return cfg, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

var unknownField = regexp.MustCompile(`unknown field "([^"]+)"`)

func parseConfig(data []byte, cfg *Config) error {
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return fmt.Errorf("not valid YAML: %s", strings.TrimPrefix(err.Error(), "error converting YAML to JSON: "))
	}
	if bytes.Equal(bytes.TrimSpace(js), []byte("null")) {
		return nil // an empty file keeps the defaults
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(cfg); err != nil {
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typeErr):
			return fmt.Errorf("key %s: expected %s, got %s", typeErr.Field, typeErr.Type, typeErr.Value)
		case unknownField.MatchString(err.Error()):
			return fmt.Errorf("unknown key %q", unknownField.FindStringSubmatch(err.Error())[1])
		}
		return errors.New(strings.TrimPrefix(err.Error(), "json: "))
	}
	return cfg.validate()
}

func (c *Config) validate() error {
	for _, k := range c.RequiredTags {
		if strings.TrimSpace(k) == "" {
			return errors.New("key required_tags: tag keys must not be empty")
		}
	}
	ids := make([]string, 0, len(c.Rules))
	for id := range c.Rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if sev := c.Rules[id].Severity; sev != "" {
			if _, err := findings.ParseSeverity(string(sev)); err != nil {
				return fmt.Errorf("key rules.%s.severity: %w", id, err)
			}
		}
	}
	return nil
}

// regoData is the configuration as the rules see it.
func (c Config) regoData() (map[string]any, error) {
	data, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	delete(m, "rules") // rule switches are the engine's business, not the rules'
	return m, nil
}
