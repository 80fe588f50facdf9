package collectors

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// Organization selects the accounts of an AWS Organization to scan. The
// caller must be the management account or a delegated administrator.
type Organization struct {
	// IncludeOUs keeps only the accounts below these organizational units
	// (or roots), at any depth; empty means every account.
	IncludeOUs []string
	// ExcludeOUs drops the accounts below these organizational units.
	ExcludeOUs []string
}

// RoleSessionName is the session name of every role gatewatch assumes, so
// CloudTrail shows which calls the scan made.
const RoleSessionName = "gatewatch"

// orgPageSize is the largest MaxResults the Organizations list calls take.
const orgPageSize = 20

// account is one account in scope with the configuration that reaches it.
type account struct {
	id   string
	name string
	// partition (aws, aws-cn, aws-us-gov) is where ARNs are built for.
	partition string
	// cfg carries the account's credentials: the caller's own for the
	// caller's account, an assumed role's for the others.
	cfg aws.Config
}

// accountRef is an account to scan before its credentials exist.
type accountRef struct{ id, name string }

// resolveAccounts lists the accounts to scan: the organization's, the
// listed ones, or the caller's alone.
func resolveAccounts(ctx context.Context, opts Options, home target) ([]accountRef, error) {
	switch {
	case opts.Organization != nil && len(opts.Accounts) > 0:
		return nil, errors.New("accounts: a list of accounts and organization discovery cannot be combined")
	case opts.Organization != nil:
		cfg := home.config(serviceOrganizations)
		// Organizations is global; its one endpoint signs as us-east-1 in
		// the commercial partition.
		if home.partition == "aws" {
			cfg.Region = globalRegion
		}
		return orgAccounts(ctx, organizations.NewFromConfig(cfg), *opts.Organization)
	case len(opts.Accounts) == 0:
		return []accountRef{{id: home.account}}, nil
	}
	var refs []accountRef
	for _, id := range slices.Compact(slices.Sorted(slices.Values(opts.Accounts))) {
		if !ValidAccountID(id) {
			return nil, fmt.Errorf("accounts: %q is not a 12-digit account ID", id)
		}
		refs = append(refs, accountRef{id: id})
	}
	return refs, nil
}

// ValidAccountID reports whether id is an AWS account ID: 12 digits.
func ValidAccountID(id string) bool {
	if len(id) != 12 {
		return false
	}
	for _, r := range id {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// parentID is the pattern of the Organizations API's ParentId: a root
// (r-...) or an organizational unit (ou-...).
var parentID = regexp.MustCompile(`^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$`)

// ValidParentID reports whether id can name a root or an organizational
// unit (Organization.IncludeOUs, ExcludeOUs).
func ValidParentID(id string) bool { return parentID.MatchString(id) }

// RoleARN expands a role ARN template for one account: "{account}" becomes
// the account ID and "{partition}" the partition.
func RoleARN(template, partition, accountID string) string {
	return strings.NewReplacer("{account}", accountID, "{partition}", partition).Replace(template)
}

// assumeRole returns a configuration whose credentials come from assuming
// the role in the account. The provider is wrapped in a cache that renews
// the credentials before they expire, so a scan longer than the session
// keeps going. Credentials are fetched once here so that an account whose
// role cannot be assumed fails in one recorded error, not in one per call.
func assumeRole(ctx context.Context, c stscreds.AssumeRoleAPIClient, base aws.Config, roleARN, externalID string) (aws.Config, error) {
	provider := stscreds.NewAssumeRoleProvider(c, roleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = RoleSessionName
		// An hour, the longest every role allows (and the cap for role
		// chaining); the cache renews the session before it ends.
		o.Duration = time.Hour
		if externalID != "" {
			o.ExternalID = aws.String(externalID)
		}
	})
	cfg := base.Copy()
	cfg.Credentials = aws.NewCredentialsCache(provider)
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		return aws.Config{}, err
	}
	return cfg, nil
}

// accountConfig reaches one account: with the caller's credentials when it
// is the caller's account (a management account rarely holds the member
// role), else through the role. A failure is returned as the collection
// error that records the account's gap.
func accountConfig(ctx context.Context, opts Options, home target, c stscreds.AssumeRoleAPIClient, ref accountRef) (account, *snapshot.CollectionError) {
	a := account{id: ref.id, name: ref.name, partition: home.partition, cfg: opts.Config}
	if ref.id == home.account {
		return a, nil
	}
	roleARN := RoleARN(opts.RoleARN, home.partition, ref.id)
	cfg, err := assumeRole(ctx, c, opts.Config, roleARN, opts.ExternalID)
	if err != nil {
		ce := home.failure(serviceSTS, "AssumeRole", err)
		ce.Account, ce.Region, ce.Operation = ref.id, "global", "AssumeRole"
		ce.Message = roleARN + ": " + ce.Message
		return account{}, &ce
	}
	a.cfg = cfg
	return a, nil
}

// orgAPI is the part of the Organizations client discovery uses.
type orgAPI interface {
	organizations.ListAccountsAPIClient
	organizations.ListAccountsForParentAPIClient
	organizations.ListChildrenAPIClient
}

// orgAccounts lists the ACTIVE accounts of the organization, filtered by
// OU. Without includes one ListAccounts pass suffices; with includes only
// the included subtrees are walked (ListAccountsForParent and ListChildren
// per OU), which for a filter on a few OUs is far fewer calls than listing
// every account and asking for each one's parent.
func orgAccounts(ctx context.Context, c orgAPI, org Organization) ([]accountRef, error) {
	w := &orgWalker{c: c, seen: map[string][]orgtypes.Account{}}
	var accounts []orgtypes.Account
	if len(org.IncludeOUs) == 0 {
		pages := organizations.NewListAccountsPaginator(c, &organizations.ListAccountsInput{MaxResults: aws.Int32(orgPageSize)})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("organizations: list accounts: %w", err)
			}
			accounts = append(accounts, page.Accounts...)
		}
	}
	for _, ou := range org.IncludeOUs {
		got, err := w.subtree(ctx, ou)
		if err != nil {
			return nil, err
		}
		accounts = append(accounts, got...)
	}
	excluded := map[string]bool{}
	for _, ou := range org.ExcludeOUs {
		got, err := w.subtree(ctx, ou)
		if err != nil {
			return nil, err
		}
		for _, a := range got {
			excluded[aws.ToString(a.Id)] = true
		}
	}
	byID := map[string]accountRef{}
	for _, a := range accounts {
		id := aws.ToString(a.Id)
		// State replaced the deprecated Status; either says ACTIVE.
		active := a.State == orgtypes.AccountStateActive || (a.State == "" && a.Status == orgtypes.AccountStatusActive)
		if id != "" && active && !excluded[id] {
			byID[id] = accountRef{id: id, name: aws.ToString(a.Name)}
		}
	}
	refs := make([]accountRef, 0, len(byID))
	for _, id := range slices.Sorted(maps.Keys(byID)) {
		refs = append(refs, byID[id])
	}
	if len(refs) == 0 {
		return nil, errors.New("organizations: no active account matches the OU filters")
	}
	return refs, nil
}

// orgWalker lists the accounts below an OU, remembering each OU it has
// listed so that nested include and exclude filters cost no extra calls.
type orgWalker struct {
	c    orgAPI
	seen map[string][]orgtypes.Account
}

func (w *orgWalker) subtree(ctx context.Context, parent string) ([]orgtypes.Account, error) {
	if got, ok := w.seen[parent]; ok {
		return got, nil
	}
	var out []orgtypes.Account
	accounts := organizations.NewListAccountsForParentPaginator(w.c, &organizations.ListAccountsForParentInput{
		ParentId: aws.String(parent), MaxResults: aws.Int32(orgPageSize)})
	for accounts.HasMorePages() {
		page, err := accounts.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("organizations: list accounts for parent %s: %w", parent, err)
		}
		out = append(out, page.Accounts...)
	}
	var children []string
	ous := organizations.NewListChildrenPaginator(w.c, &organizations.ListChildrenInput{
		ParentId: aws.String(parent), ChildType: orgtypes.ChildTypeOrganizationalUnit, MaxResults: aws.Int32(orgPageSize)})
	for ous.HasMorePages() {
		page, err := ous.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("organizations: list child OUs of %s: %w", parent, err)
		}
		for _, ch := range page.Children {
			children = append(children, aws.ToString(ch.Id))
		}
	}
	for _, ch := range children {
		got, err := w.subtree(ctx, ch)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	w.seen[parent] = out
	return out, nil
}
