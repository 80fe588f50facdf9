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
