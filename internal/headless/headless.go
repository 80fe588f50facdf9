// Package headless drives headless Chromium through the DevTools protocol
// (github.com/chromedp/chromedp): the HTML report's browser tests and the
// screenshots of docs/ use it, with one set of flags that keeps the
// browser off the network.
package headless

import (
	"context"
	"errors"
	"os/exec"

	"github.com/chromedp/chromedp"
)

// Names are the executables tried, in order, when no path is given.
var Names = []string{"chromium", "chromium-browser", "google-chrome", "chrome"}

// Find returns the path of a Chromium: path itself when not empty,
// else the first of Names on PATH.
func Find(path string) (string, error) {
	if path != "" {
		return exec.LookPath(path)
	}
	for _, name := range Names {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("chromium not found (apt-get install -y chromium, or name it with CHROMIUM)")
}

// Options are the allocator options: headless, no sandbox (containers
// run as root), no GPU, and everything that could reach the network on
// its own (QUIC, first-run pings, background networking, component
// updates, sync) turned off, in a profile of its own.
func Options(browser, userDataDir string, width, height int) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(browser),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(userDataDir),
		chromedp.WindowSize(width, height),
	}
}

// Start starts the browser and opens a tab; cancel closes both. The
// browser runs until the first action; errors surface there.
func Start(parent context.Context, browser, userDataDir string, width, height int) (context.Context, context.CancelFunc) {
	actx, cancelAlloc := chromedp.NewExecAllocator(parent, Options(browser, userDataDir, width, height)...)
	ctx, cancelTab := chromedp.NewContext(actx)
	return ctx, func() {
		cancelTab()
		cancelAlloc()
	}
}
