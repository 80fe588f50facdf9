# Two private REST APIs in front of the orders ALB, created with count:
# [0] passes everything through unauthenticated, [1] signs with IAM.

locals {
  tags     = { "cost-center" = "shop" }
  api_auth = ["NONE", "AWS_IAM"]
}

resource "aws_api_gateway_rest_api" "orders" {
  count = 2
  name  = "orders-proxy-${count.index}"

  endpoint_configuration {
    types            = ["PRIVATE"]
    vpc_endpoint_ids = [var.vpce_id]
  }

  policy = var.private_api_policy
  tags   = local.tags
}

resource "aws_api_gateway_resource" "proxy" {
  count       = 2
  rest_api_id = aws_api_gateway_rest_api.orders[count.index].id
  parent_id   = aws_api_gateway_rest_api.orders[count.index].root_resource_id
  path_part   = "{proxy+}"
}

resource "aws_api_gateway_method" "proxy" {
  count         = 2
  rest_api_id   = aws_api_gateway_rest_api.orders[count.index].id
  resource_id   = aws_api_gateway_resource.proxy[count.index].id
  http_method   = "ANY"
  authorization = local.api_auth[count.index]
}

resource "aws_api_gateway_integration" "proxy" {
  count                   = 2
  rest_api_id             = aws_api_gateway_rest_api.orders[count.index].id
  resource_id             = aws_api_gateway_resource.proxy[count.index].id
  http_method             = aws_api_gateway_method.proxy[count.index].http_method
  type                    = "HTTP_PROXY"
  integration_http_method = "ANY"
  uri                     = "https://${aws_lb.orders.dns_name}/{proxy}"
}

resource "aws_api_gateway_deployment" "orders" {
  count       = 2
  rest_api_id = aws_api_gateway_rest_api.orders[count.index].id
  depends_on  = [aws_api_gateway_integration.proxy]
}

resource "aws_api_gateway_stage" "prod" {
  count                 = 2
  rest_api_id           = aws_api_gateway_rest_api.orders[count.index].id
  deployment_id         = aws_api_gateway_deployment.orders[count.index].id
  stage_name            = "prod"
  xray_tracing_enabled  = true
  client_certificate_id = var.client_certificate_id

  access_log_settings {
    destination_arn = var.access_log_group_arn
    format          = "$context.requestId"
  }

  tags = merge(local.tags, { owner = "orders" })
}

# Two HTTP APIs reaching the orders ALB's listener over a VPC link, with
# their default endpoint disabled (reached from inside the VPC only):
# "open" routes everything unauthenticated, "jwt" checks a Cognito token.
resource "aws_apigatewayv2_vpc_link" "orders" {
  name               = "orders"
  subnet_ids         = var.private_subnet_ids
  security_group_ids = [aws_security_group.internal_alb.id]
  tags               = local.tags
}

resource "aws_apigatewayv2_api" "internal" {
  for_each                     = toset(["open", "jwt"])
  name                         = "orders-internal-${each.key}"
  protocol_type                = "HTTP"
  disable_execute_api_endpoint = true
  tags                         = local.tags
}

resource "aws_apigatewayv2_integration" "orders" {
  for_each           = aws_apigatewayv2_api.internal
  api_id             = each.value.id
  integration_type   = "HTTP_PROXY"
  integration_method = "ANY"
  integration_uri    = aws_lb_listener.orders.arn
  connection_type    = "VPC_LINK"
  connection_id      = aws_apigatewayv2_vpc_link.orders.id
}

resource "aws_apigatewayv2_authorizer" "jwt" {
  api_id           = aws_apigatewayv2_api.internal["jwt"].id
  name             = "cognito"
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]

  jwt_configuration {
    audience = ["orders"]
    issuer   = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_EXAMPLE"
  }
}

resource "aws_apigatewayv2_route" "proxy" {
  for_each           = aws_apigatewayv2_api.internal
  api_id             = each.value.id
  route_key          = "ANY /{proxy+}"
  target             = "integrations/${aws_apigatewayv2_integration.orders[each.key].id}"
  authorization_type = each.key == "jwt" ? "JWT" : "NONE"
  authorizer_id      = each.key == "jwt" ? aws_apigatewayv2_authorizer.jwt.id : null
}

resource "aws_apigatewayv2_stage" "default" {
  for_each    = aws_apigatewayv2_api.internal
  api_id      = each.value.id
  name        = "$default"
  auto_deploy = true

  access_log_settings {
    destination_arn = var.access_log_group_arn
    format          = "$context.requestId"
  }

  tags = merge(local.tags, { owner = "orders" })
}
