package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/findings"
	"github.com/gatewatch/gatewatch/policies"
)

// policyFlags select the rules and their configuration.
type policyFlags struct {
	policyDirs []string
	configPath string
}

func (p *policyFlags) register(fs *pflag.FlagSet) {
	fs.StringArrayVar(&p.policyDirs, "policy", nil, "directory of extra Rego rules evaluated beside the built-in ones (repeatable)")
	fs.StringVar(&p.configPath, "config", "", "configuration file (YAML or JSON); default "+policies.DefaultConfigFile+" in the working directory if present")
}

// engine loads the configuration and compiles the rules, once per process.
// Configuration warnings go to log.
func (p *policyFlags) engine(ctx context.Context, log *slog.Logger) (*policies.Engine, error) {
	cfg := policies.DefaultConfig()
	path := p.configPath
	if path == "" {
		if _, err := os.Stat(policies.DefaultConfigFile); err == nil {
			path = policies.DefaultConfigFile
		}
	}
	if path != "" {
		var (
			warnings []string
			err      error
		)
		if cfg, warnings, err = policies.LoadConfig(path); err != nil {
			return nil, inputError(err)
		}
		for _, w := range warnings {
			log.Warn(w)
		}
	}
	e, err := policies.New(ctx, policies.Options{PolicyDirs: p.policyDirs, Config: cfg, Tool: buildTool()})
	if err != nil {
		return nil, inputError(err)
	}
	return e, nil
}

// reportFlags say how findings are rendered and what the exit code means.
type reportFlags struct {
	policyFlags
	formats      []string
	outputs      []string
	failOn       string
	failOnNew    bool
	suppressions string
	baseline     string
	// now is the clock suppression expiry is judged by; tests pin it.
	now func() time.Time
}

func (r *reportFlags) register(fs *pflag.FlagSet) {
	r.policyFlags.register(fs)
	fs.StringArrayVarP(&r.formats, "format", "f", nil, "output format: "+strings.Join(findings.Formats, ", ")+" (repeatable; default table)")
	fs.StringArrayVarP(&r.outputs, "output", "o", nil, "file for the matching --format, in order; \"-\" or none means stdout (repeatable)")
	fs.StringVar(&r.failOn, "fail-on", "none", "exit 1 when a finding is at least this severe: critical, high, medium, low, info or none")
	fs.StringVar(&r.suppressions, "suppressions", "", "suppressions file (YAML or JSON): rule, resource pattern, reason, expiry per entry")
	fs.StringVar(&r.baseline, "baseline", "", "previous JSON report: mark findings new or unchanged and list the fixed ones")
	fs.BoolVar(&r.failOnNew, "fail-on-new", false, "with --baseline, exit 1 only for new findings (at or above --fail-on, or any new one when --fail-on is none)")
}

// output is one rendering of the report.
type output struct {
	format string
	path   string // "" or "-" for stdout
}

// plan pairs formats with outputs and checks both before any work starts,
// so a typo fails in a second, not after a long scan.
func (r *reportFlags) plan() ([]output, error) {
	formats := r.formats
	if len(formats) == 0 {
		formats = []string{"table"}
	}
	if len(r.outputs) > len(formats) {
		return nil, inputError(fmt.Errorf("%d --output values for %d --format values: give one --format per --output, in the same order", len(r.outputs), len(formats)))
	}
	var outs []output
	toStdout := 0
	for i, f := range formats {
		f = strings.ToLower(f)
		if !slices.Contains(findings.Formats, f) {
			return nil, inputError(fmt.Errorf("--format %q: want one of %s", f, strings.Join(findings.Formats, ", ")))
		}
		o := output{format: f}
		if i < len(r.outputs) {
			o.path = r.outputs[i]
		}
		if o.path == "" || o.path == "-" {
			toStdout++
		}
		outs = append(outs, o)
	}
	if toStdout > 1 {
		return nil, inputError(errors.New("more than one --format writes to stdout: give each extra format its own --output file"))
	}
	if _, err := r.threshold(); err != nil {
		return nil, err
	}
	if r.failOnNew && r.baseline == "" {
		return nil, inputError(errors.New("--fail-on-new needs --baseline, the report that findings are new against"))
	}
	return outs, nil
}

// inputs loads the suppressions and baseline files named by the flags.
func (r *reportFlags) inputs() (findings.Suppressions, *findings.Report, error) {
	var (
		sup  findings.Suppressions
		base *findings.Report
		err  error
	)
	if r.suppressions != "" {
		if sup, err = findings.LoadSuppressions(r.suppressions); err != nil {
			return sup, nil, inputError(err)
		}
	}
	if r.baseline != "" {
		if base, err = findings.LoadBaseline(r.baseline); err != nil {
			return sup, nil, inputError(err)
		}
	}
	return sup, base, nil
}

// threshold parses --fail-on; ok is false for "none".
func (r *reportFlags) threshold() (sev findings.Severity, err error) {
	if strings.EqualFold(r.failOn, "none") {
		return "", nil
	}
	sev, err = findings.ParseSeverity(r.failOn)
	if err != nil {
		return "", inputError(fmt.Errorf("--fail-on: %w", err))
	}
	return sev, nil
}

// reporter is everything a report needs, prepared before any collection:
// outputs paired, suppressions and baseline read, rules compiled. Bad
// flags, files or rules then fail in a second, not after a long scan.
type reporter struct {
	flags  *reportFlags
	outs   []output
	sup    findings.Suppressions
	base   *findings.Report
	engine *policies.Engine
	// annotate, when set, adds to the findings what the input knows of
	// them beyond the snapshot: the code that defines their resources.
	annotate func(*findings.Report)
}

func (r *reportFlags) prepare(ctx context.Context, log *slog.Logger) (*reporter, error) {
	outs, err := r.plan()
	if err != nil {
		return nil, err
	}
	sup, base, err := r.inputs()
	if err != nil {
		return nil, err
	}
	engine, err := r.engine(ctx, log)
	if err != nil {
		return nil, err
	}
	return &reporter{flags: r, outs: outs, sup: sup, base: base, engine: engine}, nil
}

// report runs the rules over snap, writes every requested output and
// returns the exit status as an error (nil for exit 0).
func (p *reporter) report(ctx context.Context, a *app, snap *snapshot.Snapshot) error {
	a.log.Info("evaluating rules")
	report, err := p.engine.Evaluate(ctx, snap)
	if err != nil {
		return inputError(err)
	}
	// What evaluation built (OPA's input value, its caches) is garbage
	// now, but OPA pools part of it for one more collection cycle, and
	// the next collection would wait for the heap to double over the
	// evaluation's peak. Collect now, twice, so rendering starts from the
	// report's own heap instead of stacking on top of that peak.
	runtime.GC()
	runtime.GC()
	report.Warn = func(msg string) { a.log.Warn(msg) }
	if p.annotate != nil {
		p.annotate(report)
	}
	now := time.Now
	if p.flags.now != nil {
		now = p.flags.now
	}
	for _, w := range findings.Apply(report, p.sup, now()) {
		a.log.Warn(w)
	}
	if p.base != nil {
		findings.ApplyBaseline(report, p.base)
		warnSourcesLost(a.log, report)
	}
	for i, o := range p.outs {
		a.log.Info("writing report", "format", o.format, "output", cmp.Or(o.path, "-"))
		if err := writeOutput(ctx, a.stdout, o, report); err != nil {
			if ctx.Err() != nil {
				return interruptedWriting(p.outs, i)
			}
			return &exitError{code: exitUsage, err: err}
		}
	}
	return outcome(report, p.flags)
}

// interruptedWriting says which outputs a signal left unwritten: files are
// written whole or not at all, so the one being written and those after it
// are as they were; stdout may have part of the one being written.
func interruptedWriting(outs []output, at int) error {
	var done, left []string
	for i, o := range outs {
		name := o.format + " to " + o.path
		switch {
		case (o.path == "" || o.path == "-") && i == at:
			name = o.format + " to stdout (cut short)"
		case o.path == "" || o.path == "-":
			name = o.format + " to stdout"
		}
		if i < at {
			done = append(done, name)
		} else {
			left = append(left, name)
		}
	}
	msg := "interrupted while writing the report: not written: " + strings.Join(left, ", ")
	if len(done) > 0 {
		msg += "; written: " + strings.Join(done, ", ")
	}
	return &exitError{code: exitInterrupted, err: errors.New(msg)}
}

// outcome maps a report to the exit code a scheduler acts on. Suppressed
// findings never count; with --fail-on-new only new ones do.
func outcome(report *findings.Report, r *reportFlags) error {
	min, _ := r.threshold()
	if r.failOnNew && min == "" {
		min = findings.Info
	}
	for _, f := range report.Findings {
		if !f.Active() || min == "" || !f.Severity.AtLeast(min) {
			continue
		}
		if r.failOnNew && f.Baseline != findings.BaselineNew {
			continue
		}
		return &exitError{code: exitFindings}
	}
	if report.Incomplete {
		return &exitError{code: exitIncomplete}
	}
	return nil
}

// writeOutput renders one format to stdout or to its file (see writeFile).
func writeOutput(ctx context.Context, stdout io.Writer, o output, report *findings.Report) error {
	return writeTo(stdout, o.path, func(w io.Writer) error {
		return findings.Write(ctx, w, o.format, report)
	})
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
