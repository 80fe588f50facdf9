package snapshot

import (
	"cmp"
	"slices"
	"strings"
)

// Normalize puts the snapshot in canonical form: every list sorted by a
// stable key and every list and tag set non-nil, so that two collections of
// an unchanged account serialise to the same bytes and diff cleanly, and the
// rules never meet a null where they expect a list.
func (s *Snapshot) Normalize() {
	s.Scope.Accounts = sortedStrings(s.Scope.Accounts)
	s.Scope.Regions = sortedStrings(s.Scope.Regions)
	s.Errors = SortErrors(s.Errors)
	s.Coverage = SortCoverage(s.Coverage)

	s.Accounts = sortBy(s.Accounts, func(a Account) string { return a.ID })
	s.APIGatewayAccounts = sortBy(s.APIGatewayAccounts, func(a APIGatewayAccount) string { return a.Account + "/" + a.Region })
	s.RestAPIs = sortBy(s.RestAPIs, func(a RestAPI) string { return a.ARN })
	for i := range s.RestAPIs {
		normalizeRestAPI(&s.RestAPIs[i])
	}
	s.V2APIs = sortBy(s.V2APIs, func(a V2API) string { return a.ARN })
	for i := range s.V2APIs {
		normalizeV2API(&s.V2APIs[i])
	}
	s.UsagePlans = sortBy(s.UsagePlans, func(p UsagePlan) string { return p.ARN })
	for i := range s.UsagePlans {
		p := &s.UsagePlans[i]
		p.Tags = tags(p.Tags)
		p.APIStages = sortBy(p.APIStages, func(st UsagePlanStage) string { return st.APIID + "/" + st.Stage })
	}
	s.VPCLinks = sortBy(s.VPCLinks, func(l VPCLink) string { return l.ARN })
	for i := range s.VPCLinks {
		l := &s.VPCLinks[i]
		l.Tags = tags(l.Tags)
		l.TargetARNs = sortedStrings(l.TargetARNs)
	}
	s.DomainNames = sortBy(s.DomainNames, func(d DomainName) string { return d.ARN })
	for i := range s.DomainNames {
		d := &s.DomainNames[i]
		d.Tags = tags(d.Tags)
		d.Mappings = sortBy(d.Mappings, func(m DomainMapping) string { return m.BasePath + "\x00" + m.APIID + "/" + m.Stage })
	}
	s.LoadBalancers = sortBy(s.LoadBalancers, func(lb LoadBalancer) string { return lb.ARN })
	for i := range s.LoadBalancers {
		normalizeLoadBalancer(&s.LoadBalancers[i])
	}
	s.TargetGroups = sortBy(s.TargetGroups, func(tg TargetGroup) string { return tg.ARN })
	for i := range s.TargetGroups {
		tg := &s.TargetGroups[i]
		tg.Tags = tags(tg.Tags)
		tg.Attributes = tags(tg.Attributes)
		tg.LoadBalancerARNs = sortedStrings(tg.LoadBalancerARNs)
		tg.Targets = sortBy(tg.Targets, func(t Target) string { return t.ID + "\x00" + itoa(t.Port) })
	}
	s.SecurityGroups = sortBy(s.SecurityGroups, func(sg SecurityGroup) string { return sg.ARN })
	for i := range s.SecurityGroups {
		s.SecurityGroups[i].Ingress = nonNil(s.SecurityGroups[i].Ingress)
	}
	s.WebACLs = sortBy(s.WebACLs, func(w WebACL) string { return w.ARN })
	for i := range s.WebACLs {
		w := &s.WebACLs[i]
		w.Tags = tags(w.Tags)
		w.AssociatedResources = sortedStrings(w.AssociatedResources)
		w.Rules = nonNil(w.Rules)
		slices.SortStableFunc(w.Rules, func(a, b WAFRule) int {
			return cmp.Or(cmp.Compare(a.Priority, b.Priority), cmp.Compare(a.Name, b.Name))
		})
	}
	s.LambdaFunctions = sortBy(s.LambdaFunctions, func(f LambdaFunction) string { return f.ARN })
	for i := range s.LambdaFunctions {
		s.LambdaFunctions[i].Tags = tags(s.LambdaFunctions[i].Tags)
	}
	s.Distributions = sortBy(s.Distributions, func(d Distribution) string { return d.ARN })
	for i := range s.Distributions {
		d := &s.Distributions[i]
		d.Tags = tags(d.Tags)
		d.Origins = sortBy(d.Origins, func(o Origin) string { return o.ID })
	}
	s.ShieldProtections = sortBy(s.ShieldProtections, func(p ShieldProtection) string { return p.ARN })
	s.Alarms = sortBy(s.Alarms, func(a Alarm) string { return a.ARN })
	for i := range s.Alarms {
		s.Alarms[i].Metrics = nonNil(s.Alarms[i].Metrics)
	}
	if len(s.Planned) > 0 {
		s.Planned = sortBy(s.Planned, func(p Planned) string { return p.ARN })
	}
	s.Metrics = sortBy(s.Metrics, func(m MetricSummary) string {
		return strings.Join([]string{m.Resource, m.Namespace, m.Name, m.Statistic, itoa(m.PeriodSeconds)}, "\x00")
	})
}

// SortErrors sorts collection errors by account, region, service,
// operation, code and message, drops exact repeats, and never returns nil.
// It sorts in place.
func SortErrors(errs []CollectionError) []CollectionError {
	errs = nonNil(errs)
	slices.SortFunc(errs, func(a, b CollectionError) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region),
			cmp.Compare(a.Service, b.Service), cmp.Compare(a.Operation, b.Operation),
			cmp.Compare(a.Code, b.Code), cmp.Compare(a.Message, b.Message),
			slices.Compare(a.Resources, b.Resources))
	})
	return slices.CompactFunc(errs, func(a, b CollectionError) bool {
		return a.Account == b.Account && a.Region == b.Region && a.Service == b.Service && a.Operation == b.Operation &&
			a.Code == b.Code && a.Message == b.Message && slices.Equal(a.Resources, b.Resources)
	})
}

func normalizeRestAPI(a *RestAPI) {
	a.Tags = tags(a.Tags)
	a.EndpointTypes = nonNil(a.EndpointTypes)
	a.Resources = sortBy(a.Resources, func(r RestResource) string { return r.Path })
	for i := range a.Resources {
		r := &a.Resources[i]
		r.Methods = sortBy(r.Methods, func(m RestMethod) string { return m.HTTPMethod })
	}
	a.Stages = sortBy(a.Stages, func(st RestStage) string { return st.Name })
	for i := range a.Stages {
		a.Stages[i].Tags = tags(a.Stages[i].Tags)
	}
	a.Authorizers = sortBy(a.Authorizers, func(x Authorizer) string { return x.ID })
	a.RequestValidators = sortBy(a.RequestValidators, func(x RequestValidator) string { return x.ID })
}

func normalizeV2API(a *V2API) {
	a.Tags = tags(a.Tags)
	a.Routes = sortBy(a.Routes, func(r V2Route) string { return r.RouteKey + "\x00" + r.ID })
	a.Integrations = sortBy(a.Integrations, func(x V2Integration) string { return x.ID })
	a.Stages = sortBy(a.Stages, func(st V2Stage) string { return st.Name })
	for i := range a.Stages {
		a.Stages[i].Tags = tags(a.Stages[i].Tags)
	}
	a.Authorizers = sortBy(a.Authorizers, func(x Authorizer) string { return x.ID })
}

func normalizeLoadBalancer(lb *LoadBalancer) {
	lb.Tags = tags(lb.Tags)
	lb.Attributes = tags(lb.Attributes)
	lb.AvailabilityZones = sortedStrings(lb.AvailabilityZones)
	lb.SecurityGroups = sortedStrings(lb.SecurityGroups)
	lb.Listeners = sortBy(lb.Listeners, func(l Listener) string { return l.ARN })
	for i := range lb.Listeners {
		l := &lb.Listeners[i]
		l.Tags = tags(l.Tags)
		l.DefaultActions = nonNil(l.DefaultActions)
		l.Rules = nonNil(l.Rules)
		// Rules in evaluation order: numeric priority, default last.
		slices.SortStableFunc(l.Rules, func(a, b ListenerRule) int {
			return cmp.Or(cmp.Compare(priorityRank(a), priorityRank(b)), cmp.Compare(a.ARN, b.ARN))
		})
		for j := range l.Rules {
			r := &l.Rules[j]
			r.Tags = tags(r.Tags)
			r.Conditions = nonNil(r.Conditions)
			r.Actions = nonNil(r.Actions)
		}
	}
}

// priorityRank orders listener rules as ELB evaluates them.
func priorityRank(r ListenerRule) int {
	if r.IsDefault || r.Priority == "default" {
		return 1 << 30
	}
	n := 0
	for _, c := range r.Priority {
		if c < '0' || c > '9' {
			return 1<<30 - 1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// sortBy returns s (never nil) sorted stably by key.
func sortBy[T any](s []T, key func(T) string) []T {
	s = nonNil(s)
	slices.SortStableFunc(s, func(a, b T) int { return strings.Compare(key(a), key(b)) })
	return s
}

func sortedStrings(s []string) []string {
	s = nonNil(s)
	slices.Sort(s)
	return slices.Compact(s)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func tags(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func itoa(n int) string {
	// Zero-padded so that string order is numeric order for ports and periods.
	const width = 10
	b := make([]byte, width)
	for i := width - 1; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b)
}
