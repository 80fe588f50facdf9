package collectors

import (
	"context"
	"fmt"

	"golang.org/x/time/rate"
)

// headroom is the share of each published rate the pacer spends. Pacing at
// exactly the quota would still be throttled now and then: requests leave
// in step with the client's bucket but arrive with network jitter, and
// other tools of the account draw on the same quota. Ten percent costs a
// scan ten percent of its quota-bound time and keeps throttling rare; the
// retryer (adaptive unless the configuration names a mode) absorbs the
// rest.
const headroom = 0.9

// quota is a published API rate quota: a token bucket refilled at rate per
// second holding burst tokens.
type quota struct {
	rate  float64
	burst int
}

// limiter paces at headroom of q: a slower refill and a burst kept short
// of the quota's by the same share.
func (q quota) limiter() *rate.Limiter {
	return rate.NewLimiter(rate.Limit(q.rate*headroom), max(1, int(float64(q.burst)*headroom)))
}

// The quotas gatewatch paces at, per account and region. Every value is
// AWS's published default, or, where AWS publishes none for reads, a
// conservative value with the reason.
var (
	// API Gateway control plane: 10 requests/s with a burst of 40, shared
	// by every apigateway and apigatewayv2 call. Source: "Amazon API Gateway
	// quotas", section "API Gateway quotas for creating, deploying and
	// managing an API" (docs.aws.amazon.com/apigateway/latest/
	// developerguide/limits.html).
	quotaAPIGateway = quota{10, 40}
	// GetResources has its own extra quota: 5 requests every 2 seconds,
	// same page.
	quotaGetResources = quota{2.5, 5}
	// ELB Describe* share one bucket: capacity 40, refilled at 10/s.
	// Source: "API request throttling for Elastic Load Balancing" (Elastic
	// Load Balancing API reference).
	quotaELB = quota{10, 40}
	// EC2 non-mutating actions: bucket 100, refill 20/s. Source: "Request
	// throttling for the Amazon EC2 API", "Non-mutating actions".
	quotaEC2 = quota{20, 100}
	// WAFv2 publishes 1 request/s only for Create/Put/Update actions and no
	// quota for reads; 5/s with a burst of 5 stays well clear of what
	// consoles and Terraform providers do without being throttled.
	quotaWAFv2 = quota{5, 5}
	// GetWebACLForResource is only called when ListResourcesForWebACL is
	// refused, once per load balancer; it gets a bucket of its own at the
	// same conservative rate so the fallback never starves the ACL reads.
	quotaWebACLForResource = quota{5, 5}
	// Lambda GetFunction: 100 requests/s. Source: "Lambda quotas", "API
	// requests" (GetFunction API requests).
	quotaLambda = quota{100, 100}
	// CloudWatch DescribeAlarms: 9 transactions/s; GetMetricData: 50
	// transactions/s. Source: "CloudWatch service quotas". AWS states TPS
	// without a burst, so the burst is one second's worth.
	quotaDescribeAlarms = quota{9, 9}
	quotaGetMetricData  = quota{50, 50}
	// CloudFront and Shield publish no read quotas; they are called a
	// handful of times per account, so a conservative 5/s costs nothing.
	quotaCloudFront = quota{5, 5}
	quotaShield     = quota{5, 5}
	// STS: GetCallerIdentity once per scan and AssumeRole once per
	// account (renewed hourly), from the caller's account. STS allows 600
	// requests/s per account and region ("IAM and AWS STS quotas",
	// "Request quotas"); 10/s leaves it to everything else the caller
	// runs.
	quotaSTS = quota{10, 10}
	// Organizations publishes no per-operation read rate, only that it
	// throttles ("Quotas for AWS Organizations"); discovery takes one page
	// of 20 accounts per call, so 2/s lists 2,400 accounts a minute.
	quotaOrganizations = quota{2, 5}
)

// pacer holds the token buckets of one account-region. AWS enforces its API
// quotas per account and region, so each target gets its own pacer and a
// scan of many targets is never slower than the slowest one needs to be.
type pacer struct {
	apigw, getResources, elb, ec2, wafv2, lambda *rate.Limiter
	webACLForResource                            *rate.Limiter
	describeAlarms, getMetricData                *rate.Limiter
	cloudfront, shield, sts, organizations       *rate.Limiter
}

func newPacer() *pacer {
	return &pacer{
		apigw:             quotaAPIGateway.limiter(),
		getResources:      quotaGetResources.limiter(),
		elb:               quotaELB.limiter(),
		ec2:               quotaEC2.limiter(),
		wafv2:             quotaWAFv2.limiter(),
		webACLForResource: quotaWebACLForResource.limiter(),
		lambda:            quotaLambda.limiter(),
		describeAlarms:    quotaDescribeAlarms.limiter(),
		getMetricData:     quotaGetMetricData.limiter(),
		cloudfront:        quotaCloudFront.limiter(),
		shield:            quotaShield.limiter(),
		sts:               quotaSTS.limiter(),
		organizations:     quotaOrganizations.limiter(),
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
		if op == "GetWebACLForResource" {
			return []*rate.Limiter{p.webACLForResource}
		}
		return []*rate.Limiter{p.wafv2}
	case serviceLambda:
		return []*rate.Limiter{p.lambda}
	case serviceCloudWatch:
		if op == "GetMetricData" {
			return []*rate.Limiter{p.getMetricData}
		}
		return []*rate.Limiter{p.describeAlarms}
	case serviceCloudFront:
		return []*rate.Limiter{p.cloudfront}
	case serviceShield:
		return []*rate.Limiter{p.shield}
	case serviceSTS:
		return []*rate.Limiter{p.sts}
	case serviceOrganizations:
		return []*rate.Limiter{p.organizations}
	}
	return nil
}

// wait blocks until every bucket of service:op grants a token.
func (p *pacer) wait(ctx context.Context, service, op string) error {
	for _, l := range p.buckets(service, op) {
		if err := l.Wait(ctx); err != nil {
			if ctx.Err() == nil {
				// The limiter refuses at once a wait that would outlast
				// the context's deadline; the call could not have been
				// made before it, so it ends with the deadline.
				<-ctx.Done()
			}
			return fmt.Errorf("%w (%v)", ctx.Err(), err)
		}
	}
	return nil
}
