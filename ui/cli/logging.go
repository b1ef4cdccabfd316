package cli

import (
	"fmt"
	"log/slog"

	"github.com/postsale/postsale/config/logging"
)

// log returns this run's logger, opening the log file in the state dir on first use. The log
// never goes to the terminal (the inbox draws there); when the file cannot be opened, a note
// says so once and nothing is logged.
func (a *app) log() *slog.Logger {
	if a.logger != nil {
		return a.logger
	}
	a.logger = slog.New(slog.DiscardHandler)
	l, closer, err := logging.Open(a.io.Env, logging.Options{Debug: a.debug})
	if err != nil {
		fmt.Fprintln(a.io.Err, "postsale: note: no log file: "+err.Error())
		return a.logger
	}
	a.logger = l
	a.cleanup = append(a.cleanup, func() { _ = closer.Close() })
	return a.logger
}
