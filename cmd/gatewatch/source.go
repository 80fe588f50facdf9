package main

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/spf13/pflag"

	"github.com/gatewatch/gatewatch/collectors/iac"
	"github.com/gatewatch/gatewatch/findings"
	"github.com/gatewatch/gatewatch/internal/safetext"
)

// sourceFlags point findings at the code that defines their resources.
type sourceFlags struct {
	dirs   []string
	states []string
}

func (s *sourceFlags) register(fs *pflag.FlagSet) {
	fs.StringArrayVar(&s.dirs, "source", nil, "the repository checkout `DIR`: findings point at the Terraform block or CloudFormation template entry that defines their resource, by path relative to it (repeatable)")
	fs.StringArrayVar(&s.states, "terraform-state", nil, "a Terraform state `FILE` (terraform show -json, or a version 4 state file) that ties live resources to their blocks below --source; ROOT=FILE names its root module's directory (repeatable)")
}

// load indexes the code and reads the states, before any collection, so
// a wrong directory or state file fails in a second. live says the index
// will place live resources, which Terraform code reaches through a state.
func (s *sourceFlags) load(log *slog.Logger, live bool) (*iac.Index, error) {
	if len(s.dirs) == 0 && len(s.states) == 0 {
		return nil, nil
	}
	idx, err := iac.Load(iac.Options{Sources: s.dirs, States: s.states, ExpectState: live, Warn: func(m string) { log.Warn(m) }})
	if err != nil {
		return nil, inputError(err)
	}
	return idx, nil
}

// annotator returns what attaches to each finding the code of its
// resource: the plan's block for a planned resource, else what idx
// locates in the report's snapshot.
func annotator(log *slog.Logger, idx *iac.Index, planned map[string]iac.Location) func(*findings.Report) {
	return func(r *findings.Report) {
		var live map[string]iac.Location
		if idx != nil {
			live = idx.Locate(r.Snapshot)
		}
		located := 0
		for i, f := range r.Findings {
			loc, ok := planned[f.Resource]
			if !ok {
				loc, ok = live[f.Resource]
			}
			if !ok {
				continue
			}
			r.Findings[i].Source = &findings.Source{File: loc.File, StartLine: loc.StartLine, EndLine: loc.EndLine,
				Address: loc.Address, LogicalID: loc.LogicalID, MatchedBy: loc.MatchedBy}
			if r.Findings[i].Source.Located() {
				located++
			}
		}
		if idx != nil {
			log.Info("findings located in code", "located", located, "findings", len(r.Findings))
		}
	}
}

// warnSourcesLost says, loudly, that findings the baseline located in
// code have no location now: their alerts move back to synthetic paths.
func warnSourcesLost(log *slog.Logger, r *findings.Report) {
	lost := r.SourcesLost
	if len(lost) == 0 {
		return
	}
	var some []string
	for i, f := range lost {
		if i == 3 {
			some = append(some, fmt.Sprintf("and %d more", len(lost)-3))
			break
		}
		some = append(some, fmt.Sprintf("%s on %s (was %s)", f.RuleID, safetext.Sanitize(f.Resource), safetext.Sanitize(f.Source.Where())))
	}
	log.Warn(fmt.Sprintf("CODE LOCATIONS LOST: %d findings that the baseline located in code have no location in this run; "+
		"their code-scanning alerts move back to aws/ paths. Give the same --source and --terraform-state as the baseline's run: %s",
		len(lost), strings.Join(some, ", ")))
}
