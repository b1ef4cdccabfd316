// Package filelock is an exclusive lock on a file shared by processes (and by several opens in
// one): a token refresh, a seen-state update.
package filelock
