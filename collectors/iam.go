package collectors

// IAMActions returns every IAM action the collectors call, sorted, for the
// README's least-privilege policy. API Gateway authorises every read of both
// its v1 and v2 APIs as apigateway:GET; Lambda's GetFunction also returns
// tags and reserved concurrency, so no other Lambda action is needed.
// tag:GetResources reads the tags of many load balancers at once; refused,
// DescribeTags reads them instead.
func IAMActions() []string {
	return []string{
		"apigateway:GET",
		"cloudfront:GetDistributionConfig",
		"cloudfront:ListDistributions",
		"cloudfront:ListTagsForResource",
		"cloudwatch:DescribeAlarms",
		"cloudwatch:GetMetricData",
		"ec2:DescribeRegions",
		"ec2:DescribeSecurityGroups",
		"elasticloadbalancing:DescribeListeners",
		"elasticloadbalancing:DescribeLoadBalancerAttributes",
		"elasticloadbalancing:DescribeLoadBalancers",
		"elasticloadbalancing:DescribeRules",
		"elasticloadbalancing:DescribeTags",
		"elasticloadbalancing:DescribeTargetGroupAttributes",
		"elasticloadbalancing:DescribeTargetGroups",
		"elasticloadbalancing:DescribeTargetHealth",
		"lambda:GetFunction",
		"shield:DescribeSubscription",
		"shield:ListProtections",
		"sts:GetCallerIdentity",
		"tag:GetResources",
		"wafv2:GetWebACL",
		"wafv2:GetWebACLForResource",
		"wafv2:ListResourcesForWebACL",
		"wafv2:ListTagsForResource",
		"wafv2:ListWebACLs",
	}
}
