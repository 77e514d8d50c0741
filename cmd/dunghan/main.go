// Command dunghan receives, tracks and resolves administrative-procedure
// dossiers so that none goes overdue. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"dunghan/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Main(ctx, os.Args[1:], app.Std())
	stop()
	os.Exit(code)
}
