# The disaster-recovery copy of ../network, applied in eu-central-1.

provider "aws" {
  region = "eu-central-1"
}

resource "aws_lb" "link" {
  name               = "apigw-link-nlb"
  internal           = true
  load_balancer_type = "network"
  subnets            = ["subnet-0f1e2d3c4b5a69788"]
}
