// Package snapshot is the inventory model gatewatch evaluates: plain structs
// with explicit JSON tags, no AWS SDK types, one flat list per resource kind.
//
// A snapshot is the contract between collection and evaluation. Collectors
// fill it from live AWS APIs, `gatewatch eval` reads it back from disk, and
// the Rego rules see exactly its JSON form as `input`. Every resource carries
// its own account and region so lists from many accounts (or from shards)
// concatenate without losing where anything lives.
package snapshot

import "time"

// SchemaVersion is the version of the JSON layout written by this build.
// Version 2 added coverage records; a version 1 snapshot is read with its
// coverage derived from its scope and errors. Loading refuses any other
// version rather than guessing at its meaning.
const SchemaVersion = 2

// minSchemaVersion is the oldest layout this build still reads.
const minSchemaVersion = 1

// Snapshot is one collection run over a set of accounts and regions.
type Snapshot struct {
	SchemaVersion int       `json:"schema_version"`
	Tool          Tool      `json:"tool"`
	TakenAt       time.Time `json:"taken_at"`
	Scope         Scope     `json:"scope"`
	// Incomplete is set when the run was interrupted before every
	// account-region finished; Errors then says what is missing.
	Incomplete bool `json:"incomplete,omitempty"`
	// Errors lists every call that failed for good. A snapshot with errors
	// is a partial picture and every report says so.
	Errors []CollectionError `json:"errors"`
	// Coverage says, for every account, region and dataset the run read,
	// whether it was read completely: what lets a report claim an absence.
	Coverage []Coverage `json:"coverage"`
	// Calls counts the AWS API calls made, keyed "service:Operation".
	Calls map[string]int `json:"calls,omitempty"`

	Accounts           []Account           `json:"accounts"`
	APIGatewayAccounts []APIGatewayAccount `json:"apigateway_accounts"`
	RestAPIs           []RestAPI           `json:"rest_apis"`
	V2APIs             []V2API             `json:"v2_apis"`
	UsagePlans         []UsagePlan         `json:"usage_plans"`
	VPCLinks           []VPCLink           `json:"vpc_links"`
	DomainNames        []DomainName        `json:"domain_names"`
	LoadBalancers      []LoadBalancer      `json:"load_balancers"`
	TargetGroups       []TargetGroup       `json:"target_groups"`
	SecurityGroups     []SecurityGroup     `json:"security_groups"`
	WebACLs            []WebACL            `json:"web_acls"`
	LambdaFunctions    []LambdaFunction    `json:"lambda_functions"`
	Distributions      []Distribution      `json:"cloudfront_distributions"`
	ShieldProtections  []ShieldProtection  `json:"shield_protections"`
	Alarms             []Alarm             `json:"alarms"`
	Metrics            []MetricSummary     `json:"metrics"`

	// Planned lists the resources that come from a Terraform plan rather
	// than from AWS, with their Terraform addresses; empty for a live run.
	Planned []Planned `json:"planned,omitempty"`
}

// Tool names the program and version that wrote the snapshot.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Scope is what the run was asked to cover.
type Scope struct {
	Accounts []string `json:"accounts"`
	Regions  []string `json:"regions"`
	// Shard is "i/n" when the run covered one deterministic slice of the
	// account-regions, "i,j/n" for a merge of some of the shards (see
	// MergeScope); empty for a whole run or a merge of all shards.
	Shard string `json:"shard,omitempty"`
}

// CollectionError records one failed call, so a gap in coverage is visible
// instead of silently looking like an empty account.
type CollectionError struct {
	Account   string `json:"account"`
	Region    string `json:"region"`
	Service   string `json:"service"`
	Operation string `json:"operation"`
	// Code is the AWS error code (AccessDeniedException, ThrottlingException,
	// UnrecognizedClientException, ...) or a gatewatch code: "Canceled"
	// and "Timeout" mark work an interruption or the run's time limit
	// stopped, "RequestTimeout" a call whose attempts all went unanswered,
	// "IncompleteResponse" one whose answers were all cut off mid-body.
	Code    string `json:"code"`
	Message string `json:"message"`
	// Resources are the resources a failed per-resource call was for
	// (the load balancer whose attributes, the batch whose tags); empty for
	// a failed listing, which leaves the whole dataset unknown.
	Resources []string `json:"resources,omitempty"`
}

// Account describes one AWS account in scope.
type Account struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// ShieldAdvanced is true when the account has an active Shield Advanced
	// subscription.
	ShieldAdvanced bool `json:"shield_advanced"`
}

// APIGatewayAccount is the per-region API Gateway account setting.
type APIGatewayAccount struct {
	Account string `json:"account"`
	Region  string `json:"region"`
	// CloudWatchRoleARN is the role API Gateway uses to write execution and
	// access logs; without it stage logging settings silently do nothing.
	CloudWatchRoleARN  string  `json:"cloudwatch_role_arn,omitempty"`
	ThrottleBurstLimit int     `json:"throttle_burst_limit,omitempty"`
	ThrottleRateLimit  float64 `json:"throttle_rate_limit,omitempty"`
}

// Tags is a resource's tag set. AWS tag keys are case-sensitive.
type Tags map[string]string
