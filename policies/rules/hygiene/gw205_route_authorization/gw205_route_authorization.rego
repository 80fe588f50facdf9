# METADATA
# title: HTTP or WebSocket API routes with no authorization type
# description: |
#   Routes of an HTTP API, or the $connect route of a WebSocket API, have
#   authorization type NONE: anyone who knows the endpoint can call them.
#   Authorization on a v2 API is set per route, so one route added without
#   it opens that path to the internet.
# custom:
#   inputs: [v2_apis, v2_routes]
#   id: GW205
#   severity: medium
#   resource_types:
#     - AWS::ApiGatewayV2::Api
#   controls:
#     - SecurityHub:APIGateway.8
#     - AWSConfig:api-gwv2-authorization-type-configured
#     - Prowler:apigatewayv2_api_authorizers_enabled
#   remediation: |
#     Attach an authorizer to every route (JWT, Lambda REQUEST authorizer or
#     IAM); for WebSocket APIs authorize the $connect route. Routes that
#     must stay public (health checks, OAuth callbacks) are better served
#     from a separate API or suppressed with a reason.
#   details: |
#     **Why it matters.** HTTP APIs have no API keys or resource policies:
#     the route's authorization type is the only access control API Gateway
#     applies to it.
#
#     **What triggers it.** Routes with `authorization_type` NONE on HTTP
#     APIs, and a `$connect` route with NONE on WebSocket APIs (WebSocket
#     APIs authorize only when the connection is opened; their other routes
#     cannot carry an authorizer and are not reported). One finding per API
#     lists the routes.
#
#     **Evidence.** `protocol_type`, `routes` (route keys without
#     authorization).
#
#     **Fix.**
#     ```sh
#     aws apigatewayv2 update-route --api-id ID --route-id ROUTE_ID \
#       --authorization-type JWT --authorizer-id AUTHORIZER_ID
#     ```
#     In Terraform:
#     ```hcl
#     resource "aws_apigatewayv2_route" "orders" {
#       authorization_type = "JWT"
#       authorizer_id      = aws_apigatewayv2_authorizer.cognito.id
#     }
#     ```
package gatewatch.rules.gw205_route_authorization

import data.gatewatch.lib
import rego.v1

checked(api, _) if api.protocol_type == "HTTP"

checked(api, route) if {
	api.protocol_type == "WEBSOCKET"
	route.route_key == "$connect"
}

deny contains result if {
	some api in input.v2_apis
	open := sort([r.route_key |
		some r in api.routes
		checked(api, r)
		upper(object.get(r, "authorization_type", "NONE")) == "NONE"
	])
	count(open) > 0
	result := lib.result(
		api.arn,
		sprintf("%s API %s has routes with no authorization: %s", [api.protocol_type, api.name, concat(", ", open)]),
		{"protocol_type": api.protocol_type, "routes": open},
	)
}
