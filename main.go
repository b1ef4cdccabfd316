// Command postsale is a terminal inbox for Mercado Libre sellers' post-sale messages.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/ui/cli"
)

func main() {
	// A `go install`ed binary knows its module version; a -ldflags build may have set one already.
	if info, ok := debug.ReadBuildInfo(); ok && api.Version == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		api.Version = info.Main.Version
	}
	// postsale alone is the inbox: its store starts opening now, as the signals are set up.
	run := cli.Prepare(os.Args[1:], cli.IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Env: os.LookupEnv})
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run.Run(ctx)
	stop()
	os.Exit(code)
}
