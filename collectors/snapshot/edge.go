package snapshot

// WebACL is an AWS WAF (v2) web ACL with the resources it protects.
type WebACL struct {
	ARN     string `json:"arn"`
	Account string `json:"account"`
	// Region is the ACL's region; CLOUDFRONT-scope ACLs live in us-east-1.
	Region string `json:"region"`
	ID     string `json:"id"`
	Name   string `json:"name"`
	// Scope is REGIONAL or CLOUDFRONT.
	Scope string `json:"scope"`
	// DefaultAction is ALLOW or BLOCK.
	DefaultAction string    `json:"default_action"`
	Rules         []WAFRule `json:"rules"`
	// AssociatedResources are the ARNs of the ALBs, REST API stages and
	// other regional resources the ACL is attached to. CloudFront
	// distributions name their ACL themselves (Distribution.WebACLID).
	AssociatedResources []string `json:"associated_resources"`
	Tags                Tags     `json:"tags"`
}

// WAFRule is one rule of a web ACL, summarised for policy use.
type WAFRule struct {
	Name     string `json:"name"`
	Priority int    `json:"priority"`
	// Action is ALLOW, BLOCK, COUNT, CAPTCHA, CHALLENGE, or for rule groups
	// the override action (NONE or COUNT).
	Action string `json:"action"`
	// StatementType is the top-level statement: rate_based,
	// managed_rule_group, rule_group_reference, byte_match, geo_match,
	// ip_set_reference, and, or, not, ...
	StatementType string `json:"statement_type"`
	// RateLimit and AggregateKeyType are set for rate-based rules.
	RateLimit        int64  `json:"rate_limit,omitempty"`
	AggregateKeyType string `json:"aggregate_key_type,omitempty"`
	// ManagedRuleGroup is "vendor/name" for managed rule groups.
	ManagedRuleGroup string `json:"managed_rule_group,omitempty"`
}

// LambdaFunction is a Lambda function that a target group or an API
// integration references.
type LambdaFunction struct {
	ARN     string `json:"arn"`
	Account string `json:"account"`
	Region  string `json:"region"`
	Name    string `json:"name"`
	Runtime string `json:"runtime,omitempty"`
	// TimeoutSeconds is how long the function may run.
	TimeoutSeconds int `json:"timeout_seconds"`
	MemoryMB       int `json:"memory_mb,omitempty"`
	// ReservedConcurrency is nil when the function has no reserved
	// concurrency and shares the account pool.
	ReservedConcurrency *int `json:"reserved_concurrency,omitempty"`
	Tags                Tags `json:"tags"`
}

// Distribution is a CloudFront distribution.
type Distribution struct {
	ARN     string `json:"arn"`
	Account string `json:"account"`
	ID      string `json:"id"`
	// DomainName is the distribution's *.cloudfront.net name.
	DomainName string   `json:"domain_name"`
	Aliases    []string `json:"aliases,omitempty"`
	Enabled    bool     `json:"enabled"`
	// WebACLID is the WAFv2 web ACL ARN (or a classic WAF ID) attached.
	WebACLID               string          `json:"web_acl_id,omitempty"`
	Origins                []Origin        `json:"origins"`
	DefaultCacheBehavior   CacheBehavior   `json:"default_cache_behavior"`
	CacheBehaviors         []CacheBehavior `json:"cache_behaviors,omitempty"`
	MinimumProtocolVersion string          `json:"minimum_protocol_version,omitempty"`
	LoggingEnabled         bool            `json:"logging_enabled"`
	Tags                   Tags            `json:"tags"`
}

// Origin is one origin of a distribution.
type Origin struct {
	ID         string `json:"id"`
	DomainName string `json:"domain_name"`
	OriginPath string `json:"origin_path,omitempty"`
	// ProtocolPolicy is http-only, match-viewer or https-only for custom
	// origins; empty for S3 origins.
	ProtocolPolicy string `json:"protocol_policy,omitempty"`
}

// CacheBehavior is a distribution cache behaviour.
type CacheBehavior struct {
	PathPattern          string   `json:"path_pattern,omitempty"`
	TargetOriginID       string   `json:"target_origin_id"`
	ViewerProtocolPolicy string   `json:"viewer_protocol_policy"`
	AllowedMethods       []string `json:"allowed_methods,omitempty"`
	CachePolicyID        string   `json:"cache_policy_id,omitempty"`
}

// ShieldProtection is a Shield Advanced protection of one resource.
type ShieldProtection struct {
	ARN         string `json:"arn"`
	Account     string `json:"account"`
	ID          string `json:"id"`
	Name        string `json:"name"`
	ResourceARN string `json:"resource_arn"`
}

// Alarm is a CloudWatch metric alarm.
type Alarm struct {
	ARN                string   `json:"arn"`
	Account            string   `json:"account"`
	Region             string   `json:"region"`
	Name               string   `json:"name"`
	ComparisonOperator string   `json:"comparison_operator,omitempty"`
	Threshold          float64  `json:"threshold"`
	ActionsEnabled     bool     `json:"actions_enabled"`
	AlarmActions       []string `json:"alarm_actions,omitempty"`
	StateValue         string   `json:"state_value,omitempty"`
	// Metrics lists the metrics the alarm watches: one for a plain alarm,
	// several for a metric-math alarm.
	Metrics []MetricRef `json:"metrics"`
}

// MetricRef names a CloudWatch metric.
type MetricRef struct {
	Namespace  string            `json:"namespace"`
	Name       string            `json:"name"`
	Dimensions map[string]string `json:"dimensions,omitempty"`
	Statistic  string            `json:"statistic,omitempty"`
}

// MetricSummary is an aggregate of one metric of one resource over a
// window, used by the cost and latency rules.
type MetricSummary struct {
	// Resource is the ARN of the stage or load balancer measured.
	Resource  string `json:"resource"`
	Account   string `json:"account"`
	Region    string `json:"region"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Statistic is Sum, Average, Maximum or a percentile such as p99.
	Statistic     string  `json:"statistic"`
	PeriodSeconds int     `json:"period_seconds"`
	Value         float64 `json:"value"`
}
