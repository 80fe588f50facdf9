package synth

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

func TestOrgIsDeterministicAndValid(t *testing.T) {
	t.Parallel()
	spec := Spec{Accounts: 3, Regions: 2, Large: Large{RestAPIs: 4, PathsPerAPI: 6, ALBs: 5, ListenersPerALB: 3, RulesPerListener: 4}}
	first, err := json.Marshal(Org(7, spec))
	if err != nil {
		t.Fatal(err)
	}
	second, _ := json.Marshal(Org(7, spec))
	if diff := cmp.Diff(string(first), string(second)); diff != "" {
		t.Errorf("Org(7) twice differs:\n%s", diff)
	}
	other, _ := json.Marshal(Org(8, spec))
	if string(other) == string(first) {
		t.Error("Org(8) equals Org(7): the seed is ignored")
	}
	// What Org returns survives a save and reload: Parse validates, and
	// the snapshot is already in canonical form.
	again, err := snapshot.Parse(first, "synth")
	if err != nil {
		t.Fatalf("synthetic snapshot does not parse: %v", err)
	}
	reloaded, _ := json.Marshal(again)
	if diff := cmp.Diff(string(first), string(reloaded)); diff != "" {
		t.Errorf("synthetic snapshot is not normalised (-org +reloaded):\n%s", diff)
	}
}

func TestDefaultSpecShape(t *testing.T) {
	t.Parallel()
	s := Org(1, DefaultSpec())
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := len(s.Accounts); got != 21 {
		t.Errorf("accounts = %d, want 20 ordinary + 1 large", got)
	}
	const platform = "100000000000"
	var apis, paths, albs, listeners, rules int
	for _, a := range s.RestAPIs {
		if a.Account == platform {
			apis++
			paths += len(a.Resources)
		}
	}
	for _, lb := range s.LoadBalancers {
		if lb.Account != platform || lb.Type != "application" {
			continue
		}
		albs++
		for _, l := range lb.Listeners {
			listeners++
			for _, r := range l.Rules {
				if !r.IsDefault {
					rules++
				}
			}
		}
	}
	if apis != 300 || paths < 300*20 {
		t.Errorf("large account: %d REST APIs with %d paths, want 300 with at least 20 each", apis, paths)
	}
	if albs != 500 || listeners != 1500 {
		t.Errorf("large account: %d ALBs with %d listeners, want 500 with 3 each", albs, listeners)
	}
	// HTTP listeners that redirect carry no routing rules.
	if rules < 500*2*10 {
		t.Errorf("large account: %d listener rules, want at least 10 per HTTPS listener", rules)
	}
}

func TestResourcesKnob(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1000, 10000} {
		s := Org(1, Spec{Regions: 2, Resources: n})
		got := len(s.Resources())
		// Whole account-regions are added, about 120 resources each.
		if got < n || got > n+1000 {
			t.Errorf("Resources: %d gave %d resources, want at least %d and not far past it", n, got, n)
		}
		if err := s.Validate(); err != nil {
			t.Errorf("Resources: %d: %v", n, err)
		}
	}
}

func TestGeneratorCountsWhatResourcesCounts(t *testing.T) {
	t.Parallel()
	// The Resources knob stops on the generator's own count; it must agree
	// with Snapshot.Resources or the knob would miss its target.
	g := build(3, Spec{Accounts: 2, Regions: 3, Large: Large{RestAPIs: 3, PathsPerAPI: 4, ALBs: 3, ListenersPerALB: 2, RulesPerListener: 2}})
	if got, want := g.count, len(g.s.Resources()); got != want {
		t.Errorf("generator counted %d resources, Snapshot.Resources lists %d", got, want)
	}
}

func TestSparseOrgShape(t *testing.T) {
	t.Parallel()
	spec := DefaultOrgSpec()
	spec.Accounts = 200
	s := SparseOrg(1, spec)
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(s.Scope.Accounts) != 200 || len(s.Scope.Regions) != 17 {
		t.Fatalf("scope: %d accounts x %d regions, want 200 x 17", len(s.Scope.Accounts), len(s.Scope.Regions))
	}
	// Every account-region answers GetAccount; the used ones hold
	// something more.
	if got := len(s.APIGatewayAccounts); got != 200*17 {
		t.Errorf("API Gateway account settings: %d, want one per account-region (%d)", got, 200*17)
	}
	// Every used account-region has a load balancer.
	used := map[[2]string]bool{}
	for _, lb := range s.LoadBalancers {
		if lb.Account != s.Scope.Accounts[0] {
			used[[2]string{lb.Account, lb.Region}] = true
		}
	}
	// 5 % of 199 x 17 ordinary account-regions, give or take the draw.
	if n := len(used); n < 120 || n > 220 {
		t.Errorf("%d ordinary account-regions hold resources, want about %d", n, 199*17/20)
	}
	const platform = "100000000000"
	albs := 0
	for _, lb := range s.LoadBalancers {
		if lb.Account == platform && lb.Region == Regions[0] && lb.Type == "application" {
			albs++
		}
	}
	if albs != spec.Large.ALBs {
		t.Errorf("large account: %d ALBs in %s, want %d", albs, Regions[0], spec.Large.ALBs)
	}
	first, _ := json.Marshal(s)
	again, _ := json.Marshal(SparseOrg(1, spec))
	if string(first) != string(again) {
		t.Error("SparseOrg(1) twice differs")
	}
}
