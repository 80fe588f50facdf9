package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/gatewatch/gatewatch/collectors"
	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// awsFlags select what to collect and how to reach AWS, the way the AWS CLI
// does: the standard credential chain, a named profile, regions, and an
// endpoint override for emulators and VPC endpoints.
type awsFlags struct {
	profile     string
	regions     []string
	endpointURL string
	concurrency int
}

func (f *awsFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.profile, "profile", "", "named profile from the shared AWS config and credentials files (default: AWS_PROFILE or the default chain)")
	fs.StringSliceVar(&f.regions, "regions", nil, "regions to scan, comma-separated or repeated, or \"all\" for every region enabled in the account (default: the profile's or AWS_REGION)")
	fs.StringSliceVar(&f.regions, "region", nil, "alias of --regions")
	fs.StringVar(&f.endpointURL, "endpoint-url", "", "send every AWS call to this endpoint (an emulator, a VPC endpoint); AWS_ENDPOINT_URL is honoured too")
	fs.IntVar(&f.concurrency, "concurrency", 4, "account-regions collected at once")
}

// collect loads the AWS configuration and collects a snapshot. Problems
// with the configuration (unknown profile, no region, no credentials) are
// input errors; failed calls after that are recorded in the snapshot.
func (f *awsFlags) collect(ctx context.Context, a *app) (*snapshot.Snapshot, error) {
	if f.concurrency < 1 {
		return nil, inputError(fmt.Errorf("--concurrency %d: must be at least 1", f.concurrency))
	}
	var loadOpts []func(*config.LoadOptions) error
	if f.profile != "" {
		loadOpts = append(loadOpts, config.WithSharedConfigProfile(f.profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		return nil, inputError(fmt.Errorf("aws configuration: %w", err))
	}
	regions := trimAll(f.regions)
	if len(regions) == 0 && cfg.Region == "" {
		return nil, inputError(errors.New("no region: pass --regions (for example --regions eu-west-1,us-east-1 or --regions all) or set AWS_REGION"))
	}
	if len(regions) > 0 && cfg.Region == "" {
		// The home region only serves the account look-up; prefer a named one.
		cfg.Region = regions[0]
		if cfg.Region == collectors.AllRegions {
			cfg.Region = "us-east-1"
		}
	}
	progress := newProgress(a.stderr)
	snap, err := collectors.Collect(ctx, collectors.Options{
		Config:      cfg,
		EndpointURL: f.endpointURL,
		Regions:     regions,
		ToolVersion: toolVersion(),
		Progress:    progress.event,
		Logger:      a.log,
		Concurrency: f.concurrency,
	})
	progress.finish()
	if err != nil {
		return nil, inputError(fmt.Errorf("%w\n(check credentials with 'aws sts get-caller-identity', or try 'gatewatch scan --demo')", err))
	}
	return snap, nil
}

func trimAll(in []string) []string {
	var out []string
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// progress draws one status line on stderr when stderr is a terminal and
// stays silent otherwise, so logs and CI output are not littered.
type progress struct {
	w       io.Writer
	on      bool
	mu      sync.Mutex
	started int
	done    int
	errors  int
	last    time.Time
}

func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, on: ok && term.IsTerminal(int(f.Fd()))}
}

func (p *progress) event(ev collectors.ProgressEvent) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if ev.Done {
		p.done++
		p.errors += ev.Errors
	} else {
		p.started++
	}
	if time.Since(p.last) < 100*time.Millisecond && ev.Done {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "\r\033[Kcollecting: %d/%d service scans done, %d errors; now %s %s %s", p.done, p.started, p.errors, ev.Account, ev.Region, ev.Service)
}

func (p *progress) finish() {
	if p.on {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
