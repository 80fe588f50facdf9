package policies

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/gatewatch/gatewatch/findings"
	"github.com/gatewatch/gatewatch/internal/inputfile"
	"github.com/gatewatch/gatewatch/internal/yamljson"
)

// DefaultConfigFile is looked for in the working directory when --config
// is not given.
const DefaultConfigFile = ".gatewatch.yaml"

// Config is the data rules read as data.gatewatch.config, plus which rules
// run and at what severity. Rules never hard-code a threshold or a tag key.
type Config struct {
	// OwnerTags are the tag keys that say who owns a route (GW103): a
	// listener rule or API stage is owned when it carries any one of them,
	// itself or inherited from its listener, load balancer or API. Keys
	// match case-insensitively and need a non-empty value.
	OwnerTags []string `json:"owner_tags"`
	// RequiredTags are the tag keys every entry point must carry, all of
	// them (GW216). Keys match case-insensitively and need a non-empty
	// value.
	RequiredTags []string `json:"required_tags"`
	// HighValueTag marks entry points that deserve Shield Advanced (GW111):
	// a resource carrying this key with value "true" is high-value.
	HighValueTag string `json:"high_value_tag"`
	// WebSocketTag marks target groups (or their load balancers) that carry
	// WebSockets or other long-lived connections (GW109) when no listener
	// rule matches the Upgrade header: value "true".
	WebSocketTag string `json:"websocket_tag"`
	// LatencySLOTag is the tag key on an API or stage whose value is the
	// owner's p99 budget, in milliseconds, for API Gateway's own overhead
	// (GW114).
	LatencySLOTag string `json:"latency_slo_tag"`
	// AllowedEndpointTypes are the REST API endpoint types the organisation
	// accepts (GW215, AWS Config api-gw-endpoint-type-check).
	AllowedEndpointTypes []string `json:"allowed_endpoint_types"`
	// StrictELB18 reports HTTP listeners whose every action redirects to
	// HTTPS and NLB QUIC listeners (GW214), as Security Hub ELB.18 does. By
	// default they pass: the redirect is the fix GW207 asks for, and no
	// request is served in plain text; QUIC is encrypted end to end.
	StrictELB18 bool `json:"strict_elb18"`
	// RecommendedSSLPolicies are the ELB security policies HTTPS and TLS
	// listeners may use (GW213, Security Hub ELB.17).
	RecommendedSSLPolicies []string `json:"recommended_ssl_policies"`
	// Pricing is the price table the cost rule (GW113) uses, in USD.
	Pricing Pricing `json:"pricing"`
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
	// LatencyOverheadP99Ms is the p99 budget for API Gateway's overhead
	// (Latency - IntegrationLatency) applied when no stage or API declares
	// its own with LatencySLOTag; 0 checks only APIs that declare one
	// (GW114).
	LatencyOverheadP99Ms float64 `json:"latency_overhead_p99_ms"`
	// CostMinMonthlySavings is the least estimated monthly saving, in USD,
	// that makes a cost crossover worth reporting (GW113).
	CostMinMonthlySavings float64 `json:"cost_min_monthly_savings"`
}

// Pricing is the price table of the cost rule. Defaults are us-east-1
// list prices; override them for other regions or negotiated rates.
type Pricing struct {
	// APIGatewayRESTPerMillion is the price of a million REST API requests
	// (first tier).
	APIGatewayRESTPerMillion float64 `json:"apigw_rest_per_million"`
	// APIGatewayHTTPPerMillion is the price of a million HTTP API requests
	// (first tier).
	APIGatewayHTTPPerMillion float64 `json:"apigw_http_per_million"`
	// ALBHourly is the price of an ALB-hour.
	ALBHourly float64 `json:"alb_hourly"`
	// ALBLCUHourly is the price of an LCU-hour.
	ALBLCUHourly float64 `json:"alb_lcu_hourly"`
	// ALBRequestsPerSecondPerLCU is how many requests per second one LCU
	// carries when the ALB reports no ConsumedLCUs metric. 25 assumes
	// one new connection per request, LCU's tightest dimension; clients
	// that keep connections alive get far more.
	ALBRequestsPerSecondPerLCU float64 `json:"alb_requests_per_second_per_lcu"`
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
		OwnerTags:     []string{"owner", "team"},
		RequiredTags:  []string{"owner", "team"},
		HighValueTag:  "gatewatch:high-value",
		WebSocketTag:  "gatewatch:websocket",
		LatencySLOTag: "gatewatch:latency-slo-ms",
		// EDGE is left out: its CloudFront distribution is AWS-managed, so
		// no cache behaviour, web ACL or Shield protection of your own can
		// sit on it; put your own distribution in front of a REGIONAL API.
		AllowedEndpointTypes: []string{"REGIONAL", "PRIVATE"},
		// Every ELB policy that offers TLS 1.3 and goes no lower than TLS
		// 1.2: the 2021-06 family, FIPS 2023-04, RFC 9151 (CNSA 1.0, FIPS)
		// 2023-07, post-quantum 2025-09 and FIPS post-quantum 2025-09. The
		// TLS13-1-0 and TLS13-1-1 members of those families still offer TLS
		// 1.0 or 1.1 and are left out, as are the TLS 1.2-only policies
		// (TLS-1-2-*, FS-1-2-*: no TLS 1.3). Security Hub ELB.17 is
		// stricter: it accepts only the Res and TLS 1.3-only members.
		// TestDefaultSSLPoliciesFloorIsTLS12 keeps the floor.
		RecommendedSSLPolicies: []string{
			"ELBSecurityPolicy-TLS13-1-2-2021-06",
			"ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
			"ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
			"ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
			"ELBSecurityPolicy-TLS13-1-3-2021-06",
			"ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
			"ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
			"ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04",
			"ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04",
			"ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04",
			"ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
			"ELBSecurityPolicy-TLS13-1-2-RFC9151-FIPS-2023-07",
			"ELBSecurityPolicy-TLS13-1-2-Ext0-RFC9151-FIPS-2023-07",
			"ELBSecurityPolicy-TLS13-1-2-RFC9151-INTEROP1-FIPS-2023-07",
			"ELBSecurityPolicy-TLS13-1-2-RFC9151-INTEROP2-FIPS-2023-07",
			"ELBSecurityPolicy-TLS13-1-2-RFC9151-INTEROP3-FIPS-2023-07",
			"ELBSecurityPolicy-TLS13-1-2-RFC9151-INTEROP4-FIPS-2023-07",
			"ELBSecurityPolicy-TLS13-1-3-RFC9151-FIPS-2023-07",
			"ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
			"ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
			"ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09",
			"ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09",
			"ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
			"ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09",
			"ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
			"ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-PQ-2025-09",
			"ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-PQ-2025-09",
			"ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-PQ-2025-09",
			"ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
		},

		Pricing: Pricing{
			APIGatewayRESTPerMillion:   3.50,
			APIGatewayHTTPPerMillion:   1.00,
			ALBHourly:                  0.0225,
			ALBLCUHourly:               0.008,
			ALBRequestsPerSecondPerLCU: 25,
		},
		Thresholds: Thresholds{
			WebSocketMinIdleTimeoutSeconds:         300,
			WebSocketMinDeregistrationDelaySeconds: 60,
			// About half an idle ALB's monthly floor: enough to find idle
			// ALBs and APIs past the crossover, not price noise.
			CostMinMonthlySavings: 10,
		},
	}
}

// LoadConfig reads a YAML or JSON configuration file over the defaults.
// Unknown keys and wrong types are errors that name the key. Warnings say
// what a file written for an earlier gatewatch now means.
func LoadConfig(path string) (cfg Config, warnings []string, err error) {
	cfg = DefaultConfig()
	data, _, err := inputfile.Read(path, inputfile.MaxWritten, false)
	if err != nil {
		return cfg, nil, fmt.Errorf("config %s: %w", path, inputfile.Cause(err))
	}
	warnings, err = parseConfig(data, &cfg)
	if err != nil {
		return cfg, nil, fmt.Errorf("config %s: %w", path, err)
	}
	for i, w := range warnings {
		warnings[i] = fmt.Sprintf("config %s: %s", path, w)
	}
	return cfg, warnings, nil
}

var unknownField = regexp.MustCompile(`unknown field "([^"]+)"`)

func parseConfig(data []byte, cfg *Config) ([]string, error) {
	js, err := yamljson.ToJSON(data)
	if err != nil {
		return nil, err
	}
	if bytes.Equal(bytes.TrimSpace(js), []byte("null")) {
		return nil, nil // an empty file keeps the defaults
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(cfg); err != nil {
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typeErr):
			return nil, fmt.Errorf("key %s: expected %s, got %s", typeErr.Field, typeErr.Type, typeErr.Value)
		case unknownField.MatchString(err.Error()):
			return nil, fmt.Errorf("unknown key %q", unknownField.FindStringSubmatch(err.Error())[1])
		}
		return nil, errors.New(strings.TrimPrefix(err.Error(), "json: "))
	}
	var keys map[string]json.RawMessage
	_ = json.Unmarshal(js, &keys) // decoded above, so an object
	warnings := migrateOwnerTags(keys, cfg)
	return warnings, cfg.validate()
}

// migrateOwnerTags keeps a file written before owner_tags existed meaning
// what its author chose. required_tags used to decide GW103 as well as
// GW216, all keys required; GW103 now asks for any one of owner_tags. A
// file that sets required_tags and not owner_tags gets those keys as its
// ownership keys (any one of them now owns a route), and a warning that
// says so.
func migrateOwnerTags(keys map[string]json.RawMessage, cfg *Config) []string {
	_, owner := keys["owner_tags"]
	_, required := keys["required_tags"]
	if owner || !required {
		return nil
	}
	cfg.OwnerTags = slices.Clone(cfg.RequiredTags)
	return []string{fmt.Sprintf("required_tags no longer decides GW103 alone: GW103 now treats a route as owned when it carries any one of owner_tags, "+
		"which this file does not set, so GW103 uses required_tags %v as owner_tags (any one of them owns a route); "+
		"GW216 still requires all of them. Set owner_tags to choose the ownership keys and silence this warning",
		cfg.RequiredTags)}
}

func (c *Config) validate() error {
	for _, k := range c.RequiredTags {
		if strings.TrimSpace(k) == "" {
			return errors.New("key required_tags: tag keys must not be empty")
		}
	}
	if len(c.OwnerTags) == 0 {
		// An empty list would leave every route unowned; a rule is turned
		// off under rules, where that reads as what it is.
		return errors.New("key owner_tags: list at least one tag key (to stop GW103, set rules.GW103.enabled: false)")
	}
	for _, k := range c.OwnerTags {
		if strings.TrimSpace(k) == "" {
			return errors.New("key owner_tags: tag keys must not be empty")
		}
	}
	for _, t := range c.AllowedEndpointTypes {
		switch t {
		case "EDGE", "REGIONAL", "PRIVATE":
		default:
			return fmt.Errorf("key allowed_endpoint_types: %q is not EDGE, REGIONAL or PRIVATE", t)
		}
	}
	if c.Pricing.ALBRequestsPerSecondPerLCU <= 0 {
		return errors.New("key pricing.alb_requests_per_second_per_lcu: must be greater than 0")
	}
	// A negative limit or price has no meaning; a rule would compare
	// against it as if it had (every idle timeout is above -5).
	for _, n := range []struct {
		key string
		val float64
	}{
		{"thresholds.websocket_min_idle_timeout_seconds", float64(c.Thresholds.WebSocketMinIdleTimeoutSeconds)},
		{"thresholds.websocket_min_deregistration_delay_seconds", float64(c.Thresholds.WebSocketMinDeregistrationDelaySeconds)},
		{"thresholds.latency_overhead_p99_ms", c.Thresholds.LatencyOverheadP99Ms},
		{"thresholds.cost_min_monthly_savings", c.Thresholds.CostMinMonthlySavings},
		{"pricing.apigw_rest_per_million", c.Pricing.APIGatewayRESTPerMillion},
		{"pricing.apigw_http_per_million", c.Pricing.APIGatewayHTTPPerMillion},
		{"pricing.alb_hourly", c.Pricing.ALBHourly},
		{"pricing.alb_lcu_hourly", c.Pricing.ALBLCUHourly},
	} {
		if n.val < 0 || math.IsNaN(n.val) {
			return fmt.Errorf("key %s: must not be negative, got %g", n.key, n.val)
		}
	}
	ids := make([]string, 0, len(c.Rules))
	for id := range c.Rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		set := c.Rules[id]
		if set.Severity == "" {
			continue
		}
		// Store the canonical form: "Critical" is a valid spelling, but
		// only "critical" ranks, so an unnormalised value would pass here
		// and then sink below every --fail-on threshold (and read as a
		// SARIF note).
		sev, err := findings.ParseSeverity(string(set.Severity))
		if err != nil {
			return fmt.Errorf("key rules.%s.severity: %w", id, err)
		}
		set.Severity = sev
		c.Rules[id] = set
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
