# A change to the demo account's legacy admin ALB (already in Terraform):
# a longer idle timeout and a new exports route; plus a new partners ALB.
# The ops dashboard ALB (aws_lb.ops) was removed from this root, so the
# plan deletes it.
# Evaluated with --snapshot live.json (the demo account, whose admin ALB
# has a web ACL associated outside this root).

provider "aws" {
  region = "eu-west-1"
}

resource "aws_lb" "admin" {
  name               = "legacy-admin-alb"
  internal           = false
  load_balancer_type = "application"
  security_groups    = ["sg-0e2a6c9f1b5d83740"]
  subnets            = ["subnet-0a1", "subnet-0b2"]
  idle_timeout       = 120

  tags = {
    owner = "backoffice-team"
    team  = "backoffice"
  }
}

resource "aws_lb_listener_rule" "admin_exports" {
  listener_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/legacy-admin-alb/3e9f1a7b5c2d8064/b5e1c7a93f2d8046"
  priority     = 20

  action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/admin-console-tg/6a2c8e4f0b1d9357"
  }

  condition {
    path_pattern {
      values = ["/exports/*"]
    }
  }

  tags = {
    owner = "backoffice-team"
  }
}

resource "aws_lb" "partners" {
  name               = "partners-public"
  internal           = false
  load_balancer_type = "application"
  security_groups    = ["sg-0c3f5a9e2b7d41a86"]
  subnets            = ["subnet-0a1", "subnet-0b2"]

  tags = {
    owner = "partner-team"
    team  = "partners"
  }
}
