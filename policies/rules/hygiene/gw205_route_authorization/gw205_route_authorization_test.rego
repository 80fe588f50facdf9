package gatewatch.rules.gw205_route_authorization_test

import data.gatewatch.fixtures as fx
import data.gatewatch.rules.gw205_route_authorization as rule
import rego.v1

api(protocol, routes) := fx.http_api("h1", {"name": "mobile", "protocol_type": protocol, "routes": routes})

test_fires_on_http_route_without_authorization if {
	routes := [{"route_key": "GET /feed", "authorization_type": "NONE"}, {"route_key": "POST /feed", "authorization_type": "JWT"}]
	results := rule.deny with input as {"v2_apis": [api("HTTP", routes)]}
	results == {
		{
			"evidence": {
				"protocol_type": "HTTP",
				"routes": [
					"GET /feed",
				],
			},
			"message": "HTTP API mobile has routes with no authorization: GET /feed",
			"resource": "arn:aws:apigateway:eu-west-1::/apis/h1",
		},
	}
	some r in results
	r.evidence.routes == ["GET /feed"]
}

test_fires_on_unauthorized_websocket_connect if {
	routes := [{"route_key": "$connect", "authorization_type": "NONE"}, {"route_key": "sendMessage", "authorization_type": "NONE"}]
	results := rule.deny with input as {"v2_apis": [api("WEBSOCKET", routes)]}
	some r in results
	r.evidence.routes == ["$connect"]
}

test_quiet_when_every_route_is_authorized if {
	routes := [{"route_key": "GET /feed", "authorization_type": "AWS_IAM"}, {"route_key": "$default", "authorization_type": "CUSTOM"}]
	results := rule.deny with input as {"v2_apis": [api("HTTP", routes)]}
	count(results) == 0
}

test_quiet_on_websocket_message_routes_when_connect_is_authorized if {
	routes := [{"route_key": "$connect", "authorization_type": "CUSTOM"}, {"route_key": "sendMessage", "authorization_type": "NONE"}]
	results := rule.deny with input as {"v2_apis": [api("WEBSOCKET", routes)]}
	count(results) == 0
}
