package serve

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"
)

// TestFiftySessionsShareOneBudget: 50 people connect at once; every one gets the inbox, and the
// API never sees more than the one shared allowance in any window (per-session limiters would
// each spend their own).
func TestFiftySessionsShareOneBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("50 sessions")
	}
	const n = 50
	const perPeriod, period = 100, 2 * time.Second
	members := make([]member, n)
	for i := range members {
		members[i] = newMember(t, fmt.Sprintf("m%02d", i))
	}
	r := startRig(t, rigOptions{members: members, perPeriod: perPeriod, period: period})
	terms := make([]*term, n)
	var wg sync.WaitGroup
	for i := range members {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			terms[i] = connect(t, r.addr, members[i], nil)
		}(i)
	}
	wg.Wait()
	for _, tm := range terms {
		tm.waitFor(demoBuyer)
	}
	if got := r.srv.Hub().Sessions(); got != n {
		t.Errorf("hub counts %d sessions, want %d", got, n)
	}
	// The limiter grants at most the allowance per period; arrivals at the API may bunch a little
	// (scheduling on a busy machine), so the check is over the whole run with one period of slack:
	// per-session limiters would let 50 allowances through instead.
	times := r.api.snapshot()
	span := times[len(times)-1].Sub(times[0])
	budget := int(float64(perPeriod) * (span.Seconds()/period.Seconds() + 1))
	t.Logf("%d API requests for %d sessions over %v; shared budget for that span %d", len(times), n, span.Round(time.Millisecond), budget)
	if len(times) > budget {
		t.Errorf("the API saw %d requests in %v, over the shared allowance of %d per %v (%d)", len(times), span, perPeriod, period, budget)
	}
	assertNoToken(t, r, terms...)
}

// openSessions connects n members and waits until each shows the inbox.
func openSessions(b *testing.B, n int) (*rig, []*term) {
	members := make([]member, n)
	for i := range members {
		members[i] = newMember(b, fmt.Sprintf("m%02d", i))
	}
	// The benchmarks measure the server, not the API allowance: the limiter is opened wide.
	r := startRig(b, rigOptions{members: members, perPeriod: 100000, period: time.Minute})
	terms := make([]*term, n)
	for i := range members {
		terms[i] = connect(b, r.addr, members[i], nil)
	}
	for _, tm := range terms {
		tm.waitFor(demoBuyer)
	}
	return r, terms
}

// BenchmarkIdleSessionMemory reports the heap each idle served session adds (server side and
// the in-process test client together, so an upper bound).
func BenchmarkIdleSessionMemory(b *testing.B) {
	const n = 20
	for b.Loop() {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		_, terms := openSessions(b, n)
		for _, tm := range terms {
			tm.forget()
		}
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/n/(1<<20), "MB/session")
		for _, tm := range terms {
			tm.close()
		}
	}
}

// BenchmarkKeystrokeToFrame: with 50 sessions open, the time from a key sent by one ssh client
// to the next frame bytes it receives over loopback.
func BenchmarkKeystrokeToFrame(b *testing.B) {
	_, terms := openSessions(b, 50)
	tm := terms[0]
	keys := []string{"j", "k"}
	i := 0
	for b.Loop() {
		m := tm.mark()
		tm.send(keys[i%2])
		tm.waitAny(m)
		i++
	}
}
