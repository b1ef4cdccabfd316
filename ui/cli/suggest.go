package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// rootArgs refuses arguments to the bare command: a word there is a mistyped command, a usage
// mistake (exit 2) answered with cobra's suggestions ("did you mean send?") on one line.
func rootArgs(cmd *cobra.Command, list []string) error {
	if len(list) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q", list[0])
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2
	}
	if s := cmd.SuggestionsFor(list[0]); len(s) > 0 {
		msg += ": did you mean " + strings.Join(quoteAll(s), " or ") + "?"
	}
	return &usageError{fmt.Errorf("%s (see %s --help)", msg, cmd.CommandPath())}
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = fmt.Sprintf("%q", v)
	}
	return out
}
