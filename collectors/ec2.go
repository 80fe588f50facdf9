package collectors

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// ec2SecurityGroupsAPI is the part of the EC2 client the collector uses.
type ec2SecurityGroupsAPI interface {
	ec2.DescribeSecurityGroupsAPIClient
}

// ec2GroupBatch bounds the GroupIds of one DescribeSecurityGroups call so the
// query string stays well below request-size limits.
const ec2GroupBatch = 200

// securityGroups reads only the security groups the load balancers
// reference, by ID: an account can hold thousands of groups that have
// nothing to do with an entry point.
func securityGroups(ctx context.Context, c ec2SecurityGroupsAPI, t target, ids []string) *snapshot.Snapshot {
	out := &snapshot.Snapshot{}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	for batch := range slices.Chunk(ids, ec2GroupBatch) {
		// MaxResults may not be combined with GroupIds, so no page size.
		pages := ec2.NewDescribeSecurityGroupsPaginator(c, &ec2.DescribeSecurityGroupsInput{GroupIds: batch})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				arns := make([]string, len(batch))
				for i, id := range batch {
					arns[i] = t.securityGroupARN(id)
				}
				out.Errors = append(out.Errors, t.failureFor(serviceEC2, "DescribeSecurityGroups", err, arns...))
				break
			}
			for _, sg := range page.SecurityGroups {
				id := aws.ToString(sg.GroupId)
				group := snapshot.SecurityGroup{
					ARN:     t.securityGroupARN(id),
					Account: t.account, Region: t.region, ID: id,
					Name: aws.ToString(sg.GroupName), VPCID: aws.ToString(sg.VpcId),
				}
				for _, p := range sg.IpPermissions {
					rule := snapshot.IngressRule{
						Protocol: aws.ToString(p.IpProtocol),
						FromPort: int(aws.ToInt32(p.FromPort)), ToPort: int(aws.ToInt32(p.ToPort)),
					}
					for _, r := range p.IpRanges {
						rule.CIDRs = append(rule.CIDRs, aws.ToString(r.CidrIp))
					}
					for _, r := range p.Ipv6Ranges {
						rule.IPv6CIDRs = append(rule.IPv6CIDRs, aws.ToString(r.CidrIpv6))
					}
					for _, pl := range p.PrefixListIds {
						rule.PrefixListIDs = append(rule.PrefixListIDs, aws.ToString(pl.PrefixListId))
					}
					for _, g := range p.UserIdGroupPairs {
						rule.SourceGroupIDs = append(rule.SourceGroupIDs, aws.ToString(g.GroupId))
					}
					group.Ingress = append(group.Ingress, rule)
				}
				out.SecurityGroups = append(out.SecurityGroups, group)
			}
		}
	}
	return out
}

// securityGroupARN builds the ARN of a security group of the target.
func (t target) securityGroupARN(id string) string {
	return "arn:" + t.partition + ":ec2:" + t.region + ":" + t.account + ":security-group/" + id
}
