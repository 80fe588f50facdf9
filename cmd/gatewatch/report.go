package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/term"

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
	path := p.configFile()
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
	e, err := policies.New(ctx, policies.Options{PolicyDirs: p.policyDirs, Config: cfg, ConfigFile: path, Tool: buildTool()})
	if err != nil {
		return nil, inputError(err)
	}
	return e, nil
}

// configFile is the configuration file the run reads: --config, else
// the default file when the working directory has one, else "".
func (p *policyFlags) configFile() string {
	if p.configPath != "" {
		return p.configPath
	}
	if _, err := os.Stat(policies.DefaultConfigFile); err == nil {
		return policies.DefaultConfigFile
	}
	return ""
}

// reportFlags say how findings are rendered and what the exit code means.
type reportFlags struct {
	policyFlags
	formats      []string
	outputs      []string
	failOn       string
	failOnNew    bool
	noColor      bool
	suppressions string
	baseline     string
	// now is the clock suppression expiry is judged by; tests pin it.
	now func() time.Time
}

func (r *reportFlags) register(fs *pflag.FlagSet) {
	r.policyFlags.register(fs)
	fs.StringArrayVarP(&r.formats, "format", "f", nil, "output format: "+strings.Join(findings.Formats, ", ")+" (repeatable, each with its own --output once any is given; default table)")
	fs.StringArrayVarP(&r.outputs, "output", "o", nil, "file for the matching --format, in order, \"-\" for stdout; without --format the file name says the format: .json .sarif .html .md .csv .asff.json .ocsf.json .txt (repeatable)")
	fs.BoolVar(&r.noColor, "no-color", false, "no colour in the table (also when NO_COLOR is set; colour is only ever used on a terminal)")
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

// toStdout reports whether o is written to standard output.
func (o output) toStdout() bool { return isStdout(o.path) }

// String names o in messages: "json to report.json", "table to stdout".
func (o output) String() string { return o.format + " to " + stdoutOr(o.path) }

// extensionFormats maps file name endings to the format a file of that
// name holds, longest ending first so that "x.asff.json" is ASFF, not
// JSON. A .txt file holds the table.
var extensionFormats = []struct{ ext, format string }{
	{".asff.json", "asff"},
	{".ocsf.json", "ocsf"},
	{".sarif.json", "sarif"},
	{".sarif", "sarif"},
	{".json", "json"},
	{".html", "html"},
	{".htm", "html"},
	{".md", "markdown"},
	{".markdown", "markdown"},
	{".csv", "csv"},
	{".txt", "table"},
}

// formatAccepts lists, for formats whose files often carry another
// format's ending, the endings they accept besides their own: SARIF, ASFF
// and OCSF are JSON, so "-f sarif -o results.json" is no contradiction.
var formatAccepts = map[string][]string{
	"sarif": {".json"},
	"asff":  {".json"},
	"ocsf":  {".json"},
}

// formatOfPath returns the format a path's ending names, and the ending;
// "" when it names none.
func formatOfPath(path string) (format, ext string) {
	lower := strings.ToLower(path)
	for _, e := range extensionFormats {
		if strings.HasSuffix(lower, e.ext) && len(lower) > len(e.ext) {
			return e.format, e.ext
		}
	}
	return "", ""
}

// plan pairs formats with outputs and checks both before any work starts,
// so a typo fails in a second, not after a long scan. The rules:
//
//   - no --output: every --format goes to stdout, so there may be only one
//     (default table);
//   - --output values pair with --format values in order, and once any
//     --output is given every --format needs its own ("-" for stdout), so
//     nothing lands on the terminal by surprise;
//   - an --output beyond the last --format takes its format from its
//     ending (.json, .sarif, .html, .md, .csv, .asff.json, .ocsf.json,
//     .txt for the table); "-" alone is the table on stdout;
//   - a paired --output whose ending names another format is an error; an
//     unknown or missing ending is fine.
func (r *reportFlags) plan() ([]output, error) {
	formats := make([]string, len(r.formats))
	for i, f := range r.formats {
		formats[i] = strings.ToLower(f)
		if !slices.Contains(findings.Formats, formats[i]) {
			return nil, inputError(fmt.Errorf("--format %q: want one of %s", f, strings.Join(findings.Formats, ", ")))
		}
	}
	var outs []output
	switch {
	case len(r.outputs) == 0 && len(formats) == 0:
		outs = []output{{format: "table"}}
	case len(r.outputs) == 0:
		if len(formats) > 1 {
			return nil, inputError(fmt.Errorf("%d --format values and no --output: only one format can go to stdout; give each an --output file (-o - for stdout), e.g. -f %s -o - -f %s -o report.%s",
				len(formats), formats[0], formats[1], formats[1]))
		}
		outs = []output{{format: formats[0]}}
	case len(formats) > len(r.outputs):
		return nil, inputError(fmt.Errorf("--format %s has no --output: once any --output is given, every --format needs its own, in the same order (-o - for stdout)",
			formats[len(r.outputs)]))
	default:
		for i, path := range r.outputs {
			named, ext := formatOfPath(path)
			o := output{path: path}
			switch {
			case i < len(formats):
				o.format = formats[i]
				if named != "" && named != o.format && !slices.Contains(formatAccepts[o.format], ext) {
					return nil, inputError(fmt.Errorf("--format %s with --output %s: a %s file holds %s; name the file for its format or drop the --format",
						o.format, path, ext, named))
				}
			case o.toStdout():
				o.format = "table"
			case named == "":
				return nil, inputError(fmt.Errorf("--output %s: cannot tell the format from the file name; add --format (one of %s) before it, or end the name in .json, .sarif, .html, .md, .csv, .asff.json, .ocsf.json or .txt",
					path, strings.Join(findings.Formats, ", ")))
			default:
				o.format = named
			}
			outs = append(outs, o)
		}
	}
	if _, err := r.threshold(); err != nil {
		return nil, err
	}
	if r.failOnNew && r.baseline == "" {
		return nil, inputError(errors.New("--fail-on-new needs --baseline, the report that findings are new against"))
	}
	return outs, nil
}

// files are the files the report flags name: those read (the
// configuration, suppressions and baseline) and the outputs.
func (r *reportFlags) files(outs []output) runFiles {
	in := inputs("--config", r.configFile())
	in = append(in, inputs("--suppressions", r.suppressions)...)
	in = append(in, inputs("--baseline", r.baseline)...)
	return runFiles{inputs: in, outputs: outputPaths(outs, len(r.outputs) > 0)}
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
	// demo says the snapshot is the bundled sample account (scan --demo).
	demo bool
	// deliver, when set, sends the findings on once every output is
	// written (--security-hub); its error decides the exit code.
	deliver func(context.Context, *findings.Report) error
	// before are the writes the command made before the report (scan's
	// --snapshot), listed with the report's when a write fails.
	before []written
}

// written is the outcome of writing one output; err is nil once written.
type written struct {
	name string
	err  error
}

// prepare plans the outputs and checks them against more, the files the
// command itself reads and writes, before it reads anything (see
// checkFiles); then it reads the report's inputs and compiles the rules.
func (r *reportFlags) prepare(ctx context.Context, a *app, more runFiles) (*reporter, error) {
	outs, err := r.plan()
	if err != nil {
		return nil, err
	}
	files := r.files(outs)
	files.inputs = append(files.inputs, more.inputs...)
	files.outputs = append(files.outputs, more.outputs...)
	files.stdin, files.stdout = a.stdin, a.stdout
	if err := checkFiles(files); err != nil {
		return nil, err
	}
	sup, base, err := r.inputs()
	if err != nil {
		return nil, err
	}
	engine, err := r.engine(ctx, a.log)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(engine.Rules()))
	for _, rule := range engine.Rules() {
		ids = append(ids, rule.ID)
	}
	if err := sup.CheckRules(ids); err != nil {
		return nil, inputError(err)
	}
	return &reporter{flags: r, outs: outs, sup: sup, base: base, engine: engine}, nil
}

// report runs the rules over the snapshot of load, writes every requested
// output and returns the exit status as an error (nil for exit 0). load
// is called twice (policies.Engine.EvaluateSource): a snapshot read from a
// file is not held while the rules run.
func (p *reporter) report(ctx context.Context, a *app, load policies.Source) error {
	if floor := startGCPolicy(); floor > 0 {
		a.log.Debug("garbage collection while the rules run", "heap_floor_mib", floor>>20)
	}
	a.log.Info("evaluating rules")
	report, err := p.engine.EvaluateSource(ctx, load)
	if err != nil {
		return inputError(err)
	}
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
	// A file that cannot be written (its disk filled up since checkFiles
	// looked) does not cost the others.
	results := slices.Clone(p.before)
	for i, o := range p.outs {
		a.log.Info("writing report", "format", o.format, "output", cmp.Or(o.path, "-"))
		err := writeOutput(ctx, a.stdout, o, report, p.layout(a.stdout, o))
		if err != nil && ctx.Err() != nil {
			return interruptedWriting(results, p.outs[i:])
		}
		results = append(results, written{name: o.String(), err: err})
	}
	if err := writeFailures(results, p.deliver != nil); err != nil {
		return err
	}
	if p.deliver != nil {
		if err := p.deliver(ctx, report); err != nil {
			return err
		}
	}
	return outcome(report, p.flags)
}

// interruptedWriting says which outputs a signal left unwritten: files are
// written whole or not at all, so the one being written (left[0]) and
// those after it are as they were; stdout may have part of the one being
// written.
func interruptedWriting(done []written, left []output) error {
	for i, o := range left {
		name := o.String()
		if i == 0 && o.toStdout() {
			name += " (cut short)"
		}
		done = append(done, written{name: name, err: context.Canceled})
	}
	return &exitError{code: exitInterrupted, err: errors.New("interrupted while writing the report: " + writtenOrNot(done))}
}

// writeFailures is nil when every output was written, else an error
// that gives each failure and says which outputs were written and which
// were not.
func writeFailures(results []written, deliver bool) error {
	var failures []string
	for _, r := range results {
		if r.err != nil {
			failures = append(failures, r.err.Error())
		}
	}
	if len(failures) == 0 {
		return nil
	}
	msg := strings.Join(failures, "; ") + "; " + writtenOrNot(results)
	if deliver {
		msg += "; nothing imported into Security Hub"
	}
	return &exitError{code: exitUsage, err: errors.New(msg)}
}

// writtenOrNot lists the outputs not written, then those written.
func writtenOrNot(results []written) string {
	var done, left []string
	for _, r := range results {
		if r.err != nil {
			left = append(left, r.name)
		} else {
			done = append(done, r.name)
		}
	}
	msg := "not written: " + strings.Join(left, ", ")
	if len(done) > 0 {
		msg += "; written: " + strings.Join(done, ", ")
	}
	return msg
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
func writeOutput(ctx context.Context, stdout io.Writer, o output, report *findings.Report, opts findings.Options) error {
	return writeTo(stdout, o.path, func(w io.Writer) error {
		return findings.WriteWith(ctx, w, o.format, report, opts)
	})
}

// defaultPipeWidth is the table's width on a pipe or in a file when
// COLUMNS is not set: 0, no limit, so each finding is one line that grep,
// sort and cut can work on (a terminal gets its own width).
const defaultPipeWidth = 0

// layout says how the table fits where it goes.
func (p *reporter) layout(stdout io.Writer, o output) findings.Options {
	tty, cols := false, 0
	if f, ok := stdout.(*os.File); ok && o.toStdout() && term.IsTerminal(int(f.Fd())) {
		tty = true
		if w, _, err := term.GetSize(int(f.Fd())); err == nil {
			cols = w
		}
	}
	opts := tableLayout(tty, cols, os.Getenv, p.flags.noColor)
	opts.Demo = p.demo
	return opts
}

// tableLayout decides the table's width and colour. Width: the terminal's
// when stdout is one, else COLUMNS when it holds a positive number, else
// defaultPipeWidth. Colour: only on a terminal, and not with --no-color,
// a non-empty NO_COLOR (no-color.org) or TERM=dumb.
func tableLayout(tty bool, ttyWidth int, getenv func(string) string, noColor bool) findings.Options {
	var o findings.Options
	if tty && ttyWidth > 0 {
		o.Width = ttyWidth
	} else if n, err := strconv.Atoi(strings.TrimSpace(getenv("COLUMNS"))); err == nil && n > 0 {
		o.Width = n
	} else {
		o.Width = defaultPipeWidth
	}
	o.Color = tty && !noColor && getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"
	return o
}
