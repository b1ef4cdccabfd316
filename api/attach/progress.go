package attach

import (
	"io"
	"sync"
)

// Progress is told how many bytes moved so far and the total (-1 when unknown). It is called
// from the goroutine doing the I/O, so a UI must hand the numbers to its own loop (a channel
// feeding a tea.Cmd), not touch its model from inside.
type Progress func(done, total int64)

// counter adds up the bytes moved and tells a Progress after each step.
type counter struct {
	done  int64
	total int64
	fn    Progress
}

func (c *counter) add(n int) {
	if n <= 0 {
		return
	}
	c.done += int64(n)
	if c.fn != nil {
		c.fn(c.done, c.total)
	}
}

// progressReader reports every read to a Progress.
type progressReader struct {
	r io.Reader
	counter
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.add(n)
	return n, err
}

// progressWriter reports every write to a Progress.
type progressWriter struct {
	w io.Writer
	counter
}

func (p *progressWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	p.add(n)
	return n, err
}

// guarded calls a Progress until stop: the HTTP client may still read the body for a moment
// after a request failed, and callers must not hear about it once the call has returned.
type guarded struct {
	mu      sync.Mutex
	stopped bool
	fn      Progress
}

func (g *guarded) report(done, total int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.stopped && g.fn != nil {
		g.fn(done, total)
	}
}

func (g *guarded) stop() {
	g.mu.Lock()
	g.stopped = true
	g.mu.Unlock()
}
