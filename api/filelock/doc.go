// Package filelock is an exclusive lock on a file shared by processes (and by several opens in
// one): a token refresh, a seen-state update, setting a damaged local store aside. It lives under
// api/ so the local store (api/store) can use it; config/ uses it too.
package filelock
