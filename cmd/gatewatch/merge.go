package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/findings"
	"github.com/gatewatch/gatewatch/internal/inputfile"
)

func newMergeCommand(a *app) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "merge FILE... [--output FILE]",
		Short: "Merge the snapshots (or JSON reports) of the shards of one scan",
		Long: `Merge snapshots written by 'gatewatch collect' into one snapshot, or JSON
reports written with --format json into one report. Past one machine, the
same scan runs as shards (--shard i/n, a Kubernetes Indexed Job or an AWS
Batch array job); merging their outputs gives what one run would have given.

Snapshots: resources and collection errors are joined and call counts
summed. A resource found in two files is refused (the files overlap: the same
shard twice, or shards of different runs). When the files are all n shards
of one run the result is a whole run; when some shards are missing, its
scope.shard lists those present (e.g. "1,3/4") so every report shows the gap.
taken_at is the earliest file's.

Reports: findings and errors are joined and the summary recomputed; a finding
present in two files is refused the same way. Files are told apart by their
report_version or schema_version field; snapshots and reports cannot be
mixed.

merge exits 0 once it has written the result and 2 when a file cannot be
read or the files do not merge; evaluating the merged snapshot gives the
findings and the exit code a scheduler acts on.`,
		Example: `  gatewatch merge shard-*.json --output snapshot.json
  gatewatch eval snapshot.json
  gatewatch merge report-1.json report-2.json --output report.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return inputError(fmt.Errorf("merge takes FILE... (got no files)\nRun '%s --help' for usage", cmd.CommandPath()))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			// The output must not replace a shard it merges.
			if err := checkFiles(runFiles{inputs: inputs("a file merged", args...), outputs: inputs("output", output)}); err != nil {
				return err
			}
			write, err := mergeFiles(args)
			if err != nil {
				return inputError(err)
			}
			if err := writeTo(a.stdout, output, write); err != nil {
				return &exitError{code: exitUsage, err: err}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "file to write the merged snapshot or report to; \"-\" or none means stdout")
	return cmd
}

// mergeFiles reads every file, merges them and returns the writer of the
// result, so nothing is written unless every file merged.
func mergeFiles(paths []string) (func(io.Writer) error, error) {
	var snaps []*snapshot.Snapshot
	var reports []*findings.Report
	for _, p := range paths {
		data, _, err := inputfile.Read(p, inputfile.MaxJSON, true)
		if err != nil {
			return nil, fmt.Errorf("merge %s: %w", p, inputfile.Cause(err))
		}
		var head struct {
			ReportVersion json.RawMessage `json:"report_version"`
		}
		// A file that is not JSON at all is reported by the snapshot parser,
		// which says where.
		if json.Unmarshal(data, &head) == nil && head.ReportVersion != nil {
			r, err := findings.ParseReport(data, p)
			if err != nil {
				return nil, err
			}
			reports = append(reports, r)
			continue
		}
		s, err := snapshot.Parse(data, p)
		if err != nil {
			return nil, err
		}
		snaps = append(snaps, s)
	}
	if len(snaps) > 0 && len(reports) > 0 {
		return nil, errors.New("merge: the files mix snapshots and reports: merge snapshots and then evaluate, or merge only reports")
	}
	if len(reports) > 0 {
		r, err := mergeReports(paths, reports)
		if err != nil {
			return nil, err
		}
		return func(w io.Writer) error { return findings.Write(context.Background(), w, "json", r) }, nil
	}
	s, err := snapshot.MergeNamed(paths, snaps)
	if err != nil {
		return nil, err
	}
	return func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}, nil
}

// mergeReports joins the reports of disjoint shards the way
// snapshot.MergeNamed joins their snapshots.
func mergeReports(names []string, reports []*findings.Report) (*findings.Report, error) {
	scopes := make([]snapshot.Scope, len(reports))
	for i, r := range reports {
		scopes[i] = r.Scope
	}
	scope, err := snapshot.MergeScope(names, scopes)
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	out := &findings.Report{Tool: reports[0].Tool, Scope: scope}
	var earliest time.Time
	owner := make(map[string]int) // fingerprint -> report index
	for i, r := range reports {
		if t, err := time.Parse(time.RFC3339, r.SnapshotTakenAt); err == nil && (earliest.IsZero() || t.Before(earliest)) {
			earliest, out.SnapshotTakenAt = t, r.SnapshotTakenAt
		}
		for _, f := range r.Findings {
			if j, dup := owner[f.Fingerprint]; dup && j != i {
				return nil, fmt.Errorf("merge: finding %s on %s is in both %s and %s: the reports overlap (the same shard twice, or shards of different runs)", f.RuleID, f.Resource, names[j], names[i])
			}
			owner[f.Fingerprint] = i
		}
		out.Findings = append(out.Findings, r.Findings...)
		out.Fixed = append(out.Fixed, r.Fixed...)
		out.SourcesLost = append(out.SourcesLost, r.SourcesLost...)
		out.Errors = append(out.Errors, r.Errors...)
		out.NotEvaluated = append(out.NotEvaluated, r.NotEvaluated...)
		out.Incomplete = out.Incomplete || r.Incomplete
		// Shards judge disjoint account-regions, so outcomes add up.
		for id, o := range r.Summary.ByRule {
			if out.ByRule == nil {
				out.ByRule = map[string]findings.RuleOutcome{}
			}
			sum := out.ByRule[id]
			sum.Failed += o.Failed
			sum.Passed += o.Passed
			sum.NotEvaluated += o.NotEvaluated
			sum.NotApplicable += o.NotApplicable
			out.ByRule[id] = sum
		}
	}
	out.Errors = snapshot.SortErrors(out.Errors)
	out.Finalize()
	return out, nil
}
