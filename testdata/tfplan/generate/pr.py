import json, sys
import os
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from gen import *

p = Plan()
TAGS = {"cost-center": "shop"}
VARS = {"vpc_id": "vpc-0a7e3c91d2b4f5068", "public_subnet_ids": ["subnet-0a1", "subnet-0b2"],
        "private_subnet_ids": ["subnet-1a1", "subnet-1b2"],
        "certificate_arn": "arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        "lambda_role_arn": "arn:aws:iam::123456789012:role/orders-report", "vpce_id": "vpce-0123456789abcdef0",
        "private_api_policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"execute-api:Invoke\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:SourceVpce\":\"vpce-0123456789abcdef0\"}}}]}",
        "client_certificate_id": "ab12cd", "access_log_group_arn": "arn:aws:logs:eu-west-1:123456789012:log-group:api-access"}
for k, v in VARS.items():
    p.cfg[""]["variables"][k] = {"default": v}

# data.aws_caller_identity.current, read during plan
p.prior[""] = [{"address": "data.aws_caller_identity.current", "mode": "data", "type": "aws_caller_identity",
                "name": "current", "provider_name": PROV, "schema_version": 0,
                "values": {"account_id": ACCOUNT, "arn": "arn:aws:iam::123456789012:user/ci", "id": ACCOUNT, "user_id": "AIDAEXAMPLE"},
                "sensitive_values": {}}]
p.addcfg("", "aws_caller_identity", "current", {}, mode="data")

def sg(name, sgname, cidr):
    p.add("", "aws_security_group", name, {"name": sgname, "vpc_id": VARS["vpc_id"], "description": "Managed by Terraform",
        "ingress": [{"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": [cidr], "ipv6_cidr_blocks": [],
                     "prefix_list_ids": [], "security_groups": [], "self": False, "description": ""}],
        "revoke_rules_on_delete": False, "tags": None, "timeouts": None}, unknown=["arn", "id", "owner_id", "egress", "name_prefix"])
    p.addcfg("", "aws_security_group", name, {"name": const(sgname), "vpc_id": ref("var.vpc_id"),
        "ingress": [{"from_port": const(443), "to_port": const(443), "protocol": const("tcp"), "cidr_blocks": const([cidr])}]})
sg("public_alb", "shop-public-alb", "0.0.0.0/0")
sg("internal_alb", "orders-internal-alb", "10.0.0.0/8")

vis = lambda n: [{"cloudwatch_metrics_enabled": True, "metric_name": n, "sampled_requests_enabled": True}]
p.add("", "aws_wafv2_web_acl", "edge", {"name": "shop-edge", "scope": "REGIONAL", "description": None,
    "default_action": [{"allow": [{"custom_request_handling": []}], "block": []}],
    "rule": [{"name": "per-ip-limit", "priority": 0, "action": [{"allow": [], "block": [{"custom_response": []}], "captcha": [], "challenge": [], "count": []}],
              "override_action": [], "rule_label": [], "captcha_config": [],
              "statement": [{"rate_based_statement": [{"limit": 2000, "aggregate_key_type": "IP", "evaluation_window_sec": 300,
                             "forwarded_ip_config": [], "scope_down_statement": [], "custom_key": []}]}],
              "visibility_config": vis("per-ip-limit")}],
    "visibility_config": vis("shop-edge"), "tags": TAGS, "custom_response_body": [], "token_domains": None},
    unknown=["arn", "id", "capacity", "lock_token", "application_integration_url", "label_namespace"])
p.addcfg("", "aws_wafv2_web_acl", "edge", {"name": const("shop-edge"), "scope": const("REGIONAL"),
    "tags": ref("local.tags")})

# module "shop" with for_each
shop = p.call("", "shop", "./modules/public-alb", {
    "name": ref("each.key"), "security_group_id": ref("aws_security_group.public_alb.id", "aws_security_group.public_alb"),
    "subnet_ids": ref("var.public_subnet_ids"), "web_acl_arn": ref("each.value", "aws_wafv2_web_acl.edge.arn", "aws_wafv2_web_acl.edge"),
    "rule_tags": ref("each.value"), "tags": ref("local.tags")}, for_each=const({"guarded": True, "bare": False}))
for v in ["name", "security_group_id", "subnet_ids", "web_acl_arn", "rule_tags", "tags"]:
    p.cfg[shop]["variables"][v] = {}
p.addcfg(shop, "aws_lb", "this", {"name": ref("var.name"), "internal": const(False), "load_balancer_type": const("application"),
    "security_groups": ref("var.security_group_id"), "subnets": ref("var.subnet_ids"),
    "drop_invalid_header_fields": const(True), "enable_deletion_protection": const(True),
    "access_logs": [{"bucket": const("shop-alb-logs"), "enabled": const(True)}], "tags": ref("var.tags")})
p.addcfg(shop, "aws_lb_target_group", "web", {"name": ref("var.name"), "port": const(8080), "protocol": const("HTTP"),
    "vpc_id": const(VARS["vpc_id"]), "tags": ref("var.tags")})
p.addcfg(shop, "aws_lb_listener", "https", {"load_balancer_arn": ref("aws_lb.this.arn", "aws_lb.this"), "port": const(443),
    "protocol": const("HTTPS"), "ssl_policy": const("ELBSecurityPolicy-TLS13-1-2-2021-06"), "certificate_arn": const(VARS["certificate_arn"]),
    "default_action": [{"type": const("fixed-response"), "fixed_response": [{"content_type": const("text/plain"), "status_code": const("404")}]}]})
p.addcfg(shop, "aws_lb_listener_rule", "web", {"listener_arn": ref("aws_lb_listener.https.arn", "aws_lb_listener.https"),
    "priority": const(100), "action": [{"type": const("forward"), "target_group_arn": ref("aws_lb_target_group.web.arn", "aws_lb_target_group.web")}],
    "condition": [{"host_header": [{"values": ref("var.name")}]}], "tags": ref("var.rule_tags")})
p.addcfg(shop, "aws_cloudfront_distribution", "this", {"enabled": const(True), "comment": ref("var.name"),
    "origin": [{"origin_id": const("alb"), "domain_name": ref("aws_lb.this.dns_name", "aws_lb.this"),
                "custom_origin_config": [{"http_port": const(80), "https_port": const(443), "origin_protocol_policy": const("https-only"),
                                          "origin_ssl_protocols": const(["TLSv1.2"])}]}],
    "tags": ref("var.tags")})
p.addcfg(shop, "aws_wafv2_web_acl_association", "this", {"resource_arn": ref("aws_lb.this.arn", "aws_lb.this"),
    "web_acl_arn": ref("var.web_acl_arn")}, count=ref("var.web_acl_arn"))

def alb_values(name, internal, subnets, tags):
    return {"name": name, "internal": internal, "load_balancer_type": "application", "subnets": subnets,
            "drop_invalid_header_fields": True, "enable_deletion_protection": True, "desync_mitigation_mode": "defensive",
            "idle_timeout": 60, "enable_http2": True, "ip_address_type": "ipv4", "xff_header_processing_mode": "append",
            "access_logs": [{"bucket": "shop-alb-logs", "enabled": True, "prefix": None}], "tags": tags,
            "customer_owned_ipv4_pool": None, "timeouts": None}
ALB_UNKNOWN = ["arn", "arn_suffix", "dns_name", "id", "security_groups", "vpc_id", "zone_id", "subnet_mapping", "name_prefix", "connection_logs"]
CERT = VARS["certificate_arn"]
def fixed404():
    return [{"type": "fixed-response", "fixed_response": [{"content_type": "text/plain", "status_code": "404", "message_body": None}],
             "forward": [], "redirect": [], "authenticate_cognito": [], "authenticate_oidc": [], "target_group_arn": None}]

for key, guarded in [("guarded", True), ("bare", False)]:
    m = 'module.shop["%s"]' % key
    p.add(m, "aws_lb", "this", alb_values("shop-" + key, False, VARS["public_subnet_ids"], TAGS), unknown=ALB_UNKNOWN)
    p.add(m, "aws_lb_target_group", "web", {"name": "shop-%s-web" % key, "port": 8080, "protocol": "HTTP", "vpc_id": VARS["vpc_id"],
        "target_type": "instance", "deregistration_delay": "300", "slow_start": 0, "tags": TAGS, "lambda_multi_value_headers_enabled": False},
        unknown=["arn", "arn_suffix", "id", "health_check", "stickiness", "load_balancing_algorithm_type", "protocol_version", "load_balancer_arns"])
    p.add(m, "aws_lb_listener", "https", {"port": 443, "protocol": "HTTPS", "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "certificate_arn": CERT, "default_action": fixed404(), "tags": None, "alpn_policy": None, "timeouts": None},
        unknown=["arn", "id", "load_balancer_arn", "mutual_authentication"])
    p.add(m, "aws_lb_listener_rule", "web", {"priority": 100,
        "action": [{"type": "forward", "authenticate_cognito": [], "authenticate_oidc": [], "fixed_response": [], "redirect": []}],
        "condition": [{"host_header": [{"values": ["shop-%s.example.com" % key]}], "http_header": [], "http_request_method": [],
                       "path_pattern": [], "query_string": [], "source_ip": []}],
        "tags": {"owner": "shop"} if guarded else {}},
        unknown=["arn", "id", "listener_arn"], nested_unknown={"action": [{"target_group_arn": True}]})
    p.add(m, "aws_cloudfront_distribution", "this", {"enabled": True, "comment": "shop-" + key, "aliases": None,
        "origin": [{"origin_id": "alb", "origin_path": "", "connection_attempts": 3, "connection_timeout": 10,
                    "custom_origin_config": [{"http_port": 80, "https_port": 443, "origin_protocol_policy": "https-only",
                                              "origin_ssl_protocols": ["TLSv1.2"], "origin_keepalive_timeout": 5, "origin_read_timeout": 30}],
                    "custom_header": [], "origin_shield": [], "s3_origin_config": [], "origin_access_control_id": ""}],
        "default_cache_behavior": [{"target_origin_id": "alb", "viewer_protocol_policy": "redirect-to-https",
                                    "allowed_methods": ["GET", "HEAD"], "cached_methods": ["GET", "HEAD"],
                                    "cache_policy_id": "658327ea-f89d-4fab-a63d-7e88639e58f6", "compress": False}],
        "ordered_cache_behavior": [], "logging_config": [], "web_acl_id": None, "price_class": "PriceClass_All",
        "restrictions": [{"geo_restriction": [{"restriction_type": "none"}]}],
        "viewer_certificate": [{"cloudfront_default_certificate": True, "acm_certificate_arn": "", "iam_certificate_id": "",
                                "minimum_protocol_version": "TLSv1", "ssl_support_method": ""}],
        "tags": TAGS, "retain_on_delete": False, "wait_for_deployment": True},
        unknown=["arn", "id", "domain_name", "etag", "hosted_zone_id", "caller_reference", "status", "trusted_signers", "trusted_key_groups", "last_modified_time", "in_progress_validation_batches"],
        nested_unknown={"origin": [{"domain_name": True}]})
    if guarded:
        p.add(m, "aws_wafv2_web_acl_association", "this", {"timeouts": None}, unknown=["id", "resource_arn", "web_acl_arn"], index=0)

# orders ALB
p.add("", "aws_lb", "orders", alb_values("orders-internal", True, VARS["private_subnet_ids"], TAGS), unknown=ALB_UNKNOWN)
p.addcfg("", "aws_lb", "orders", {"name": const("orders-internal"), "internal": const(True), "load_balancer_type": const("application"),
    "security_groups": ref("aws_security_group.internal_alb.id", "aws_security_group.internal_alb"),
    "subnets": ref("var.private_subnet_ids"), "tags": ref("local.tags")})
p.add("", "aws_lb_listener", "orders", {"port": 443, "protocol": "HTTPS", "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "certificate_arn": CERT, "default_action": fixed404(), "tags": None, "timeouts": None},
    unknown=["arn", "id", "load_balancer_arn", "mutual_authentication"])
p.addcfg("", "aws_lb_listener", "orders", {"load_balancer_arn": ref("aws_lb.orders.arn", "aws_lb.orders"), "port": const(443),
    "protocol": const("HTTPS"), "ssl_policy": const("ELBSecurityPolicy-TLS13-1-2-2021-06"), "certificate_arn": ref("var.certificate_arn"),
    "default_action": [{"type": const("fixed-response"), "fixed_response": [{"content_type": const("text/plain"), "status_code": const("404")}]}]})

FE = ref("aws_lambda_function.report")
for key, reserved, prio in [("plain", -1, 10), ("reserved", 20, 20)]:
    p.add("", "aws_lambda_function", "report", {"function_name": "orders-report-" + key, "role": VARS["lambda_role_arn"],
        "runtime": "python3.12", "handler": "report.handler", "filename": "report.zip", "timeout": 30, "memory_size": 128,
        "reserved_concurrent_executions": reserved, "publish": False, "package_type": "Zip", "tags": TAGS},
        unknown=["arn", "id", "invoke_arn", "qualified_arn", "qualified_invoke_arn", "version", "last_modified", "source_code_hash", "source_code_size"],
        index=key)
    p.add("", "aws_lb_target_group", "report", {"name": "orders-report-" + key, "target_type": "lambda", "tags": TAGS,
        "lambda_multi_value_headers_enabled": False, "deregistration_delay": "300"},
        unknown=["arn", "arn_suffix", "id", "health_check", "stickiness", "load_balancer_arns"], index=key)
    p.add("", "aws_lambda_permission", "report", {"statement_id": "AllowALB", "action": "lambda:InvokeFunction",
        "function_name": "orders-report-" + key, "principal": "elasticloadbalancing.amazonaws.com"},
        unknown=["id", "source_arn"], index=key)
    p.add("", "aws_lb_target_group_attachment", "report", {"port": None, "availability_zone": None},
        unknown=["id", "target_group_arn", "target_id"], index=key)
    p.add("", "aws_lb_listener_rule", "report", {"priority": prio,
        "action": [{"type": "forward", "authenticate_cognito": [], "authenticate_oidc": [], "fixed_response": [], "redirect": []}],
        "condition": [{"path_pattern": [{"values": ["/reports/%s/*" % key]}], "host_header": [], "http_header": [],
                       "http_request_method": [], "query_string": [], "source_ip": []}],
        "tags": {"owner": "orders"}},
        unknown=["arn", "id", "listener_arn"], nested_unknown={"action": [{"target_group_arn": True}]}, index=key)
p.addcfg("", "aws_lambda_function", "report", {"function_name": ref("each.key"), "role": ref("var.lambda_role_arn"),
    "runtime": const("python3.12"), "handler": const("report.handler"), "filename": const("report.zip"), "timeout": const(30),
    "reserved_concurrent_executions": ref("each.value"), "tags": ref("local.tags")}, for_each=const({"plain": -1, "reserved": 20}))
p.addcfg("", "aws_lb_target_group", "report", {"name": ref("each.key"), "target_type": const("lambda"), "tags": ref("local.tags")}, for_each=FE)
p.addcfg("", "aws_lambda_permission", "report", {"function_name": ref("each.value.function_name", "each.value"),
    "source_arn": ref("aws_lb_target_group.report", "each.key")}, for_each=FE)
p.addcfg("", "aws_lb_target_group_attachment", "report", {"target_group_arn": ref("aws_lb_target_group.report", "each.key"),
    "target_id": ref("each.value.arn", "each.value")}, for_each=FE)
p.addcfg("", "aws_lb_listener_rule", "report", {"listener_arn": ref("aws_lb_listener.orders.arn", "aws_lb_listener.orders"),
    "priority": ref("each.key"), "action": [{"type": const("forward"), "target_group_arn": ref("each.value.arn", "each.value")}],
    "condition": [{"path_pattern": [{"values": ref("each.key")}]}], "tags": const({"owner": "orders"})},
    for_each=ref("aws_lb_target_group.report"))

# REST APIs, count = 2
CNT = const(2)
for i, auth in [(0, "NONE"), (1, "AWS_IAM")]:
    p.add("", "aws_api_gateway_rest_api", "orders", {"name": "orders-proxy-%d" % i, "api_key_source": "HEADER",
        "disable_execute_api_endpoint": False, "policy": VARS["private_api_policy"], "put_rest_api_mode": "overwrite",
        "endpoint_configuration": [{"types": ["PRIVATE"], "vpc_endpoint_ids": [VARS["vpce_id"]]}], "tags": TAGS},
        unknown=["arn", "id", "created_date", "execution_arn", "root_resource_id", "description", "binary_media_types", "minimum_compression_size"], index=i)
    p.add("", "aws_api_gateway_resource", "proxy", {"path_part": "{proxy+}"}, unknown=["id", "parent_id", "path", "rest_api_id"], index=i)
    p.add("", "aws_api_gateway_method", "proxy", {"http_method": "ANY", "authorization": auth, "api_key_required": False,
        "authorizer_id": None, "request_validator_id": None}, unknown=["id", "resource_id", "rest_api_id"], index=i)
    p.add("", "aws_api_gateway_integration", "proxy", {"type": "HTTP_PROXY", "integration_http_method": "ANY",
        "connection_type": "INTERNET", "timeout_milliseconds": 29000, "passthrough_behavior": "WHEN_NO_MATCH"},
        unknown=["id", "resource_id", "rest_api_id", "http_method", "uri", "cache_namespace"], index=i)
    p.add("", "aws_api_gateway_deployment", "orders", {"description": None}, unknown=["id", "rest_api_id", "created_date", "execution_arn", "invoke_url"], index=i)
    p.add("", "aws_api_gateway_stage", "prod", {"stage_name": "prod", "xray_tracing_enabled": True, "client_certificate_id": VARS["client_certificate_id"],
        "cache_cluster_enabled": False, "access_log_settings": [{"destination_arn": VARS["access_log_group_arn"], "format": "$context.requestId"}],
        "variables": None, "tags": {"cost-center": "shop", "owner": "orders"}},
        unknown=["arn", "id", "rest_api_id", "deployment_id", "execution_arn", "invoke_url", "web_acl_arn"], index=i)
p.addcfg("", "aws_api_gateway_rest_api", "orders", {"name": ref("count.index"), "policy": ref("var.private_api_policy"),
    "endpoint_configuration": [{"types": const(["PRIVATE"]), "vpc_endpoint_ids": ref("var.vpce_id")}], "tags": ref("local.tags")}, count=CNT)
p.addcfg("", "aws_api_gateway_resource", "proxy", {"rest_api_id": ref("aws_api_gateway_rest_api.orders", "count.index"),
    "parent_id": ref("aws_api_gateway_rest_api.orders", "count.index"), "path_part": const("{proxy+}")}, count=CNT)
p.addcfg("", "aws_api_gateway_method", "proxy", {"rest_api_id": ref("aws_api_gateway_rest_api.orders", "count.index"),
    "resource_id": ref("aws_api_gateway_resource.proxy", "count.index"), "http_method": const("ANY"),
    "authorization": ref("local.api_auth", "count.index")}, count=CNT)
p.addcfg("", "aws_api_gateway_integration", "proxy", {"rest_api_id": ref("aws_api_gateway_rest_api.orders", "count.index"),
    "resource_id": ref("aws_api_gateway_resource.proxy", "count.index"), "http_method": ref("aws_api_gateway_method.proxy", "count.index"),
    "type": const("HTTP_PROXY"), "integration_http_method": const("ANY"), "uri": ref("aws_lb.orders.dns_name", "aws_lb.orders")}, count=CNT)
p.addcfg("", "aws_api_gateway_deployment", "orders", {"rest_api_id": ref("aws_api_gateway_rest_api.orders", "count.index")}, count=CNT)
p.addcfg("", "aws_api_gateway_stage", "prod", {"rest_api_id": ref("aws_api_gateway_rest_api.orders", "count.index"),
    "deployment_id": ref("aws_api_gateway_deployment.orders", "count.index"), "stage_name": const("prod"),
    "xray_tracing_enabled": const(True), "client_certificate_id": ref("var.client_certificate_id"),
    "tags": ref("local.tags")}, count=CNT)

# HTTP APIs over a VPC link, for_each = ["open", "jwt"]
p.add("", "aws_apigatewayv2_vpc_link", "orders", {"name": "orders", "subnet_ids": VARS["private_subnet_ids"], "tags": TAGS},
    unknown=["arn", "id", "security_group_ids"])
p.addcfg("", "aws_apigatewayv2_vpc_link", "orders", {"name": const("orders"), "subnet_ids": ref("var.private_subnet_ids"),
    "security_group_ids": ref("aws_security_group.internal_alb.id", "aws_security_group.internal_alb"), "tags": ref("local.tags")})
V2FE = ref("aws_apigatewayv2_api.internal")
for key in ["open", "jwt"]:
    p.add("", "aws_apigatewayv2_api", "internal", {"name": "orders-internal-" + key, "protocol_type": "HTTP",
        "disable_execute_api_endpoint": True, "route_selection_expression": "$request.method $request.path",
        "api_key_selection_expression": "$request.header.x-api-key", "cors_configuration": [], "tags": TAGS},
        unknown=["arn", "id", "api_endpoint", "execution_arn"], index=key)
    p.add("", "aws_apigatewayv2_integration", "orders", {"integration_type": "HTTP_PROXY", "integration_method": "ANY",
        "connection_type": "VPC_LINK", "payload_format_version": "1.0", "timeout_milliseconds": 30000, "request_parameters": None},
        unknown=["id", "api_id", "integration_uri", "connection_id", "integration_response_selection_expression"], index=key)
    route = {"route_key": "ANY /{proxy+}", "authorization_type": "JWT" if key == "jwt" else "NONE", "api_key_required": False,
             "authorization_scopes": None, "request_models": None}
    unknown = ["id", "api_id", "target"]
    if key == "jwt":
        unknown.append("authorizer_id")
    else:
        route["authorizer_id"] = None
    p.add("", "aws_apigatewayv2_route", "proxy", route, unknown=unknown, index=key)
    p.add("", "aws_apigatewayv2_stage", "default", {"name": "$default", "auto_deploy": True,
        "access_log_settings": [{"destination_arn": VARS["access_log_group_arn"], "format": "$context.requestId"}],
        "default_route_settings": [], "route_settings": [], "stage_variables": None,
        "tags": {"cost-center": "shop", "owner": "orders"}},
        unknown=["arn", "id", "api_id", "deployment_id", "execution_arn", "invoke_url"], index=key)
p.add("", "aws_apigatewayv2_authorizer", "jwt", {"name": "cognito", "authorizer_type": "JWT",
    "identity_sources": ["$request.header.Authorization"],
    "jwt_configuration": [{"audience": ["orders"], "issuer": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_EXAMPLE"}]},
    unknown=["id", "api_id"])
p.addcfg("", "aws_apigatewayv2_api", "internal", {"name": ref("each.key"), "protocol_type": const("HTTP"),
    "disable_execute_api_endpoint": const(True), "tags": ref("local.tags")}, for_each=const(["open", "jwt"]))
p.addcfg("", "aws_apigatewayv2_integration", "orders", {"api_id": ref("each.value.id", "each.value"),
    "integration_type": const("HTTP_PROXY"), "integration_method": const("ANY"),
    "integration_uri": ref("aws_lb_listener.orders.arn", "aws_lb_listener.orders"), "connection_type": const("VPC_LINK"),
    "connection_id": ref("aws_apigatewayv2_vpc_link.orders.id", "aws_apigatewayv2_vpc_link.orders")}, for_each=V2FE)
p.addcfg("", "aws_apigatewayv2_authorizer", "jwt", {"api_id": ref('aws_apigatewayv2_api.internal["jwt"].id', 'aws_apigatewayv2_api.internal["jwt"]', "aws_apigatewayv2_api.internal"),
    "name": const("cognito"), "authorizer_type": const("JWT"), "identity_sources": const(["$request.header.Authorization"])})
p.addcfg("", "aws_apigatewayv2_route", "proxy", {"api_id": ref("each.value.id", "each.value"), "route_key": const("ANY /{proxy+}"),
    "target": ref("aws_apigatewayv2_integration.orders", "each.key"), "authorization_type": ref("each.key"),
    "authorizer_id": ref("each.key", "aws_apigatewayv2_authorizer.jwt.id", "aws_apigatewayv2_authorizer.jwt")}, for_each=V2FE)
p.addcfg("", "aws_apigatewayv2_stage", "default", {"api_id": ref("each.value.id", "each.value"), "name": const("$default"),
    "auto_deploy": const(True), "tags": ref("local.tags")}, for_each=V2FE)

json.dump(p.render(VARS), sys.stdout, indent=1)
