# The private proxy API in front of the internal services, reached from
# the VPC through an interface endpoint. terraform.tfstate is this root's
# state file (version 4), as `terraform state pull` writes it.

provider "aws" {
  region = "eu-west-1"
}

variable "nlb_arn" {
  type    = string
  default = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/apigw-link-nlb/6f2b1e0d9c8a7b65"
}

resource "aws_api_gateway_vpc_link" "proxy" {
  name        = "internal-proxy-link"
  target_arns = [var.nlb_arn]
}

resource "aws_api_gateway_rest_api" "proxy" {
  name = "internal-proxy-api"

  endpoint_configuration {
    types            = ["PRIVATE"]
    vpc_endpoint_ids = ["vpce-0f3a9c2b1d4e5f607"]
  }

  tags = {
    environment = "prod"
    managed-by  = "terraform"
  }
}

resource "aws_api_gateway_resource" "proxy" {
  rest_api_id = aws_api_gateway_rest_api.proxy.id
  parent_id   = aws_api_gateway_rest_api.proxy.root_resource_id
  path_part   = "{proxy+}"
}

resource "aws_api_gateway_method" "proxy" {
  rest_api_id   = aws_api_gateway_rest_api.proxy.id
  resource_id   = aws_api_gateway_resource.proxy.id
  http_method   = "ANY"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "proxy" {
  rest_api_id             = aws_api_gateway_rest_api.proxy.id
  resource_id             = aws_api_gateway_resource.proxy.id
  http_method             = aws_api_gateway_method.proxy.http_method
  type                    = "HTTP_PROXY"
  integration_http_method = "ANY"
  uri                     = "https://internal.acme-corp.com/{proxy}"
  connection_type         = "VPC_LINK"
  connection_id           = aws_api_gateway_vpc_link.proxy.id
}

resource "aws_api_gateway_deployment" "proxy" {
  rest_api_id = aws_api_gateway_rest_api.proxy.id
  depends_on  = [aws_api_gateway_integration.proxy]
}

resource "aws_api_gateway_stage" "proxy" {
  for_each      = toset(["prod"])
  rest_api_id   = aws_api_gateway_rest_api.proxy.id
  deployment_id = aws_api_gateway_deployment.proxy.id
  stage_name    = each.key

  tags = {
    "gatewatch:latency-slo-ms" = "50"
  }
}
