//go:build unix

package logging

import "syscall"

// oNoFollow refuses to open the log through a symlink planted at its path.
const oNoFollow = syscall.O_NOFOLLOW
