// Command powerwatch is the district bureau's electricity-monitoring app: with no
// arguments the desktop app, with a subcommand the service or a tool.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"powerwatch/app/judge"
	"powerwatch/app/service"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	ctx = judge.WithHolidays(ctx, service.ShippedHolidays())
	e := &env{ctx: ctx, stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}
	code := dispatch(e, os.Args[1:])
	stop()
	os.Exit(code)
}
