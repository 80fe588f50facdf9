package tfplan

import (
	"strings"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// PlaceholderMarker is in every identifier the converter invents for a
// value Terraform knows only after apply, so a reader of a finding (or of
// the snapshot) can tell an invented ARN from a real one.
const PlaceholderMarker = "planned-"

// placeholder invents a stable value for an attribute known only after
// apply, in the shape AWS gives it, so the snapshot's ARN parser, host
// normaliser and joins treat it like a real one.
func (c *converter) placeholder(in *instance, name string) string {
	h := PlaceholderMarker + hash(in.addr)
	p, r, a := "arn:aws:", in.region, in.account
	switch in.typ + "." + name {
	case "aws_lb.arn", "aws_alb.arn", "aws_lb.id", "aws_alb.id":
		return p + "elasticloadbalancing:" + r + ":" + a + ":loadbalancer/" + c.attr(in, "arn_suffix")
	case "aws_lb.arn_suffix", "aws_alb.arn_suffix":
		kind := "app"
		switch in.str("load_balancer_type") {
		case "network":
			kind = "net"
		case "gateway":
			kind = "gwy"
		}
		return kind + "/" + lbName(in) + "/" + h
	case "aws_lb.dns_name", "aws_alb.dns_name":
		host := lbName(in) + "-" + h + "." + r + ".elb.amazonaws.com"
		if internal, _ := in.values["internal"].(bool); internal {
			host = "internal-" + host
		}
		return host
	case "aws_lb_listener.arn", "aws_alb_listener.arn", "aws_lb_listener.id", "aws_alb_listener.id":
		return strings.Replace(c.attr(in, "load_balancer_arn"), ":loadbalancer/", ":listener/", 1) + "/" + h
	case "aws_lb_listener_rule.arn", "aws_alb_listener_rule.arn", "aws_lb_listener_rule.id", "aws_alb_listener_rule.id":
		l := c.attr(in, "listener_arn")
		return strings.Replace(l, ":listener/", ":listener-rule/", 1) + "/" + h
	case "aws_lb_target_group.arn", "aws_alb_target_group.arn", "aws_lb_target_group.id", "aws_alb_target_group.id":
		return p + "elasticloadbalancing:" + r + ":" + a + ":" + c.attr(in, "arn_suffix")
	case "aws_lb_target_group.arn_suffix", "aws_alb_target_group.arn_suffix":
		return "targetgroup/" + in.str("name") + "/" + h
	case "aws_security_group.id":
		return "sg-" + h
	case "aws_security_group.arn":
		return p + "ec2:" + r + ":" + a + ":security-group/" + c.attr(in, "id")
	case "aws_api_gateway_rest_api.arn":
		return p + "apigateway:" + r + "::/restapis/" + c.attr(in, "id")
	case "aws_api_gateway_rest_api.execution_arn":
		return p + "execute-api:" + r + ":" + a + ":" + c.attr(in, "id")
	case "aws_api_gateway_rest_api.root_resource_id":
		return "root-" + h
	case "aws_api_gateway_stage.arn":
		return p + "apigateway:" + r + "::/restapis/" + c.attr(in, "rest_api_id") + "/stages/" + c.attr(in, "stage_name")
	case "aws_api_gateway_stage.invoke_url":
		return "https://" + snapshot.ExecuteAPIHost(c.attr(in, "rest_api_id"), r) + "/" + c.attr(in, "stage_name")
	case "aws_api_gateway_usage_plan.arn":
		return p + "apigateway:" + r + "::/usageplans/" + c.attr(in, "id")
	case "aws_api_gateway_vpc_link.arn":
		return p + "apigateway:" + r + "::/vpclinks/" + c.attr(in, "id")
	case "aws_api_gateway_domain_name.arn":
		return p + "apigateway:" + r + "::/domainnames/" + in.str("domain_name")
	case "aws_api_gateway_domain_name.regional_domain_name", "aws_api_gateway_domain_name.cloudfront_domain_name":
		return "d-" + h + ".execute-api." + r + ".amazonaws.com"
	case "aws_apigatewayv2_api.arn":
		return p + "apigateway:" + r + "::/apis/" + c.attr(in, "id")
	case "aws_apigatewayv2_api.api_endpoint":
		return "https://" + snapshot.ExecuteAPIHost(c.attr(in, "id"), r)
	case "aws_apigatewayv2_api.execution_arn":
		return p + "execute-api:" + r + ":" + a + ":" + c.attr(in, "id")
	case "aws_apigatewayv2_stage.arn":
		return p + "apigateway:" + r + "::/apis/" + c.attr(in, "api_id") + "/stages/" + c.attr(in, "name")
	case "aws_apigatewayv2_vpc_link.arn":
		return p + "apigateway:" + r + "::/vpclinks/" + c.attr(in, "id")
	case "aws_apigatewayv2_domain_name.arn":
		return p + "apigateway:" + r + "::/domainnames/" + in.str("domain_name")
	case "aws_wafv2_web_acl.arn":
		scope := "regional"
		if in.str("scope") == "CLOUDFRONT" {
			scope, r = "global", "us-east-1"
		}
		return p + "wafv2:" + r + ":" + a + ":" + scope + "/webacl/" + in.str("name") + "/" + c.attr(in, "id")
	case "aws_cloudfront_distribution.arn":
		return p + "cloudfront::" + a + ":distribution/" + c.attr(in, "id")
	case "aws_cloudfront_distribution.id":
		return "E" + strings.ToUpper(h)
	case "aws_cloudfront_distribution.domain_name":
		return "d" + h + ".cloudfront.net"
	case "aws_lambda_function.arn", "aws_lambda_function.id":
		// A function's ARN follows from its name: no placeholder needed.
		return p + "lambda:" + r + ":" + a + ":function:" + c.attr(in, "function_name")
	case "aws_lambda_function.qualified_arn":
		return c.attr(in, "arn") + ":$LATEST"
	case "aws_lambda_function.invoke_arn":
		return p + "apigateway:" + r + ":lambda:path/2015-03-31/functions/" + c.attr(in, "arn") + "/invocations"
	case "aws_lambda_function.function_name":
		return in.name
	case "aws_shield_protection.arn":
		return p + "shield::" + a + ":protection/" + c.attr(in, "id")
	case "aws_cloudwatch_metric_alarm.arn":
		return p + "cloudwatch:" + r + ":" + a + ":alarm:" + c.attr(in, "alarm_name")
	}
	if name == "id" {
		return h
	}
	return h + "-" + name
}

// lbName is a load balancer's name, or the prefix Terraform will extend.
func lbName(in *instance) string {
	if n := in.str("name"); n != "" {
		return n
	}
	return strings.TrimSuffix(in.str("name_prefix"), "-") + "-generated"
}
