package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/chromedp/chromedp"

	"github.com/gatewatch/gatewatch"
	"github.com/gatewatch/gatewatch/collectors/snapshot"
	"github.com/gatewatch/gatewatch/collectors/snapshot/synth"
	"github.com/gatewatch/gatewatch/findings"
	"github.com/gatewatch/gatewatch/internal/headless"
	"github.com/gatewatch/gatewatch/policies"
)

// screenshot is one PNG of docs/: a report, where it is scrolled to, and
// the size of the window.
type screenshot struct {
	file          string
	report        string // "demo" or "org"
	anchor        string // element to scroll to the top, "" for the top of the page
	width, height int
}

// screenshots are the pictures the README shows.
var screenshots = []screenshot{
	{file: "report-top.png", report: "demo", width: 1600, height: 1250},
	{file: "report-findings.png", report: "demo", anchor: "findings-section", width: 1600, height: 1250},
	{file: "report-org.png", report: "org", anchor: "topology", width: 2600, height: 1700},
}

// orgResources sizes the synthetic organisation of report-org.png.
const orgResources = 500

// runScreenshots renders the HTML report of the demo account and of a
// synthetic organisation of orgResources resources, opens each in headless
// Chromium ($CHROMIUM or chromium on PATH) and writes the screenshots to
// dir:
//
//	go run ./cmd/gatewatch-bench -screenshots docs/
func runScreenshots(ctx context.Context, dir string, stderr io.Writer) error {
	browser, err := headless.Find(os.Getenv("CHROMIUM"))
	if err != nil {
		return err
	}
	engine, err := policies.New(ctx, policies.Options{Config: policies.DefaultConfig()})
	if err != nil {
		return err
	}
	demo, err := snapshot.Parse(gatewatch.DemoSnapshot, "demo")
	if err != nil {
		return err
	}
	org := synth.Org(1, synth.Spec{Regions: 2, Resources: orgResources})
	tmp, err := os.MkdirTemp("", "gatewatch-shots-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	pages := map[string]string{}
	for name, snap := range map[string]*snapshot.Snapshot{"demo": demo, "org": org} {
		report, err := engine.Evaluate(ctx, snap)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := findings.Write(ctx, &buf, "html", report); err != nil {
			return err
		}
		pages[name] = filepath.Join(tmp, name+".html")
		if err := os.WriteFile(pages[name], buf.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "%s: %d resources, %d findings\n", name, len(snap.Resources()), len(report.Findings))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, s := range screenshots {
		png, err := shoot(ctx, browser, filepath.Join(tmp, "profile-"+s.file), pages[s.report], s)
		if err != nil {
			return fmt.Errorf("%s: %w", s.file, err)
		}
		out := filepath.Join(dir, s.file)
		if err := os.WriteFile(out, png, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "wrote %s (%d bytes)\n", out, len(png))
	}
	return nil
}

// shoot opens page in a fresh browser, waits for the page's script to
// finish, scrolls to the anchor and captures the window.
func shoot(ctx context.Context, browser, profile, page string, s screenshot) ([]byte, error) {
	ctx, cancel := headless.Start(ctx, browser, profile, s.width, s.height)
	defer cancel()
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(int64(s.width), int64(s.height)),
		chromedp.Navigate("file://"+page),
		chromedp.WaitVisible(chromedp.CSS(`html[data-ready="dashboard"] body`)),
	); err != nil {
		return nil, err
	}
	if s.anchor != "" {
		js := fmt.Sprintf(`document.getElementById(%q).scrollIntoView(); window.scrollBy(0, -40)`, s.anchor)
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](js)); err != nil {
			return nil, err
		}
	}
	return chromedp.Run(ctx, chromedp.CaptureScreenshot())
}
