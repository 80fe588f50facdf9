package collectors

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/shield"
	"github.com/aws/aws-sdk-go-v2/service/shield/types"
)

// shieldPages answers an active subscription and ListProtections pages,
// each an error or one protection.
type shieldPages struct{ pages []error }

func (s *shieldPages) DescribeSubscription(context.Context, *shield.DescribeSubscriptionInput, ...func(*shield.Options)) (*shield.DescribeSubscriptionOutput, error) {
	return &shield.DescribeSubscriptionOutput{Subscription: &types.Subscription{}}, nil
}

func (s *shieldPages) ListProtections(_ context.Context, in *shield.ListProtectionsInput, _ ...func(*shield.Options)) (*shield.ListProtectionsOutput, error) {
	i := 0
	if in.NextToken != nil {
		i = int((*in.NextToken)[0] - '0')
	}
	if err := s.pages[i]; err != nil {
		return nil, err
	}
	out := &shield.ListProtectionsOutput{Protections: []types.Protection{{Id: aws.String("p"), ProtectionArn: aws.String("arn:p")}}}
	if i+1 < len(s.pages) {
		out.NextToken = aws.String(string(rune('0' + i + 1)))
	}
	return out, nil
}

// TestShieldNotFoundOnALaterPageIsALostPage: ResourceNotFoundException on
// the first ListProtections page means no protections yet; on a later
// page it loses that page, recorded as a failed call, never as the end of
// the list.
func TestShieldNotFoundOnALaterPageIsALostPage(t *testing.T) {
	notFound := &types.ResourceNotFoundException{Message: aws.String("not found")}
	tgt := target{account: "111122223333", scope: "global", opts: Options{Clock: func() time.Time { return time.Unix(0, 0) }}}
	for _, tc := range []struct {
		name   string
		pages  []error
		errors int
	}{
		{"first page", []error{notFound}, 0},
		{"second page", []error{nil, notFound}, 1},
	} {
		got := shieldInventory(context.Background(), &shieldPages{pages: tc.pages}, tgt)
		if len(got.Errors) != tc.errors {
			t.Errorf("%s: %d errors %+v, want %d", tc.name, len(got.Errors), got.Errors, tc.errors)
		}
	}
}
