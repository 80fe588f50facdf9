// Package tfplan converts a Terraform plan (the output of `terraform show
// -json PLANFILE`) into a snapshot, so the rules that audit live accounts
// lint planned infrastructure unchanged.
//
// A plan is not an inventory: identifiers of resources it creates are
// "known after apply", and it says nothing about what lives outside it.
// The converter therefore (1) gives every planned resource a stable
// placeholder identifier derived from its Terraform address, (2) follows
// the references of the plan's configuration to join resources whose
// identifiers are unknown (a listener to its load balancer, an association
// to its web ACL), and (3) records coverage honestly: what the plan shows
// is complete, what it cannot show is not collected, never a guess.
package tfplan

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/internal/inputfile"
)

// Load reads and checks a JSON plan. Errors are one line naming the file.
func Load(path string) (*tfjson.Plan, error) {
	data, _, err := inputfile.Read(path, inputfile.MaxJSON, true)
	if err != nil {
		return nil, fmt.Errorf("terraform plan: %w", err)
	}
	return Parse(data, path)
}

// Parse decodes and checks a JSON plan; name is used in errors.
func Parse(data []byte, name string) (*tfjson.Plan, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("terraform plan %s: "+format, append([]any{name}, args...)...)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, fail("not a JSON object: want the output of `terraform show -json PLANFILE`")
	}
	var plan tfjson.Plan
	if err := json.Unmarshal(trimmed, &plan); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fail("invalid JSON at byte %d: %v", se.Offset, err)
		}
		return nil, fail("%v", err)
	}
	if err := plan.Validate(); err != nil {
		return nil, fail("%v (want the output of `terraform show -json PLANFILE`)", err)
	}
	if plan.PlannedValues == nil && plan.ResourceChanges == nil {
		// `terraform show -json` of a state has values, not planned_values.
		return nil, fail("no planned_values or resource_changes: this is a state, not a plan")
	}
	return &plan, nil
}

// Options configures a conversion.
type Options struct {
	// Account is the AWS account the plan applies to. Empty means: the
	// account of the ARNs the plan already knows, else of the context
	// snapshot, else 000000000000.
	Account string
	// Region is the region of resources whose provider names none.
	Region string
	// Context is a live snapshot the plan changes: planned resources
	// replace the live ones they update and join the rest, and the live
	// coverage stands for what the plan does not carry.
	Context *snapshot.Snapshot
	// Now stamps the snapshot; tests pin it.
	Now func() time.Time
	// Version is the gatewatch version written in the snapshot's tool.
	Version string
	// Warn, when set, hears about planned resources that cannot be judged
	// (a listener rule whose listener is neither planned nor live).
	Warn func(msg string)
}

// placeholderAccount stands for an account no ARN in the plan names.
const placeholderAccount = "000000000000"

// instance is one resource instance of the plan.
type instance struct {
	addr    string // module.edge.aws_lb.public["eu"]
	module  string // module.edge (with instance keys, as Terraform writes it)
	typ     string
	name    string
	key     any // count index or for_each key; nil for a single instance
	mode    tfjson.ResourceMode
	actions tfjson.Actions
	values  map[string]any // planned values
	unknown map[string]any // after_unknown: attributes known only after apply
	before  map[string]any // values before the change; nil for creates
	cfg     *tfjson.ConfigResource
	account string
	region  string
	// memo holds attribute values already resolved, placeholders included.
	memo map[string]string
	// busy guards against reference cycles while resolving.
	busy map[string]bool
}

// created reports whether the instance does not exist before the plan.
func (in *instance) created() bool { return in.before == nil }

// converter holds the plan's instances and the look-ups that join them.
type converter struct {
	plan      *tfjson.Plan
	opts      Options
	instances []*instance
	// byResource maps a configuration address with module path but no
	// instance keys (module.edge.aws_lb.public) to its instances.
	byResource map[string][]*instance
	regions    map[string]string // provider config key -> region
	// orphans are pieces the plan adds to resources it does not hold.
	orphans orphans
}

// orphans are planned pieces whose parent is not in the plan: with a live
// snapshot they attach to the live parent; without one they are dropped,
// since nothing can be judged of a listener without its load balancer.
type orphans struct {
	listeners    map[string][]snapshot.Listener     // by load balancer ARN
	rules        map[string][]snapshot.ListenerRule // by listener ARN
	targets      map[string][]snapshot.Target       // by target group ARN
	associations map[string][]string                // by web ACL ARN
}

// moduleCfgPath strips instance keys from a module address:
// module.edge["eu"].module.net[0] -> module.edge.module.net.
func moduleCfgPath(module string) string {
	return instanceKey.ReplaceAllString(module, "")
}

var instanceKey = regexp.MustCompile(`\[[^\]]*\]`)

// resourceAddr is the configuration address of an instance.
func (in *instance) resourceAddr() string {
	base := in.typ + "." + in.name
	if in.mode == tfjson.DataResourceMode {
		base = "data." + base
	}
	if m := moduleCfgPath(in.module); m != "" {
		return m + "." + base
	}
	return base
}

func newConverter(plan *tfjson.Plan, opts Options) *converter {
	c := &converter{plan: plan, opts: opts, byResource: map[string][]*instance{}, regions: map[string]string{}}
	if plan.Config != nil {
		for key, pc := range plan.Config.ProviderConfigs {
			if pc == nil || pc.Name != "aws" {
				continue
			}
			if e := pc.Expressions["region"]; e != nil && e.ExpressionData != nil {
				if s, ok := e.ConstantValue.(string); ok {
					c.regions[key] = s
				}
			}
		}
	}
	for _, rc := range plan.ResourceChanges {
		if rc == nil || rc.Change == nil || rc.Mode != tfjson.ManagedResourceMode || rc.DeposedKey != "" {
			continue
		}
		in := &instance{addr: rc.Address, module: rc.ModuleAddress, typ: rc.Type, name: rc.Name, key: rc.Index,
			mode: rc.Mode, actions: rc.Change.Actions, memo: map[string]string{}, busy: map[string]bool{}}
		if rc.Change.After == nil && !rc.Change.Actions.Delete() {
			continue // forgotten: leaves Terraform, not part of the planned infrastructure
		}
		in.values, _ = rc.Change.After.(map[string]any)
		in.unknown, _ = rc.Change.AfterUnknown.(map[string]any)
		in.before, _ = rc.Change.Before.(map[string]any)
		if rc.Change.Actions.Replace() {
			in.before = nil // a replacement is a new resource with new identifiers
		}
		if in.values == nil {
			in.values = map[string]any{}
		}
		c.add(in)
	}
	// Data sources read while planning (aws_lb, aws_caller_identity) are
	// in the prior state with their values; references may name them.
	if plan.PriorState != nil && plan.PriorState.Values != nil {
		walkState(plan.PriorState.Values.RootModule, func(r *tfjson.StateResource, module string) {
			if r.Mode != tfjson.DataResourceMode {
				return
			}
			c.add(&instance{addr: r.Address, module: module, typ: r.Type, name: r.Name, key: r.Index, mode: r.Mode,
				values: r.AttributeValues, memo: map[string]string{}, busy: map[string]bool{}, before: r.AttributeValues})
		})
	}
	c.configure()
	return c
}

func walkState(m *tfjson.StateModule, fn func(*tfjson.StateResource, string)) {
	if m == nil {
		return
	}
	for _, r := range m.Resources {
		if r != nil {
			fn(r, m.Address)
		}
	}
	for _, child := range m.ChildModules {
		walkState(child, fn)
	}
}

func (c *converter) add(in *instance) {
	if in.values == nil {
		in.values = map[string]any{}
	}
	c.instances = append(c.instances, in)
	c.byResource[in.resourceAddr()] = append(c.byResource[in.resourceAddr()], in)
}

// configure finds each instance's configuration block, and with it the
// provider's region, then settles account and region.
func (c *converter) configure() {
	account := c.opts.Account
	if account == "" {
		account = c.knownAccount()
	}
	for _, in := range c.instances {
		in.cfg = c.configResource(in)
		in.account = account
		in.region = c.regionOf(in)
	}
}

// knownAccount is the account of the first ARN the plan already knows
// (existing resources, data sources), else of the context snapshot.
func (c *converter) knownAccount() string {
	for _, in := range c.instances {
		if id, ok := in.values["account_id"].(string); ok && in.typ == "aws_caller_identity" && id != "" {
			return id
		}
	}
	for _, in := range c.instances {
		for _, v := range []any{in.values["arn"], in.before["arn"]} {
			if s, ok := v.(string); ok {
				if a, ok := snapshot.ParseARN(s); ok && a.Account != "" {
					return a.Account
				}
			}
		}
	}
	if c.opts.Context != nil && len(c.opts.Context.Scope.Accounts) == 1 {
		return c.opts.Context.Scope.Accounts[0]
	}
	return placeholderAccount
}

func (c *converter) regionOf(in *instance) string {
	if s, ok := in.values["region"].(string); ok && s != "" {
		return s // provider v6: a per-resource region
	}
	if s, ok := in.values["arn"].(string); ok {
		if a, ok := snapshot.ParseARN(s); ok && a.Region != "" {
			return a.Region
		}
	}
	if in.cfg != nil {
		if r, ok := c.regions[in.cfg.ProviderConfigKey]; ok {
			return r
		}
		// Modules inherit the root's default provider: "module.x:aws".
		key := in.cfg.ProviderConfigKey
		if i := strings.LastIndex(key, ":"); i >= 0 {
			key = key[i+1:]
		}
		if r, ok := c.regions[key]; ok {
			return r
		}
	}
	if r, ok := c.regions["aws"]; ok {
		return r
	}
	if c.opts.Region != "" {
		return c.opts.Region
	}
	if c.opts.Context != nil && len(c.opts.Context.Scope.Regions) == 1 {
		return c.opts.Context.Scope.Regions[0]
	}
	return "us-east-1"
}

// configModule returns the configuration of a module path (no keys).
func (c *converter) configModule(path string) *tfjson.ConfigModule {
	if c.plan.Config == nil || c.plan.Config.RootModule == nil {
		return nil
	}
	m := c.plan.Config.RootModule
	for _, name := range modulePathNames(path) {
		call := m.ModuleCalls[name]
		if call == nil || call.Module == nil {
			return nil
		}
		m = call.Module
	}
	return m
}

// modulePathNames splits module.a.module.b into [a b].
func modulePathNames(path string) []string {
	var names []string
	parts := strings.Split(path, ".")
	for i := 0; i+1 < len(parts); i += 2 {
		if parts[i] == "module" {
			names = append(names, parts[i+1])
		}
	}
	return names
}

func (c *converter) configResource(in *instance) *tfjson.ConfigResource {
	m := c.configModule(moduleCfgPath(in.module))
	if m == nil {
		return nil
	}
	want := in.typ + "." + in.name
	if in.mode == tfjson.DataResourceMode {
		want = "data." + want
	}
	for _, r := range m.Resources {
		if r != nil && r.Address == want {
			return r
		}
	}
	return nil
}

// hash is the stable part of a placeholder: from the address, so the same
// plan converts to the same identifiers every time.
func hash(addr string) string {
	sum := sha256.Sum256([]byte(addr))
	return hex.EncodeToString(sum[:6])
}

// str returns a known string value of the instance, "" when unknown.
func (in *instance) str(name string) string {
	switch v := in.values[name].(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return ""
}

// attr is an attribute of the instance: its planned value, else the value
// its configuration expression refers to, else a stable placeholder.
func (c *converter) attr(in *instance, name string) string {
	if s := in.str(name); s != "" {
		return s
	}
	if v, ok := in.memo[name]; ok {
		return v
	}
	if in.busy[name] {
		return ""
	}
	in.busy[name] = true
	defer delete(in.busy, name)
	v := ""
	if in.cfg != nil {
		v = c.follow(in, in.cfg.Expressions[name], name)
	}
	if v == "" {
		v = c.placeholder(in, name)
	}
	in.memo[name] = v
	return v
}

// nestedRef returns an attribute of a nested block (path names the blocks,
// index the position in each: default_action[i].forward[0].target_group[j]):
// value when the plan knows it, else what the block's configuration
// expression refers to.
func (c *converter) nestedRef(in *instance, value any, path []string, index []int, name string) string {
	if s, ok := value.(string); ok && s != "" {
		return s
	}
	if in.cfg == nil {
		return ""
	}
	exprs := in.cfg.Expressions
	for depth, block := range path {
		e := exprs[block]
		if e == nil || e.ExpressionData == nil {
			return ""
		}
		i := index[depth]
		if i >= len(e.NestedBlocks) {
			// Dynamic blocks and single blocks written once for many
			// planned items: use the last written block.
			i = len(e.NestedBlocks) - 1
		}
		if i < 0 {
			return ""
		}
		exprs = e.NestedBlocks[i]
	}
	return c.follow(in, exprs[name], name)
}

// Shapes of a referring attribute: what form a resolved value must take.
const (
	shapeValue = iota // as the referenced attribute is
	shapeURI          // an integration URI: a host becomes http://host/
	shapeHost         // a host name: a URL loses its scheme and path
)

func shapeOf(name string) int {
	switch name {
	case "uri", "integration_uri":
		return shapeURI
	case "domain_name", "target_domain_name":
		return shapeHost
	}
	return shapeValue
}

// follow resolves an expression's references in the instance's module to
// the value of the first planned resource attribute they name.
func (c *converter) follow(in *instance, e *tfjson.Expression, name string) string {
	if e == nil || e.ExpressionData == nil {
		return ""
	}
	if s, ok := e.ConstantValue.(string); ok {
		return s
	}
	return c.resolveRefs(in, moduleCfgPath(in.module), e.References, name)
}

// resolveRefs returns the first value the references resolve to; name is
// the referring attribute, which says what a bare reference means.
func (c *converter) resolveRefs(from *instance, module string, refs []string, name string) string {
	for _, ref := range refs {
		if v := c.resolveRef(from, module, ref, name); v != "" {
			return v
		}
	}
	return ""
}

// refPattern splits a reference: optional "data.", type, name, optional
// index, optional attribute.
var refPattern = regexp.MustCompile(`^(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)(\[[^\]]*\])?(?:\.([A-Za-z0-9_]+))?`)

func (c *converter) resolveRef(from *instance, module, ref, referring string) string {
	switch {
	case strings.HasPrefix(ref, "each.value"):
		return c.resolveEachValue(from, module, strings.TrimPrefix(strings.TrimPrefix(ref, "each.value"), "."), referring)
	case strings.HasPrefix(ref, "var."):
		return c.resolveVar(from, module, strings.TrimPrefix(ref, "var."), referring)
	case strings.HasPrefix(ref, "module."):
		parts := strings.SplitN(ref, ".", 4)
		if len(parts) < 3 {
			return ""
		}
		child := strings.TrimPrefix(module+".module."+instanceKey.ReplaceAllString(parts[1], ""), ".")
		m := c.configModule(child)
		if m == nil {
			return ""
		}
		out := m.Outputs[instanceKey.ReplaceAllString(parts[2], "")]
		if out == nil || out.Expression == nil || out.Expression.ExpressionData == nil {
			return ""
		}
		if s, ok := out.Expression.ConstantValue.(string); ok {
			return s
		}
		return c.resolveRefs(from, child, out.Expression.References, referring)
	case strings.HasPrefix(ref, "local."), strings.HasPrefix(ref, "each."), strings.HasPrefix(ref, "count."),
		strings.HasPrefix(ref, "path."), strings.HasPrefix(ref, "terraform."), strings.HasPrefix(ref, "self."):
		return ""
	}
	m := refPattern.FindStringSubmatch(ref)
	if m == nil {
		return ""
	}
	addr := m[2] + "." + m[3]
	if m[1] != "" {
		addr = "data." + addr
	}
	if module != "" {
		addr = module + "." + addr
	}
	target := c.pick(c.byResource[addr], m[4], from)
	if target == nil {
		return ""
	}
	return c.reshape(target, cmp.Or(m[5], impliedAttr(referring, target.typ)), shapeOf(referring))
}

// resolveEachValue resolves each.value in a resource whose for_each is
// another resource (for_each = aws_lambda_function.report): each.value is
// that resource's instance with the same key.
func (c *converter) resolveEachValue(from *instance, module, attr, referring string) string {
	if from == nil || from.cfg == nil || from.cfg.ForEachExpression == nil || from.cfg.ForEachExpression.ExpressionData == nil {
		return ""
	}
	for _, ref := range from.cfg.ForEachExpression.References {
		m := refPattern.FindStringSubmatch(ref)
		if m == nil || m[2] == "var" || m[2] == "local" || m[2] == "module" {
			continue
		}
		addr := m[2] + "." + m[3]
		if m[1] != "" {
			addr = "data." + addr
		}
		if module != "" {
			addr = module + "." + addr
		}
		if target := c.pick(c.byResource[addr], "", from); target != nil {
			return c.reshape(target, cmp.Or(attr, impliedAttr(referring, target.typ)), shapeOf(referring))
		}
	}
	return ""
}

// impliedAttr is the attribute a reference without one stands for.
// Terraform drops the attribute from a reference whose index is dynamic
// (aws_lb.x[count.index].arn is recorded as aws_lb.x), so the referring
// argument says which attribute was meant.
func impliedAttr(referring, targetType string) string {
	switch {
	case referring == "parent_id" && targetType == "aws_api_gateway_rest_api":
		return "root_resource_id"
	case referring == "http_method":
		return "http_method"
	case referring == "uri" && targetType == "aws_lambda_function":
		return "invoke_arn"
	case shapeOf(referring) != shapeValue && (targetType == "aws_lb" || targetType == "aws_alb"):
		return "dns_name"
	case referring == "domain_name" && targetType == "aws_cloudfront_distribution":
		return "domain_name"
	case (referring == "stage" || referring == "stage_name") && targetType == "aws_apigatewayv2_stage":
		return "name"
	case referring == "stage" || referring == "stage_name":
		return "stage_name"
	case referring == "target_id" && targetType == "aws_lambda_function":
		return "arn"
	case strings.HasSuffix(referring, "_arn"), referring == "arn", strings.HasSuffix(referring, "_arns"):
		return "arn"
	}
	return "id"
}

// resolveVar follows a module variable to the expression its caller gave.
func (c *converter) resolveVar(from *instance, module, name, referring string) string {
	names := modulePathNames(module)
	if len(names) == 0 {
		return "" // root variables: their values are in the plan's variables
	}
	parentPath := strings.TrimSuffix(module[:strings.LastIndex(module, "module.")], ".")
	parent := c.configModule(parentPath)
	if parent == nil {
		return ""
	}
	call := parent.ModuleCalls[names[len(names)-1]]
	if call == nil {
		return ""
	}
	e := call.Expressions[name]
	if e == nil || e.ExpressionData == nil {
		return ""
	}
	if s, ok := e.ConstantValue.(string); ok {
		return s
	}
	return c.resolveRefs(from, parentPath, e.References, referring)
}

// pick chooses the referenced instance: among those of the referrer's
// own module instance, the one the reference indexes, else the one with
// the referrer's own count or for_each key (resources created side by
// side), else the first.
func (c *converter) pick(cands []*instance, index string, from *instance) *instance {
	if len(cands) == 0 {
		return nil
	}
	if from != nil {
		// A reference inside a module instance names that instance's
		// resources: module.shop["bare"] refers to its own aws_lb.this.
		var same []*instance
		for _, in := range cands {
			if in.module == from.module {
				same = append(same, in)
			}
		}
		if len(same) > 0 {
			cands = same
		}
	}
	if index != "" {
		for _, in := range cands {
			if keyString(in.key) == strings.Trim(index, `[]"`) {
				return in
			}
		}
	}
	if from != nil && from.key != nil {
		for _, in := range cands {
			if keyString(in.key) == keyString(from.key) {
				return in
			}
		}
	}
	return cands[0]
}

func keyString(k any) string {
	switch v := k.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return strconv.Itoa(int(v))
	case json.Number:
		return v.String()
	}
	return fmt.Sprint(k)
}

// reshape resolves an attribute of target into the form the referring
// attribute needs.
func (c *converter) reshape(target *instance, name string, shape int) string {
	v := c.attr(target, name)
	if v == "" {
		return ""
	}
	switch shape {
	case shapeURI:
		if _, ok := snapshot.ParseARN(v); ok || strings.Contains(v, "://") {
			return v
		}
		return "http://" + v + "/"
	case shapeHost:
		if name == "id" && (target.typ == "aws_api_gateway_rest_api" || target.typ == "aws_apigatewayv2_api") {
			return snapshot.ExecuteAPIHost(v, target.region)
		}
		if _, host, ok := strings.Cut(v, "://"); ok {
			host, _, _ = strings.Cut(host, "/")
			return host
		}
	}
	return v
}

// actionNames renders a change's actions as Terraform prints them.
func actionNames(a tfjson.Actions) string {
	names := make([]string, len(a))
	for i, x := range a {
		names[i] = string(x)
	}
	return strings.Join(names, ",")
}
