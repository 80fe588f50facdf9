# METADATA
# title: API Gateway used as a reverse proxy for internal services
# description: |
#   An API passes requests straight through (HTTP or HTTP_PROXY integration)
#   to an internal load balancer or over a VPC link, and adds nothing an API
#   product is for: no authorizer and no API key (and so no usage plan,
#   which meters only requests that carry a key). Every internal hop then
#   pays API Gateway's per-request price and inherits its integration
#   timeout (29 s by default, 30 s at most for HTTP APIs), while an
#   internal ALB or service-to-service routing would do the job.
# custom:
#   inputs:
#     AWS::ApiGateway::RestApi: [listeners, load_balancers, rest_apis, rest_authorizers, rest_resources, rest_stages, usage_plans, vpc_links]
#     AWS::ApiGatewayV2::Api: [listeners, load_balancers, v2_apis, v2_authorizers, v2_integrations, v2_routes, v2_stages, vpc_links]
#   id: GW101
#   severity: medium
#   resource_types:
#     - AWS::ApiGateway::RestApi
#     - AWS::ApiGatewayV2::Api
#   controls: []
#   remediation: |
#     Route internal callers to the internal ALB directly (or through service
#     discovery) and keep API Gateway for traffic that needs keys, usage
#     plans, authorizers or validation. If the API must stay, add an
#     authorizer or API keys with a usage plan so it earns its per-request
#     price.
#   details: |
#     **Why it matters.** API Gateway earns its per-request price with keys,
#     usage plans, authorizers, validation and transformation. Used as a
#     plain pass-through to internal services it adds a fee and a hop to
#     every call, caps requests at the integration timeout (see GW102), and
#     puts a public control plane in front of private traffic.
#
#     **What triggers it.**
#     - A REST API with HTTP or HTTP_PROXY methods that reach an internal
#       load balancer (URI host = its DNS name) or go over a VPC link, with
#       authorization NONE and no API key required. A usage plan listing
#       the API does not count: plans identify, meter and throttle callers
#       by API key, so a method that requires no key is outside every plan
#       (the message names such plans);
#     - an HTTP API whose routes with authorization NONE target such
#       integrations (URI = an internal load balancer's listener ARN, or a
#       VPC link).
#
#     **Evidence.** `passthrough_methods` / `passthrough_routes` (method or
#     route to the backend and how it is reached), `greedy_paths`
#     (`{proxy+}` resources), `authorizers`, `usage_plans` (plans listing
#     a stage of the API, which these methods bypass).
#
#     **Fix.** Let internal callers use the internal ALB (or service
#     discovery) directly, or make the API an API product:
#     ```sh
#     aws apigateway update-method --rest-api-id ID --resource-id RES_ID --http-method ANY \
#       --patch-operations op=replace,path=/apiKeyRequired,value=true
#     aws apigateway create-usage-plan --name internal --throttle rateLimit=100,burstLimit=200 \
#       --api-stages apiId=ID,stage=prod
#     ```
#     In Terraform:
#     ```hcl
#     resource "aws_api_gateway_method" "proxy" {
#       authorization    = "AWS_IAM"
#       api_key_required = true
#     }
#     ```
package gatewatch.rules.gw101_reverse_proxy

import data.gatewatch.lib
import rego.v1

proxy_types := {"HTTP", "HTTP_PROXY"}

# Where a pass-through integration goes, when that is internal.
internal_target(integration) := "vpc-link" if {
	integration.connection_type == "VPC_LINK"
} else := "internal-load-balancer" if {
	lib.target_load_balancer(integration.uri).scheme == "internal"
}

# A readable name for the backend: the load balancer behind the URI, the
# load balancers the REST VPC links (one per stage, when a stage variable
# names the link) target, or the URI itself.
target_name(api, integration) := lb.name if {
	lb := lib.target_load_balancer(integration.uri)
} else := name if {
	links := lib.vpc_links_of(api, integration)
	count(links) > 0
	name := concat("; ", sort([sprintf("%s via VPC link %s", [concat(", ", sort([object.get(lib.load_balancers_by_arn, arn, {"name": arn}).name | some arn in link.target_arns])), link.name]) | some link in links]))
} else := integration.uri

rest_passthrough(api) := {sprintf("%s %s", [m.http_method, r.path]): {
	"target": target_name(api, m.integration),
	"via": internal_target(m.integration),
} |
	some r in api.resources
	some m in r.methods
	m.integration.type in proxy_types
	internal_target(m.integration)
	m.authorization_type == "NONE"
	not m.api_key_required
}

deny contains result if {
	some api in input.rest_apis
	methods := rest_passthrough(api)
	count(methods) > 0
	targets := {m.target | some m in methods}
	plans := usage_plans(api)
	result := lib.result(
		api.arn,
		sprintf("REST API %s passes %s straight through to %s with no authorizer or API key%s", [api.name, concat(", ", sort(object.keys(methods))), concat(", ", sort(targets)), plan_note(plans)]),
		{
			"api_type": "REST",
			"passthrough_methods": methods,
			"greedy_paths": sort([r.path | some r in api.resources; contains(r.path, "+}")]),
			"authorizers": count(api.authorizers),
			"usage_plans": sort(plans),
		},
	)
}

# Names of the usage plans that list a stage of the API. A plan identifies
# callers by API key, so it meters and throttles none of the methods above
# (none requires a key): it is named in the message, not taken as a guard.
usage_plans(api) := {p.name |
	some stage in api.stages
	some p in object.get(lib.usage_plans_for, sprintf("%s/%s/%s/%s", [api.account, api.region, api.id, stage.name]), set())
}

plan_note(plans) := ", and no usage plan" if {
	count(plans) == 0
} else := sprintf(" (usage plan %s meters only requests with an API key)", [concat(", ", sort(plans))])

v2_passthrough_integrations(api) := {i.id: i |
	some i in api.integrations
	i.type in proxy_types
	internal_target(i)
}

deny contains result if {
	some api in input.v2_apis
	api.protocol_type == "HTTP"
	integrations := v2_passthrough_integrations(api)
	routes := {r.route_key: target_name(api, integrations[id]) |
		some r in api.routes
		r.authorization_type == "NONE"
		not r.api_key_required
		startswith(r.target, "integrations/")
		id := substring(r.target, count("integrations/"), -1)
		integrations[id]
	}
	count(routes) > 0
	targets := {t | some t in routes}
	result := lib.result(
		api.arn,
		sprintf("HTTP API %s passes %s straight through to %s with no authorizer", [api.name, concat(", ", sort(object.keys(routes))), concat(", ", sort(targets))]),
		{
			"api_type": "HTTP",
			"passthrough_routes": routes,
			"authorizers": count(api.authorizers),
		},
	)
}
