package collectors

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/shield"
	"github.com/aws/aws-sdk-go-v2/service/shield/types"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// shieldAPI is the part of the Shield client the collector uses.
type shieldAPI interface {
	shield.ListProtectionsAPIClient
	DescribeSubscription(context.Context, *shield.DescribeSubscriptionInput, ...func(*shield.Options)) (*shield.DescribeSubscriptionOutput, error)
}

func collectShield(ctx context.Context, t target) *snapshot.Snapshot {
	return shieldInventory(ctx, shield.NewFromConfig(t.config(serviceShield)), t)
}

// shieldInventory records the account (with its Shield Advanced state) and
// its protections. An account without a subscription is the common case and
// not an error: it simply has no protections.
func shieldInventory(ctx context.Context, c shieldAPI, t target) *snapshot.Snapshot {
	out := &snapshot.Snapshot{}
	account := snapshot.Account{ID: t.account}
	defer func() { out.Accounts = append(out.Accounts, account) }()
	if !t.wants("shield_subscription") {
		return out
	}

	// DescribeSubscription rather than GetSubscriptionState: it says the
	// same (no subscription is ResourceNotFoundException, a lapsed one has
	// an EndTime in the past) and local emulators such as moto implement it.
	sub, err := c.DescribeSubscription(ctx, &shield.DescribeSubscriptionInput{})
	var notFound *types.ResourceNotFoundException
	switch {
	case errors.As(err, &notFound):
		return out
	case err != nil:
		out.Errors = append(out.Errors, t.failure(serviceShield, "DescribeSubscription", err))
		return out
	}
	if s := sub.Subscription; s != nil {
		account.ShieldAdvanced = s.EndTime == nil || s.EndTime.After(t.opts.Clock())
	}
	if !account.ShieldAdvanced || !t.wants("shield_protections") {
		return out
	}
	pages := shield.NewListProtectionsPaginator(c, &shield.ListProtectionsInput{})
	for first := true; pages.HasMorePages(); first = false {
		page, err := pages.NextPage(ctx)
		if first && errors.As(err, &notFound) {
			break // no protections yet; on a later page it is a lost page
		}
		if err != nil {
			out.Errors = append(out.Errors, t.failure(serviceShield, "ListProtections", err))
			break
		}
		for _, p := range page.Protections {
			out.ShieldProtections = append(out.ShieldProtections, snapshot.ShieldProtection{
				ARN: aws.ToString(p.ProtectionArn), Account: t.account, ID: aws.ToString(p.Id),
				Name: aws.ToString(p.Name), ResourceARN: aws.ToString(p.ResourceArn),
			})
		}
	}
	return out
}
