package main

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/gatewatch/gatewatch/collectors/iac"
	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/collectors/tfplan"
	"github.com/gatewatch/gatewatch/policies"
)

// planFlags select a Terraform plan to lint instead of a saved snapshot.
type planFlags struct {
	plan     string
	snapshot string
	account  string
}

func (p *planFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&p.plan, "terraform-plan", "", "lint a Terraform plan: `PLAN.json` is the output of terraform show -json PLANFILE")
	fs.StringVar(&p.snapshot, "snapshot", "", "with --terraform-plan, a live snapshot `FILE` of the account the plan changes: planned resources replace or join the live ones")
	fs.StringVar(&p.account, "account", "", "with --terraform-plan, the AWS account `ID` the plan applies to (default: from ARNs the plan knows, else the live snapshot's)")
}

func newEvalCommand(a *app) *cobra.Command {
	var (
		flags  reportFlags
		plan   planFlags
		hub    hubFlags
		access accessFlags
		source sourceFlags
	)
	cmd := &cobra.Command{
		Use:   "eval [SNAPSHOT | - | --terraform-plan PLAN.json]",
		Short: "Evaluate a saved snapshot or a Terraform plan offline, without AWS credentials",
		Long: `Evaluate the rules over a snapshot written by 'gatewatch collect' (or by a scan
with a snapshot output). No AWS call is made, unless --security-hub asks for
the findings to be imported. Re-evaluating a snapshot gives
exactly the findings the live scan gave, so a reviewer can work from the file
alone, and rule changes can be tried against last night's inventory.

With --terraform-plan, the rules run over the infrastructure a Terraform plan
describes (the output of 'terraform show -json PLANFILE'), before it is
applied: a pull request is linted with the rules that audit the live account.
Identifiers known only after apply get stable placeholders ("planned-..."),
and the plan's references join what they name. What the plan shows of the
resources it creates is taken as the whole truth (a new ALB with no web ACL
association in the plan has none); what it cannot show (metrics, alarms and
Shield state outside it, relations of resources that already exist) is "not
evaluated", never a finding, and does not make the run exit 3. Give
--snapshot with a live snapshot to judge the plan in context: resources it
updates replace their live versions, so a new listener rule on an existing
ALB is judged with the ALB's live web ACL. --source DIR (the repository
checkout; the root module is found below it) points each finding at its
resource block's file and lines, relative to DIR (JSON "source", SARIF
physicalLocation), so code scanning annotates the pull request.

With a snapshot, --source DIR and --terraform-state FILE point findings at
the code that defines their live resources, as on 'gatewatch scan' (see its
--help).

SNAPSHOT "-" reads the snapshot from standard input ('gatewatch collect | gatewatch
eval -'). Snapshots, plans, states and reports are read up to 2 GiB (a snapshot
of 100k resources is about 66 MB); past that, or when the input does not open
a JSON object (a device such as /dev/zero), it is refused in one line.

A snapshot or plan that is not valid JSON (invalid UTF-8 included), has
fields of the wrong type or that this build does not know (names match
exactly), or carries a version this build does not read is rejected with
one line naming the file, the line and the field (exit 2).

The rules run as many at a time as the process has CPUs (GOMAXPROCS, which
follows a container's CPU limit); GOMAXPROCS=1 keeps an evaluation to one.
While what it holds is small, the heap grows to 256 MiB between garbage
collections (a quarter of a cgroup memory limit, when less); GOGC or
GOMEMLIMIT in the environment leave collection to Go.

` + hubHelp + `
--profile, --endpoint-url and the role flags say how to reach AWS, as for scan.

Ctrl-C or SIGTERM stops the evaluation or the writing promptly (exit 3):
files already written stay, the others are left as they were.`,
		Example: `  gatewatch eval snapshot.json
  gatewatch eval snapshot.json --format json --output findings.json
  gatewatch collect --regions eu-west-1 | gatewatch eval - --fail-on high
  gatewatch eval snapshot.json -o - -o report.md
  gatewatch eval snapshot.json --policy ./my-rules --config gatewatch.yaml --fail-on high
  gatewatch eval snapshot.json --source . --terraform-state state.json -f sarif -o gatewatch.sarif
  terraform show -json tfplan > plan.json
  gatewatch eval --terraform-plan plan.json --source . -f sarif -o gatewatch.sarif
  gatewatch eval --terraform-plan plan.json --snapshot live.json --fail-on high
  gatewatch eval snapshot.json --security-hub --role-name gatewatch-audit --baseline last-night.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if !hub.enabled && access != (accessFlags{}) {
				return inputError(fmt.Errorf("--profile, --endpoint-url, --role-name, --role-arn-template and --external-id go with --security-hub: eval makes no other AWS call\nRun '%s --help' for usage", cmd.CommandPath()))
			}
			if hub.enabled && plan.plan != "" {
				return inputError(fmt.Errorf("--security-hub imports the findings of a snapshot: a Terraform plan's resources are not in AWS yet\nRun '%s --help' for usage", cmd.CommandPath()))
			}
			if plan.plan != "" {
				if len(args) > 0 {
					return inputError(fmt.Errorf("eval takes SNAPSHOT or --terraform-plan, not both (use --snapshot to give the live context of a plan)\nRun '%s --help' for usage", cmd.CommandPath()))
				}
				return nil
			}
			if plan.snapshot != "" || plan.account != "" {
				return inputError(fmt.Errorf("--snapshot and --account go with --terraform-plan\nRun '%s --help' for usage", cmd.CommandPath()))
			}
			return exactArgs(1, "SNAPSHOT")(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			// SNAPSHOT "-" is stdin; ./- is a file named "-".
			fromStdin := plan.plan == "" && args[0] == "-"
			files := runFiles{inputs: stateInputs(source.states)}
			switch {
			case plan.plan != "":
				files.inputs = append(files.inputs, inputs("--terraform-plan", plan.plan)...)
				files.inputs = append(files.inputs, inputs("--snapshot", plan.snapshot)...)
			case fromStdin:
				files.inputs = append(files.inputs, namedPath{what: "the snapshot", stdin: true})
			default:
				files.inputs = append(files.inputs, inputs("the snapshot", args[0])...)
			}
			rep, err := flags.prepare(cmd.Context(), a, files)
			if err != nil {
				return err
			}
			if err := hub.attach(cmd.Context(), a, rep, &access, false); err != nil {
				return err
			}
			idx, err := source.load(a.log, plan.plan == "")
			if err != nil {
				return err
			}
			if plan.plan != "" {
				snap, planned, err := plan.load(a, source.dirs)
				if err != nil {
					return err
				}
				rep.annotate = annotator(a.log, idx, planned)
				return rep.report(cmd.Context(), a, policies.InMemory(snap))
			}
			rep.annotate = annotator(a.log, idx, nil)
			if fromStdin {
				return rep.report(cmd.Context(), a, snapshot.ReaderSource(a.stdin, "stdin"))
			}
			return rep.report(cmd.Context(), a, snapshot.FileSource(args[0]))
		},
	}
	flags.register(cmd.Flags())
	plan.register(cmd.Flags())
	hub.register(cmd.Flags())
	access.register(cmd.Flags())
	source.register(cmd.Flags())
	return cmd
}

// load converts the plan (over the live snapshot, if given) and locates
// its resources: their addresses, and their blocks below the source
// directories.
func (p *planFlags) load(a *app, sources []string) (*snapshot.Snapshot, map[string]iac.Location, error) {
	tp, err := tfplan.Load(p.plan)
	if err != nil {
		return nil, nil, inputError(err)
	}
	opts := tfplan.Options{Account: p.account, Version: toolVersion(), Warn: func(msg string) { a.log.Warn(msg) }}
	if p.snapshot != "" {
		if opts.Context, err = snapshot.Load(p.snapshot); err != nil {
			return nil, nil, inputError(err)
		}
	}
	snap, err := tfplan.Convert(tp, opts)
	if err != nil {
		return nil, nil, inputError(fmt.Errorf("terraform plan %s: %w", p.plan, err))
	}
	if err := snap.Validate(); err != nil {
		return nil, nil, inputError(fmt.Errorf("terraform plan %s: %w", p.plan, err))
	}
	if len(snap.Planned) == 0 {
		a.log.Warn("the plan holds no resource gatewatch reads", "plan", p.plan)
	}
	locs, err := tfplan.Locate(tp, snap, sources)
	if err != nil {
		return nil, nil, inputError(err)
	}
	return snap, locs, nil
}

// exactArgs is cobra.ExactArgs with a message that names the argument.
func exactArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return inputError(fmt.Errorf("%s takes %s (got %d arguments)\nRun '%s --help' for usage", cmd.Name(), names, len(args), cmd.CommandPath()))
		}
		return nil
	}
}
