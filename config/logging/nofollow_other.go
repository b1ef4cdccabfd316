//go:build !unix

package logging

// oNoFollow: no O_NOFOLLOW here; the state directory's 0700 mode is the protection.
const oNoFollow = 0
