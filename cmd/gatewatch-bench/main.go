// Command gatewatch-bench measures policy evaluation at organisation scale
// and compares it with the opa CLI on the same input and rules, printing
// each figure beside its target (BENCHMARKS.md records the results):
//
//	go run ./cmd/gatewatch-bench [-sizes 10000,100000] [-runs 5] [-opa PATH]
//
// For each size it generates a synthetic organisation (synth.Org, seed 1,
// two regions per account) and times engine.Evaluate, each run in a
// process of its own after a warm-up, the sizes alternating (the scaling
// figure compares them), then writes the snapshot, the built-in rules and
// their data to a temporary directory and compares like with like, two
// ways:
//
//   - process against process on the same files:
//     `gatewatch eval input.json -f json -o FILE` against
//     `opa eval -d DIR -i input.json 'results := data.gatewatch.rules[pkg].deny' --format json --metrics > FILE`,
//     both wall clock, their runs alternating (target at most 0.8), with
//     their CPU times beside (gatewatch evaluates on every CPU, opa eval
//     on one);
//   - Evaluate, which converts the snapshot into OPA's input value, against
//     opa's parse of the same input (util.Unmarshal and
//     ast.InterfaceToValue in this process, which is what opa eval does
//     outside its timers) plus its own query-evaluation timer (target at
//     most 1.0).
//
// Without -opa, the opa CLI of the version in go.mod is built with `go
// install` into the temporary directory.
//
// -formats measures every output format instead (see formats.go):
//
//	go run ./cmd/gatewatch-bench -formats [-sizes 10000,100000] [-runs 3]
//
// -screenshots DIR writes the PNG screenshots of the HTML report that the
// README shows (see screenshots.go):
//
//	go run ./cmd/gatewatch-bench -screenshots docs/
//
// -all measures collection and then evaluation, every figure in one run.
// With -collect it measures collection instead:
//
//	go run ./cmd/gatewatch-bench -collect [-accounts 20] [-regions 2] [-large=true] [-max-calls-in-flight 128] [-quota-share 0.5]
//
// serves synth.Org(seed 1) from the fake AWS endpoint with AWS's published
// quotas enforced per account-region, collects it through assumed roles
// with the real SDK, and prints the calls made against the fewest the data
// needs, the wall time against the time the quotas force, throttling
// answers, failed collections and peak memory (see collect.go). With -org
// it measures an organisation bound by latency rather than quotas:
//
//	go run ./cmd/gatewatch-bench -org [-accounts 1000] [-regions 17] [-latency 80ms] [-jitter 0] [-max-calls-in-flight 128] [-shards 4]
//
// serves synth.SparseOrg (95 % of account-regions empty) with that latency
// per call, collects every enabled region of every account as `gatewatch
// collect` does, and prints one "org:" line of key=value fields: accounts,
// regions, calls, min_calls, wall_s, floor_s (the larger of the longest
// chain of dependent calls and all calls x latency / calls in flight),
// ratio, rss_mib and failed (see org.go).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/util"

	"github.com/gatewatch/gatewatch/collectors"
	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/collectors/snapshot/synth"
	"github.com/gatewatch/gatewatch/policies"
)

// Targets, from GitHub issues 6 and 16.
const (
	targetScaling = 12.0 // time(100k) / time(10k), for 10x the resources
	// targetProcess is gatewatch eval's wall / opa eval's, both whole
	// processes reading the same snapshot file and writing JSON to a file.
	targetProcess = 0.8
	// targetEvaluate is Evaluate (input conversion included) / opa eval's
	// input-parse and query-eval timers.
	targetEvaluate = 1.0
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "gatewatch-bench: %v\n", err)
		os.Exit(1)
	}
}

// result is the measurement at one size.
type result struct {
	size, resources, findings, opaResults int
	// evaluate is Engine.Evaluate in process; gwProcess the whole
	// `gatewatch eval SNAPSHOT -f json -o FILE`, gwCPU its CPU time.
	evaluate, gwProcess, gwCPU time.Duration
	// opaWall is the whole `opa eval ... --format json > FILE`, opaCPU its
	// CPU time; opaParse its parse of the input (timeOPAInputParse) and
	// opaEval its own query-eval timer.
	opaWall, opaCPU, opaParse, opaEval time.Duration
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gatewatch-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sizesFlag := fs.String("sizes", "10000,100000", "resource counts to measure, comma-separated; the first two are compared for scaling")
	runs := fs.Int("runs", 5, "timed runs per measurement (the median is reported), after one warm-up run")
	opaPath := fs.String("opa", "", "opa CLI to compare with; default: build the go.mod version with go install")
	gatewatchPath := fs.String("gatewatch", "", "gatewatch binary to time `gatewatch eval` with; default: build it with go build")
	keep := fs.String("keep", "", "write the opa inputs (with -org, the snapshots) to this directory and keep them (default: a temporary directory)")
	collect := fs.Bool("collect", false, "measure collection instead: a synthetic organisation served by the fake AWS endpoint with AWS's quotas enforced")
	all := fs.Bool("all", false, "measure collection, then evaluation: every figure of BENCHMARKS.md in one run")
	def := synth.DefaultSpec()
	accounts := fs.Int("accounts", def.Accounts, "with -collect: ordinary accounts; with -org: all accounts (default 1000)")
	regions := fs.Int("regions", def.Regions, "with -collect: regions per account; with -org: regions enabled in every account (default 17)")
	large := fs.Bool("large", true, "with -collect: add the large platform account of synth.DefaultSpec; with -org, that of synth.DefaultOrgSpec")
	org := fs.Bool("org", false, "measure an organisation instead: synth.SparseOrg served by the fake AWS endpoint with a per-call latency, every region of every account collected")
	latency := fs.Duration("latency", 80*time.Millisecond, "with -org: latency of every call")
	jitter := fs.Duration("jitter", 0, "with -org: a further latency of up to this much, drawn per call")
	inFlight := fs.Int("max-calls-in-flight", collectors.DefaultMaxCallsInFlight, "with -collect and -org: calls in flight at most")
	quotaShare := fs.Float64("quota-share", collectors.DefaultQuotaShare, "with -collect and -org: share of each published quota to spend")
	shards := fs.Int("shards", 0, "with -org: collect the organisation again as this many shards and compare")
	shots := fs.String("screenshots", "", "write the README's PNG screenshots of the HTML report (the demo account, a synthetic organisation of 500 resources) to this directory with headless Chromium, instead of measuring")
	formats := fs.Bool("formats", false, "measure every output format instead: rendering time and the peak RSS of `gatewatch eval -f FORMAT` at each size")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	evaluateOnce := fs.Int("evaluate-once", 0, "internal: time one Evaluate of a synthetic organisation of this many resources after a warm-up and print evaluate_ns=N (the bench runs itself so, sizes alternating)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *evaluateOnce > 0 {
		return runEvaluateOnce(ctx, *evaluateOnce, stdout)
	}
	if *shots != "" {
		return runScreenshots(ctx, *shots, stderr)
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	dir := *keep
	if dir == "" {
		tmp, err := os.MkdirTemp("", "gatewatch-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	if *org {
		spec := synth.DefaultOrgSpec()
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if set["accounts"] {
			spec.Accounts = *accounts
		}
		if set["regions"] {
			spec.Regions = *regions
		}
		if !*large {
			spec.Large = synth.Large{}
		}
		return runOrg(ctx, orgSpec{spec: spec, latency: *latency, jitter: *jitter, inFlight: *inFlight, quotaShare: *quotaShare, shards: *shards},
			dir, stdout, stderr)
	}
	if *collect || *all {
		spec := synth.Spec{Accounts: *accounts, Regions: *regions}
		if *large {
			spec.Large = def.Large
		}
		if err := runCollect(ctx, collectSpec{spec: spec, inFlight: *inFlight, quotaShare: *quotaShare}, stdout, stderr); err != nil || !*all {
			return err
		}
		fmt.Fprintln(stdout)
	}
	var sizes []int
	for _, s := range strings.Split(*sizesFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("-sizes: %q is not a positive integer", s)
		}
		sizes = append(sizes, n)
	}
	if *runs < 1 {
		return errors.New("-runs must be at least 1")
	}

	if *formats {
		printMachine(stdout, moduleVersion("github.com/open-policy-agent/opa"))
		return runFormats(ctx, dir, sizes, *runs, stdout, stderr)
	}
	opaVersion := moduleVersion("github.com/open-policy-agent/opa")
	printMachine(stdout, opaVersion)
	opa := *opaPath
	if opa == "" {
		var err error
		if opa, err = buildOPA(ctx, dir, opaVersion, stderr); err != nil {
			return err
		}
	}
	gatewatch := *gatewatchPath
	if gatewatch == "" {
		var err error
		if gatewatch, err = buildGatewatch(ctx, dir, stderr); err != nil {
			return err
		}
	}

	cfg := policies.DefaultConfig()
	fmt.Fprintf(stderr, "timing Evaluate at %s resources, alternating...\n", strings.TrimSpace(*sizesFlag))
	evaluations, err := timeEvaluations(ctx, sizes, *runs)
	if err != nil {
		return err
	}
	results := make([]result, len(sizes))
	for i, n := range sizes {
		fmt.Fprintf(stderr, "measuring %d resources...\n", n)
		snap := synth.Org(1, synth.Spec{Regions: 2, Resources: n})
		r := &results[i]
		*r = result{size: n, resources: len(snap.Resources()), evaluate: evaluations[i].time, findings: evaluations[i].findings}

		// The opa CLI gets the request graph of this snapshot as data
		// (derived in Go before it starts, outside its timers).
		rulesDir := filepath.Join(dir, fmt.Sprintf("policy-%d", n))
		if err := policies.WriteOPAFiles(rulesDir, cfg, snap); err != nil {
			return err
		}
		input, err := writeSnapshot(dir, fmt.Sprintf("input-%d.json", n), snap)
		if err != nil {
			return err
		}
		snap = nil
		runtime.GC()
		if err := timeProcesses(ctx, r, opa, gatewatch, rulesDir, input, dir, *runs); err != nil {
			return err
		}
	}
	printResults(stdout, results, *runs)
	return nil
}

// evaluation is what one -evaluate-once child measured.
type evaluation struct {
	time     time.Duration
	findings int
}

// evaluateChild runs `gatewatch-bench -evaluate-once N` and returns what
// it prints.
func evaluateChild(ctx context.Context, size int) (evaluation, error) {
	self, err := os.Executable()
	if err != nil {
		return evaluation{}, err
	}
	cmd := exec.CommandContext(ctx, self, "-evaluate-once", strconv.Itoa(size))
	cmd.Env = append(os.Environ(), childEnv+"=1")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return evaluation{}, fmt.Errorf("gatewatch-bench -evaluate-once %d: %w", size, err)
	}
	return parseEvaluateOnce(out)
}

// childEnv marks a child run of the bench, for a test binary that runs
// itself as the bench (TestMain).
const childEnv = "GATEWATCH_BENCH_CHILD"

// timeEvaluations times Evaluate at each size, each run in a process of
// its own with its own warm-up, the sizes alternating (10k, 100k, 10k,
// ...), so that every size meets the same states of a shared machine and
// none inherits another's heap; it returns each size's median.
func timeEvaluations(ctx context.Context, sizes []int, runs int) ([]evaluation, error) {
	times := make([][]time.Duration, len(sizes))
	out := make([]evaluation, len(sizes))
	for range runs {
		for i, n := range sizes {
			e, err := evaluateChild(ctx, n)
			if err != nil {
				return nil, err
			}
			times[i] = append(times[i], e.time)
			out[i].findings = e.findings
		}
	}
	for i := range sizes {
		out[i].time = middle(times[i])
	}
	return out, nil
}

// runEvaluateOnce is the child of timeEvaluations: the engine compiled,
// one warm-up Evaluate, then one timed, printed as
// "evaluate_ns=N findings=M".
func runEvaluateOnce(ctx context.Context, size int, stdout io.Writer) error {
	engine, err := policies.New(ctx, policies.Options{Config: policies.DefaultConfig()})
	if err != nil {
		return err
	}
	snap := synth.Org(1, synth.Spec{Regions: 2, Resources: size})
	if _, err := engine.Evaluate(ctx, snap); err != nil {
		return err
	}
	start := time.Now()
	report, err := engine.Evaluate(ctx, snap)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "evaluate_ns=%d findings=%d\n", time.Since(start).Nanoseconds(), len(report.Findings))
	return err
}

// parseEvaluateOnce reads the line runEvaluateOnce prints.
func parseEvaluateOnce(out []byte) (evaluation, error) {
	var ns int64
	var e evaluation
	if _, err := fmt.Sscanf(strings.TrimSpace(string(out)), "evaluate_ns=%d findings=%d", &ns, &e.findings); err != nil || ns <= 0 {
		return evaluation{}, fmt.Errorf("gatewatch-bench -evaluate-once printed %q, want evaluate_ns=N findings=M", out)
	}
	e.time = time.Duration(ns)
	return e, nil
}

// writeSnapshot writes snap as JSON to dir/name and returns the path.
func writeSnapshot(dir, name string, snap *snapshot.Snapshot) (string, error) {
	data, err := json.Marshal(snap)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, name)
	return path, os.WriteFile(path, data, 0o644)
}

// median runs f n times and returns the median duration.
func median(n int, f func() (time.Duration, error)) (time.Duration, error) {
	var ds []time.Duration
	for range n {
		d, err := f()
		if err != nil {
			return 0, err
		}
		ds = append(ds, d)
	}
	slices.Sort(ds)
	return ds[len(ds)/2], nil
}

// timeProcesses times the two processes on the same snapshot file, each
// writing JSON to a file: `opa eval ... --format json > FILE` as a user's
// redirection would, and `gatewatch eval INPUT -f json -o FILE`. After a
// warm-up of each, the runs alternate (opa, gatewatch, opa, ...), so
// that both see the same state of a shared machine; each figure is the
// median of its runs. It fills in r's wall and CPU times, opa's
// query-eval timer, its input parse (timeOPAInputParse) and how many
// results it gave.
func timeProcesses(ctx context.Context, r *result, opa, gatewatch, rulesDir, input, dir string, runs int) error {
	opaOut, gwOut := filepath.Join(dir, "opa.json"), filepath.Join(dir, "gatewatch.json")
	opaOnce := func() (wall, cpu, eval time.Duration, results int, err error) {
		f, err := os.Create(opaOut)
		if err != nil {
			return 0, 0, 0, 0, err
		}
		defer f.Close()
		cmd := exec.CommandContext(ctx, opa, "eval", "-d", rulesDir, "-i", input, "--format", "json", "--metrics", policies.Query)
		cmd.Stdout, cmd.Stderr = f, os.Stderr
		if wall, cpu, err = timeCommand(cmd); err != nil {
			return 0, 0, 0, 0, fmt.Errorf("opa eval: %w", err)
		}
		data, err := os.ReadFile(opaOut)
		if err != nil {
			return 0, 0, 0, 0, err
		}
		var res struct {
			Result []struct {
				Bindings struct {
					Results []json.RawMessage `json:"results"`
				} `json:"bindings"`
			} `json:"result"`
			Metrics map[string]int64 `json:"metrics"`
		}
		if err := json.Unmarshal(data, &res); err != nil {
			return 0, 0, 0, 0, fmt.Errorf("opa eval output: %w", err)
		}
		ns, ok := res.Metrics["timer_rego_query_eval_ns"]
		if !ok {
			return 0, 0, 0, 0, errors.New("opa eval --metrics gave no timer_rego_query_eval_ns")
		}
		for _, r := range res.Result { // one result per rule, holding its deny set
			results += len(r.Bindings.Results)
		}
		return wall, cpu, time.Duration(ns), results, nil
	}
	gwOnce := func() (wall, cpu time.Duration, err error) {
		cmd := exec.CommandContext(ctx, gatewatch, "eval", input, "-f", "json", "-o", gwOut)
		cmd.Stderr = os.Stderr
		wall, cpu, err = timeCommand(cmd)
		// Findings at --fail-on's level exit 1; that is a result, not a
		// failure.
		if err != nil && cmd.ProcessState.ExitCode() != 1 {
			return 0, 0, fmt.Errorf("gatewatch eval: %w", err)
		}
		return wall, cpu, nil
	}
	var err error
	if _, _, _, r.opaResults, err = opaOnce(); err != nil {
		return err
	}
	if _, _, err = gwOnce(); err != nil {
		return err
	}
	var opaWalls, opaCPUs, opaEvals, gwWalls, gwCPUs []time.Duration
	for range runs {
		wall, cpu, eval, _, err := opaOnce()
		if err != nil {
			return err
		}
		opaWalls, opaCPUs, opaEvals = append(opaWalls, wall), append(opaCPUs, cpu), append(opaEvals, eval)
		if wall, cpu, err = gwOnce(); err != nil {
			return err
		}
		gwWalls, gwCPUs = append(gwWalls, wall), append(gwCPUs, cpu)
	}
	r.opaWall, r.opaCPU, r.opaEval = middle(opaWalls), middle(opaCPUs), middle(opaEvals)
	r.gwProcess, r.gwCPU = middle(gwWalls), middle(gwCPUs)
	r.opaParse, err = timeOPAInputParse(input, runs)
	return err
}

// timeCommand runs cmd and returns its wall time and the CPU time (user
// and system) of its process.
func timeCommand(cmd *exec.Cmd) (wall, cpu time.Duration, err error) {
	start := time.Now()
	err = cmd.Run()
	wall = time.Since(start)
	if cmd.ProcessState != nil {
		cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	return wall, cpu, err
}

// timeOPAInputParse times what opa eval does to the input file's bytes
// before evaluating, outside every timer it reports (cmd/eval.go:
// util.Unmarshal, then ast.InterfaceToValue, handed over as
// rego.ParsedInput, so --metrics has no input-parse timer): the same
// library calls of the same OPA version, in this process, median of runs
// after a warm-up. Reading the file is left out, as gatewatch's Evaluate
// starts from a loaded snapshot.
func timeOPAInputParse(input string, runs int) (time.Duration, error) {
	data, err := os.ReadFile(input)
	if err != nil {
		return 0, err
	}
	once := func() (time.Duration, error) {
		runtime.GC()
		start := time.Now()
		var v any
		if err := util.Unmarshal(data, &v); err != nil {
			return 0, err
		}
		if _, err := ast.InterfaceToValue(v); err != nil {
			return 0, err
		}
		return time.Since(start), nil
	}
	if _, err := once(); err != nil {
		return 0, err
	}
	return median(runs, once)
}

// middle is the median of ds.
func middle(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// buildOPA builds the opa CLI of the version the module uses.
func buildOPA(ctx context.Context, dir, version string, stderr io.Writer) (string, error) {
	if version == "" {
		return "", errors.New("cannot tell the opa version from the build info; pass -opa PATH")
	}
	fmt.Fprintf(stderr, "building opa %s with go install...\n", version)
	bin := filepath.Join(dir, "bin")
	cmd := exec.CommandContext(ctx, "go", "install", "github.com/open-policy-agent/opa@"+version)
	cmd.Env = append(os.Environ(), "GOBIN="+bin)
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go install opa@%s: %w (or pass -opa PATH)", version, err)
	}
	return filepath.Join(bin, "opa"), nil
}

func moduleVersion(path string) string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, d := range info.Deps {
		if d.Path == path {
			return d.Version
		}
	}
	return ""
}

func printMachine(w io.Writer, opaVersion string) {
	fmt.Fprintf(w, "machine:  %d CPUs (GOMAXPROCS %d), %s, %s memory\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), procField("/proc/cpuinfo", "model name"), memTotal())
	fmt.Fprintf(w, "software: %s, OPA %s (embedded and CLI)\n", runtime.Version(), opaVersion)
}

// procField returns the first value of key in a /proc file of "key: value"
// lines, or "unknown".
func procField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func memTotal() string {
	kb, err := strconv.Atoi(strings.TrimSuffix(procField("/proc/meminfo", "MemTotal"), " kB"))
	if err != nil {
		return "unknown"
	}
	return fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
}

func printResults(w io.Writer, rs []result, runs int) {
	fmt.Fprintf(w, "\nmedian of %d runs; Evaluate: each run a process of its own after a warm-up, the sizes alternating; synth.Org(seed 1, 2 regions per account)\n\n", runs)
	fmt.Fprintf(w, "%-9s %9s %8s | %-30s | %-24s | %-24s %-13s %-14s\n", "size", "resources", "findings", "gatewatch Evaluate", "gatewatch eval: wall, CPU",
		"opa eval: wall, CPU", "input parse", "query eval")
	for _, r := range rs {
		fmt.Fprintf(w, "%-9s %9d %8d | %8.3f s %12.0f res/s | %8.3f s %8.3f s CPU | %8.3f s %8.3f s CPU %9.3f s %10.3f s (%d results)\n",
			label(r.size), r.resources, r.findings, r.evaluate.Seconds(), float64(r.resources)/r.evaluate.Seconds(),
			r.gwProcess.Seconds(), r.gwCPU.Seconds(), r.opaWall.Seconds(), r.opaCPU.Seconds(), r.opaParse.Seconds(), r.opaEval.Seconds(), r.opaResults)
	}
	fmt.Fprintln(w)
	if len(rs) >= 2 {
		a, b := rs[0], rs[1]
		scale := b.evaluate.Seconds() / a.evaluate.Seconds()
		fmt.Fprintf(w, "scaling   time(%s)/time(%s) = %.1f for %.1fx the resources      target <= %.0f   %s\n",
			label(b.size), label(a.size), scale, float64(b.resources)/float64(a.resources), targetScaling, verdict(scale <= targetScaling))
	}
	for _, r := range rs {
		vs := r.gwProcess.Seconds() / r.opaWall.Seconds()
		fmt.Fprintf(w, "process   %-5s gatewatch eval -f json -o F / opa eval --format json > F = %.2f   target <= %.1f   %s (CPU time: %.2f)\n",
			label(r.size), vs, targetProcess, verdict(vs <= targetProcess), r.gwCPU.Seconds()/r.opaCPU.Seconds())
	}
	for _, r := range rs {
		vs := r.evaluate.Seconds() / (r.opaParse + r.opaEval).Seconds()
		fmt.Fprintf(w, "evaluate  %-5s gatewatch Evaluate / (opa's input parse + its query eval timer) = %.2f   target <= %.1f   %s\n",
			label(r.size), vs, targetEvaluate, verdict(vs <= targetEvaluate))
	}
	for _, r := range rs {
		fmt.Fprintf(w, "info      %-5s gatewatch Evaluate / opa eval wall = %.2f (the comparison BENCHMARKS.md used to headline: in-memory Evaluate against a whole process)\n",
			label(r.size), r.evaluate.Seconds()/r.opaWall.Seconds())
		fmt.Fprintf(w, "info      %-5s gatewatch Evaluate / opa query eval only = %.2f (Evaluate also converts the input, derives the request graph, judges coverage)\n",
			label(r.size), r.evaluate.Seconds()/r.opaEval.Seconds())
	}
}

func label(n int) string {
	if n%1000 == 0 {
		return fmt.Sprintf("%dk", n/1000)
	}
	return strconv.Itoa(n)
}

func verdict(ok bool) string {
	if ok {
		return "MET"
	}
	return "MISSED"
}
