package snapshot

import "encoding/json"

// RestAPI is an API Gateway REST API (apigateway, v1) with its resources,
// stages, authorizers and request validators embedded.
type RestAPI struct {
	// ARN is arn:aws:apigateway:REGION::/restapis/ID (API Gateway ARNs carry
	// no account, hence the explicit Account field).
	ARN     string `json:"arn"`
	Account string `json:"account"`
	Region  string `json:"region"`
	ID      string `json:"id"`
	Name    string `json:"name"`
	// EndpointTypes holds EDGE, REGIONAL or PRIVATE.
	EndpointTypes  []string `json:"endpoint_types"`
	VPCEndpointIDs []string `json:"vpc_endpoint_ids,omitempty"`
	// Policy is the resource policy as a parsed JSON document (AWS returns
	// it as an escaped string); absent when the API has none.
	Policy                    json.RawMessage `json:"policy,omitempty"`
	APIKeySource              string          `json:"api_key_source,omitempty"`
	DisableExecuteAPIEndpoint bool            `json:"disable_execute_api_endpoint"`
	Tags                      Tags            `json:"tags"`

	Resources         []RestResource     `json:"resources"`
	Stages            []RestStage        `json:"stages"`
	Authorizers       []Authorizer       `json:"authorizers"`
	RequestValidators []RequestValidator `json:"request_validators"`
}

// RestResource is one path of a REST API.
type RestResource struct {
	ID      string       `json:"id"`
	Path    string       `json:"path"`
	Methods []RestMethod `json:"methods"`
}

// RestMethod is one HTTP method on a resource.
type RestMethod struct {
	HTTPMethod string `json:"http_method"`
	// AuthorizationType is NONE, AWS_IAM, CUSTOM or COGNITO_USER_POOLS.
	AuthorizationType  string           `json:"authorization_type"`
	AuthorizerID       string           `json:"authorizer_id,omitempty"`
	APIKeyRequired     bool             `json:"api_key_required"`
	RequestValidatorID string           `json:"request_validator_id,omitempty"`
	Integration        *RestIntegration `json:"integration,omitempty"`
}

// RestIntegration is the backend a REST method calls.
type RestIntegration struct {
	// Type is HTTP, HTTP_PROXY, AWS, AWS_PROXY or MOCK.
	Type       string `json:"type"`
	HTTPMethod string `json:"http_method,omitempty"`
	URI        string `json:"uri,omitempty"`
	// ConnectionType is INTERNET or VPC_LINK; ConnectionID then names the
	// VPC link.
	ConnectionType string `json:"connection_type,omitempty"`
	ConnectionID   string `json:"connection_id,omitempty"`
	// TimeoutMillis is the integration timeout; 29000 unless raised.
	TimeoutMillis int `json:"timeout_millis"`
}

// RestStage is a deployed stage of a REST API.
type RestStage struct {
	// ARN is arn:aws:apigateway:REGION::/restapis/ID/stages/NAME, the form
	// WAF and tagging use.
	ARN                  string `json:"arn"`
	Name                 string `json:"name"`
	DeploymentID         string `json:"deployment_id,omitempty"`
	Tags                 Tags   `json:"tags"`
	TracingEnabled       bool   `json:"tracing_enabled"`
	ClientCertificateID  string `json:"client_certificate_id,omitempty"`
	WebACLARN            string `json:"web_acl_arn,omitempty"`
	CacheClusterEnabled  bool   `json:"cache_cluster_enabled"`
	CacheClusterSize     string `json:"cache_cluster_size,omitempty"`
	AccessLogDestination string `json:"access_log_destination,omitempty"`
	AccessLogFormat      string `json:"access_log_format,omitempty"`
	// MethodSettings is keyed as AWS keys it: "*/*" for the whole stage,
	// "resourcePath/METHOD" for one method.
	MethodSettings map[string]MethodSetting `json:"method_settings,omitempty"`
	Variables      map[string]string        `json:"variables,omitempty"`
}

// MethodSetting is the stage-level setting of one method (or of all).
// Throttling fields are nil when unset, which is not the same as zero.
type MethodSetting struct {
	MetricsEnabled                      bool     `json:"metrics_enabled"`
	LoggingLevel                        string   `json:"logging_level,omitempty"`
	DataTraceEnabled                    bool     `json:"data_trace_enabled"`
	ThrottlingBurstLimit                *int     `json:"throttling_burst_limit,omitempty"`
	ThrottlingRateLimit                 *float64 `json:"throttling_rate_limit,omitempty"`
	CachingEnabled                      bool     `json:"caching_enabled"`
	CacheDataEncrypted                  bool     `json:"cache_data_encrypted"`
	CacheTTLSeconds                     int      `json:"cache_ttl_seconds,omitempty"`
	RequireAuthorizationForCacheControl bool     `json:"require_authorization_for_cache_control"`
}

// Authorizer is a REST or v2 API authorizer.
type Authorizer struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Type is TOKEN, REQUEST or COGNITO_USER_POOLS (REST); JWT or REQUEST (v2).
	Type         string   `json:"type"`
	ProviderARNs []string `json:"provider_arns,omitempty"`
	URI          string   `json:"uri,omitempty"`
}

// RequestValidator is a REST API request validator.
type RequestValidator struct {
	ID                 string `json:"id"`
	Name               string `json:"name"`
	ValidateBody       bool   `json:"validate_body"`
	ValidateParameters bool   `json:"validate_parameters"`
}

// UsagePlan ties API stages to throttles and quotas for API keys.
type UsagePlan struct {
	ARN       string           `json:"arn"`
	Account   string           `json:"account"`
	Region    string           `json:"region"`
	ID        string           `json:"id"`
	Name      string           `json:"name"`
	APIStages []UsagePlanStage `json:"api_stages"`
	Throttle  *Throttle        `json:"throttle,omitempty"`
	Quota     *Quota           `json:"quota,omitempty"`
	Tags      Tags             `json:"tags"`
}

// UsagePlanStage is one API stage a usage plan covers.
type UsagePlanStage struct {
	APIID string `json:"api_id"`
	Stage string `json:"stage"`
	// Throttle is keyed "resourcePath/METHOD" for per-method overrides.
	Throttle map[string]Throttle `json:"throttle,omitempty"`
}

// Throttle is a token-bucket limit: steady rate and burst.
type Throttle struct {
	BurstLimit int     `json:"burst_limit"`
	RateLimit  float64 `json:"rate_limit"`
}

// Quota is a usage plan's request quota.
type Quota struct {
	Limit  int    `json:"limit"`
	Offset int    `json:"offset,omitempty"`
	Period string `json:"period"`
}

// VPCLink connects API Gateway to private backends. REST (v1) links target
// network load balancers; v2 links attach to subnets and reach ALBs, NLBs
// and Cloud Map services through listener ARNs in the integration URI.
type VPCLink struct {
	ARN     string `json:"arn"`
	Account string `json:"account"`
	Region  string `json:"region"`
	ID      string `json:"id"`
	Name    string `json:"name"`
	// Version is "v1" (REST) or "v2" (HTTP APIs).
	Version          string   `json:"version"`
	TargetARNs       []string `json:"target_arns,omitempty"`
	SubnetIDs        []string `json:"subnet_ids,omitempty"`
	SecurityGroupIDs []string `json:"security_group_ids,omitempty"`
	Status           string   `json:"status,omitempty"`
	Tags             Tags     `json:"tags"`
}

// DomainName is an API Gateway custom domain name (REST or v2).
type DomainName struct {
	ARN     string `json:"arn"`
	Account string `json:"account"`
	Region  string `json:"region"`
	Name    string `json:"name"`
	// APIType is "rest" (apigateway) or "v2" (apigatewayv2).
	APIType      string `json:"api_type"`
	EndpointType string `json:"endpoint_type"`
	// SecurityPolicy is TLS_1_0, TLS_1_2 or a newer named policy.
	SecurityPolicy string          `json:"security_policy"`
	MutualTLS      bool            `json:"mutual_tls"`
	Mappings       []DomainMapping `json:"mappings"`
	Tags           Tags            `json:"tags"`
}

// DomainMapping maps a base path of a custom domain to an API stage.
type DomainMapping struct {
	APIID    string `json:"api_id"`
	Stage    string `json:"stage"`
	BasePath string `json:"base_path"`
}

// V2API is an API Gateway v2 API: HTTP or WebSocket.
type V2API struct {
	ARN     string `json:"arn"`
	Account string `json:"account"`
	Region  string `json:"region"`
	ID      string `json:"id"`
	Name    string `json:"name"`
	// ProtocolType is HTTP or WEBSOCKET.
	ProtocolType              string `json:"protocol_type"`
	APIEndpoint               string `json:"api_endpoint,omitempty"`
	DisableExecuteAPIEndpoint bool   `json:"disable_execute_api_endpoint"`
	Tags                      Tags   `json:"tags"`

	Routes       []V2Route       `json:"routes"`
	Integrations []V2Integration `json:"integrations"`
	Stages       []V2Stage       `json:"stages"`
	Authorizers  []Authorizer    `json:"authorizers"`
}

// V2Route is a route of an HTTP or WebSocket API.
type V2Route struct {
	ID       string `json:"id"`
	RouteKey string `json:"route_key"`
	// AuthorizationType is NONE, JWT, AWS_IAM or CUSTOM.
	AuthorizationType string `json:"authorization_type"`
	AuthorizerID      string `json:"authorizer_id,omitempty"`
	APIKeyRequired    bool   `json:"api_key_required"`
	// Target is "integrations/ID" when the route is wired to an integration.
	Target string `json:"target,omitempty"`
}

// V2Integration is a backend of an HTTP or WebSocket API.
type V2Integration struct {
	ID string `json:"id"`
	// Type is AWS_PROXY, HTTP_PROXY, HTTP, AWS or MOCK.
	Type   string `json:"type"`
	Method string `json:"method,omitempty"`
	// URI is a URL, a Lambda ARN, or for private integrations the ARN of the
	// load balancer listener (or Cloud Map service) behind the VPC link.
	URI            string `json:"uri,omitempty"`
	ConnectionType string `json:"connection_type,omitempty"`
	ConnectionID   string `json:"connection_id,omitempty"`
	// TimeoutMillis is at most 30000 for HTTP APIs.
	TimeoutMillis        int    `json:"timeout_millis"`
	PayloadFormatVersion string `json:"payload_format_version,omitempty"`
}

// V2Stage is a stage of an HTTP or WebSocket API.
type V2Stage struct {
	ARN                  string                   `json:"arn"`
	Name                 string                   `json:"name"`
	AutoDeploy           bool                     `json:"auto_deploy"`
	Tags                 Tags                     `json:"tags"`
	AccessLogDestination string                   `json:"access_log_destination,omitempty"`
	AccessLogFormat      string                   `json:"access_log_format,omitempty"`
	DefaultRouteSettings RouteSettings            `json:"default_route_settings"`
	RouteSettings        map[string]RouteSettings `json:"route_settings,omitempty"`
	Variables            map[string]string        `json:"variables,omitempty"`
}

// RouteSettings is the throttling, logging and metrics of v2 routes.
type RouteSettings struct {
	DetailedMetricsEnabled bool     `json:"detailed_metrics_enabled"`
	LoggingLevel           string   `json:"logging_level,omitempty"`
	DataTraceEnabled       bool     `json:"data_trace_enabled"`
	ThrottlingBurstLimit   *int     `json:"throttling_burst_limit,omitempty"`
	ThrottlingRateLimit    *float64 `json:"throttling_rate_limit,omitempty"`
}
