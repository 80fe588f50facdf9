package collectors

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// DefaultQuotaShare is Options.QuotaShare when zero: half of each
// published quota, so that whatever else runs in the account (a load
// balancer controller reconciling, a deployment, a console user) keeps the
// other half while a nightly scan runs.
const DefaultQuotaShare = 0.5

// jitterMargin is the most of a quota the pacer spends, whatever the
// share. Pacing at exactly a quota would be throttled now and then:
// requests leave in step with the client's bucket but arrive with network
// jitter, so one arriving early finds AWS's bucket not yet refilled.
// Spending 98 % lets AWS's bucket gain a token every 50 calls, which
// absorbs that jitter, and costs a scan at --quota-share 1 2 % of its
// time; a smaller share leaves more than that already.
const jitterMargin = 0.98

// quota is a published API rate quota: a token bucket refilled at rate per
// second holding burst tokens.
type quota struct {
	rate  float64
	burst int
}

// bucket paces at share of q (at most jitterMargin of it): a slower
// refill and a burst kept short of the quota's by the same share.
func (q quota) bucket(share float64) *bucket {
	share = min(share, jitterMargin)
	r := rate.Limit(q.rate * share)
	return &bucket{lim: rate.NewLimiter(r, max(1, int(float64(q.burst)*share))), ceiling: r}
}

// bucket is the client's side of one quota in one account-region: a token
// bucket whose rate adapts to throttling, additive increase and
// multiplicative decrease. A throttling answer means something else spends
// the same quota; the scan then halves its rate and empties its bucket, at
// most once per second (the calls already in flight when the first
// throttle came back say nothing new), and earns the rate back at a
// twentieth of its share per second.
type bucket struct {
	lim     *rate.Limiter
	ceiling rate.Limit

	mu sync.Mutex
	// cut is when the rate was last halved; changed when it last moved.
	cut, changed time.Time
}

const (
	// backoffEvery is how often at most a throttle halves the rate.
	backoffEvery = time.Second
	// recoverPerSecond is the share of the ceiling the rate earns back
	// each second after a throttle.
	recoverPerSecond = 0.05
	// minimumShare is the lowest share of the ceiling throttles can bring
	// the rate to: a sixteenth, so the scan keeps going.
	minimumShare = 1.0 / 16
)

// throttled halves the rate and empties the bucket.
func (b *bucket) throttled(now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if now.Sub(b.cut) < backoffEvery {
		return
	}
	b.cut, b.changed = now, now
	b.lim.SetLimitAt(now, max(b.lim.Limit()/2, b.ceiling*minimumShare))
	if n := int(b.lim.TokensAt(now)); n > 0 {
		b.lim.AllowN(now, n)
	}
}

// succeeded earns back rate for the time since it last changed.
func (b *bucket) succeeded(now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	l := b.lim.Limit()
	if l >= b.ceiling {
		return
	}
	grown := l + b.ceiling*rate.Limit(recoverPerSecond*now.Sub(b.changed).Seconds())
	b.changed = now
	b.lim.SetLimitAt(now, min(grown, b.ceiling))
}

// wait blocks until every bucket grants a token.
func wait(ctx context.Context, buckets []*bucket) error {
	for _, b := range buckets {
		if err := b.lim.Wait(ctx); err != nil {
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
	// The Resource Groups Tagging API publishes no rate for GetResources;
	// it is called a page of 100 load balancers and target groups at a
	// time, and only in account-regions with many of them, so 5/s costs
	// nothing.
	quotaTagging = quota{5, 5}
	// CloudFront and Shield publish no read quotas; they are called a
	// handful of times per account, so a conservative 5/s costs nothing.
	quotaCloudFront = quota{5, 5}
	quotaShield     = quota{5, 5}
	// STS: GetCallerIdentity once per scan and AssumeRole once per
	// account (renewed hourly), from the caller's account. STS allows 600
	// requests/s per account and region ("IAM and AWS STS quotas",
	// "Request quotas"); 100/s (50/s at the default share) leaves most of
	// it to everything else the caller runs and still reaches a thousand
	// accounts in 20 s.
	quotaSTS = quota{100, 100}
	// Organizations publishes no per-operation read rate, only that it
	// throttles ("Quotas for AWS Organizations"); discovery takes one page
	// of 20 accounts per call, so 2/s lists 2,400 accounts a minute.
	quotaOrganizations = quota{2, 5}
)

// pacer holds the token buckets of one account-region. AWS enforces its API
// quotas per account and region, so each target gets its own pacer and a
// scan of many targets is never slower than the slowest one needs to be.
type pacer struct {
	apigw, getResources, elb, ec2, wafv2, lambda *bucket
	webACLForResource                            *bucket
	describeAlarms, getMetricData                *bucket
	cloudfront, shield, sts, organizations       *bucket
	tagging                                      *bucket
}

// newPacer paces at share of each quota.
func newPacer(share float64) *pacer {
	return &pacer{
		apigw:             quotaAPIGateway.bucket(share),
		getResources:      quotaGetResources.bucket(share),
		elb:               quotaELB.bucket(share),
		ec2:               quotaEC2.bucket(share),
		wafv2:             quotaWAFv2.bucket(share),
		webACLForResource: quotaWebACLForResource.bucket(share),
		lambda:            quotaLambda.bucket(share),
		describeAlarms:    quotaDescribeAlarms.bucket(share),
		getMetricData:     quotaGetMetricData.bucket(share),
		cloudfront:        quotaCloudFront.bucket(share),
		shield:            quotaShield.bucket(share),
		sts:               quotaSTS.bucket(share),
		organizations:     quotaOrganizations.bucket(share),
		tagging:           quotaTagging.bucket(share),
	}
}

// buckets lists the buckets one call of service:op must pass.
func (p *pacer) buckets(service, op string) []*bucket {
	switch service {
	case serviceAPIGateway, serviceAPIGatewayV2:
		if service == serviceAPIGateway && op == "GetResources" {
			return []*bucket{p.getResources, p.apigw}
		}
		return []*bucket{p.apigw}
	case serviceELBv2:
		return []*bucket{p.elb}
	case serviceEC2:
		return []*bucket{p.ec2}
	case serviceWAFv2:
		if op == "GetWebACLForResource" {
			return []*bucket{p.webACLForResource}
		}
		return []*bucket{p.wafv2}
	case serviceLambda:
		return []*bucket{p.lambda}
	case serviceCloudWatch:
		if op == "GetMetricData" {
			return []*bucket{p.getMetricData}
		}
		return []*bucket{p.describeAlarms}
	case serviceCloudFront:
		return []*bucket{p.cloudfront}
	case serviceShield:
		return []*bucket{p.shield}
	case serviceSTS:
		return []*bucket{p.sts}
	case serviceOrganizations:
		return []*bucket{p.organizations}
	case serviceTagging:
		return []*bucket{p.tagging}
	}
	return nil
}
