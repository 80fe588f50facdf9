package policies

import (
	"context"
	"testing"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// TestDemoAccount evaluates the demo account (testdata/demo) and holds the
// rules to what its README intends: each row names a rule and a resource
// by its inventory name (stages "api/stage", listeners "lb:PROTOCOL",
// listener rules "lb rule N", distributions by ID).
func TestDemoAccount(t *testing.T) {
	ctx := context.Background()
	snap, err := snapshot.Load("../testdata/demo/snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	eng, err := New(ctx, Options{Config: DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	report, err := eng.Evaluate(ctx, snap)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]string{}
	for _, r := range snap.Resources() {
		switch r.Type {
		case snapshot.TypeShield, snapshot.TypeAlarm, snapshot.TypeSecurityGroup:
			continue // named after what they protect, watch or guard
		}
		if _, dup := byName[r.Name]; dup {
			byName[r.Name] = "" // ambiguous: a row naming it fails below
			continue
		}
		byName[r.Name] = r.ARN
	}
	fired := map[[2]string]bool{}
	for _, f := range report.Findings {
		fired[[2]string{f.RuleID, f.Resource}] = true
	}
	arn := func(name string) string {
		t.Helper()
		a := byName[name]
		if a == "" {
			t.Fatalf("no single resource named %q in the demo account", name)
		}
		return a
	}

	mustFire := [][2]string{
		{"GW101", "internal-proxy-api"}, {"GW101", "orders-internal-http"},
		{"GW102", "internal-proxy-api"}, {"GW102", "orders-internal-http"},
		{"GW103", "internal-proxy-api/prod"},
		{"GW104", "legacy-admin-alb"}, {"GW104", "catalog-public-api/prod"}, {"GW104", "orders-internal-http/$default"},
		{"GW106", "reports-export"},
		{"GW107", "catalog-public-api/prod"},
		{"GW108", "ops-dashboard-alb"},
		{"GW109", "live-prices-ws-tg"}, {"GW109", "web-public-alb"},
		{"GW110", "catalog-public-api"},
		{"GW111", "catalog-public-api"},
		{"GW112", "catalog-public-api/prod"}, {"GW112", "legacy-admin-alb"},
		{"GW113", "internal-proxy-api/prod"}, {"GW113", "legacy-admin-alb"}, {"GW113", "ops-dashboard-alb"},
		{"GW114", "internal-proxy-api/prod"},
		{"GW105", "E9PARTNERSEDGE"},
		{"GW204", "catalog-public-api/prod"},
		{"GW206", "quotes-ws/prod"},
		{"GW212", "apigw-link-nlb"},
		{"GW215", "catalog-public-api"},
		{"GW218", "catalog-public-api"},
		{"GW221", "quotes-ws/prod"},
		{"GW201", "catalog-public-api/prod"},
		{"GW202", "catalog-public-api/prod"}, {"GW202", "internal-proxy-api/prod"},
		{"GW203", "catalog-public-api/prod"},
		{"GW205", "orders-internal-http"},
		{"GW207", "legacy-admin-alb"}, {"GW208", "legacy-admin-alb"}, {"GW209", "legacy-admin-alb"},
		{"GW210", "legacy-admin-alb"}, {"GW211", "legacy-admin-alb"},
		{"GW213", "legacy-admin-alb:HTTPS"}, {"GW214", "legacy-admin-alb:HTTP"},
		{"GW216", "internal-proxy-api"}, {"GW216", "orders-internal-http"},
		{"GW217", "catalog-public-api"},
		{"GW219", "catalog-api.acme-corp.com"},
		{"GW220", "catalog-public-api"},
	}
	mustStayQuiet := [][2]string{
		{"GW101", "partner-api"}, {"GW101", "catalog-public-api"},
		{"GW102", "partner-api"}, {"GW102", "catalog-public-api"},
		{"GW103", "partner-api/prod"}, {"GW103", "catalog-public-api/prod"}, {"GW103", "orders-internal-http/$default"},
		{"GW103", "web-public-alb rule 30"},
		{"GW104", "partner-api/prod"}, {"GW104", "web-public-alb"}, {"GW104", "internal-services-alb"},
		{"GW104", "apigw-link-nlb"}, {"GW104", "internal-proxy-api/prod"}, {"GW104", "ops-dashboard-alb"},
		{"GW105", "E2QWRUHAPOMQZL"},
		{"GW106", "image-thumbnailer"},
		{"GW107", "partner-api/prod"}, {"GW107", "orders-internal-http/$default"}, {"GW107", "internal-proxy-api/prod"},
		{"GW108", "web-public-alb"}, {"GW108", "legacy-admin-alb"}, {"GW108", "internal-services-alb"}, {"GW108", "internal-proxy-api"},
		{"GW109", "notifications-ws-tg"}, {"GW109", "orders-web-tg"},
		{"GW110", "web-public-alb"}, {"GW110", "partner-api"}, {"GW110", "orders-internal-http"}, {"GW110", "internal-proxy-api"},
		{"GW111", "web-public-alb"}, {"GW111", "E2QWRUHAPOMQZL"}, {"GW111", "partner-api"},
		{"GW112", "partner-api/prod"}, {"GW112", "internal-proxy-api/prod"}, {"GW112", "orders-internal-http/$default"},
		{"GW112", "web-public-alb"}, {"GW112", "ops-dashboard-alb"},
		{"GW113", "partner-api/prod"}, {"GW113", "catalog-public-api/prod"}, {"GW113", "orders-internal-http/$default"},
		{"GW113", "web-public-alb"}, {"GW113", "internal-services-alb"},
		{"GW104", "quotes-ws/prod"},
		{"GW114", "partner-api/prod"}, {"GW114", "catalog-public-api/prod"},
		{"GW204", "partner-api/prod"},
		{"GW205", "quotes-ws"},
		{"GW206", "orders-internal-http/$default"},
		{"GW218", "partner-api"},
		{"GW221", "partner-api/prod"},
		{"GW201", "partner-api/prod"}, {"GW201", "internal-proxy-api/prod"},
		{"GW202", "partner-api/prod"}, {"GW203", "partner-api/prod"},
		{"GW207", "web-public-alb"}, {"GW208", "web-public-alb"}, {"GW209", "web-public-alb"},
		{"GW210", "web-public-alb"}, {"GW210", "apigw-link-nlb"}, {"GW211", "web-public-alb"},
		{"GW212", "legacy-admin-alb"},
		{"GW213", "web-public-alb:HTTPS"}, {"GW214", "web-public-alb:HTTPS"}, {"GW214", "web-public-alb:HTTP"},
		{"GW215", "partner-api"},
		{"GW216", "partner-api"},
		{"GW217", "partner-api"}, {"GW217", "internal-proxy-api"},
		{"GW219", "api.partners.acme-corp.com"},
		{"GW220", "partner-api"},
	}
	for _, c := range mustFire {
		if !fired[[2]string{c[0], arn(c[1])}] {
			t.Errorf("%s does not fire on %s", c[0], c[1])
		}
	}
	for _, c := range mustStayQuiet {
		if fired[[2]string{c[0], arn(c[1])}] {
			t.Errorf("%s fires on %s, which the demo account means to be compliant", c[0], c[1])
		}
	}
}
