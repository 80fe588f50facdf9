# The NLB behind the private proxy API's VPC link. The disaster-recovery
# copy in ../network-dr declares the same literal name for another region,
# so neither block can be told to be the live one without a state.

resource "aws_lb" "link" {
  name               = "apigw-link-nlb"
  internal           = true
  load_balancer_type = "network"
  subnets            = ["subnet-0a1b2c3d4e5f60718"]
}
