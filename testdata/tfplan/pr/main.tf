# A pull request adding a shop front, an internal orders ALB with Lambda
# report targets, and two private REST APIs in front of the orders ALB.
# gatewatch's tests read plan.json (`terraform show -json` of this root)
# and map findings back to these blocks.

provider "aws" {
  region = "eu-west-1"
}

data "aws_caller_identity" "current" {}

resource "aws_security_group" "public_alb" {
  name   = "shop-public-alb"
  vpc_id = var.vpc_id

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "internal_alb" {
  name   = "orders-internal-alb"
  vpc_id = var.vpc_id

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_wafv2_web_acl" "edge" {
  name  = "shop-edge"
  scope = "REGIONAL"

  default_action {
    allow {}
  }

  rule {
    name     = "per-ip-limit"
    priority = 0
    action {
      block {}
    }
    statement {
      rate_based_statement {
        limit              = 2000
        aggregate_key_type = "IP"
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "per-ip-limit"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "shop-edge"
    sampled_requests_enabled   = true
  }

  tags = local.tags
}

# Two shop fronts from one module: "guarded" passes its web ACL and owner
# tags on its routes; "bare" does neither.
module "shop" {
  source   = "./modules/public-alb"
  for_each = { guarded = true, bare = false }

  name              = "shop-${each.key}"
  security_group_id = aws_security_group.public_alb.id
  subnet_ids        = var.public_subnet_ids
  web_acl_arn       = each.value ? aws_wafv2_web_acl.edge.arn : null
  rule_tags         = each.value ? { owner = "shop" } : {}
  tags              = local.tags
}

resource "aws_lb" "orders" {
  name                       = "orders-internal"
  internal                   = true
  load_balancer_type         = "application"
  security_groups            = [aws_security_group.internal_alb.id]
  subnets                    = var.private_subnet_ids
  drop_invalid_header_fields = true
  enable_deletion_protection = true

  access_logs {
    bucket  = "shop-alb-logs"
    enabled = true
  }

  tags = local.tags
}

resource "aws_lb_listener" "orders" {
  load_balancer_arn = aws_lb.orders.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.certificate_arn

  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      status_code  = "404"
    }
  }
}

# Report generators behind the orders ALB: "plain" shares the account's
# concurrency pool, "reserved" has its own.
resource "aws_lambda_function" "report" {
  for_each = { plain = -1, reserved = 20 }

  function_name                  = "orders-report-${each.key}"
  role                           = var.lambda_role_arn
  runtime                        = "python3.12"
  handler                        = "report.handler"
  filename                       = "report.zip"
  timeout                        = 30
  reserved_concurrent_executions = each.value
  tags                           = local.tags
}

resource "aws_lb_target_group" "report" {
  for_each    = aws_lambda_function.report
  name        = "orders-report-${each.key}"
  target_type = "lambda"
  tags        = local.tags
}

resource "aws_lambda_permission" "report" {
  for_each      = aws_lambda_function.report
  statement_id  = "AllowALB"
  action        = "lambda:InvokeFunction"
  function_name = each.value.function_name
  principal     = "elasticloadbalancing.amazonaws.com"
  source_arn    = aws_lb_target_group.report[each.key].arn
}

resource "aws_lb_target_group_attachment" "report" {
  for_each         = aws_lambda_function.report
  target_group_arn = aws_lb_target_group.report[each.key].arn
  target_id        = each.value.arn
  depends_on       = [aws_lambda_permission.report]
}

resource "aws_lb_listener_rule" "report" {
  for_each     = aws_lb_target_group.report
  listener_arn = aws_lb_listener.orders.arn
  priority     = each.key == "plain" ? 10 : 20

  action {
    type             = "forward"
    target_group_arn = each.value.arn
  }

  condition {
    path_pattern {
      values = ["/reports/${each.key}/*"]
    }
  }

  tags = { owner = "orders" }
}
