// Command gatewatch audits the entry points of AWS accounts: API Gateway
// REST, HTTP and WebSocket APIs and Application Load Balancers, with the
// WAF, CloudFront, Shield, Lambda and CloudWatch resources around them.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// Ctrl-C or SIGTERM cancels the context; collection then stops cleanly
	// and records what it could not finish.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal, restore the default handling so that a
		// second Ctrl-C ends the process at once.
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
