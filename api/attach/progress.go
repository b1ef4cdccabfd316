package attach

import "io"

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
