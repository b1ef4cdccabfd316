package attach

import (
	"io"
	"sync"
)

// Progress is told how many bytes moved so far and the total (-1 when unknown). It is called
// from the goroutine doing the I/O, so a UI must hand the numbers to its own loop (a channel
// feeding a tea.Cmd), not touch its model from inside.
type Progress func(done, total int64)

// progressReader reports every read to a Progress.
type progressReader struct {
	r     io.Reader
	done  int64
	total int64
	fn    Progress
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.done += int64(n)
		if p.fn != nil {
			p.fn(p.done, p.total)
		}
	}
	return n, err
}

// progressWriter reports every write to a Progress.
type progressWriter struct {
	w     io.Writer
	done  int64
	total int64
	fn    Progress
}

func (p *progressWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	if n > 0 {
		p.done += int64(n)
		if p.fn != nil {
			p.fn(p.done, p.total)
		}
	}
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
