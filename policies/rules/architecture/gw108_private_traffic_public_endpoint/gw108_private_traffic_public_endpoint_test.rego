package gatewatch.rules.gw108_private_traffic_public_endpoint_test

import data.gatewatch.rules.gw108_private_traffic_public_endpoint as rule
import rego.v1

api(types, policy) := {
	"arn": "arn:aws:apigateway:eu-west-1::/restapis/a1", "account": "111122223333", "region": "eu-west-1", "id": "a1",
	"name": "ledger", "endpoint_types": types, "policy": policy,
}

allow_from_vpce := {"Version": "2012-10-17", "Statement": [{
	"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*",
	"Condition": {"StringEquals": {"aws:SourceVpce": "vpce-0abc"}},
}]}

deny_outside_vpc := {"Version": "2012-10-17", "Statement": [
	{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"},
	{"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*", "Condition": {"StringNotEquals": {"aws:SourceVpc": "vpc-1"}}},
]}

test_fires_on_regional_api_allowing_only_vpce if {
	results := rule.deny with input as {"rest_apis": [api(["REGIONAL"], allow_from_vpce)]}
	results == {
		{
			"evidence": {
				"endpoint_types": [
					"REGIONAL",
				],
				"vpc_conditions": {
					"StringEquals aws:SourceVpce": "vpce-0abc",
				},
			},
			"message": "REST API ledger admits requests only from VPCs or VPC endpoints but is a public REGIONAL endpoint, not PRIVATE",
			"resource": "arn:aws:apigateway:eu-west-1::/restapis/a1",
		},
	}
	some r in results
	r.evidence.vpc_conditions == {"StringEquals aws:SourceVpce": "vpce-0abc"}
}

test_fires_on_deny_unless_source_vpc if {
	results := rule.deny with input as {"rest_apis": [api(["EDGE"], deny_outside_vpc)]}
	some r in results
	r.evidence.vpc_conditions == {"StringNotEquals aws:SourceVpc": "vpc-1"}
}

test_quiet_on_private_endpoint if {
	results := rule.deny with input as {"rest_apis": [api(["PRIVATE"], allow_from_vpce)]}
	count(results) == 0
}

test_quiet_when_one_allow_is_unconditioned if {
	p := json.patch(allow_from_vpce, [{"op": "add", "path": "/Statement/-", "value": {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*/GET/health"}}])
	results := rule.deny with input as {"rest_apis": [api(["REGIONAL"], p)]}
	count(results) == 0
}

test_quiet_on_ip_restricted_policy if {
	p := json.patch(allow_from_vpce, [{"op": "replace", "path": "/Statement/0/Condition", "value": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}])
	results := rule.deny with input as {"rest_apis": [api(["REGIONAL"], p)]}
	count(results) == 0
}

# IAM evaluates StringEqualsIfExists on a missing key as true: a request
# from the internet carries no aws:SourceVpce and is admitted.
test_quiet_on_allow_conditioned_if_exists if {
	p := json.patch(allow_from_vpce, [{"op": "replace", "path": "/Statement/0/Condition", "value": {"StringEqualsIfExists": {"aws:SourceVpce": "vpce-0abc"}}}])
	results := rule.deny with input as {"rest_apis": [api(["REGIONAL"], p)]}
	count(results) == 0
}

# A negated ...IfExists Deny still refuses a request without the key.
test_fires_on_deny_not_equals_if_exists if {
	p := json.patch(deny_outside_vpc, [{"op": "replace", "path": "/Statement/1/Condition", "value": {"StringNotEqualsIfExists": {"aws:SourceVpce": "vpce-0abc"}}}])
	results := rule.deny with input as {"rest_apis": [api(["REGIONAL"], p)]}
	{r.evidence.vpc_conditions | some r in results} == {{"StringNotEqualsIfExists aws:SourceVpce": "vpce-0abc"}}
}

# A Deny on /admin alone leaves every other path open to the internet.
test_quiet_when_the_deny_covers_some_paths if {
	p := json.patch(deny_outside_vpc, [{"op": "replace", "path": "/Statement/1/Resource", "value": "execute-api:/*/POST/admin/*"}])
	results := rule.deny with input as {"rest_apis": [api(["REGIONAL"], p)]}
	count(results) == 0
}

test_quiet_when_the_deny_names_one_principal if {
	p := json.patch(deny_outside_vpc, [{"op": "replace", "path": "/Statement/1/Principal", "value": {"AWS": "arn:aws:iam::111122223333:role/ci"}}])
	results := rule.deny with input as {"rest_apis": [api(["REGIONAL"], p)]}
	count(results) == 0
}

test_fires_on_deny_over_the_api_arn if {
	p := json.patch(deny_outside_vpc, [
		{"op": "replace", "path": "/Statement/1/Resource", "value": ["arn:aws:execute-api:eu-west-1:111122223333:a1/*/*/*"]},
		{"op": "replace", "path": "/Statement/1/Action", "value": ["execute-api:*"]},
		{"op": "replace", "path": "/Statement/1/Principal", "value": {"AWS": "*"}},
	])
	results := rule.deny with input as {"rest_apis": [api(["REGIONAL"], p)]}
	count(results) == 1
}

alb(scheme) := {
	"account": "111122223333", "region": "eu-west-1", "arn": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/orders/1", "name": "orders", "type": "application",
	"scheme": scheme, "dns_name": "orders-1.eu-west-1.elb.amazonaws.com", "security_groups": ["sg-1", "sg-2"], "listeners": [],
}

sgs(extra_cidr) := [
	{"account": "111122223333", "region": "eu-west-1", "id": "sg-1", "ingress": [{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidrs": ["10.0.0.0/16", extra_cidr], "ipv6_cidrs": ["fd00::/8"]}]},
	{"account": "111122223333", "region": "eu-west-1", "id": "sg-2", "ingress": [{"protocol": "tcp", "from_port": 443, "to_port": 443, "source_group_ids": ["sg-app"]}]},
]

test_fires_on_internet_facing_alb_with_private_sources_only if {
	results := rule.deny with input as {"load_balancers": [alb("internet-facing")], "security_groups": sgs("192.168.4.0/24"), "cloudfront_distributions": []}
	some r in results
	r.evidence.sources == ["10.0.0.0/16", "192.168.4.0/24", "fd00::/8", "sg-app"]
}

test_quiet_when_a_public_range_is_admitted if {
	results := rule.deny with input as {"load_balancers": [alb("internet-facing")], "security_groups": sgs("0.0.0.0/0"), "cloudfront_distributions": []}
	count(results) == 0
}

test_quiet_when_a_prefix_list_is_admitted if {
	with_pl := json.patch(sgs("10.1.0.0/16"), [{"op": "add", "path": "/1/ingress/0/prefix_list_ids", "value": ["pl-cloudfront"]}])
	results := rule.deny with input as {"load_balancers": [alb("internet-facing")], "security_groups": with_pl, "cloudfront_distributions": []}
	count(results) == 0
}

test_quiet_on_internal_alb if {
	results := rule.deny with input as {"load_balancers": [alb("internal")], "security_groups": sgs("192.168.4.0/24"), "cloudfront_distributions": []}
	count(results) == 0
}

test_quiet_when_security_group_not_collected if {
	results := rule.deny with input as {"load_balancers": [alb("internet-facing")], "security_groups": [sgs("10.1.0.0/16")[0]], "cloudfront_distributions": []}
	count(results) == 0
}

test_quiet_when_cloudfront_origin if {
	dist := {"arn": "arn:aws:cloudfront::111122223333:distribution/E1", "id": "E1", "enabled": true, "origins": [{"id": "o", "domain_name": "orders-1.eu-west-1.elb.amazonaws.com"}]}
	results := rule.deny with input as {"load_balancers": [alb("internet-facing")], "security_groups": sgs("10.1.0.0/16"), "cloudfront_distributions": [dist]}
	count(results) == 0
}

# The ALB answers on its listener port 443 alone: SSH open to the world
# does not make it reachable, and is not among the sources that matter.
listening_alb := object.union(alb("internet-facing"), {"listeners": [{"arn": "l1", "protocol": "HTTPS", "port": 443}]})

ssh_open := [{"account": "111122223333", "region": "eu-west-1", "id": "sg-1", "ingress": [
	{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidrs": ["10.0.0.0/8"]},
	{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidrs": ["0.0.0.0/0"]},
]}]

test_fires_when_only_another_port_is_public if {
	lb := object.union(listening_alb, {"security_groups": ["sg-1"]})
	results := rule.deny with input as {"load_balancers": [lb], "security_groups": ssh_open, "cloudfront_distributions": []}
	{r.evidence.sources | some r in results} == {["10.0.0.0/8"]}
}

test_quiet_when_an_all_traffic_rule_is_public if {
	lb := object.union(listening_alb, {"security_groups": ["sg-1"]})
	sgs := json.patch(ssh_open, [{"op": "replace", "path": "/0/ingress/1", "value": {"protocol": "-1", "from_port": -1, "to_port": -1, "cidrs": ["0.0.0.0/0"]}}])
	results := rule.deny with input as {"load_balancers": [lb], "security_groups": sgs, "cloudfront_distributions": []}
	count(results) == 0
}
