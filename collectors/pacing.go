package collectors

import (
	"context"

	"golang.org/x/time/rate"
)

// pacer holds the token buckets of one account-region. AWS enforces its API
// quotas per account and region, so each target gets its own pacer and a
// scan of many targets is never slower than the slowest one needs to be.
type pacer struct {
	// apigw is the API Gateway control plane: 10 requests/s with a burst of
	// 40, shared by every apigateway and apigatewayv2 call. Source: "API
	// Gateway quotas", section "Control plane" (docs.aws.amazon.com/apigateway
	// /latest/developerguide/limits.html).
	apigw *rate.Limiter
	// getResources is the extra GetResources quota: 5 requests every 2
	// seconds, same page.
	getResources *rate.Limiter
	// elb is the ELB Describe* bucket: capacity 40, refilled at 10/s.
	// Source: "API request throttling for Elastic Load Balancing".
	elb *rate.Limiter
	// ec2 is the bucket of non-mutating EC2 actions: capacity 100, refill
	// 20/s. Source: "Request throttling for the Amazon EC2 API".
	ec2 *rate.Limiter
	// wafv2: AWS WAF publishes 1 request/s only for Create/Put/Update
	// actions and no quota for reads; 5/s with a burst of 5 stays well clear
	// of what consoles and Terraform providers do without being throttled.
	wafv2 *rate.Limiter
	// lambda: GetFunction has its own 100 requests/s quota. Source: "Lambda
	// quotas", "API requests".
	lambda *rate.Limiter
	// cloudwatch: DescribeAlarms is limited to 9 transactions/s. Source:
	// "CloudWatch service quotas".
	cloudwatch *rate.Limiter
	// cloudfront and shield publish no read quotas; they are called a
	// handful of times per account, so a conservative 5/s costs nothing.
	cloudfront *rate.Limiter
	shield     *rate.Limiter
	// sts: GetCallerIdentity is called once per account.
	sts *rate.Limiter
}

func newPacer() *pacer {
	return &pacer{
		apigw:        rate.NewLimiter(10, 40),
		getResources: rate.NewLimiter(2.5, 5),
		elb:          rate.NewLimiter(10, 40),
		ec2:          rate.NewLimiter(20, 100),
		wafv2:        rate.NewLimiter(5, 5),
		lambda:       rate.NewLimiter(100, 100),
		cloudwatch:   rate.NewLimiter(9, 9),
		cloudfront:   rate.NewLimiter(5, 5),
		shield:       rate.NewLimiter(5, 5),
		sts:          rate.NewLimiter(10, 10),
	}
}

// buckets lists the limiters one call of service:op must pass.
func (p *pacer) buckets(service, op string) []*rate.Limiter {
	switch service {
	case serviceAPIGateway, serviceAPIGatewayV2:
		if service == serviceAPIGateway && op == "GetResources" {
			return []*rate.Limiter{p.getResources, p.apigw}
		}
		return []*rate.Limiter{p.apigw}
	case serviceELBv2:
		return []*rate.Limiter{p.elb}
	case serviceEC2:
		return []*rate.Limiter{p.ec2}
	case serviceWAFv2:
		return []*rate.Limiter{p.wafv2}
	case serviceLambda:
		return []*rate.Limiter{p.lambda}
	case serviceCloudWatch:
		return []*rate.Limiter{p.cloudwatch}
	case serviceCloudFront:
		return []*rate.Limiter{p.cloudfront}
	case serviceShield:
		return []*rate.Limiter{p.shield}
	case serviceSTS:
		return []*rate.Limiter{p.sts}
	}
	return nil
}

// wait blocks until every bucket of service:op grants a token.
func (p *pacer) wait(ctx context.Context, service, op string) error {
	for _, l := range p.buckets(service, op) {
		if err := l.Wait(ctx); err != nil {
			return err
		}
	}
	return nil
}
