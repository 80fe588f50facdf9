package snapshot

// LoadBalancer is an Elastic Load Balancing v2 load balancer (application,
// network or gateway) with its listeners and their rules embedded.
type LoadBalancer struct {
	ARN     string `json:"arn"`
	Account string `json:"account"`
	Region  string `json:"region"`
	Name    string `json:"name"`
	// Type is application, network or gateway.
	Type string `json:"type"`
	// Scheme is internet-facing or internal.
	Scheme            string   `json:"scheme"`
	DNSName           string   `json:"dns_name"`
	VPCID             string   `json:"vpc_id,omitempty"`
	IPAddressType     string   `json:"ip_address_type,omitempty"`
	State             string   `json:"state,omitempty"`
	AvailabilityZones []string `json:"availability_zones"`
	SecurityGroups    []string `json:"security_groups"`
	// Attributes holds every load balancer attribute verbatim, keyed as AWS
	// names them (idle_timeout.timeout_seconds, access_logs.s3.enabled,
	// routing.http.desync_mitigation_mode, deletion_protection.enabled, ...).
	Attributes map[string]string `json:"attributes"`
	Tags       Tags              `json:"tags"`
	Listeners  []Listener        `json:"listeners"`
}

// Listener is a load balancer listener.
type Listener struct {
	ARN            string         `json:"arn"`
	Protocol       string         `json:"protocol"`
	Port           int            `json:"port"`
	SSLPolicy      string         `json:"ssl_policy,omitempty"`
	Certificates   []string       `json:"certificates,omitempty"`
	DefaultActions []Action       `json:"default_actions"`
	Rules          []ListenerRule `json:"rules"`
	Tags           Tags           `json:"tags"`
}

// ListenerRule is a rule of a listener; the listener's default rule is
// included with IsDefault set and Priority "default".
type ListenerRule struct {
	ARN        string          `json:"arn"`
	Priority   string          `json:"priority"`
	IsDefault  bool            `json:"is_default"`
	Conditions []RuleCondition `json:"conditions"`
	Actions    []Action        `json:"actions"`
	Tags       Tags            `json:"tags"`
}

// RuleCondition is one condition of a listener rule, with the values of
// its typed config (host-header, path-pattern, ...) flattened into Values.
type RuleCondition struct {
	Field      string   `json:"field"`
	HeaderName string   `json:"header_name,omitempty"`
	Values     []string `json:"values"`
}

// Action is a listener or rule action.
type Action struct {
	// Type is forward, redirect, fixed-response, authenticate-cognito or
	// authenticate-oidc.
	Type            string         `json:"type"`
	Order           int            `json:"order,omitempty"`
	TargetGroupARNs []string       `json:"target_group_arns,omitempty"`
	Redirect        *Redirect      `json:"redirect,omitempty"`
	FixedResponse   *FixedResponse `json:"fixed_response,omitempty"`
}

// Redirect is the configuration of a redirect action.
type Redirect struct {
	Protocol   string `json:"protocol,omitempty"`
	Port       string `json:"port,omitempty"`
	Host       string `json:"host,omitempty"`
	Path       string `json:"path,omitempty"`
	Query      string `json:"query,omitempty"`
	StatusCode string `json:"status_code"`
}

// FixedResponse is the configuration of a fixed-response action.
type FixedResponse struct {
	StatusCode  string `json:"status_code"`
	ContentType string `json:"content_type,omitempty"`
}

// TargetGroup is an ELBv2 target group with its targets and their health.
type TargetGroup struct {
	ARN     string `json:"arn"`
	Account string `json:"account"`
	Region  string `json:"region"`
	Name    string `json:"name"`
	// TargetType is instance, ip, lambda or alb.
	TargetType       string      `json:"target_type"`
	Protocol         string      `json:"protocol,omitempty"`
	ProtocolVersion  string      `json:"protocol_version,omitempty"`
	Port             int         `json:"port,omitempty"`
	VPCID            string      `json:"vpc_id,omitempty"`
	LoadBalancerARNs []string    `json:"load_balancer_arns"`
	HealthCheck      HealthCheck `json:"health_check"`
	// Attributes holds every target group attribute verbatim
	// (deregistration_delay.timeout_seconds, slow_start.duration_seconds,
	// stickiness.enabled, ...).
	Attributes map[string]string `json:"attributes"`
	// Targets are registered targets; for lambda target groups the ID is
	// the function ARN.
	Targets []Target `json:"targets"`
	Tags    Tags     `json:"tags"`
}

// HealthCheck is a target group's health check.
type HealthCheck struct {
	Enabled            bool   `json:"enabled"`
	Protocol           string `json:"protocol,omitempty"`
	Path               string `json:"path,omitempty"`
	IntervalSeconds    int    `json:"interval_seconds,omitempty"`
	TimeoutSeconds     int    `json:"timeout_seconds,omitempty"`
	HealthyThreshold   int    `json:"healthy_threshold,omitempty"`
	UnhealthyThreshold int    `json:"unhealthy_threshold,omitempty"`
	Matcher            string `json:"matcher,omitempty"`
}

// Target is one registered target and its health.
type Target struct {
	ID               string `json:"id"`
	Port             int    `json:"port,omitempty"`
	AvailabilityZone string `json:"availability_zone,omitempty"`
	HealthState      string `json:"health_state,omitempty"`
	HealthReason     string `json:"health_reason,omitempty"`
}

// SecurityGroup is an EC2 security group attached to a load balancer; only
// ingress matters to an entry point.
type SecurityGroup struct {
	ARN     string        `json:"arn"`
	Account string        `json:"account"`
	Region  string        `json:"region"`
	ID      string        `json:"id"`
	Name    string        `json:"name"`
	VPCID   string        `json:"vpc_id,omitempty"`
	Ingress []IngressRule `json:"ingress"`
}

// IngressRule is one inbound permission of a security group.
type IngressRule struct {
	// Protocol is tcp, udp, icmp or "-1" for all.
	Protocol       string   `json:"protocol"`
	FromPort       int      `json:"from_port"`
	ToPort         int      `json:"to_port"`
	CIDRs          []string `json:"cidrs,omitempty"`
	IPv6CIDRs      []string `json:"ipv6_cidrs,omitempty"`
	PrefixListIDs  []string `json:"prefix_list_ids,omitempty"`
	SourceGroupIDs []string `json:"source_group_ids,omitempty"`
}
