package snapshot

import (
	"cmp"
	"net/url"
	"slices"
	"strings"
)

// The request path is one graph: CloudFront (origin, origin path) ->
// custom domain / execute-api -> stage -> integration -> VPC link ->
// load balancer -> target group -> Lambda (or an ALB behind an NLB). It is derived here, once, with
// one host-name normaliser and one ARN parser, and handed to the rules (as
// data.gatewatch.graph) and to every picture, so they cannot disagree.

// Edge kinds of the request graph.
const (
	// EdgeClient: internet clients reach the resource directly (an
	// internet-facing load balancer, a stage by its execute-api endpoint,
	// an enabled distribution).
	EdgeClient = "client"
	// EdgeOrigin: a distribution forwards to a load balancer, a stage or a
	// custom domain.
	EdgeOrigin = "origin"
	// EdgeMapping: a custom domain serves a stage (base path mapping).
	EdgeMapping = "mapping"
	// EdgeIntegration: a stage calls a load balancer, a VPC link or a
	// Lambda function.
	EdgeIntegration = "integration"
	// EdgeVPCLink: a VPC link carries a stage's calls to a load balancer
	// (a REST link's target NLB, or what an HTTP API integration through
	// the link names).
	EdgeVPCLink = "vpc_link"
	// EdgeForward: a load balancer's listener forwards to a target group.
	EdgeForward = "forward"
	// EdgeTarget: a target group sends to a Lambda function or an ALB.
	EdgeTarget = "target"
)

// Internet is the node that stands for clients on the internet.
const Internet = "internet"

// GraphEdge is one hop of the request path, between two ARNs (or Internet).
type GraphEdge struct {
	From string `json:"from"`
	To   string `json:"to"`
	Kind string `json:"kind"`
}

// Graph is the request path of a snapshot.
type Graph struct {
	// Edges are every hop, sorted and unique.
	Edges []GraphEdge `json:"edges"`
	// Fronts maps each load balancer and API stage that an enabled
	// CloudFront distribution reaches (by origin host and origin path,
	// directly or through a custom domain) to those distributions' ARNs.
	Fronts map[string][]string `json:"fronts"`
	// Targets maps an integration URI (as the API holds it) to the ARNs it
	// resolves to: a load balancer by host name or listener ARN, or an
	// unqualified Lambda function ARN.
	Targets map[string][]string `json:"targets"`
}

// ARN is a parsed Amazon Resource Name.
type ARN struct {
	Partition, Service, Region, Account, Resource string
}

// ParseARN splits an ARN of any partition (aws, aws-cn, aws-us-gov, ...);
// ok is false for anything else.
func ParseARN(s string) (ARN, bool) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] == "" {
		return ARN{}, false
	}
	return ARN{Partition: parts[1], Service: parts[2], Region: parts[3], Account: parts[4], Resource: parts[5]}, true
}

// FunctionARN returns the unqualified Lambda function ARN a URI names:
// a function ARN (with or without a version or alias) or an API Gateway
// Lambda integration URI (arn:PARTITION:apigateway:REGION:lambda:path/
// 2015-03-31/functions/FUNCTION_ARN/invocations). Empty when it names none
// or names one through a stage variable, which cannot be resolved.
func FunctionARN(uri string) string {
	if _, after, ok := strings.Cut(uri, ":lambda:path/"); ok {
		_, fn, found := strings.Cut(after, "/functions/")
		if !found {
			return ""
		}
		uri, _, _ = strings.Cut(fn, "/invocations")
	}
	a, ok := ParseARN(uri)
	if !ok || a.Service != "lambda" || strings.Contains(uri, "$") {
		return ""
	}
	kind, rest, _ := strings.Cut(a.Resource, ":")
	if kind != "function" || rest == "" {
		return ""
	}
	name, _, _ := strings.Cut(rest, ":")
	return "arn:" + a.Partition + ":lambda:" + a.Region + ":" + a.Account + ":function:" + name
}

// Host normalises a host name the way DNS compares them: lower case,
// without the trailing dot, and without the "dualstack." prefix that ELB
// adds for IPv6 (consoles and templates write CloudFront origins with it).
func Host(h string) string {
	h = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
	return strings.TrimPrefix(h, "dualstack.")
}

// uriHost returns the normalised host of an http(s) URI, "" if none.
func uriHost(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.Host == "" {
		return ""
	}
	return Host(u.Hostname())
}

// ExecuteAPIHost is the default endpoint host of an API Gateway API.
func ExecuteAPIHost(id, region string) string {
	return Host(id + ".execute-api." + region + ".amazonaws.com")
}

// graphBuilder holds the look-ups used while deriving the graph.
type graphBuilder struct {
	edges map[GraphEdge]bool
	// hosts maps normalised host names to what answers there: load
	// balancers by DNS name, REST and v2 APIs by execute-api host.
	lbByHost     map[string][]string
	lbByListener map[string]string
	apiByHost    map[string][]apiRef
	domains      map[string][]DomainName
	apis         map[string]apiRef // account/region/id
	links        map[string]VPCLink
}

// apiRef is an API with what the graph needs of it.
type apiRef struct {
	account, region, id string
	stages              []string // names
	stageARN            map[string]string
	executeDisabled     bool
}

// Graph derives the request graph of the snapshot.
func (s *Snapshot) Graph() *Graph {
	b := &graphBuilder{edges: map[GraphEdge]bool{}, lbByHost: map[string][]string{}, lbByListener: map[string]string{},
		apiByHost: map[string][]apiRef{}, domains: map[string][]DomainName{}, apis: map[string]apiRef{}, links: map[string]VPCLink{}}
	g := &Graph{Fronts: map[string][]string{}, Targets: map[string][]string{}}
	for _, lb := range s.LoadBalancers {
		b.lbByHost[Host(lb.DNSName)] = append(b.lbByHost[Host(lb.DNSName)], lb.ARN)
		for _, l := range lb.Listeners {
			b.lbByListener[l.ARN] = lb.ARN
		}
		if lb.Scheme == "internet-facing" {
			b.edge(Internet, lb.ARN, EdgeClient)
		}
	}
	for _, a := range s.RestAPIs {
		ref := apiRef{account: a.Account, region: a.Region, id: a.ID, stageARN: map[string]string{},
			executeDisabled: a.DisableExecuteAPIEndpoint}
		public := !a.DisableExecuteAPIEndpoint && !slices.ContainsFunc(a.EndpointTypes, func(t string) bool { return strings.EqualFold(t, "PRIVATE") })
		for _, st := range a.Stages {
			ref.stages = append(ref.stages, st.Name)
			ref.stageARN[st.Name] = st.ARN
			if public {
				b.edge(Internet, st.ARN, EdgeClient)
			}
		}
		b.addAPI(ref, ExecuteAPIHost(a.ID, a.Region))
	}
	for _, a := range s.V2APIs {
		ref := apiRef{account: a.Account, region: a.Region, id: a.ID, stageARN: map[string]string{},
			executeDisabled: a.DisableExecuteAPIEndpoint}
		for _, st := range a.Stages {
			ref.stages = append(ref.stages, st.Name)
			ref.stageARN[st.Name] = st.ARN
			if !a.DisableExecuteAPIEndpoint {
				b.edge(Internet, st.ARN, EdgeClient)
			}
		}
		host := ExecuteAPIHost(a.ID, a.Region)
		if h := uriHost(a.APIEndpoint); h != "" {
			host = h
		}
		b.addAPI(ref, host)
	}
	for _, d := range s.DomainNames {
		b.domains[Host(d.Name)] = append(b.domains[Host(d.Name)], d)
		for _, m := range d.Mappings {
			if api, ok := b.apis[d.Account+"/"+d.Region+"/"+m.APIID]; ok {
				if st := api.stageARN[m.Stage]; st != "" {
					b.edge(d.ARN, st, EdgeMapping)
				}
			}
		}
	}
	for _, l := range s.VPCLinks {
		b.links[l.Account+"/"+l.Region+"/"+l.ID] = l
	}

	for _, d := range s.Distributions {
		if !d.Enabled {
			continue
		}
		b.edge(Internet, d.ARN, EdgeClient)
		for _, o := range d.Origins {
			host, path := Host(o.DomainName), strings.Trim(o.OriginPath, "/")
			for _, lb := range b.lbByHost[host] {
				b.edge(d.ARN, lb, EdgeOrigin)
				g.Fronts[lb] = append(g.Fronts[lb], d.ARN)
			}
			for _, api := range b.apiByHost[host] {
				if api.executeDisabled {
					continue // a disabled execute-api endpoint answers nothing
				}
				for _, st := range selectedStages(api, path) {
					b.edge(d.ARN, st, EdgeOrigin)
					g.Fronts[st] = append(g.Fronts[st], d.ARN)
				}
			}
			for _, dn := range b.domains[host] {
				b.edge(d.ARN, dn.ARN, EdgeOrigin)
				for _, m := range selectedMappings(dn, path) {
					if api, ok := b.apis[dn.Account+"/"+dn.Region+"/"+m.APIID]; ok {
						if st := api.stageARN[m.Stage]; st != "" {
							g.Fronts[st] = append(g.Fronts[st], d.ARN)
						}
					}
				}
			}
		}
	}

	for _, a := range s.RestAPIs {
		stages := make([]string, len(a.Stages))
		for i, st := range a.Stages {
			stages[i] = st.ARN
		}
		for _, res := range a.Resources {
			for _, m := range res.Methods {
				in := m.Integration
				if in == nil {
					continue
				}
				targets := b.resolve(in.URI)
				if !strings.EqualFold(in.ConnectionType, "VPC_LINK") {
					b.integrate(g, stages, in.URI, targets)
					continue
				}
				b.record(g, in.URI, targets)
				for _, st := range a.Stages {
					// REST integrations often name their VPC link through a
					// stage variable, so each stage may reach another link.
					// A REST link goes to its target NLBs whatever the URI.
					link, ok := b.links[a.Account+"/"+a.Region+"/"+stageVariable(in.ConnectionID, st.Variables)]
					if !ok {
						continue
					}
					b.edge(st.ARN, link.ARN, EdgeIntegration)
					for _, t := range link.TargetARNs {
						b.edge(link.ARN, t, EdgeVPCLink)
					}
				}
			}
		}
	}
	for _, a := range s.V2APIs {
		stages := make([]string, len(a.Stages))
		for i, st := range a.Stages {
			stages[i] = st.ARN
		}
		for _, in := range a.Integrations {
			targets := b.resolve(in.URI)
			link, ok := b.links[a.Account+"/"+a.Region+"/"+in.ConnectionID]
			if !strings.EqualFold(in.ConnectionType, "VPC_LINK") || !ok || len(targets) == 0 {
				b.integrate(g, stages, in.URI, targets)
				continue
			}
			// An HTTP API's link reaches what the integration names (a
			// listener ARN), through the link.
			b.record(g, in.URI, targets)
			for _, st := range stages {
				b.edge(st, link.ARN, EdgeIntegration)
			}
			for _, t := range targets {
				b.edge(link.ARN, t, EdgeVPCLink)
			}
		}
	}
	for _, lb := range s.LoadBalancers {
		for _, l := range lb.Listeners {
			actions := slices.Clone(l.DefaultActions)
			for _, r := range l.Rules {
				actions = append(actions, r.Actions...)
			}
			for _, act := range actions {
				for _, tg := range act.TargetGroupARNs {
					b.edge(lb.ARN, tg, EdgeForward)
				}
			}
		}
	}
	for _, tg := range s.TargetGroups {
		for _, lbARN := range tg.LoadBalancerARNs {
			b.edge(lbARN, tg.ARN, EdgeForward)
		}
		for _, t := range tg.Targets {
			switch tg.TargetType {
			case "lambda":
				if fn := FunctionARN(t.ID); fn != "" {
					b.edge(tg.ARN, fn, EdgeTarget)
				}
			case "alb":
				b.edge(tg.ARN, t.ID, EdgeTarget)
			}
		}
	}

	for e := range b.edges {
		g.Edges = append(g.Edges, e)
	}
	slices.SortFunc(g.Edges, func(a, b GraphEdge) int {
		return cmp.Or(strings.Compare(a.From, b.From), strings.Compare(a.To, b.To), strings.Compare(a.Kind, b.Kind))
	})
	for k, v := range g.Fronts {
		g.Fronts[k] = slices.Compact(slices.Sorted(slices.Values(v)))
	}
	return g
}

func (b *graphBuilder) addAPI(ref apiRef, host string) {
	b.apis[ref.account+"/"+ref.region+"/"+ref.id] = ref
	b.apiByHost[host] = append(b.apiByHost[host], ref)
}

func (b *graphBuilder) edge(from, to, kind string) {
	if from == "" || to == "" || from == to {
		return
	}
	b.edges[GraphEdge{From: from, To: to, Kind: kind}] = true
}

// resolve returns what an integration URI names: a load balancer by
// listener ARN or host name, or a Lambda function.
func (b *graphBuilder) resolve(uri string) []string {
	if fn := FunctionARN(uri); fn != "" {
		return []string{fn}
	}
	if lb, ok := b.lbByListener[uri]; ok {
		return []string{lb}
	}
	return b.lbByHost[uriHost(uri)]
}

// integrate records an integration's targets for the rules and draws an
// edge from each stage of its API to each target.
func (b *graphBuilder) integrate(g *Graph, stages []string, uri string, targets []string) {
	b.record(g, uri, targets)
	for _, st := range stages {
		for _, t := range targets {
			b.edge(st, t, EdgeIntegration)
		}
	}
}

// record notes what an integration URI resolves to, for the rules.
func (b *graphBuilder) record(g *Graph, uri string, targets []string) {
	if len(targets) > 0 {
		g.Targets[uri] = slices.Compact(slices.Sorted(slices.Values(append(g.Targets[uri], targets...))))
	}
}

// selectedStages returns the stage ARNs an execute-api origin reaches with
// an origin path: CloudFront puts the path in front of every viewer path,
// so its first segment names the stage; without a path the viewer may name
// any stage. An HTTP API's $default stage takes a path that names no other
// stage.
func selectedStages(api apiRef, path string) []string {
	if path == "" {
		out := make([]string, 0, len(api.stages))
		for _, name := range api.stages {
			out = append(out, api.stageARN[name])
		}
		return out
	}
	first, _, _ := strings.Cut(path, "/")
	if st, ok := api.stageARN[first]; ok {
		return []string{st}
	}
	if st, ok := api.stageARN["$default"]; ok {
		return []string{st}
	}
	return nil
}

// selectedMappings returns the base path mappings of a custom domain an
// origin path reaches: every mapping without a path; with one, the
// mappings whose base path prefixes it, else the root mapping.
func selectedMappings(dn DomainName, path string) []DomainMapping {
	if path == "" {
		return dn.Mappings
	}
	var prefixed, root []DomainMapping
	for _, m := range dn.Mappings {
		bp := strings.Trim(m.BasePath, "/")
		switch {
		case bp == "" || bp == "(none)":
			root = append(root, m)
		case path == bp || strings.HasPrefix(path, bp+"/"):
			prefixed = append(prefixed, m)
		}
	}
	if len(prefixed) > 0 {
		return prefixed
	}
	return root
}

// stageVariable expands a "${stageVariables.name}" reference, the usual
// way one REST API points its stages at different VPC links.
func stageVariable(s string, vars map[string]string) string {
	if name, ok := strings.CutPrefix(s, "${stageVariables."); ok {
		return vars[strings.TrimSuffix(name, "}")]
	}
	return s
}

// GraphDatasets names, for each field of the graph the rules read, the
// datasets it is derived from: a rule that reads the field needs them read
// completely, as if it had read them itself.
var GraphDatasets = map[string][]string{
	"fronts": {"cloudfront_distributions", "domain_mappings", "domain_names", "load_balancers",
		"rest_apis", "rest_stages", "v2_apis", "v2_stages"},
	"targets": {"listeners", "load_balancers", "rest_apis", "rest_resources", "v2_apis", "v2_integrations"},
	"edges": {"cloudfront_distributions", "domain_mappings", "domain_names", "listener_rules", "listeners",
		"load_balancers", "rest_apis", "rest_resources", "rest_stages", "target_groups", "target_health",
		"v2_apis", "v2_integrations", "v2_stages", "vpc_links"},
}

// GraphLookups narrows GraphDatasets for a rule that looks up one entry of
// a field by a key it read from a dataset (the fronts of a load balancer
// by its ARN, the targets of an integration by its URI) instead of reading
// the whole field: by field and by the dataset of the key, the datasets
// that entry is derived from. TestGraphLookups holds the graph to it.
var GraphLookups = map[string]map[string][]string{
	"fronts": {
		"load_balancers": {"cloudfront_distributions", "load_balancers"},
		"rest_stages":    {"cloudfront_distributions", "domain_mappings", "domain_names", "rest_apis", "rest_stages"},
		"v2_stages":      {"cloudfront_distributions", "domain_mappings", "domain_names", "v2_apis", "v2_stages"},
	},
	// A URI resolves the same way whichever API holds it.
	"targets": {
		"rest_resources":  {"listeners", "load_balancers"},
		"v2_integrations": {"listeners", "load_balancers"},
	},
}
