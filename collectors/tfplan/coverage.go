package tfplan

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// Reasons a plan cannot provide a dataset. They name what is missing so a
// reader knows what would make the rule judge (usually --snapshot).
const (
	reasonMetrics  = "a Terraform plan carries no CloudWatch metrics"
	reasonAlarms   = "a Terraform plan shows only the alarms it manages, not those defined elsewhere in the account"
	reasonAccount  = "API Gateway account settings are account-wide and not in the plan"
	reasonShield   = "the Shield Advanced subscription and protections outside the plan are live state the plan does not carry"
	reasonExisting = "the plan changes existing entry points (%s) whose %s may be managed outside it; give --snapshot with a live snapshot"
)

// scope sets the snapshot's scope: the plan's account and the regions its
// resources live in.
func (b *builder) scope() {
	var regions []string
	for _, in := range b.c.instances {
		if in.mode == "managed" && Supported(in.typ) && !in.actions.Delete() && !contains(regions, in.region) {
			regions = append(regions, in.region)
		}
	}
	if len(regions) == 0 {
		regions = []string{b.c.regionOf(&instance{})}
	}
	slices.Sort(regions)
	account := placeholderAccount
	if len(b.c.instances) > 0 {
		account = b.c.instances[0].account
	}
	b.s.Scope = snapshot.Scope{Accounts: []string{account}, Regions: regions}
	b.s.Accounts = []snapshot.Account{{ID: account}}
	b.s.Errors = []snapshot.CollectionError{}
}

// coverage records, for every dataset of every region in scope and of the
// global scope, whether the plan shows it whole. What a plan shows of the
// resources it creates is the whole truth (a new ALB with no association
// in the plan has none); what lives outside it is not collected.
func (b *builder) coverage() {
	reasons := b.notCollected()
	account := b.s.Scope.Accounts[0]
	for _, region := range append(slices.Clone(b.s.Scope.Regions), snapshot.GlobalRegion) {
		for _, name := range snapshot.ScopeDatasets(region) {
			c := snapshot.Coverage{Account: account, Region: region, Dataset: name, State: snapshot.Complete}
			if r := reasons[name]; r != "" {
				c.State, c.Reason = snapshot.NotCollected, r
			}
			b.s.Coverage = append(b.s.Coverage, c)
		}
	}
}

// notCollected maps each dataset the plan cannot show whole to why.
func (b *builder) notCollected() map[string]string {
	r := map[string]string{
		"metrics":             reasonMetrics,
		"alarms":              reasonAlarms,
		"apigateway_accounts": reasonAccount,
		"shield_subscription": reasonShield,
		"shield_protections":  reasonShield,
	}
	// Relations to entry points that already exist may be made outside
	// the plan: a web ACL associated by another root, a distribution that
	// fronts the ALB, a Lambda registered by a deploy tool.
	var existing []string
	for _, in := range b.c.instances {
		switch in.typ {
		case "aws_lb", "aws_alb", "aws_api_gateway_rest_api", "aws_apigatewayv2_api", "aws_lb_target_group", "aws_alb_target_group":
			if !in.created() && !in.actions.Delete() {
				existing = append(existing, in.addr)
			}
		}
	}
	if len(existing) > 0 {
		names := strings.Join(existing[:min(3, len(existing))], ", ")
		if len(existing) > 3 {
			names += fmt.Sprintf(" and %d more", len(existing)-3)
		}
		for ds, what := range map[string]string{
			"web_acl_associations": "web ACL associations", "target_health": "registered targets",
			"cloudfront_distributions": "CloudFront distributions", "distribution_configs": "CloudFront distributions",
			"distribution_tags": "CloudFront distributions",
		} {
			r[ds] = fmt.Sprintf(reasonExisting, names, what)
		}
	}
	if missing := b.missingACLs(); len(missing) > 0 {
		r["web_acls"] = "the plan associates web ACLs it does not define (" + strings.Join(missing, ", ") + "); give --snapshot with a live snapshot"
	}
	if missing := b.missingFunctions(); len(missing) > 0 {
		r["lambda_functions"] = "the plan routes to Lambda functions it does not define (" + strings.Join(missing, ", ") + "); give --snapshot with a live snapshot"
	}
	if missing := b.missingGroups(); len(missing) > 0 {
		r["security_groups"] = "load balancers in the plan use security groups it does not define (" + strings.Join(missing, ", ") + "); give --snapshot with a live snapshot"
	}
	for ds, addr := range b.unknownTags {
		r[ds] = "tags of " + addr + " are known only after apply"
	}
	return r
}

func (b *builder) missingACLs() []string {
	var out []string
	for _, arn := range slices.Sorted(maps.Keys(b.associations)) {
		if _, ok := b.acls[arn]; !ok {
			out = append(out, arn)
		}
	}
	for _, d := range b.s.Distributions {
		if d.WebACLID != "" && b.acls[d.WebACLID] == nil && !contains(out, d.WebACLID) {
			out = append(out, d.WebACLID)
		}
	}
	return out
}

func (b *builder) missingFunctions() []string {
	have := map[string]bool{}
	for _, f := range b.s.LambdaFunctions {
		have[f.ARN] = true
	}
	var uris []string
	for _, tg := range b.s.TargetGroups {
		if tg.TargetType == "lambda" {
			for _, t := range tg.Targets {
				uris = append(uris, t.ID)
			}
		}
	}
	for _, a := range b.s.RestAPIs {
		for _, r := range a.Resources {
			for _, m := range r.Methods {
				if m.Integration != nil {
					uris = append(uris, m.Integration.URI)
				}
			}
		}
		for _, au := range a.Authorizers {
			uris = append(uris, au.URI)
		}
	}
	for _, a := range b.s.V2APIs {
		for _, ig := range a.Integrations {
			uris = append(uris, ig.URI)
		}
		for _, au := range a.Authorizers {
			uris = append(uris, au.URI)
		}
	}
	var out []string
	for _, u := range uris {
		if fn := snapshot.FunctionARN(u); fn != "" && !have[fn] && !contains(out, fn) {
			out = append(out, fn)
		}
	}
	return out
}

func (b *builder) missingGroups() []string {
	have := map[string]bool{}
	for _, sg := range b.s.SecurityGroups {
		have[sg.ID] = true
	}
	var out []string
	for _, lb := range b.s.LoadBalancers {
		for _, id := range lb.SecurityGroups {
			if !have[id] && !contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}
