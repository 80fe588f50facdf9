package snapshot

// Resource types, named as CloudFormation names them so that reports and
// Security Hub findings use vocabulary AWS users already know.
const (
	TypeRestAPI       = "AWS::ApiGateway::RestApi"
	TypeRestStage     = "AWS::ApiGateway::Stage"
	TypeUsagePlan     = "AWS::ApiGateway::UsagePlan"
	TypeVPCLink       = "AWS::ApiGateway::VpcLink"
	TypeDomainName    = "AWS::ApiGateway::DomainName"
	TypeV2API         = "AWS::ApiGatewayV2::Api"
	TypeV2Stage       = "AWS::ApiGatewayV2::Stage"
	TypeLoadBalancer  = "AWS::ElasticLoadBalancingV2::LoadBalancer"
	TypeListener      = "AWS::ElasticLoadBalancingV2::Listener"
	TypeListenerRule  = "AWS::ElasticLoadBalancingV2::ListenerRule"
	TypeTargetGroup   = "AWS::ElasticLoadBalancingV2::TargetGroup"
	TypeSecurityGroup = "AWS::EC2::SecurityGroup"
	TypeWebACL        = "AWS::WAFv2::WebACL"
	TypeLambda        = "AWS::Lambda::Function"
	TypeDistribution  = "AWS::CloudFront::Distribution"
	TypeShield        = "AWS::Shield::Protection"
	TypeAlarm         = "AWS::CloudWatch::Alarm"
)

// listings maps each resource type to the dataset that lists it: where
// that listing failed, resources of the type may exist unseen.
var listings = map[string]string{
	TypeRestAPI: "rest_apis", TypeRestStage: "rest_stages", TypeUsagePlan: "usage_plans", TypeVPCLink: "vpc_links",
	TypeDomainName: "domain_names", TypeV2API: "v2_apis", TypeV2Stage: "v2_stages", TypeLoadBalancer: "load_balancers",
	TypeListener: "listeners", TypeListenerRule: "listener_rules", TypeTargetGroup: "target_groups",
	TypeSecurityGroup: "security_groups", TypeWebACL: "web_acls", TypeLambda: "lambda_functions",
	TypeDistribution: "cloudfront_distributions", TypeShield: "shield_protections", TypeAlarm: "alarms",
}

// ListingOf returns the dataset that lists resources of typ ("" for a type
// gatewatch does not collect).
func ListingOf(typ string) string { return listings[typ] }

// TypeIsGlobal reports whether resources of typ are recorded under
// GlobalRegion (CloudFront distributions, Shield protections).
func TypeIsGlobal(typ string) bool { return typ == TypeDistribution || typ == TypeShield }

// Resource identifies one resource of the snapshot, nested ones included.
type Resource struct {
	ARN     string
	Type    string
	Account string
	Region  string
	Name    string
	// Tags are the resource's own tag set first, then its parents' (the
	// API's for a stage; the listener's and load balancer's for a rule),
	// for tags such as waivers that owners put on the whole entry point.
	Tags []Tags
}

// Resources lists every resource with an ARN, nested stages, listeners and
// listener rules included, in snapshot order.
func (s *Snapshot) Resources() []Resource {
	var out []Resource
	add := func(arn, typ, account, region, name string, tags ...Tags) {
		out = append(out, Resource{ARN: arn, Type: typ, Account: account, Region: region, Name: name, Tags: tags})
	}
	for _, a := range s.RestAPIs {
		add(a.ARN, TypeRestAPI, a.Account, a.Region, a.Name, a.Tags)
		for _, st := range a.Stages {
			add(st.ARN, TypeRestStage, a.Account, a.Region, a.Name+"/"+st.Name, st.Tags, a.Tags)
		}
	}
	for _, a := range s.V2APIs {
		add(a.ARN, TypeV2API, a.Account, a.Region, a.Name, a.Tags)
		for _, st := range a.Stages {
			add(st.ARN, TypeV2Stage, a.Account, a.Region, a.Name+"/"+st.Name, st.Tags, a.Tags)
		}
	}
	for _, p := range s.UsagePlans {
		add(p.ARN, TypeUsagePlan, p.Account, p.Region, p.Name, p.Tags)
	}
	for _, l := range s.VPCLinks {
		add(l.ARN, TypeVPCLink, l.Account, l.Region, l.Name, l.Tags)
	}
	for _, d := range s.DomainNames {
		add(d.ARN, TypeDomainName, d.Account, d.Region, d.Name, d.Tags)
	}
	for _, lb := range s.LoadBalancers {
		add(lb.ARN, TypeLoadBalancer, lb.Account, lb.Region, lb.Name, lb.Tags)
		for _, l := range lb.Listeners {
			add(l.ARN, TypeListener, lb.Account, lb.Region, lb.Name+":"+l.Protocol, l.Tags, lb.Tags)
			for _, r := range l.Rules {
				add(r.ARN, TypeListenerRule, lb.Account, lb.Region, lb.Name+" rule "+r.Priority, r.Tags, l.Tags, lb.Tags)
			}
		}
	}
	for _, tg := range s.TargetGroups {
		add(tg.ARN, TypeTargetGroup, tg.Account, tg.Region, tg.Name, tg.Tags)
	}
	for _, sg := range s.SecurityGroups {
		add(sg.ARN, TypeSecurityGroup, sg.Account, sg.Region, sg.Name)
	}
	for _, w := range s.WebACLs {
		add(w.ARN, TypeWebACL, w.Account, w.Region, w.Name, w.Tags)
	}
	for _, f := range s.LambdaFunctions {
		add(f.ARN, TypeLambda, f.Account, f.Region, f.Name, f.Tags)
	}
	for _, d := range s.Distributions {
		// CloudFront is global; its control plane lives in us-east-1.
		add(d.ARN, TypeDistribution, d.Account, GlobalRegion, d.ID, d.Tags)
	}
	for _, p := range s.ShieldProtections {
		add(p.ARN, TypeShield, p.Account, GlobalRegion, p.Name)
	}
	for _, a := range s.Alarms {
		add(a.ARN, TypeAlarm, a.Account, a.Region, a.Name)
	}
	return out
}

// Index maps every ARN in the snapshot to its resource.
func (s *Snapshot) Index() map[string]Resource {
	all := s.Resources()
	idx := make(map[string]Resource, len(all))
	for _, r := range all {
		idx[r.ARN] = r
	}
	return idx
}
