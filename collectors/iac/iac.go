// Package iac finds where the resources of a snapshot are defined in
// infrastructure code: Terraform (mapped through its state, or by an
// unambiguous literal name), and CloudFormation, SAM and CDK templates
// (mapped through the stack tags CloudFormation puts on what it creates).
// A finding then points at the file and lines to change.
package iac

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/internal/inputfile"
)

// How a location was found, for Location.MatchedBy.
const (
	ByPlan           = "plan"
	ByState          = "state"
	ByName           = "name"
	ByCloudFormation = "cloudformation"
)

// Location is where a resource is defined in code.
type Location struct {
	// File is relative to the source directory it was found in, with
	// forward slashes; empty when only the address is known.
	File      string
	StartLine int
	EndLine   int
	// Address is the Terraform address of the resource instance, or the
	// CDK construct path (aws:cdk:path) of a synthesized resource.
	Address string
	// LogicalID is the CloudFormation logical ID.
	LogicalID string
	// MatchedBy says how the resource was tied to the code: ByPlan,
	// ByState, ByName or ByCloudFormation.
	MatchedBy string
}

// Options says where the code and the Terraform states are.
type Options struct {
	// Sources are directories to index, typically the repository checkout.
	Sources []string
	// States are Terraform state files: "FILE", or "ROOT=FILE" naming the
	// directory of the root module the state belongs to.
	States []string
	// ExpectState says the index will place live resources, which
	// Terraform code reaches through a state: Load warns when the sources
	// hold Terraform resource blocks and no state is given.
	ExpectState bool
	// Warn receives what the user should hear about: files that did not
	// parse, states that match nothing, mappings that cannot be made.
	Warn func(string)
}

// Index is the indexed code, ready to locate the resources of snapshots.
type Index struct {
	tf        *Terraform
	templates []*template
	states    []boundState
	warn      func(string)
}

// boundState is a state with the blocks of its root module.
type boundState struct {
	*State
	// blocks are the root module tree's blocks by configuration address;
	// nil when its root was not found.
	blocks map[string]Location
}

// Load indexes the source directories and reads the states. Errors are
// for bad input: a source that is not a directory, a state that cannot
// be read.
func Load(opts Options) (*Index, error) {
	warn := opts.Warn
	if warn == nil {
		warn = func(string) {}
	}
	f, err := newFiles(opts.Sources)
	if err != nil {
		return nil, err
	}
	x := &Index{warn: warn}
	if x.tf, err = loadTerraform(f); err != nil {
		return nil, err
	}
	for _, p := range x.tf.Problems {
		warn(fmt.Sprintf("terraform: skipped a file that does not parse: %v", p))
	}
	var problems []error
	if x.templates, problems, err = loadTemplates(f); err != nil {
		return nil, err
	}
	for _, p := range problems {
		warn(p.Error())
	}
	for _, spec := range opts.States {
		bs, err := x.bindState(f, spec)
		if err != nil {
			return nil, err
		}
		x.states = append(x.states, bs)
	}
	if opts.ExpectState && len(opts.States) == 0 && len(opts.Sources) > 0 {
		if n := x.tf.resourceBlocks(); n > 0 {
			warn(fmt.Sprintf("--source holds %d Terraform resource blocks but no --terraform-state was given: only load balancers and APIs "+
				"with a unique literal name are located; the findings a state would place lose their location (and their alerts move)", n))
		}
	}
	return x, nil
}

// bindState reads one --terraform-state value and finds its root module:
// the directory given before "=", or the one below the sources that
// declares most of the state's root-module blocks.
func (x *Index) bindState(f *files, spec string) (boundState, error) {
	root, file, err := splitStateSpec(spec)
	if err != nil {
		return boundState{}, err
	}
	st, err := LoadState(file)
	if err != nil {
		return boundState{}, err
	}
	bs := boundState{State: st}
	if len(f.roots) == 0 {
		return bs, nil // addresses only
	}
	if root != "" {
		abs, err := filepath.Abs(root)
		if err != nil {
			return bs, fmt.Errorf("--terraform-state %s: %w", spec, err)
		}
		if rel := f.rel(abs); filepath.IsAbs(filepath.FromSlash(rel)) {
			return bs, fmt.Errorf("--terraform-state %s: %s is not below any --source directory", spec, root)
		}
		bs.blocks = x.tf.Blocks(abs)
		return bs, nil
	}
	found, ties := x.tf.FindRoot(st.rootAddresses(), false)
	switch {
	case found == "" && len(st.Instances) > 0:
		x.warn(fmt.Sprintf("terraform state %s: no directory below --source declares its root module's blocks; its resources keep their addresses, without a file", file))
	case len(ties) > 0:
		var names []string
		for _, t := range ties {
			names = append(names, f.rel(t))
		}
		x.warn(fmt.Sprintf("terraform state %s: its root module's blocks are declared in %s and also in %s; using %s (give --terraform-state DIR=%s to choose)",
			file, f.rel(found), strings.Join(names, ", "), f.rel(found), file))
	}
	if found != "" {
		bs.blocks = x.tf.Blocks(found)
	}
	return bs, nil
}

// Locate maps every resource of snap that the code defines, by ARN, to
// its location: the resource's own definition (through a Terraform state,
// its CloudFormation stack tags, or an unambiguous literal name, in that
// order), else the nearest definition among its parents (a listener
// rule's listener, then load balancer; a stage's API).
func (x *Index) Locate(snap *snapshot.Snapshot) map[string]Location {
	resources := snap.Resources()
	parents := parentsOf(snap)
	own := map[string]Location{}
	x.locateByState(resources, own)
	x.locateByStack(resources, own)
	x.locateByName(resources, parents, own)

	out := make(map[string]Location, len(own))
	for _, r := range resources {
		for arn, hops := r.ARN, 0; arn != "" && hops < 4; arn, hops = parents[arn], hops+1 {
			if loc, ok := own[arn]; ok {
				out[r.ARN] = loc
				break
			}
		}
	}
	return out
}

func (x *Index) locateByState(resources []snapshot.Resource, own map[string]Location) {
	byKey := map[string][]string{}
	for _, r := range resources {
		byKey[r.ARN] = append(byKey[r.ARN], r.ARN)
		if a, ok := snapshot.ParseARN(r.ARN); ok && a.Service == "apigateway" {
			byKey[a.Resource] = append(byKey[a.Resource], r.ARN)
		}
	}
	for _, st := range x.states {
		matched := 0
		for _, in := range st.Instances {
			arn := ""
			for _, k := range in.Keys() {
				if arns := byKey[k]; len(arns) == 1 {
					arn = arns[0]
					break
				}
			}
			if arn == "" {
				continue
			}
			matched++
			if _, done := own[arn]; done {
				continue
			}
			loc, _ := Nearest(st.blocks, in.Address)
			loc.Address, loc.MatchedBy = in.Address, ByState
			own[arn] = loc
		}
		if matched == 0 && len(st.Instances) > 0 {
			x.warn(fmt.Sprintf("terraform state %s: none of its %d resources is in the inventory (a state of another account or region?)", st.Name, len(st.Instances)))
		}
	}
}

func (x *Index) locateByStack(resources []snapshot.Resource, own map[string]Location) {
	// Every logical ID seen live per stack: a stack's template declares
	// them all, which tells copies of a logical ID in several templates apart.
	seen := map[string][]string{}
	for _, r := range resources {
		if stack, id := stackTags(r); stack != "" && id != "" {
			seen[stack] = append(seen[stack], id)
		}
	}
	warned := map[string]bool{}
	for _, r := range resources {
		stack, id := stackTags(r)
		if _, done := own[r.ARN]; done || stack == "" || id == "" {
			continue
		}
		var found []*template
		for _, t := range x.templates {
			if res, ok := t.resources[id]; ok && compatible(r.Type, res.typ) {
				found = append(found, t)
			}
		}
		if len(found) > 1 {
			found = narrow(found, func(t *template) bool { return slices.Contains(t.stacks, stack) })
		}
		if len(found) > 1 {
			found = narrow(found, func(t *template) bool {
				return !slices.ContainsFunc(seen[stack], func(id string) bool { _, ok := t.resources[id]; return !ok })
			})
		}
		switch {
		case len(found) == 1:
			t := found[0]
			res := t.resources[id]
			own[r.ARN] = Location{File: x.tf.files.rel(t.file), StartLine: res.startLine, EndLine: res.endLine,
				Address: res.cdkPath, LogicalID: id, MatchedBy: ByCloudFormation}
		case len(found) > 1 && !warned[stack]:
			warned[stack] = true
			var names []string
			for _, t := range found {
				names = append(names, x.tf.files.rel(t.file))
			}
			x.warn(fmt.Sprintf("cloudformation stack %s: %d templates declare its resources (%s); none is used. Name the template after the stack to choose",
				stack, len(found), strings.Join(names, ", ")))
		}
	}
}

// narrow keeps the templates keep accepts, unless it accepts none.
func narrow(ts []*template, keep func(*template) bool) []*template {
	var out []*template
	for _, t := range ts {
		if keep(t) {
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return ts
	}
	return out
}

// stackTags are a resource's own CloudFormation stack tags.
func stackTags(r snapshot.Resource) (stack, logicalID string) {
	if len(r.Tags) == 0 {
		return "", ""
	}
	return r.Tags[0][TagStackName], r.Tags[0][TagLogicalID]
}

// namedTypes are the Terraform resource types whose literal name locates
// a live resource without a state: names that are unique per account and
// region (load balancers) or that teams keep unique (APIs).
var namedTypes = map[string]string{
	"aws_lb":                   snapshot.TypeLoadBalancer,
	"aws_alb":                  snapshot.TypeLoadBalancer,
	"aws_api_gateway_rest_api": snapshot.TypeRestAPI,
	"aws_apigatewayv2_api":     snapshot.TypeV2API,
}

// locateByName ties a block with a literal name to the live resource of
// that name when the name is unambiguous on both sides: one block of the
// kind declares it (none that a state already placed) and one resource
// of the kind in the inventory carries it (across its accounts and
// regions). A stage of an API placed so is placed on the stage block
// beside the API's that refers to it and has the stage's name.
func (x *Index) locateByName(resources []snapshot.Resource, parents map[string]string, own map[string]Location) {
	placed := map[string]bool{}
	for _, loc := range own {
		placed[fmt.Sprintf("%s:%d", loc.File, loc.StartLine)] = true
	}
	type named struct {
		loc   Location
		dir   string
		count int
	}
	blocks := map[string]*named{}
	for _, dir := range slices.Sorted(maps.Keys(x.tf.dirs)) {
		for addr, b := range x.tf.dirs[dir] {
			typ, _, _ := strings.Cut(addr, ".")
			kind, ok := namedTypes[typ]
			if !ok || b.name == "" {
				continue
			}
			loc := x.tf.location(b)
			if placed[fmt.Sprintf("%s:%d", loc.File, loc.StartLine)] {
				continue
			}
			key := kind + "\x00" + b.name
			if blocks[key] == nil {
				loc.Address, loc.MatchedBy = addr, ByName
				blocks[key] = &named{loc: loc, dir: dir}
			}
			blocks[key].count++
		}
	}
	live := map[string]int{}
	for _, r := range resources {
		live[r.Type+"\x00"+r.Name]++
	}
	apis := map[string]*named{} // API ARN -> its block
	for _, r := range resources {
		key := r.Type + "\x00" + r.Name
		b := blocks[key]
		if _, done := own[r.ARN]; done || b == nil || b.count != 1 || live[key] != 1 {
			continue
		}
		own[r.ARN] = b.loc
		apis[r.ARN] = b
	}
	for _, r := range resources {
		api := apis[parents[r.ARN]]
		stageType := stageTypes[r.Type]
		if _, done := own[r.ARN]; done || api == nil || stageType == "" {
			continue
		}
		stage := r.Name[strings.LastIndex(r.Name, "/")+1:]
		var found []string
		for addr, b := range x.tf.dirs[api.dir] {
			if strings.HasPrefix(addr, stageType+".") && b.name == stage && b.api == api.loc.Address {
				found = append(found, addr)
			}
		}
		if len(found) == 1 {
			b := x.tf.dirs[api.dir][found[0]]
			loc := x.tf.location(b)
			loc.Address, loc.MatchedBy = found[0], ByName
			own[r.ARN] = loc
		}
	}
}

// stageTypes are the Terraform types of the stages of each kind.
var stageTypes = map[string]string{
	snapshot.TypeRestStage: "aws_api_gateway_stage",
	snapshot.TypeV2Stage:   "aws_apigatewayv2_stage",
}

// parentsOf maps the ARN of each nested resource to its parent's: a
// listener rule to its listener, a listener to its load balancer, a stage
// to its API. A resource the code does not define on its own (the default
// rule is a listener's default action in Terraform) is located there.
func parentsOf(s *snapshot.Snapshot) map[string]string {
	out := map[string]string{}
	for _, lb := range s.LoadBalancers {
		for _, l := range lb.Listeners {
			out[l.ARN] = lb.ARN
			for _, r := range l.Rules {
				out[r.ARN] = l.ARN
			}
		}
	}
	for _, a := range s.RestAPIs {
		for _, st := range a.Stages {
			out[st.ARN] = a.ARN
		}
	}
	for _, a := range s.V2APIs {
		for _, st := range a.Stages {
			out[st.ARN] = a.ARN
		}
	}
	return out
}

// resourceBlocks counts the resource blocks of the indexed Terraform.
func (t *Terraform) resourceBlocks() int {
	n := 0
	for _, d := range t.dirs {
		for addr := range d {
			if !strings.HasPrefix(addr, "module.") {
				n++
			}
		}
	}
	return n
}

// StateFile is the file a --terraform-state value names: FILE, or the
// part after "=" of ROOT=FILE when ROOT is a directory.
func StateFile(spec string) string {
	_, file, err := splitStateSpec(spec)
	if err != nil {
		return spec
	}
	return file
}

// splitStateSpec splits a --terraform-state value into its root module
// directory ("" when not given) and its state file: ROOT=FILE, unless the
// whole value is a file whose name holds an "=".
func splitStateSpec(spec string) (root, file string, err error) {
	dir, rest, ok := strings.Cut(spec, "=")
	if !ok {
		return "", spec, nil
	}
	_, whole := os.Stat(spec)
	switch info, err := os.Stat(dir); {
	case err == nil && info.IsDir():
		return dir, rest, nil
	case whole == nil:
		return "", spec, nil
	case err != nil:
		return "", "", fmt.Errorf("--terraform-state %s: ROOT %s is not a directory: %w (ROOT=FILE names the root module's directory)", spec, dir, inputfile.Cause(err))
	default:
		return "", "", fmt.Errorf("--terraform-state %s: ROOT %s is not a directory (ROOT=FILE names the root module's directory)", spec, dir)
	}
}
