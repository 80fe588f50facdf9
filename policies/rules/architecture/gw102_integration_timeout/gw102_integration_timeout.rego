# METADATA
# title: Integration timeout shorter than the backend needs
# description: |
#   An API Gateway integration gives up before its backend does: the
#   integration timeout (29 s by default for REST and WebSocket APIs, 30 s at
#   most for HTTP APIs) is shorter than the idle timeout of the ALB it calls
#   or the timeout of the Lambda function it invokes. The backend was built
#   for requests that API Gateway will cut off with a 504, while the backend
#   keeps working (and billing) on a request nobody waits for.
# custom:
#   inputs:
#     AWS::ApiGateway::RestApi: [lambda_functions, listeners, load_balancer_attributes, load_balancers, rest_apis, rest_resources, rest_stages, target_groups, target_health, vpc_links]
#     AWS::ApiGatewayV2::Api: [lambda_functions, listeners, load_balancer_attributes, load_balancers, target_groups, target_health, v2_apis, v2_integrations, v2_routes, v2_stages, vpc_links]
#   id: GW102
#   severity: medium
#   resource_types:
#     - AWS::ApiGateway::RestApi
#     - AWS::ApiGatewayV2::Api
#   controls: []
#   remediation: |
#     Make the two agree. Either shorten the backend (ALB
#     `idle_timeout.timeout_seconds`, Lambda timeout) to what API Gateway
#     allows, or move long requests off the synchronous path (asynchronous
#     job plus polling or a callback, WebSockets, or the ALB directly). REST
#     APIs with Regional or private endpoints can raise the integration
#     timeout past 29 s with a quota increase.
#   details: |
#     **Why it matters.** API Gateway answers 504 when the integration
#     timeout passes, but the ALB (and the service behind it) or the Lambda
#     function keep running. Clients retry, the backend does the work twice,
#     and the failures look like backend errors in the backend's own logs.
#
#     **What triggers it.** For every REST method and every HTTP or
#     WebSocket route wired to an integration, the integration's
#     `timeout_millis` (29000 when unset for REST and WebSocket, 30000 for
#     HTTP APIs) is compared with the backend:
#     - an ALB reached by its DNS name in the URI, by a listener ARN (HTTP
#       API private integrations), or behind the NLB of a REST VPC link (an
#       NLB target group of type `alb`): its `idle_timeout.timeout_seconds`
#       attribute, when it was raised above the 60 s default (the default
#       says nothing about what the backend needs);
#     - a Lambda function in an `AWS_PROXY` or `AWS` integration: its
#       `timeout_seconds`.
#
#     **Evidence.** `integrations` maps each method or route to its
#     `timeout_ms`, the `backend`, its kind and `backend_timeout_ms`.
#
#     **Fix.** Shorten the ALB idle timeout to fit:
#     ```sh
#     aws elbv2 modify-load-balancer-attributes --load-balancer-arn ALB_ARN \
#       --attributes Key=idle_timeout.timeout_seconds,Value=29
#     ```
#     or the function's timeout (`aws lambda update-function-configuration
#     --function-name NAME --timeout 29`). In Terraform:
#     ```hcl
#     resource "aws_lb" "api" {
#       idle_timeout = 29
#     }
#     ```
package gatewatch.rules.gw102_integration_timeout

import data.gatewatch.lib
import rego.v1

# An ALB keeps the 60 s default idle timeout unless someone raised it; only
# a raised timeout says the backend was built for long requests.
alb_default_idle_seconds := "60"

# Backends an integration calls, with how long each may take.
backends(api, integration) := {b |
	some lb in target_albs(api, integration)
	idle := to_number(lib.lb_attribute(lb, "idle_timeout.timeout_seconds", alb_default_idle_seconds))
	idle > to_number(alb_default_idle_seconds)
	b := {
		"backend": lb.name,
		"kind": "alb",
		"setting": "idle_timeout.timeout_seconds",
		"backend_timeout_ms": idle * 1000,
	}
} | {b |
	integration.type in {"AWS_PROXY", "AWS"}
	fn := lib.lambda_by_arn[lib.integration_function_arn(integration.uri)]
	b := {
		"backend": fn.name,
		"kind": "lambda",
		"setting": "timeout_seconds",
		"backend_timeout_ms": fn.timeout_seconds * 1000,
	}
}

# ALBs an integration reaches: by DNS name or listener ARN in the URI, or
# behind a REST VPC link (named directly or through a stage variable),
# whose NLBs may forward to an ALB through a target group of type alb.
target_albs(api, integration) := {lb |
	lb := lib.target_load_balancer(integration.uri)
	lb.type == "application"
} | {lb |
	some link in lib.vpc_links_of(api, integration)
	link.version == "v1"
	some arn in link.target_arns
	some lb in albs_at(arn)
}

albs_at(arn) := {lb |
	lb := lib.load_balancers_by_arn[arn]
	lb.type == "application"
} | {lb |
	some tg in object.get(lib.target_groups_by_lb, arn, set())
	tg.target_type == "alb"
	some t in tg.targets
	lb := lib.load_balancers_by_arn[t.id]
}

effective_timeout(integration, default_ms) := integration.timeout_millis if {
	integration.timeout_millis > 0
} else := default_ms

too_short(api, integration, default_ms) := {b |
	timeout := effective_timeout(integration, default_ms)
	some backend in backends(api, integration)
	timeout < backend.backend_timeout_ms
	b := object.union(backend, {"timeout_ms": timeout})
}

deny contains result if {
	some api in input.rest_apis
	short := {sprintf("%s %s", [m.http_method, r.path]): b |
		some r in api.resources
		some m in r.methods
		some b in too_short(api, m.integration, 29000)
	}
	count(short) > 0
	result := lib.result(
		api.arn,
		sprintf("REST API %s times out before its backend on %s", [api.name, summary(short)]),
		{"api_type": "REST", "integrations": short},
	)
}

v2_default_timeout := {"HTTP": 30000, "WEBSOCKET": 29000}

deny contains result if {
	some api in input.v2_apis
	integrations := {i.id: i | some i in api.integrations}
	short := {r.route_key: b |
		some r in api.routes
		startswith(r.target, "integrations/")
		integration := integrations[substring(r.target, count("integrations/"), -1)]
		some b in too_short(api, integration, v2_default_timeout[api.protocol_type])
	}
	count(short) > 0
	result := lib.result(
		api.arn,
		sprintf("%s API %s times out before its backend on %s", [api.protocol_type, api.name, summary(short)]),
		{"api_type": api.protocol_type, "integrations": short},
	)
}

summary(short) := concat("; ", [sprintf("%s (%d ms, but %s %s allows %d ms)", [k, b.timeout_ms, b.kind, b.backend, b.backend_timeout_ms]) |
	some k in sort(object.keys(short))
	b := short[k]
])
