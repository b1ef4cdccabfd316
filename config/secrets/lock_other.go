//go:build !unix

package secrets

import "context"

// lockFile is a no-op where flock is unavailable: refreshes are then serialised only within one
// process (api/oauth), and a second process recovers through the stored pair.
func lockFile(context.Context, string) (func(), error) { return func() {}, nil }
