package tfplan

import (
	"fmt"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/gatewatch/gatewatch/collectors/iac"
	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// Locate maps every planned resource of snap (by ARN) to its Terraform
// address and, when source directories are given, to the file and lines
// of the resource block that declares it. The root module's directory
// (where `terraform plan` ran) is found below them: the one whose files
// declare every resource and module block of the plan's root module;
// child modules are followed through module blocks whose source is a
// local path. Paths are relative to the source directory, the
// repository, which is what code scanning resolves them against.
func Locate(plan *tfjson.Plan, snap *snapshot.Snapshot, dirs []string) (map[string]iac.Location, error) {
	var blocks map[string]iac.Location
	if want := rootAddresses(plan); len(dirs) > 0 && len(want) > 0 {
		tf, err := iac.LoadTerraform(dirs)
		if err != nil {
			return nil, err
		}
		if len(tf.Problems) > 0 {
			return nil, fmt.Errorf("--source: %w", tf.Problems[0])
		}
		root, _ := tf.FindRoot(want, true)
		if root == "" {
			return nil, fmt.Errorf("--source %s: no directory below it declares the plan's root module (want the repository or the directory where `terraform plan` ran)", strings.Join(dirs, ", "))
		}
		blocks = tf.Blocks(root)
	}
	out := make(map[string]iac.Location, len(snap.Planned))
	for _, p := range snap.Planned {
		loc, _ := iac.Nearest(blocks, p.Address)
		loc.Address, loc.MatchedBy = p.Address, iac.ByPlan
		out[p.ARN] = loc
	}
	return out, nil
}

// rootAddresses are the plan's root-module resource blocks ("type.name")
// and module calls ("module.name").
func rootAddresses(plan *tfjson.Plan) []string {
	var want []string
	if plan.Config != nil && plan.Config.RootModule != nil {
		for _, r := range plan.Config.RootModule.Resources {
			if r != nil && r.Mode == tfjson.ManagedResourceMode {
				want = append(want, r.Address)
			}
		}
		for name := range plan.Config.RootModule.ModuleCalls {
			want = append(want, "module."+name)
		}
	}
	return want
}
