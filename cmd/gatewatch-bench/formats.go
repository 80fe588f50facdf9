package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/gatewatch/gatewatch/collectors/snapshot/synth"
	"github.com/gatewatch/gatewatch/findings"
	"github.com/gatewatch/gatewatch/policies"
)

// Targets for the output formats, from GitHub issue 11.
const (
	targetFormatScaling = 12.0    // time(100k) / time(10k) of rendering one format
	targetEvalRSS       = 1 << 30 // peak RSS of `gatewatch eval -f FORMAT`, bytes
)

// formatResult is one format at one size. Times are CPU times (user and
// system, GC included): on a machine shared with other work, wall times
// measure the neighbours as much as gatewatch.
type formatResult struct {
	render  time.Duration // findings.Write, in process, median
	process time.Duration // gatewatch eval -f FORMAT -o FILE, whole process
	wall    time.Duration // the same, wall clock
	rss     int64         // its peak RSS, bytes
	bytes   int64         // the output's size
}

// runFormats measures every output format at each size, two ways:
//
//   - rendering alone, in process: findings.Write of the evaluated report
//     to io.Discard, median of runs, which shows whether a writer is
//     linear in findings and resources;
//   - the whole command, as a user runs it: `gatewatch eval SNAPSHOT -f
//     FORMAT -o FILE` from a binary built for the purpose, once, timed
//     by the wall clock, with its peak RSS as GNU time reports it.
func runFormats(ctx context.Context, dir string, sizes []int, runs int, stdout, stderr io.Writer) error {
	bin, err := buildGatewatch(ctx, dir, stderr)
	if err != nil {
		return err
	}
	engine, err := policies.New(ctx, policies.Options{Config: policies.DefaultConfig()})
	if err != nil {
		return err
	}
	results := make([]map[string]formatResult, len(sizes))
	resources := make([]int, len(sizes))
	for i, n := range sizes {
		fmt.Fprintf(stderr, "output formats at %d resources...\n", n)
		snap := synth.Org(1, synth.Spec{Regions: 2, Resources: n})
		resources[i] = len(snap.Resources())
		input, err := writeSnapshot(dir, fmt.Sprintf("snapshot-%d.json", n), snap)
		if err != nil {
			return err
		}
		report, err := engine.Evaluate(ctx, snap)
		if err != nil {
			return err
		}
		results[i] = make(map[string]formatResult)
		for _, format := range findings.Formats {
			var r formatResult
			r.render, err = median(runs, func() (time.Duration, error) {
				runtime.GC() // each run starts from the same heap, not the last run's garbage
				start := cpuTime()
				err := findings.Write(ctx, io.Discard, format, report)
				return cpuTime() - start, err
			})
			if err != nil {
				return err
			}
			out := filepath.Join(dir, "report."+format)
			if r.process, r.wall, r.rss, err = timeEval(ctx, bin, input, format, out); err != nil {
				return err
			}
			if fi, err := os.Stat(out); err == nil {
				r.bytes = fi.Size()
			}
			results[i][format] = r
		}
		snap, report = nil, nil
	}
	printFormats(stdout, sizes, resources, results, runs)
	return nil
}

// buildGatewatch builds the gatewatch binary into dir.
func buildGatewatch(ctx context.Context, dir string, stderr io.Writer) (string, error) {
	bin := filepath.Join(dir, "gatewatch")
	fmt.Fprintln(stderr, "building gatewatch...")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/gatewatch/gatewatch/cmd/gatewatch")
	build.Stdout, build.Stderr = stderr, stderr
	if err := build.Run(); err != nil {
		return "", fmt.Errorf("go build github.com/gatewatch/gatewatch/cmd/gatewatch (run inside the module): %w", err)
	}
	return bin, nil
}

// timeEval runs one `gatewatch eval` under GNU time and returns its CPU
// time, wall time and peak RSS. Not getrusage of our own child: Go starts
// children with a vfork-like clone, so the kernel's high-water mark of a
// child starts at this (large) process's until the exec, and every child
// would report our peak.
func timeEval(ctx context.Context, bin, input, format, out string) (cpu, wall time.Duration, rss int64, err error) {
	cmd := exec.CommandContext(ctx, "/usr/bin/time", "-f", rssMarker+"%M %U %S", bin, "eval", input, "-f", format, "-o", out)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err = cmd.Run()
	wall = time.Since(start)
	if err != nil && cmd.ProcessState.ExitCode() != 1 && cmd.ProcessState.ExitCode() != 3 {
		return 0, 0, 0, fmt.Errorf("/usr/bin/time gatewatch eval -f %s (GNU time is needed: apt-get install time): %w\n%s", format, err, stderr.String())
	}
	_, after, ok := strings.Cut(stderr.String(), rssMarker)
	var kib int64
	var user, sys float64
	if !ok {
		return 0, 0, 0, fmt.Errorf("no figures from /usr/bin/time:\n%s", stderr.String())
	}
	if _, err := fmt.Sscanf(after, "%d %f %f", &kib, &user, &sys); err != nil {
		return 0, 0, 0, fmt.Errorf("figures from /usr/bin/time %q: %w", after, err)
	}
	return time.Duration((user + sys) * float64(time.Second)), wall, kib << 10, nil
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

const rssMarker = "gatewatch-bench RSS KiB, user s, sys s: "

func printFormats(w io.Writer, sizes, resources []int, results []map[string]formatResult, runs int) {
	fmt.Fprintf(w, "\noutput formats: synth.Org(seed 1, 2 regions per account); CPU seconds (user+sys, GC included)\n")
	fmt.Fprintf(w, "render = findings.Write to io.Discard in process, median of %d runs;\n", runs)
	fmt.Fprintf(w, "eval = the whole `gatewatch eval SNAPSHOT -f FORMAT -o FILE` process (load, evaluate, render), one run: CPU, wall, peak RSS (GNU time)\n\n")
	fmt.Fprintf(w, "%-9s", "format")
	for i, n := range sizes {
		fmt.Fprintf(w, " | %-55s", fmt.Sprintf("%s (%d resources)", label(n), resources[i]))
	}
	fmt.Fprintln(w)
	for _, format := range findings.Formats {
		fmt.Fprintf(w, "%-9s", format)
		for i := range sizes {
			r := results[i][format]
			fmt.Fprintf(w, " | render %6.3f  eval %5.1f (wall %5.1f)  RSS %5.0f MiB %6.1f MB",
				r.render.Seconds(), r.process.Seconds(), r.wall.Seconds(), float64(r.rss)/(1<<20), float64(r.bytes)/1e6)
		}
		fmt.Fprintln(w)
	}
	if len(sizes) < 2 {
		return
	}
	fmt.Fprintln(w)
	a, b := 0, 1
	for _, format := range findings.Formats {
		ra, rb := results[a][format], results[b][format]
		scale := rb.render.Seconds() / ra.render.Seconds()
		fits := rb.rss < targetEvalRSS
		fmt.Fprintf(w, "%-9s render CPU(%s)/CPU(%s) = %5.1f  target <= %.0f  %-6s | eval CPU ratio %5.1f | eval peak RSS at %s %5.0f MiB  target < 1024 MiB  %s\n",
			format, label(sizes[b]), label(sizes[a]), scale, targetFormatScaling, verdict(scale <= targetFormatScaling),
			rb.process.Seconds()/ra.process.Seconds(), label(sizes[b]), float64(rb.rss)/(1<<20), verdict(fits))
	}
}
