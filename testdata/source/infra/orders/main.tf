# The orders HTTP API, routed over a VPC link to the internal ALB. This
# root's state is not given to the nightly scan: its API is found by its
# literal name, which no other block and no other live API carries.

provider "aws" {
  region = "eu-west-1"
}

resource "aws_apigatewayv2_vpc_link" "orders" {
  name               = "orders-internal-link"
  subnet_ids         = ["subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829", "subnet-0c3d4e5f607182930"]
  security_group_ids = ["sg-0a1f6e3b9c7d2e584"]
}

resource "aws_apigatewayv2_api" "orders" {
  name          = "orders-internal-http"
  protocol_type = "HTTP"

  tags = {
    owner       = "orders-team"
    environment = "prod"
  }
}

resource "aws_apigatewayv2_integration" "orders" {
  api_id             = aws_apigatewayv2_api.orders.id
  integration_type   = "HTTP_PROXY"
  integration_method = "ANY"
  integration_uri    = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/internal-services-alb/7a4c2e1f9b3d5068/6c1e8a2b4d0f3e97"
  connection_type    = "VPC_LINK"
  connection_id      = aws_apigatewayv2_vpc_link.orders.id
}

resource "aws_apigatewayv2_route" "proxy" {
  api_id    = aws_apigatewayv2_api.orders.id
  route_key = "ANY /{proxy+}"
  target    = "integrations/${aws_apigatewayv2_integration.orders.id}"
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.orders.id
  name        = "$default"
  auto_deploy = true

  tags = {
    owner = "orders-team"
  }
}
