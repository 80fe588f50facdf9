# The public edge of acme-prod in eu-west-1: the storefront and the ops
# dashboard ALBs (one instance of ../modules/alb each), and the legacy
# admin ALB. state.json is `terraform show -json` of this root.

terraform {
  backend "s3" {
    bucket = "acme-terraform-state"
    key    = "prod/edge.tfstate"
    region = "eu-west-1"
  }
}

provider "aws" {
  region = "eu-west-1"
}

variable "legacy_admin" {
  type    = bool
  default = true
}

data "aws_lb" "internal" {
  name = "internal-services-alb"
}

locals {
  subnets = ["subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829"]
  vpc_id  = "vpc-0a7e3c91d2b4f5068"

  sites = {
    web = {
      name            = "web-public-alb"
      security_group  = "sg-0c3f5a9e2b7d41a86"
      certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/4f2d8a1c-7e3b-4a9d-9c6e-2b1f0a8d7e53"
      redirect_http   = true
      websocket_ports = { "live-prices" = 8081, "notifications" = 8082 }
    }
    ops = {
      name            = "ops-dashboard-alb"
      security_group  = "sg-09d4f7b2e6a1c5380"
      certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/1e3a5c7b-9d2f-4e6a-8b0c-2d4f6a8c0e1b"
      redirect_http   = false
      websocket_ports = {}
    }
  }
}

module "alb" {
  source   = "../modules/alb"
  for_each = local.sites

  name              = each.value.name
  security_group_id = each.value.security_group
  subnet_ids        = local.subnets
  vpc_id            = local.vpc_id
  certificate_arn   = each.value.certificate_arn
  redirect_http     = each.value.redirect_http
  websocket_ports   = each.value.websocket_ports
}

resource "aws_lb" "legacy" {
  count              = var.legacy_admin ? 1 : 0
  name               = "legacy-admin-alb"
  internal           = false
  load_balancer_type = "application"
  security_groups    = ["sg-0e2a6c9f1b5d83740"]
  subnets            = local.subnets

  tags = {
    owner = "backoffice-team"
    team  = "backoffice"
  }
}

# The HTTPS listener of the legacy ALB was added in the console during an
# incident and never imported: its findings land on the ALB's block.
resource "aws_lb_listener" "legacy" {
  for_each          = { http = 80 }
  load_balancer_arn = aws_lb.legacy[0].arn
  port              = each.value
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/admin-console-tg/6a2c8e4f0b1d9357"
  }
}
