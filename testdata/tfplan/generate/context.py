import json, sys, copy
import os
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from gen import *

demo = json.load(open(os.path.join(HERE, "../../demo/snapshot.json")))
# The live context: the demo account, with a web ACL associated with the
# legacy admin ALB outside the Terraform root under review.
live = copy.deepcopy(demo)
admin = [l for l in live["load_balancers"] if l["name"] == "legacy-admin-alb"][0]
live["web_acls"].append({
    "arn": "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/backoffice-acl/5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a",
    "account": "123456789012", "region": "eu-west-1", "id": "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a",
    "name": "backoffice-acl", "scope": "REGIONAL", "default_action": "ALLOW",
    "rules": [{"name": "aws-common", "priority": 0, "action": "NONE", "statement_type": "managed_rule_group",
               "managed_rule_group": "AWS/AWSManagedRulesCommonRuleSet"}],
    "associated_resources": [admin["arn"]], "tags": {"owner": "backoffice-team"}})
json.dump(live, open(os.path.join(HERE, "../context/live.json"), "w"), indent=1)

p = Plan()
before = {"name": "legacy-admin-alb", "internal": False, "load_balancer_type": "application",
          "arn": admin["arn"], "id": admin["arn"], "arn_suffix": "app/legacy-admin-alb/3e9f1a7b5c2d8064",
          "dns_name": admin["dns_name"], "zone_id": "Z32O12XQLNTSW2", "vpc_id": admin["vpc_id"],
          "security_groups": admin["security_groups"], "subnets": ["subnet-0a1", "subnet-0b2"],
          "drop_invalid_header_fields": False, "enable_deletion_protection": False, "desync_mitigation_mode": "monitor",
          "idle_timeout": 60, "enable_http2": True, "ip_address_type": "ipv4",
          "access_logs": [{"bucket": "", "enabled": False, "prefix": ""}],
          "tags": {"owner": "backoffice-team", "team": "backoffice"},
          "tags_all": {"owner": "backoffice-team", "team": "backoffice"}}
after = dict(before); after["idle_timeout"] = 120
p.add("", "aws_lb", "admin", after, actions=("update",), before=before, tags_all=False)
p.addcfg("", "aws_lb", "admin", {"name": const("legacy-admin-alb"), "internal": const(False), "idle_timeout": const(120),
    "security_groups": const(admin["security_groups"]), "subnets": const(["subnet-0a1", "subnet-0b2"])})

LISTENER = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/legacy-admin-alb/3e9f1a7b5c2d8064/b5e1c7a93f2d8046"
TG = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/admin-console-tg/6a2c8e4f0b1d9357"
p.add("", "aws_lb_listener_rule", "admin_exports", {"listener_arn": LISTENER, "priority": 20,
    "action": [{"type": "forward", "target_group_arn": TG, "authenticate_cognito": [], "authenticate_oidc": [],
                "fixed_response": [], "redirect": [], "forward": []}],
    "condition": [{"path_pattern": [{"values": ["/exports/*"]}], "host_header": [], "http_header": [],
                   "http_request_method": [], "query_string": [], "source_ip": []}],
    "tags": {"owner": "backoffice-team"}}, unknown=["arn", "id"])
p.addcfg("", "aws_lb_listener_rule", "admin_exports", {"listener_arn": const(LISTENER), "priority": const(20),
    "action": [{"type": const("forward"), "target_group_arn": const(TG)}], "tags": const({"owner": "backoffice-team"})})

p.add("", "aws_lb", "partners", {"name": "partners-public", "internal": False, "load_balancer_type": "application",
    "security_groups": ["sg-0c3f5a9e2b7d41a86"], "subnets": ["subnet-0a1", "subnet-0b2"],
    "drop_invalid_header_fields": False, "enable_deletion_protection": False, "desync_mitigation_mode": "defensive",
    "idle_timeout": 60, "enable_http2": True, "ip_address_type": "ipv4", "access_logs": [],
    "tags": {"owner": "partner-team", "team": "partners"}},
    unknown=["arn", "arn_suffix", "dns_name", "id", "vpc_id", "zone_id", "subnet_mapping"])
p.addcfg("", "aws_lb", "partners", {"name": const("partners-public"), "internal": const(False),
    "security_groups": const(["sg-0c3f5a9e2b7d41a86"]), "subnets": const(["subnet-0a1", "subnet-0b2"])})

# The ops dashboard ALB leaves: its block was removed from the root.
ops = [l for l in live["load_balancers"] if l["name"] == "ops-dashboard-alb"][0]
ops_before = {"name": ops["name"], "internal": False, "load_balancer_type": "application", "arn": ops["arn"], "id": ops["arn"],
              "dns_name": ops["dns_name"], "security_groups": ops["security_groups"], "tags": ops["tags"], "tags_all": ops["tags"]}
p.changes.append({"address": "aws_lb.ops", "mode": "managed", "type": "aws_lb", "name": "ops", "provider_name": PROV,
    "change": {"actions": ["delete"], "before": ops_before, "after": None, "after_unknown": {},
               "before_sensitive": {}, "after_sensitive": False},
    "action_reason": "delete_because_no_resource_config"})

plan = p.render({})
# An update's prior state holds the resource as it is.
plan["prior_state"]["values"]["root_module"]["resources"] = [{"address": "aws_lb.admin", "mode": "managed", "type": "aws_lb",
    "name": "admin", "provider_name": PROV, "schema_version": 0, "values": before, "sensitive_values": {}},
    {"address": "aws_lb.ops", "mode": "managed", "type": "aws_lb", "name": "ops", "provider_name": PROV,
     "schema_version": 0, "values": ops_before, "sensitive_values": {}}]
json.dump(plan, sys.stdout, indent=1)
