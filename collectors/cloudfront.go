package collectors

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// cloudfrontAPI is the part of the CloudFront client the collector uses.
type cloudfrontAPI interface {
	cloudfront.ListDistributionsAPIClient
	GetDistributionConfig(context.Context, *cloudfront.GetDistributionConfigInput, ...func(*cloudfront.Options)) (*cloudfront.GetDistributionConfigOutput, error)
	ListTagsForResource(context.Context, *cloudfront.ListTagsForResourceInput, ...func(*cloudfront.Options)) (*cloudfront.ListTagsForResourceOutput, error)
}

func collectCloudFront(ctx context.Context, t target) *snapshot.Snapshot {
	return distributions(ctx, cloudfront.NewFromConfig(t.config(serviceCloudFront)), t)
}

// distributions reads every distribution of the account. The list summary
// carries origins, aliases, behaviours and the web ACL; only the logging
// switch needs GetDistributionConfig, and tags need ListTagsForResource.
func distributions(ctx context.Context, c cloudfrontAPI, t target) *snapshot.Snapshot {
	out := &snapshot.Snapshot{}
	if !t.wants("cloudfront_distributions") {
		return out
	}
	fail := func(op string, err error) { out.Errors = append(out.Errors, t.failure(serviceCloudFront, op, err)) }
	// The distribution list is wrapped (DistributionList.Items) and pages
	// on Marker; the paginator follows NextMarker while IsTruncated.
	pages := cloudfront.NewListDistributionsPaginator(c, &cloudfront.ListDistributionsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			fail("ListDistributions", err)
			break
		}
		if page.DistributionList == nil {
			continue
		}
		for _, sum := range page.DistributionList.Items {
			d := distribution(t, sum)
			if t.wants("distribution_configs") {
				if cfg, err := c.GetDistributionConfig(ctx, &cloudfront.GetDistributionConfigInput{Id: sum.Id}); err != nil {
					out.Errors = append(out.Errors, t.failureFor(serviceCloudFront, "GetDistributionConfig", err, d.ARN))
				} else if cfg.DistributionConfig != nil && cfg.DistributionConfig.Logging != nil {
					d.LoggingEnabled = aws.ToBool(cfg.DistributionConfig.Logging.Enabled)
				}
			}

			if t.wants("distribution_tags") {
				if tags, err := c.ListTagsForResource(ctx, &cloudfront.ListTagsForResourceInput{Resource: sum.ARN}); err != nil {
					out.Errors = append(out.Errors, t.failureFor(serviceCloudFront, "ListTagsForResource", err, d.ARN))
				} else if tags.Tags != nil {
					d.Tags = snapshot.Tags{}
					for _, tag := range tags.Tags.Items {
						d.Tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
					}
				}
			}

			out.Distributions = append(out.Distributions, d)
		}
	}
	return out
}

func distribution(t target, s types.DistributionSummary) snapshot.Distribution {
	d := snapshot.Distribution{
		ARN: aws.ToString(s.ARN), Account: t.account, ID: aws.ToString(s.Id),
		DomainName: aws.ToString(s.DomainName), Enabled: aws.ToBool(s.Enabled), WebACLID: aws.ToString(s.WebACLId),
	}
	if s.Aliases != nil {
		d.Aliases = s.Aliases.Items
	}
	if s.Origins != nil {
		for _, o := range s.Origins.Items {
			origin := snapshot.Origin{ID: aws.ToString(o.Id), DomainName: aws.ToString(o.DomainName), OriginPath: aws.ToString(o.OriginPath)}
			// S3 origins have no protocol policy: CloudFront always reaches
			// them over its own choice of protocol.
			if o.CustomOriginConfig != nil {
				origin.ProtocolPolicy = string(o.CustomOriginConfig.OriginProtocolPolicy)
			}
			d.Origins = append(d.Origins, origin)
		}
	}
	if b := s.DefaultCacheBehavior; b != nil {
		d.DefaultCacheBehavior = snapshot.CacheBehavior{
			TargetOriginID: aws.ToString(b.TargetOriginId), ViewerProtocolPolicy: string(b.ViewerProtocolPolicy),
			AllowedMethods: allowedMethods(b.AllowedMethods), CachePolicyID: aws.ToString(b.CachePolicyId),
		}
	}
	if s.CacheBehaviors != nil {
		for _, b := range s.CacheBehaviors.Items {
			d.CacheBehaviors = append(d.CacheBehaviors, snapshot.CacheBehavior{
				PathPattern: aws.ToString(b.PathPattern), TargetOriginID: aws.ToString(b.TargetOriginId),
				ViewerProtocolPolicy: string(b.ViewerProtocolPolicy), AllowedMethods: allowedMethods(b.AllowedMethods),
				CachePolicyID: aws.ToString(b.CachePolicyId),
			})
		}
	}
	if s.ViewerCertificate != nil {
		d.MinimumProtocolVersion = string(s.ViewerCertificate.MinimumProtocolVersion)
	}
	return d
}

func allowedMethods(m *types.AllowedMethods) []string {
	if m == nil {
		return nil
	}
	var out []string
	for _, v := range m.Items {
		out = append(out, string(v))
	}
	return out
}
