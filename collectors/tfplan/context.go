package tfplan

import (
	"slices"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// overlay applies the plan to a live snapshot: resources the plan updates
// replace the live ones with the same ARN (a live snapshot carries no
// Terraform addresses, so the ARN the plan's before values hold is the
// match), resources it deletes leave, resources it creates join, and the
// pieces it adds to live resources (a listener rule on a live listener, an
// association with a live web ACL) are attached to them. The live
// coverage stands, except that resources created by the plan have no
// CloudWatch history yet.
func overlay(live, plan *snapshot.Snapshot, c *converter) (*snapshot.Snapshot, error) {
	out := *live
	drop := map[string]bool{}
	for _, p := range plan.Planned {
		drop[p.ARN] = true
	}
	for _, in := range c.instances {
		if in.actions.Delete() || in.actions.Replace() {
			for _, v := range []any{in.before["arn"], in.before["id"]} {
				if s, ok := v.(string); ok && s != "" {
					drop[s] = true
				}
			}
		}
	}
	keep := func(arn string) bool { return !drop[arn] }

	out.LoadBalancers = filter(live.LoadBalancers, func(x snapshot.LoadBalancer) bool { return keep(x.ARN) })
	out.TargetGroups = filter(live.TargetGroups, func(x snapshot.TargetGroup) bool { return keep(x.ARN) })
	out.SecurityGroups = filter(live.SecurityGroups, func(x snapshot.SecurityGroup) bool { return keep(x.ARN) })
	out.RestAPIs = filter(live.RestAPIs, func(x snapshot.RestAPI) bool { return keep(x.ARN) })
	out.V2APIs = filter(live.V2APIs, func(x snapshot.V2API) bool { return keep(x.ARN) })
	out.UsagePlans = filter(live.UsagePlans, func(x snapshot.UsagePlan) bool { return keep(x.ARN) })
	out.VPCLinks = filter(live.VPCLinks, func(x snapshot.VPCLink) bool { return keep(x.ARN) })
	out.DomainNames = filter(live.DomainNames, func(x snapshot.DomainName) bool { return keep(x.ARN) })
	out.WebACLs = filter(live.WebACLs, func(x snapshot.WebACL) bool { return keep(x.ARN) })
	out.LambdaFunctions = filter(live.LambdaFunctions, func(x snapshot.LambdaFunction) bool { return keep(x.ARN) })
	out.Distributions = filter(live.Distributions, func(x snapshot.Distribution) bool { return keep(x.ARN) })
	out.ShieldProtections = filter(live.ShieldProtections, func(x snapshot.ShieldProtection) bool { return keep(x.ARN) })
	out.Alarms = filter(live.Alarms, func(x snapshot.Alarm) bool { return keep(x.ARN) })

	out.LoadBalancers = withoutDropped(out.LoadBalancers, keep)
	out.Append(&snapshot.Snapshot{
		LoadBalancers: carryListeners(plan.LoadBalancers, live.LoadBalancers, keep), TargetGroups: carryTargets(plan.TargetGroups, live.TargetGroups),
		SecurityGroups: plan.SecurityGroups, RestAPIs: plan.RestAPIs, V2APIs: plan.V2APIs, UsagePlans: plan.UsagePlans, VPCLinks: plan.VPCLinks,
		DomainNames: plan.DomainNames, WebACLs: carryAssociations(plan.WebACLs, live.WebACLs), LambdaFunctions: plan.LambdaFunctions,
		Distributions: plan.Distributions, ShieldProtections: plan.ShieldProtections, Alarms: plan.Alarms,
		Planned: plan.Planned,
	})
	// Pieces the plan adds to resources it does not change: a listener
	// rule on a live listener, a target in a live target group.
	for i := range out.LoadBalancers {
		lb := &out.LoadBalancers[i]
		lb.Listeners = append(slices.Clone(lb.Listeners), c.orphans.listeners[lb.ARN]...)
		for j := range lb.Listeners {
			l := &lb.Listeners[j]
			l.Rules = append(slices.Clone(l.Rules), c.orphans.rules[l.ARN]...)
		}
	}
	for i := range out.TargetGroups {
		tg := &out.TargetGroups[i]
		tg.Targets = append(slices.Clone(tg.Targets), c.orphans.targets[tg.ARN]...)
	}
	for i := range out.WebACLs {
		w := &out.WebACLs[i]
		w.AssociatedResources = append(slices.Clone(w.AssociatedResources), c.orphans.associations[w.ARN]...)
	}
	// Live target groups that planned listeners now forward to.
	forwards := map[string][]string{}
	for _, lb := range out.LoadBalancers {
		for _, l := range lb.Listeners {
			for _, r := range l.Rules {
				for _, a := range r.Actions {
					for _, tg := range a.TargetGroupARNs {
						forwards[tg] = append(forwards[tg], lb.ARN)
					}
				}
			}
		}
	}
	for i := range out.TargetGroups {
		tg := &out.TargetGroups[i]
		for _, lb := range forwards[tg.ARN] {
			if !contains(tg.LoadBalancerARNs, lb) {
				tg.LoadBalancerARNs = append(slices.Clone(tg.LoadBalancerARNs), lb)
			}
		}
	}

	out.Coverage = slices.Clone(live.Coverage)
	created := map[string]bool{} // regions where the plan creates resources
	for _, in := range c.instances {
		if in.created() && !in.actions.Delete() && Supported(in.typ) {
			created[in.region] = true
		}
	}
	for i, cv := range out.Coverage {
		if cv.Dataset == "metrics" && created[cv.Region] && cv.State == snapshot.Complete {
			out.Coverage[i].State, out.Coverage[i].Reason = snapshot.NotCollected, "resources the plan creates have no CloudWatch history yet"
		}
	}
	// Scopes the plan reaches that the live snapshot did not read keep the
	// plan's own coverage.
	ix := live.IndexCoverage()
	for _, cv := range plan.Coverage {
		if _, ok := ix.Get(cv.Account, cv.Region, cv.Dataset); !ok {
			out.Coverage = append(out.Coverage, cv)
			if !contains(out.Scope.Regions, cv.Region) && cv.Region != snapshot.GlobalRegion {
				out.Scope.Regions = append(slices.Clone(out.Scope.Regions), cv.Region)
			}
			if !contains(out.Scope.Accounts, cv.Account) {
				out.Scope.Accounts = append(slices.Clone(out.Scope.Accounts), cv.Account)
			}
		}
	}
	c.warnOrphans(live)
	out.TakenAt = plan.TakenAt
	out.Tool = plan.Tool
	out.Normalize()
	return &out, nil
}

func filter[T any](s []T, keep func(T) bool) []T {
	out := make([]T, 0, len(s))
	for _, x := range s {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}

// carry gives each planned resource that updates a live one (same ARN)
// what the live one has that the plan does not declare: listeners,
// registered targets and web ACL associations may be managed elsewhere,
// and the plan changing the resource does not remove them.
func carry[T any](planned, live []T, arn func(T) string, merge func(p *T, old T)) []T {
	byARN := map[string]T{}
	for _, x := range live {
		byARN[arn(x)] = x
	}
	out := slices.Clone(planned)
	for i := range out {
		if old, ok := byARN[arn(out[i])]; ok {
			merge(&out[i], old)
		}
	}
	return out
}

func carryListeners(planned, live []snapshot.LoadBalancer, keep func(string) bool) []snapshot.LoadBalancer {
	return carry(planned, live, func(lb snapshot.LoadBalancer) string { return lb.ARN }, func(p *snapshot.LoadBalancer, old snapshot.LoadBalancer) {
		p.Listeners = append(slices.Clone(p.Listeners), withoutDropped([]snapshot.LoadBalancer{old}, keep)[0].Listeners...)
	})
}

func carryTargets(planned, live []snapshot.TargetGroup) []snapshot.TargetGroup {
	return carry(planned, live, func(tg snapshot.TargetGroup) string { return tg.ARN }, func(p *snapshot.TargetGroup, old snapshot.TargetGroup) {
		p.Targets = append(slices.Clone(p.Targets), old.Targets...)
	})
}

func carryAssociations(planned, live []snapshot.WebACL) []snapshot.WebACL {
	return carry(planned, live, func(w snapshot.WebACL) string { return w.ARN }, func(p *snapshot.WebACL, old snapshot.WebACL) {
		for _, r := range old.AssociatedResources {
			if !contains(p.AssociatedResources, r) {
				p.AssociatedResources = append(p.AssociatedResources, r)
			}
		}
	})
}

// withoutDropped removes from live load balancers the listeners and rules
// the plan replaces or deletes (the planned versions join later).
func withoutDropped(lbs []snapshot.LoadBalancer, keep func(string) bool) []snapshot.LoadBalancer {
	out := slices.Clone(lbs)
	for i := range out {
		out[i].Listeners = filter(out[i].Listeners, func(l snapshot.Listener) bool { return keep(l.ARN) })
		for j := range out[i].Listeners {
			out[i].Listeners[j].Rules = filter(out[i].Listeners[j].Rules, func(r snapshot.ListenerRule) bool { return keep(r.ARN) })
		}
	}
	return out
}
