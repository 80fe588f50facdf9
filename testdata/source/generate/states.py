"""Writes the Terraform states of the fixture repository from the demo
account (testdata/demo/snapshot.json), so that their ARNs are those of the
world the fake AWS endpoint serves:

  infra/edge/state.json        `terraform show -json` of infra/edge
  infra/apis/terraform.tfstate the raw state (version 4) of infra/apis

Attributes are trimmed to a realistic few; the REST API and its stage are
recorded without their arn attribute, so that their id, rest_api_id and
stage_name must do. Run from the repository root:

  python3 testdata/source/generate/states.py
"""
import json
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
demo = json.load(open(os.path.join(ROOT, "..", "demo", "snapshot.json")))
lbs = {lb["name"]: lb for lb in demo["load_balancers"]}
tgs = {tg["name"]: tg for tg in demo["target_groups"]}
PROVIDER = "registry.terraform.io/hashicorp/aws"


def listener(lb, port):
    return next(l for l in lbs[lb]["listeners"] if l["port"] == port)


def rule(lb, port, priority):
    return next(r for r in listener(lb, port)["rules"] if r["priority"] == str(priority))


def lb_values(lb):
    b = lbs[lb]
    return {"arn": b["arn"], "id": b["arn"], "name": b["name"], "dns_name": b["dns_name"],
            "internal": b["scheme"] == "internal", "load_balancer_type": b["type"],
            "security_groups": b["security_groups"], "tags": {k: v for k, v in b["tags"].items()}}


def show(address, typ, name, values, index=None, mode="managed"):
    r = {"address": address, "mode": mode, "type": typ, "name": name, "provider_name": PROVIDER,
         "schema_version": 0, "values": values, "sensitive_values": {}}
    if index is not None:
        r["index"] = index
    return r


def module_alb(key, site, https_rules, ws, http):
    prefix = 'module.alb["%s"]' % key
    res = [show(prefix + ".aws_lb.this", "aws_lb", "this", lb_values(site))]
    https = listener(site, 443)
    res.append(show(prefix + ".aws_lb_listener.https", "aws_lb_listener", "https",
                    {"arn": https["arn"], "id": https["arn"], "port": 443, "protocol": "HTTPS",
                     "load_balancer_arn": lbs[site]["arn"]}))
    if http:
        l = listener(site, 80)
        res.append(show(prefix + ".aws_lb_listener.http[0]", "aws_lb_listener", "http",
                        {"arn": l["arn"], "id": l["arn"], "port": 80, "protocol": "HTTP",
                         "load_balancer_arn": lbs[site]["arn"]}, index=0))
    for route, prio in https_rules.items():
        r = rule(site, 443, prio)
        res.append(show('%s.aws_lb_listener_rule.route["%s"]' % (prefix, route), "aws_lb_listener_rule", "route",
                        {"arn": r["arn"], "id": r["arn"], "priority": prio, "listener_arn": https["arn"]}, index=route))
    for name in ws:
        tg = tgs[name + "-ws-tg"]
        res.append(show('%s.aws_lb_target_group.ws["%s"]' % (prefix, name), "aws_lb_target_group", "ws",
                        {"arn": tg["arn"], "id": tg["arn"], "name": tg["name"], "port": tg["port"],
                         "arn_suffix": tg["arn"].split(":")[-1]}, index=name))
    return {"address": 'module.alb["%s"]' % key, "resources": res}


legacy = lbs["legacy-admin-alb"]
http = listener("legacy-admin-alb", 80)
internal = lbs["internal-services-alb"]
edge = {
    "format_version": "1.0",
    "terraform_version": "1.9.8",
    "values": {
        "root_module": {
            "resources": [
                # A data source names a live ALB it does not define.
                show("data.aws_lb.internal", "aws_lb", "internal",
                     {"arn": internal["arn"], "id": internal["arn"], "name": internal["name"]}, mode="data"),
                show("aws_lb.legacy[0]", "aws_lb", "legacy", lb_values("legacy-admin-alb"), index=0),
                show('aws_lb_listener.legacy["http"]', "aws_lb_listener", "legacy",
                     {"arn": http["arn"], "id": http["arn"], "port": 80, "protocol": "HTTP",
                      "load_balancer_arn": legacy["arn"]}, index="http"),
            ],
            "child_modules": [
                module_alb("ops", "ops-dashboard-alb", {}, [], False),
                module_alb("web", "web-public-alb",
                           {"orders": 10, "catalog": 20, "promo": 30, "thumbnails": 40, "live-prices": 50, "notifications": 60},
                           ["live-prices", "notifications"], True),
            ],
        }
    },
}
with open(os.path.join(ROOT, "infra", "edge", "state.json"), "w") as f:
    json.dump(edge, f, indent=2)
    f.write("\n")

api = next(a for a in demo["rest_apis"] if a["name"] == "internal-proxy-api")
link = next(l for l in demo["vpc_links"] if l["name"] == "internal-proxy-link")


def raw(typ, name, instances):
    return {"mode": "managed", "type": typ, "name": name, "provider": 'provider["%s"]' % PROVIDER, "instances": instances}


apis = {
    "version": 4,
    "terraform_version": "1.9.8",
    "serial": 42,
    "lineage": "0c6e3f4a-2b1d-4e5f-9a8b-7c6d5e4f3a2b",
    "outputs": {},
    "resources": [
        raw("aws_api_gateway_rest_api", "proxy", [{"schema_version": 0, "attributes": {
            "id": api["id"], "name": api["name"], "root_resource_id": "r00t1d",
            "execution_arn": "arn:aws:execute-api:eu-west-1:123456789012:" + api["id"]},
            "sensitive_attributes": [], "private": "bnVsbA=="}]),
        raw("aws_api_gateway_stage", "proxy", [{"index_key": "prod", "schema_version": 0, "attributes": {
            "id": "ags-%s-prod" % api["id"], "rest_api_id": api["id"], "stage_name": "prod",
            "deployment_id": api["stages"][0]["deployment_id"]},
            "sensitive_attributes": [], "private": "bnVsbA=="}]),
        raw("aws_api_gateway_vpc_link", "proxy", [{"schema_version": 0, "attributes": {
            "arn": link["arn"], "id": link["id"], "name": link["name"], "target_arns": link["target_arns"]},
            "sensitive_attributes": [], "private": "bnVsbA=="}]),
    ],
    "check_results": None,
}
with open(os.path.join(ROOT, "infra", "apis", "terraform.tfstate"), "w") as f:
    json.dump(apis, f, indent=2)
    f.write("\n")
