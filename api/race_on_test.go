//go:build race

package api_test

// raceEnabled: the race detector's instrumentation allocates on its own, so byte bounds on
// allocation are stated for normal builds only.
const raceEnabled = true
