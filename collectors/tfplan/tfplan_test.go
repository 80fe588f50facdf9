package tfplan

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/gatewatch/gatewatch/collectors/iac"
	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

var pinned = func() time.Time { return time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC) }

func convert(t *testing.T, path string, opts Options) *snapshot.Snapshot {
	t.Helper()
	plan, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	opts.Now = pinned
	snap, err := Convert(plan, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := snap.Validate(); err != nil {
		t.Fatalf("converted snapshot is invalid: %v", err)
	}
	return snap
}

func TestParseRejectsWhatIsNotAPlan(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, data, want string }{
		{"empty", "", "not a JSON object"},
		{"array", "[]", "not a JSON object"},
		{"truncated", `{"format_version": "1.2", "planned_values": {`, "unexpected end of JSON input"},
		{"no version", `{"planned_values": {}}`, "format version is missing"},
		{"future version", `{"format_version": "2.0", "planned_values": {}}`, "unsupported plan format version"},
		{"state", `{"format_version": "1.0", "values": {"root_module": {}}}`, "this is a state, not a plan"},
		{"wrong type", `{"format_version": "1.2", "resource_changes": {"a": 1}}`, "cannot unmarshal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tt.data), "plan.json")
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "terraform plan plan.json: ") || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q: want one line naming the file and containing %q", err, tt.want)
			}
		})
	}
}

// TestReferencesJoinPlannedResources: identifiers known only after apply
// become placeholders, and the plan's references join them as AWS would:
// each module instance's listener to its own ALB, for_each targets to the
// function with the same key, a count-indexed integration to the ALB's
// host, an association to its web ACL, an origin to the ALB's DNS name.
func TestReferencesJoinPlannedResources(t *testing.T) {
	t.Parallel()
	s := convert(t, "../../testdata/tfplan/pr/plan.json", Options{})
	if got, want := s.Scope, (snapshot.Scope{Accounts: []string{"123456789012"}, Regions: []string{"eu-west-1"}}); !cmp.Equal(got, want) {
		t.Errorf("scope %+v, want %+v (account from data.aws_caller_identity, region from the provider)", got, want)
	}
	lbs := map[string]snapshot.LoadBalancer{}
	for _, lb := range s.LoadBalancers {
		lbs[lb.Name] = lb
		if !strings.Contains(lb.ARN, PlaceholderMarker) || !strings.Contains(lb.DNSName, PlaceholderMarker) {
			t.Errorf("%s: ARN %s / DNS %s carry no placeholder marker", lb.Name, lb.ARN, lb.DNSName)
		}
		if len(lb.AvailabilityZones) != 2 {
			t.Errorf("%s: %d zones, want 2 (one per subnet)", lb.Name, len(lb.AvailabilityZones))
		}
	}
	for _, name := range []string{"shop-guarded", "shop-bare"} {
		lb := lbs[name]
		if len(lb.Listeners) != 1 {
			t.Fatalf("%s has %d listeners, want its own module instance's one", name, len(lb.Listeners))
		}
		l := lb.Listeners[0]
		if !strings.HasPrefix(l.ARN, strings.Replace(lb.ARN, ":loadbalancer/", ":listener/", 1)+"/") {
			t.Errorf("%s: listener %s is not under its load balancer", name, l.ARN)
		}
		var fwd []string
		for _, r := range l.Rules {
			for _, a := range r.Actions {
				fwd = append(fwd, a.TargetGroupARNs...)
			}
		}
		if len(fwd) != 1 || !strings.Contains(fwd[0], ":targetgroup/"+name+"-web/") {
			t.Errorf("%s forwards to %v, want its own web target group", name, fwd)
		}
	}
	orders := lbs["orders-internal"]
	if orders.Scheme != "internal" || !strings.HasPrefix(orders.DNSName, "internal-") {
		t.Errorf("orders ALB scheme %s DNS %s, want internal", orders.Scheme, orders.DNSName)
	}
	for _, tg := range s.TargetGroups {
		if tg.TargetType != "lambda" {
			continue
		}
		key := strings.TrimPrefix(tg.Name, "orders-report-")
		want := []snapshot.Target{{ID: "arn:aws:lambda:eu-west-1:123456789012:function:orders-report-" + key}}
		if !cmp.Equal(tg.Targets, want) {
			t.Errorf("%s targets %v, want %v", tg.Name, tg.Targets, want)
		}
		if !cmp.Equal(tg.LoadBalancerARNs, []string{orders.ARN}) {
			t.Errorf("%s load balancers %v, want the orders ALB that forwards to it", tg.Name, tg.LoadBalancerARNs)
		}
	}
	for _, a := range s.RestAPIs {
		var paths []string
		for _, r := range a.Resources {
			paths = append(paths, r.Path)
			for _, m := range r.Methods {
				if m.Integration == nil || !strings.Contains(m.Integration.URI, orders.DNSName) {
					t.Errorf("%s %s %s: integration %+v does not reach the orders ALB", a.Name, m.HTTPMethod, r.Path, m.Integration)
				}
			}
		}
		if !cmp.Equal(paths, []string{"/", "/{proxy+}"}) {
			t.Errorf("%s paths %v", a.Name, paths)
		}
	}
	if len(s.WebACLs) != 1 || !cmp.Equal(s.WebACLs[0].AssociatedResources, []string{lbs["shop-guarded"].ARN}) {
		t.Errorf("web ACLs %+v, want shop-edge associated with shop-guarded only", s.WebACLs)
	}
	for _, d := range s.Distributions {
		host := d.Origins[0].DomainName
		if host != lbs["shop-guarded"].DNSName && host != lbs["shop-bare"].DNSName {
			t.Errorf("distribution %s origin %s is not a shop ALB", d.ID, host)
		}
	}
	for _, a := range s.V2APIs {
		if len(a.Integrations) != 1 || len(a.Routes) != 1 || len(a.Stages) != 1 {
			t.Fatalf("%s: %d integrations, %d routes, %d stages; want one of each, joined by for_each key", a.Name, len(a.Integrations), len(a.Routes), len(a.Stages))
		}
		in, r := a.Integrations[0], a.Routes[0]
		if r.Target != "integrations/"+in.ID {
			t.Errorf("%s: route target %s, integration %s", a.Name, r.Target, in.ID)
		}
		if (r.AuthorizationType == "JWT") != (len(a.Authorizers) == 1 && r.AuthorizerID == a.Authorizers[0].ID) {
			t.Errorf("%s: route %+v, authorizers %+v", a.Name, r, a.Authorizers)
		}
	}
	g := s.Graph()
	for _, a := range s.V2APIs {
		for _, in := range a.Integrations {
			if !cmp.Equal(g.Targets[in.URI], []string{orders.ARN}) {
				t.Errorf("%s: integration URI %s reaches %v, want the orders ALB through its listener", a.Name, in.URI, g.Targets[in.URI])
			}
		}
	}
	if fronts := g.Fronts[lbs["shop-bare"].ARN]; len(fronts) != 1 {
		t.Errorf("shop-bare fronted by %v, want its module's distribution", fronts)
	}
}

// TestPlannedResourcesCarryAddresses: every resource from the plan is
// listed with its address and action, and deleted ones are not there.
func TestPlannedResourcesCarryAddresses(t *testing.T) {
	t.Parallel()
	s := convert(t, "../../testdata/tfplan/pr/plan.json", Options{})
	idx := s.Index()
	var addrs []string
	for _, p := range s.Planned {
		if _, ok := idx[p.ARN]; !ok {
			t.Errorf("planned %s (%s) is not a resource of the snapshot", p.ARN, p.Address)
		}
		if p.Action != "create" {
			t.Errorf("%s: action %q, want create", p.Address, p.Action)
		}
		addrs = append(addrs, p.Address)
	}
	for _, want := range []string{`module.shop["bare"].aws_lb.this`, `module.shop["bare"].aws_lb_listener_rule.web`,
		`aws_lambda_function.report["plain"]`, `aws_api_gateway_rest_api.orders[0]`, `aws_api_gateway_stage.prod[1]`} {
		if !slices.Contains(addrs, want) {
			t.Errorf("no planned resource at %s", want)
		}
	}
}

// TestCoverageSaysWhatAPlanCannotKnow: datasets a plan shows are complete;
// metrics, alarms, account settings and Shield are not collected, with a
// reason; nothing is a gap.
func TestCoverageSaysWhatAPlanCannotKnow(t *testing.T) {
	t.Parallel()
	s := convert(t, "../../testdata/tfplan/pr/plan.json", Options{})
	notCollected := map[string]bool{}
	for _, c := range s.Coverage {
		if c.Gap() {
			t.Errorf("%s in %s is a gap (%s)", c.Dataset, c.Region, c.State)
		}
		if c.State == snapshot.NotCollected {
			if c.Reason == "" {
				t.Errorf("%s not collected without a reason", c.Dataset)
			}
			notCollected[c.Dataset] = true
		}
	}
	want := map[string]bool{"metrics": true, "alarms": true, "apigateway_accounts": true, "shield_subscription": true, "shield_protections": true}
	if diff := cmp.Diff(want, notCollected); diff != "" {
		t.Errorf("not collected datasets (-want +got):\n%s", diff)
	}

	// A plan that changes existing entry points cannot know what is
	// associated with them outside it, nor groups it does not define.
	ctx := convert(t, "../../testdata/tfplan/context/plan.json", Options{})
	reasons := map[string]string{}
	for _, c := range ctx.Coverage {
		if c.State == snapshot.NotCollected {
			reasons[c.Dataset] = c.Reason
		}
	}
	for _, ds := range []string{"web_acl_associations", "target_health", "cloudfront_distributions", "security_groups"} {
		if reasons[ds] == "" {
			t.Errorf("%s is complete for a plan that updates aws_lb.admin and uses groups it does not define", ds)
		}
	}
	if !strings.Contains(reasons["web_acl_associations"], "aws_lb.admin") {
		t.Errorf("reason %q does not name the existing entry point", reasons["web_acl_associations"])
	}
}

// TestContextReplacesLiveResources: with a live snapshot, an updated ALB
// replaces its live version (keeping live listeners the plan does not
// declare), a new rule joins its live listener, a new ALB joins, and the
// live web ACL association stands, and the ALB the plan deletes leaves.
func TestContextReplacesLiveResources(t *testing.T) {
	t.Parallel()
	live, err := snapshot.Load("../../testdata/tfplan/context/live.json")
	if err != nil {
		t.Fatal(err)
	}
	s := convert(t, "../../testdata/tfplan/context/plan.json", Options{Context: live})
	const admin = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/legacy-admin-alb/3e9f1a7b5c2d8064"
	var found, partners int
	for _, lb := range s.LoadBalancers {
		switch {
		case lb.ARN == admin:
			found++
			if lb.Attributes["idle_timeout.timeout_seconds"] != "120" {
				t.Errorf("admin ALB idle timeout %q, want the planned 120", lb.Attributes["idle_timeout.timeout_seconds"])
			}
			if len(lb.Listeners) != 2 {
				t.Fatalf("admin ALB has %d listeners, want its 2 live ones", len(lb.Listeners))
			}
			var priorities []string
			for _, l := range lb.Listeners {
				for _, r := range l.Rules {
					priorities = append(priorities, l.Protocol+":"+r.Priority)
				}
			}
			slices.Sort(priorities)
			if want := []string{"HTTP:default", "HTTPS:10", "HTTPS:20", "HTTPS:default"}; !cmp.Equal(priorities, want) {
				t.Errorf("admin rules %v, want %v (the planned rule 20 on the live HTTPS listener)", priorities, want)
			}
		case lb.Name == "partners-public":
			partners++
		case lb.Name == "ops-dashboard-alb":
			t.Error("the ops dashboard ALB the plan deletes is still judged")
		}
	}
	if found != 1 || partners != 1 {
		t.Errorf("admin ALB %d times, partners ALB %d times; want each once", found, partners)
	}
	if len(s.LoadBalancers) != len(live.LoadBalancers) {
		t.Errorf("%d load balancers, want the %d live ones, less the deleted one, with the new one", len(s.LoadBalancers), len(live.LoadBalancers))
	}
	for _, c := range s.Coverage {
		if c.Dataset == "web_acl_associations" && c.State != snapshot.Complete {
			t.Errorf("web ACL associations %s in %s: the live snapshot read them", c.State, c.Region)
		}
	}
}

func TestLocateFindsBlocksInModules(t *testing.T) {
	t.Parallel()
	plan, err := Load("../../testdata/tfplan/pr/plan.json")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Convert(plan, Options{Now: pinned})
	if err != nil {
		t.Fatal(err)
	}
	locs, err := Locate(plan, s, []string{"../../testdata/tfplan/pr"})
	if err != nil {
		t.Fatal(err)
	}
	byAddr := map[string]iac.Location{}
	for _, l := range locs {
		byAddr[l.Address] = l
	}
	tests := []struct {
		addr string
		want iac.Location
	}{
		{`module.shop["bare"].aws_lb.this`, iac.Location{File: "modules/public-alb/main.tf", StartLine: 11, EndLine: 26}},
		{`aws_lambda_function.report["plain"]`, iac.Location{File: "main.tf", StartLine: 121, EndLine: 132}},
		{`aws_api_gateway_rest_api.orders[0]`, iac.Location{File: "apis.tf", StartLine: 9, EndLine: 20}},
	}
	for _, tt := range tests {
		got := byAddr[tt.addr]
		if got.MatchedBy != iac.ByPlan {
			t.Errorf("%s matched by %q, want plan", tt.addr, got.MatchedBy)
		}
		got.Address, got.MatchedBy = "", ""
		if got != tt.want {
			t.Errorf("%s at %+v, want %+v", tt.addr, got, tt.want)
		}
	}
	// Given the repository rather than the root module's directory, the
	// root is found below it and paths are relative to the repository.
	locs, err = Locate(plan, s, []string{"../../testdata"})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range locs {
		if l.Address == `module.shop["bare"].aws_lb.this` && (l.File != "tfplan/pr/modules/public-alb/main.tf" || l.StartLine != 11) {
			t.Errorf("from the repository: %+v, want tfplan/pr/modules/public-alb/main.tf:11", l)
		}
	}
	if _, err := Locate(plan, s, []string{t.TempDir()}); err == nil || !strings.Contains(err.Error(), "declares the plan's root module") {
		t.Errorf("a directory without Terraform: err %v", err)
	}
}

// TestWarnsAboutPiecesWithoutParent: a rule on a listener that is neither
// planned nor live cannot be judged, and the user hears of it; with the
// live snapshot it joins its listener and nothing is said.
func TestWarnsAboutPiecesWithoutParent(t *testing.T) {
	t.Parallel()
	var alone, inContext []string
	convert(t, "../../testdata/tfplan/context/plan.json", Options{Warn: func(m string) { alone = append(alone, m) }})
	live, err := snapshot.Load("../../testdata/tfplan/context/live.json")
	if err != nil {
		t.Fatal(err)
	}
	convert(t, "../../testdata/tfplan/context/plan.json", Options{Context: live, Warn: func(m string) { inContext = append(inContext, m) }})
	if len(alone) != 1 || !strings.Contains(alone[0], "listener/app/legacy-admin-alb/3e9f1a7b5c2d8064/b5e1c7a93f2d8046") {
		t.Errorf("plan alone warned %q, want one warning naming the admin listener", alone)
	}
	if len(inContext) != 0 {
		t.Errorf("with the live snapshot warned %q, want nothing", inContext)
	}
}

// TestWarnsAboutPiecesOfForeignAPIs: a stage added to an API the plan
// does not define is not judged, and the user hears of it; the
// pull-request plan, which defines its APIs, draws no warning.
func TestWarnsAboutPiecesOfForeignAPIs(t *testing.T) {
	t.Parallel()
	plan, err := Parse([]byte(`{"format_version": "1.2", "resource_changes": [{"address": "aws_api_gateway_stage.v2",
		"mode": "managed", "type": "aws_api_gateway_stage", "name": "v2", "change": {"actions": ["create"], "before": null,
		"after": {"rest_api_id": "a1b2c3d4e5", "stage_name": "v2"}, "after_unknown": {"arn": true}}}]}`), "stage.json")
	if err != nil {
		t.Fatal(err)
	}
	var warnings []string
	if _, err := Convert(plan, Options{Now: pinned, Warn: func(m string) { warnings = append(warnings, m) }}); err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "API a1b2c3d4e5") {
		t.Errorf("warnings %q, want one naming API a1b2c3d4e5", warnings)
	}
	warnings = nil
	convert(t, "../../testdata/tfplan/pr/plan.json", Options{Warn: func(m string) { warnings = append(warnings, m) }})
	if len(warnings) != 0 {
		t.Errorf("the pull-request plan drew warnings %q", warnings)
	}
}

// TestAccountAndRegionWhenThePlanNamesNone: a plan with no known ARN and
// no provider region takes them from the options, else placeholders that
// say so.
func TestAccountAndRegionWhenThePlanNamesNone(t *testing.T) {
	t.Parallel()
	plan, err := Parse([]byte(`{"format_version": "1.2", "resource_changes": [{"address": "aws_lb.x", "mode": "managed",
		"type": "aws_lb", "name": "x", "change": {"actions": ["create"], "before": null,
		"after": {"name": "x", "internal": false}, "after_unknown": {"arn": true, "dns_name": true}}}]}`), "lb.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		opts            Options
		account, region string
	}{
		{Options{Account: "111122223333", Region: "ap-southeast-2"}, "111122223333", "ap-southeast-2"},
		{Options{}, placeholderAccount, "us-east-1"},
	}
	for _, tt := range tests {
		tt.opts.Now = pinned
		s, err := Convert(plan, tt.opts)
		if err != nil {
			t.Fatal(err)
		}
		want := "arn:aws:elasticloadbalancing:" + tt.region + ":" + tt.account + ":loadbalancer/app/x/" + PlaceholderMarker
		if got := s.LoadBalancers[0].ARN; !strings.HasPrefix(got, want) {
			t.Errorf("%+v: ARN %s, want prefix %s", tt.opts, got, want)
		}
	}
}

// TestFixturePlansAgreeWithThemselves: the fixture plans were written
// without a terraform binary, so hold them to what Terraform guarantees:
// every change that leaves a resource has it in planned_values with the
// same values, and every managed resource has a configuration block.
func TestFixturePlansAgreeWithThemselves(t *testing.T) {
	t.Parallel()
	for _, path := range []string{"../../testdata/tfplan/pr/plan.json", "../../testdata/tfplan/context/plan.json"} {
		plan, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		planned := map[string]map[string]any{}
		walkState(plan.PlannedValues.RootModule, func(r *tfjson.StateResource, _ string) { planned[r.Address] = r.AttributeValues })
		if len(planned) == 0 {
			t.Fatalf("%s: %d planned values: the walk found nothing to compare", path, len(planned))
		}
		c := newConverter(plan, Options{})
		for _, rc := range plan.ResourceChanges {
			if rc.Change.Actions.Delete() {
				if _, ok := planned[rc.Address]; ok {
					t.Errorf("%s: %s is deleted yet in planned_values", path, rc.Address)
				}
				continue
			}
			vals, ok := planned[rc.Address]
			if !ok {
				t.Errorf("%s: %s changes but is not in planned_values", path, rc.Address)
				continue
			}
			if diff := cmp.Diff(rc.Change.After, any(vals)); diff != "" {
				t.Errorf("%s: %s after and planned values differ:\n%s", path, rc.Address, diff)
			}
		}
		for _, in := range c.instances {
			if in.mode == tfjson.ManagedResourceMode && !in.actions.Delete() && in.cfg == nil {
				t.Errorf("%s: %s has no configuration block", path, in.addr)
			}
		}
	}
}
