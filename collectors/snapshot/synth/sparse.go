package synth

import (
	"fmt"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// OrgSpec sizes an organisation laid out as most large ones are: many
// accounts, every region enabled in each, and nearly all account-regions
// empty, because teams deploy to one or two regions.
type OrgSpec struct {
	// Accounts is the number of accounts, the large one included.
	Accounts int
	// Regions is how many regions every account has enabled, taken in
	// order from Regions.
	Regions int
	// Used is the share of account-regions that hold anything (0 to 1).
	// Each holds a few resources: at most a REST API, an HTTP or
	// WebSocket API and two small load balancers. The others hold only
	// API Gateway's default account settings, as a region nobody deployed
	// to does.
	Used float64
	// Large is the large account's first region; the zero value adds no
	// large account.
	Large Large
}

// DefaultOrgSpec is an organisation of 1,000 accounts in 17 regions, 5 %
// of the account-regions used, and one platform account of 30 REST APIs
// and 20 ALBs.
func DefaultOrgSpec() OrgSpec {
	return OrgSpec{
		Accounts: 1000,
		Regions:  len(Regions),
		Used:     0.05,
		Large:    Large{RestAPIs: 30, PathsPerAPI: 10, ALBs: 20, ListenersPerALB: 2, RulesPerListener: 5},
	}
}

// SparseOrg generates the organisation spec describes, deterministically
// from seed. The large account, when there is one, is the first. Like Org,
// it panics on a spec it cannot honour.
func SparseOrg(seed int64, spec OrgSpec) *snapshot.Snapshot {
	if spec.Accounts < 1 || spec.Regions < 1 || spec.Regions > len(Regions) || spec.Used < 0 || spec.Used > 1 {
		panic(fmt.Sprintf("synth: invalid organisation spec %+v (1 to %d regions, a share of used account-regions from 0 to 1)", spec, len(Regions)))
	}
	regions := Regions[:spec.Regions]
	g := newGen(seed, regions)
	for n := range spec.Accounts {
		large := n == 0 && spec.Large != (Large{})
		team := teams[n%len(teams)]
		if large {
			team = "platform"
		}
		a := g.account(n, team)
		for i, region := range regions {
			switch {
			case large && i == 0:
				g.region(a, region, sizeOf(spec.Large))
			case g.chance(spec.Used):
				g.region(a, region, g.smallSize())
			default:
				g.emptyRegion(a, region)
			}
		}
		g.global(a)
	}
	g.s.CoverWholeScope()
	g.s.Normalize()
	return g.s
}

// smallSize draws the size of a used account-region of a sparse
// organisation: about 25 resources.
func (g *gen) smallSize() size {
	return size{restAPIs: g.r.IntN(2), paths: 2 + g.r.IntN(3), v2APIs: g.r.IntN(2),
		albs: 1 + g.r.IntN(2), listeners: 1 + g.r.IntN(2), rules: 1 + g.r.IntN(3)}
}

// emptyRegion records what an account-region nobody deployed to still
// answers: API Gateway's default account-level throttle, no role.
func (g *gen) emptyRegion(a *acct, region string) {
	g.s.APIGatewayAccounts = append(g.s.APIGatewayAccounts, snapshot.APIGatewayAccount{
		Account: a.id, Region: region, ThrottleBurstLimit: 5000, ThrottleRateLimit: 10000,
	})
}
