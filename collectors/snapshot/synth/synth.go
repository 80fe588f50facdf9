// Package synth generates synthetic AWS organisations as snapshots, for
// benchmarks and for the fake AWS endpoint that collection is tested
// against. The output is deterministic from a seed, passes
// snapshot.Validate, uses realistic ARNs and identifiers, and mixes
// compliant resources with the mistakes the rules exist to catch, so every
// built-in rule has work to do at any size.
//
// It depends on the snapshot package only.
package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// Spec sizes a synthetic organisation.
type Spec struct {
	// Accounts is the number of ordinary accounts, each with a few APIs,
	// load balancers and functions per region.
	Accounts int
	// Regions is how many regions each account uses, taken in order from a
	// fixed list of real regions (at most len(Regions); 0 means 1).
	Regions int
	// Large adds one large account, the platform account of an
	// organisation that runs everything through shared gateways; the zero
	// value adds none.
	Large Large
	// Resources, when positive, adds ordinary accounts beyond Accounts
	// until the snapshot holds at least this many resources (as
	// Snapshot.Resources counts them: APIs, stages, load balancers,
	// listeners, listener rules, target groups, functions, ...). The mix
	// stays the same at every size, so times at two sizes compare.
	Resources int
}

// Large sizes the large account, all in the first region.
type Large struct {
	RestAPIs         int // REST APIs
	PathsPerAPI      int // resources (paths) per REST API, each with methods and integrations
	ALBs             int // application load balancers
	ListenersPerALB  int
	RulesPerListener int // listener rules per listener, besides the default rule
}

// DefaultSpec is a mid-sized organisation: 20 accounts in 2 regions and
// one platform account with 300 REST APIs of 20 paths and 500 ALBs with 3
// listeners of 10 rules each.
func DefaultSpec() Spec {
	return Spec{
		Accounts: 20,
		Regions:  2,
		Large:    Large{RestAPIs: 300, PathsPerAPI: 20, ALBs: 500, ListenersPerALB: 3, RulesPerListener: 10},
	}
}

// Regions are the regions accounts use, in order: the 17 enabled by
// default in every account (those of the first few come first, so small
// organisations look as they did before the list grew).
var Regions = []string{"eu-west-1", "us-east-1", "eu-central-1", "us-west-2", "ap-southeast-2", "ap-northeast-1", "eu-west-2", "sa-east-1",
	"us-east-2", "us-west-1", "ca-central-1", "eu-west-3", "eu-north-1", "ap-south-1", "ap-southeast-1", "ap-northeast-2", "ap-northeast-3"}

// TakenAt is the fixed collection time of every synthetic snapshot, so
// output depends on the seed alone.
var TakenAt = time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)

// Org generates the organisation spec describes, deterministically from
// seed. It panics on a spec it cannot honour (negative counts, more
// regions than it knows), which is a programming error in a benchmark.
func Org(seed int64, spec Spec) *snapshot.Snapshot { return build(seed, spec).s }

func build(seed int64, spec Spec) *gen {
	if spec.Accounts < 0 || spec.Regions < 0 || spec.Resources < 0 || spec.Regions > len(Regions) {
		panic(fmt.Sprintf("synth: invalid spec %+v (at most %d regions)", spec, len(Regions)))
	}
	g := newGen(seed, Regions[:max(spec.Regions, 1)])
	regions := g.s.Scope.Regions
	accountNo := 0
	if spec.Large != (Large{}) {
		acct := g.account(accountNo, "platform")
		accountNo++
		g.region(acct, regions[0], sizeOf(spec.Large))
		g.global(acct)
	}
	for i := 0; i < spec.Accounts || (spec.Resources > 0 && g.count < spec.Resources); i++ {
		acct := g.account(accountNo, teams[i%len(teams)])
		accountNo++
		for _, region := range regions {
			g.region(acct, region, g.ordinarySize())
		}
		g.global(acct)
	}
	// A synthetic organisation was read completely.
	g.s.CoverWholeScope()
	g.s.Normalize()
	return g
}

// newGen starts an empty snapshot scoped to regions.
func newGen(seed int64, regions []string) *gen {
	return &gen{
		r:    rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)),
		used: make(map[string]bool),
		s: &snapshot.Snapshot{
			SchemaVersion: snapshot.SchemaVersion,
			Tool:          snapshot.Tool{Name: "gatewatch", Version: "synth"},
			TakenAt:       TakenAt,
			Scope:         snapshot.Scope{Regions: append([]string(nil), regions...)},
		},
	}
}

// size is what one account-region holds.
type size struct {
	restAPIs, paths, v2APIs      int
	albs, listeners, rules, nlbs int
}

func sizeOf(l Large) size {
	return size{restAPIs: l.RestAPIs, paths: l.PathsPerAPI, v2APIs: l.RestAPIs / 10,
		albs: l.ALBs, listeners: max(l.ListenersPerALB, 1), rules: l.RulesPerListener, nlbs: l.ALBs / 20}
}

// ordinarySize draws the size of an ordinary account-region: about 120
// resources.
func (g *gen) ordinarySize() size {
	return size{restAPIs: 2 + g.r.IntN(4), paths: 3 + g.r.IntN(8), v2APIs: 1 + g.r.IntN(2),
		albs: 2 + g.r.IntN(5), listeners: 2, rules: 2 + g.r.IntN(6), nlbs: g.r.IntN(2)}
}

// gen carries the random source, the snapshot being built and the state
// that keeps identifiers unique.
type gen struct {
	r     *rand.Rand
	s     *snapshot.Snapshot
	used  map[string]bool
	count int // resources added so far, as Snapshot.Resources counts them
}

// acct is an account being generated.
type acct struct {
	id     string
	team   string
	shield bool
	// Public entry points of the account, for CloudFront origins and Shield.
	publicALBs []lbRef
	publicAPIs []string // execute-api or custom domain names
}

var teams = []string{"payments", "orders", "identity", "search", "catalog", "shipping", "billing", "mobile", "partners", "analytics"}

func (g *gen) account(n int, team string) *acct {
	a := &acct{id: fmt.Sprintf("%012d", 100000000000+n*7919), team: team, shield: g.chance(0.2)}
	g.s.Accounts = append(g.s.Accounts, snapshot.Account{ID: a.id, Name: team + "-prod", ShieldAdvanced: a.shield})
	g.s.Scope.Accounts = append(g.s.Scope.Accounts, a.id)
	return a
}

// region generates one account-region: API Gateway, load balancers, the
// functions behind them, web ACLs and alarms.
func (g *gen) region(a *acct, region string, sz size) {
	rc := &regionCtx{acct: a, region: region}
	g.s.APIGatewayAccounts = append(g.s.APIGatewayAccounts, snapshot.APIGatewayAccount{
		Account: a.id, Region: region,
		CloudWatchRoleARN:  g.pick(0.8, fmt.Sprintf("arn:aws:iam::%s:role/apigateway-cloudwatch", a.id)),
		ThrottleBurstLimit: 5000, ThrottleRateLimit: 10000,
	})
	// Load balancers first: API proxies and VPC links point at them.
	for i := range sz.albs {
		g.alb(rc, i, sz.listeners, sz.rules)
	}
	for i := range sz.nlbs {
		g.nlb(rc, i)
	}
	g.vpcLinks(rc)
	for i := range sz.restAPIs {
		g.restAPI(rc, i, sz.paths)
	}
	for i := range sz.v2APIs {
		g.v2API(rc, i)
	}
	g.usagePlans(rc)
	g.webACLs(rc)
}

// regionCtx collects what later generators of the same account-region
// refer to.
type regionCtx struct {
	*acct
	region      string
	internalLBs []lbRef
	nlbs        []lbRef
	publicLBs   []lbRef
	vpcLinkV1   string
	vpcLinkV2   string
	partnerAPIs []string // REST API IDs sold to partners, for usage plans
	stages      []string // REST stage ARNs, for web ACL associations
	functions   []string // Lambda function ARNs
}

// --- random helpers ---------------------------------------------------------

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// pick returns v with probability p, else "".
func (g *gen) pick(p float64, v string) string {
	if g.chance(p) {
		return v
	}
	return ""
}

func oneOf[T any](g *gen, items ...T) T { return items[g.r.IntN(len(items))] }

const (
	lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	hexDigits  = "0123456789abcdef"
)

// token is a random identifier of n characters from alphabet, never
// returned twice, the way AWS identifiers are unique.
func (g *gen) token(alphabet string, n int) string {
	var b strings.Builder
	for {
		b.Reset()
		for range n {
			b.WriteByte(alphabet[g.r.IntN(len(alphabet))])
		}
		if s := b.String(); !g.used[s] {
			g.used[s] = true
			return s
		}
	}
}

func (g *gen) uuid() string {
	h := g.token(hexDigits, 32)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// tags returns owner tags most of the time, as an organisation with a
// tagging policy that is not enforced everywhere has them.
func (g *gen) tags(team string, pOwned float64) snapshot.Tags {
	t := snapshot.Tags{"env": "prod"}
	if g.chance(pOwned) {
		t["owner"] = team
		t["team"] = team + "-eng"
	} else if g.chance(0.3) {
		t["Owner"] = "" // present but empty: still unowned
	}
	return t
}

var words = []string{"orders", "users", "accounts", "payments", "refunds", "invoices", "products", "prices", "carts", "sessions",
	"tokens", "search", "reviews", "inventory", "shipments", "addresses", "webhooks", "reports", "exports", "health"}
