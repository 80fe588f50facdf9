# Writes the plan fixtures in the format of `terraform show -json PLANFILE`
# (format_version 1.2; field names checked against hashicorp/terraform-json
# v0.29 and its testdata). No terraform binary was at hand: the plans are
# written from these descriptions so the three sections of a plan
# (planned_values, resource_changes, configuration) agree. Run:
#   python3 pr.py > ../pr/plan.json; python3 context.py > ../context/plan.json
import json, sys, copy

PROV = "registry.terraform.io/hashicorp/aws"
ACCOUNT = "123456789012"

def ref(*r): return {"references": list(r)}
def const(v): return {"constant_value": v}

class Plan:
    def __init__(self):
        self.changes = []      # resource_changes
        self.planned = {}      # module addr -> [resources]
        self.cfg = {"": {"resources": [], "module_calls": {}, "variables": {}, "outputs": {}}}
        self.prior = {}        # module addr -> [resources] (prior state)
    def cfgmod(self, path):
        return self.cfg[path]
    def addcfg(self, path, typ, name, exprs, count=None, for_each=None, mode="managed"):
        m = self.cfg[path]
        addr = ("data." if mode=="data" else "") + typ + "." + name
        r = {"address": addr, "mode": mode, "type": typ, "name": name,
             "provider_config_key": (path.replace("module.","") + ":aws") if path else "aws",
             "expressions": exprs, "schema_version": 0}
        if count is not None: r["count_expression"] = count
        if for_each is not None: r["for_each_expression"] = for_each
        m["resources"].append(r)
    def add(self, module, typ, name, after, unknown=(), index=None, actions=("create",), before=None, tags_all=True, nested_unknown=None):
        addr = (module + "." if module else "") + typ + "." + name
        if index is not None:
            addr += "[%s]" % (json.dumps(index) if isinstance(index, str) else index)
        after = dict(after)
        if tags_all and "tags" in after:
            after["tags_all"] = dict(after["tags"] or {})
        au = {k: True for k in unknown}
        for k in unknown: after.pop(k, None)
        if nested_unknown: au.update(nested_unknown)
        pv = {"address": addr, "mode": "managed", "type": typ, "name": name, "provider_name": PROV,
              "schema_version": 0, "values": after, "sensitive_values": {}}
        if index is not None: pv["index"] = index
        self.planned.setdefault(module, []).append(pv)
        rc = {"address": addr, "mode": "managed", "type": typ, "name": name, "provider_name": PROV,
              "change": {"actions": list(actions), "before": before, "after": after, "after_unknown": au,
                         "before_sensitive": False if before is None else {}, "after_sensitive": {}}}
        if module: rc["module_address"] = module
        if index is not None: rc["index"] = index
        self.changes.append(rc)
        return addr
    def render(self, variables):
        def modtree(addr):
            return {"resources": self.planned.get(addr, []), "address": addr}
        root = {"resources": self.planned.get("", [])}
        kids = [modtree(a) for a in sorted(self.planned) if a]
        if kids: root["child_modules"] = kids
        def cfgtree(path):
            m = self.cfg[path]
            out = {k: v for k, v in m.items() if v and k != "module_calls"}
            calls = {}
            for name, call in m["module_calls"].items():
                c = dict(call); c["module"] = cfgtree(call["_path"]); del c["_path"]
                calls[name] = c
            if calls: out["module_calls"] = calls
            return out
        prior_root = {"resources": self.prior.get("", [])}
        plan = {
            "format_version": "1.2",
            "terraform_version": "1.9.8",
            "variables": {k: {"value": v} for k, v in variables.items()},
            "planned_values": {"root_module": root},
            "resource_changes": self.changes,
            "prior_state": {"format_version": "1.0", "terraform_version": "1.9.8",
                            "values": {"root_module": prior_root}},
            "configuration": {"provider_config": {"aws": {"name": "aws", "full_name": PROV,
                              "expressions": {"region": const("eu-west-1")}}},
                              "root_module": cfgtree("")},
            "timestamp": "2026-12-01T09:00:00Z",
            "applyable": True, "complete": True, "errored": False,
        }
        return plan
    def call(self, parent, name, source, exprs, for_each=None, count=None):
        path = (parent + "." if parent else "") + "module." + name
        self.cfg[path] = {"resources": [], "module_calls": {}, "variables": {}, "outputs": {}}
        c = {"source": source, "expressions": exprs, "_path": path}
        if for_each is not None: c["for_each_expression"] = for_each
        if count is not None: c["count_expression"] = count
        self.cfg[parent]["module_calls"][name] = c
        return path
