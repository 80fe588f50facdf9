package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/gatewatch/gatewatch/internal/safetext"
)

// Exit codes, documented in the README; schedulers act on them.
const (
	exitOK         = 0 // no finding at or above --fail-on, full coverage
	exitFindings   = 1 // a finding at or above --fail-on
	exitUsage      = 2 // bad flags, configuration, snapshot or rule
	exitIncomplete = 3 // coverage has gaps and no finding reached --fail-on
	// exitInterrupted is exitIncomplete's code: a run stopped by SIGINT or
	// SIGTERM covered less than was asked, like a run with gaps.
	exitInterrupted = 3
	// exitDelivery: the report was written, but Security Hub did not
	// accept every finding (--security-hub). It outranks 1 and 3: a
	// nightly scan always has findings, and a failure to deliver them
	// must not hide behind that.
	exitDelivery = 4
)

// exitError carries an exit code out of a command. err may be nil when
// the code alone says it all (findings were reported).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// inputError marks a problem with what the user gave: flags, files,
// configuration, rules. It exits 2.
func inputError(err error) error { return &exitError{code: exitUsage, err: err} }

// app holds what every command writes to; commands never touch os.Std*.
type app struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger
	// logLevel is bound to the persistent --log-level flag.
	logLevel string
}

// run executes one gatewatch invocation and returns its exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRootCommand(a)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if ctx.Err() != nil && (!errors.As(err, &ee) || ee.code == exitUsage) {
		// A signal stopped whichever phase was running (loading,
		// compiling, evaluating, writing): whatever it reported failing
		// failed because of that.
		printError(stderr, "interrupted: "+err.Error())
		return exitInterrupted
	}
	if errors.As(err, &ee) {
		if ee.err != nil {
			printError(stderr, ee.err.Error())
		}
		return ee.code
	}
	// Anything else comes from cobra's own parsing: unknown command or
	// flag, wrong number of arguments.
	printError(stderr, err.Error()+"\nRun 'gatewatch --help' for usage.")
	return exitUsage
}

// maxErrorLineRunes bounds one line of an error message on stderr.
const maxErrorLineRunes = 1024

// printError writes an error message to stderr, each of its lines
// sanitised and bounded: errors quote what the user or AWS provided (a
// snapshot's resource names, a file's content), which must not drive the
// terminal or flood it.
func printError(stderr io.Writer, msg string) {
	lines := strings.Split(msg, "\n")
	for i, l := range lines {
		lines[i] = safetext.Elide(safetext.Sanitize(l), maxErrorLineRunes)
	}
	fmt.Fprintf(stderr, "gatewatch: %s\n", strings.Join(lines, "\n"))
}

func newRootCommand(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "gatewatch",
		Short: "Audit the entry points of AWS accounts: API Gateway and Application Load Balancers",
		Long: `gatewatch inventories API Gateway REST, HTTP and WebSocket APIs and Application
Load Balancers, with the WAF web ACLs, CloudFront distributions, Shield
protections, Lambda targets and CloudWatch alarms around them, and evaluates
Rego rules over that inventory: the architecture pitfalls of choosing and
combining API Gateway and ALB, and the hygiene checks of both services.

Try it without AWS credentials on the bundled demo account:

  gatewatch scan --demo

Exit codes: 0 no finding at or above --fail-on; 1 a finding at or above
--fail-on; 2 bad input (flags, configuration, no or expired credentials,
snapshot, rules); 3 coverage has gaps (a collection error, an interrupted or
timed-out run, AWS unreachable) and no finding reached --fail-on; 4 the report
was written but Security Hub did not accept every finding (--security-hub). A
second Ctrl-C or SIGTERM ends the run at once.`,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			level, err := parseLogLevel(a.logLevel)
			if err != nil {
				return inputError(err)
			}
			a.log = slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: level}))
			return nil
		},
	}
	root.PersistentFlags().StringVar(&a.logLevel, "log-level", "warn", "log detail on stderr: debug, info, warn or error")
	registerTemplateFuncs.Do(func() {
		// pflag 1.1 prints boolean flags as "--demo[=true|false]"; blank
		// the hint (keeping the columns aligned) so help reads like every
		// CLI's. Cobra keeps template functions in a package-level map,
		// hence once per process.
		cobra.AddTemplateFunc("plainBools", func(s string) string {
			return strings.ReplaceAll(s, "[=true|false]", strings.Repeat(" ", len("[=true|false]")))
		})
	})
	root.SetUsageTemplate(strings.ReplaceAll(root.UsageTemplate(), "FlagUsages | trimTrailingWhitespaces", "FlagUsages | plainBools | trimTrailingWhitespaces"))
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return inputError(fmt.Errorf("%v\nRun '%s --help' for usage", err, cmd.CommandPath()))
	})
	root.AddCommand(
		newScanCommand(a),
		newCollectCommand(a),
		newEvalCommand(a),
		newMergeCommand(a),
		newRulesCommand(a),
		newVersionCommand(a),
	)
	return root
}

var registerTemplateFuncs sync.Once

func parseLogLevel(s string) (slog.Level, error) {
	switch strings.ToLower(s) {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("--log-level %q: want debug, info, warn or error", s)
}
