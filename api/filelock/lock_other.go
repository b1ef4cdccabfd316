//go:build !unix

package filelock

import "context"

// Lock is a no-op where flock is unavailable: what it guards is then serialised only within one
// process (token refreshes in api/oauth, seen-state writes by their own mutex).
func Lock(context.Context, string) (unlock func(), err error) { return func() {}, nil }
