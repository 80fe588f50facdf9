// Command gatewatch audits the entry points of AWS accounts: API Gateway
// REST, HTTP and WebSocket APIs and Application Load Balancers, with the
// WAF, CloudFront, Shield, Lambda and CloudWatch resources around them.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// Ctrl-C or SIGTERM cancels the context, the one cancellation path of
	// every phase: collection stops cleanly and records what it could not
	// finish, evaluation and rendering stop, run exits 3.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	finished := make(chan struct{})
	go func() {
		// After the first signal, restore the default handling so that a
		// second Ctrl-C ends the process at once, and say so. stop also
		// cancels ctx when run has returned: no signal then, nothing to say.
		<-ctx.Done()
		select {
		case <-finished:
			return
		default:
		}
		stop()
		fmt.Fprintln(os.Stderr, "gatewatch: stopping; interrupt again to exit at once")
	}()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	close(finished)
	stop()
	os.Exit(code)
}
