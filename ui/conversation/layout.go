package conversation

// Layout: where each entry sits in the scrollable content. Line 0 is the top line (older
// messages or the beginning), then every entry's lines, oldest first. An entry's height is exact
// once it was drawn at the current width and mode and estimated before, so a resize or a `t`
// draws only what reaches the screen; drawing an entry that starts above the top moves the top
// by its change of height, so what is on screen never jumps.

// heightOf is how many lines e takes now: drawn, stale (its last drawing) or estimated.
func (m *Model) heightOf(e *entry) int {
	if e.cache != nil && e.cacheWidth == m.width && e.cacheMode == m.mode {
		return len(e.cache)
	}
	return e.estimate(m.width, m.mode)
}

// draw renders e at the current width and mode and returns its change of height.
func (m *Model) draw(e *entry) int {
	before := m.heightOf(e)
	return len(e.lines(m.width, m.mode, m.c, m.links)) - before
}

// locate is the entry holding content line and that entry's first line: -1 for the top line,
// len(entries) past the end. Given the content's height (total > 0), it walks from whichever
// end is nearer: the view is usually at the newest messages.
func (m *Model) locate(line, total int) (int, int) {
	if line < 1 {
		return -1, 0
	}
	if total > 0 && line >= total/2 {
		if line >= total {
			return len(m.entries), total
		}
		start := total
		for i := len(m.entries) - 1; i >= 0; i-- {
			start -= m.heightOf(m.entries[i])
			if line >= start {
				return i, start
			}
		}
		return 0, 1
	}
	start := 1
	for i, e := range m.entries {
		h := m.heightOf(e)
		if line < start+h {
			return i, start
		}
		start += h
	}
	return len(m.entries), start
}

// contentLines is the height of everything scrollable: the top line and every entry.
func (m *Model) contentLines() int {
	if m.width < 1 {
		return 0
	}
	n := 1
	for _, e := range m.entries {
		n += m.heightOf(e)
	}
	return n
}

func (m *Model) maxTop() int { return max(0, m.contentLines()-m.bodyHeight()) }

// clamp keeps the view within the content (at its end when following) and draws every entry
// with a line on screen, so what is shown is exact while the rest may still be estimated.
func (m *Model) clamp() {
	m.clampTotal()
}

// clampTotal is clamp, returning the content's height.
func (m *Model) clampTotal() int {
	body := m.bodyHeight()
	total := m.contentLines()
	// Each pass that goes round drew at least one more entry, so this ends.
	for range len(m.entries) + 2 {
		maxTop := max(0, total-body)
		if m.follow {
			m.top = maxTop
		}
		m.top = max(0, min(m.top, maxTop))
		if !m.drawScreen(body, total) {
			break
		}
		total = m.contentLines()
	}
	return total
}

// drawScreen draws the undrawn entries with a line in the body and reports whether a height
// changed (the view must be clamped again).
func (m *Model) drawScreen(body, total int) bool {
	if m.width < 1 || body < 1 {
		return false
	}
	i, line := m.locate(m.top, total)
	if i < 0 {
		i, line = 0, 1
	}
	changed := false
	for ; i < len(m.entries) && line < m.top+body; i++ {
		e := m.entries[i]
		if !e.drawn(m.width, m.mode) {
			if d := m.draw(e); d != 0 {
				changed = true
				if line < m.top {
					// It starts above the screen: keep its end where it was.
					m.top = max(0, m.top+d)
					return true
				}
			}
		}
		line += m.heightOf(e)
	}
	return changed
}

// drawAbove draws the entries within n lines above the top, nearest first, moving the top by
// each change of height so the screen stays put and a scroll of n lines is exact.
func (m *Model) drawAbove(n int) {
	i, start := m.locate(m.top, 0)
	if i < 0 || m.width < 1 {
		return
	}
	covered := m.top - start
	for j := min(i, len(m.entries)) - 1; j >= 0 && covered < n; j-- {
		e := m.entries[j]
		if !e.drawn(m.width, m.mode) {
			m.top += m.draw(e)
		}
		covered += m.heightOf(e)
	}
}

// anchor is the entry at the top of the view and how many of its lines are above the view;
// -1 when following or at the very top, which a re-layout keeps by itself.
func (m *Model) anchor() (int, int) {
	if m.width < 1 || m.follow || m.top < 1 {
		return -1, 0
	}
	i, start := m.locate(m.top, 0)
	if i >= len(m.entries) {
		return -1, 0
	}
	return i, m.top - start
}

// restore scrolls so entry idx is at the top again after a re-layout (width or mode changed);
// only the entries that reach the screen are drawn.
func (m *Model) restore(idx, off int) {
	if idx >= 0 && idx < len(m.entries) && m.width > 0 {
		line := 1
		for _, e := range m.entries[:idx] {
			line += m.heightOf(e)
		}
		m.top = line + min(off, len(m.entries[idx].lines(m.width, m.mode, m.c, m.links))-1)
	}
	m.clamp()
}

// span draws entry i and the entries within a screen above it, so scrolling to show it lands
// exactly, and returns its first line and the line after it. Entries drawn above the top move
// the top by their change of height, as in drawAbove.
func (m *Model) span(i int) (int, int) {
	body := m.bodyHeight()
	at := 1 // the first line of entry j, as laid out before this walk drew anything
	for _, e := range m.entries[:i+1] {
		at += m.heightOf(e)
	}
	covered := 0
	for j := i; j >= 0 && (j == i || covered < body); j-- {
		e := m.entries[j]
		h := m.heightOf(e)
		at -= h
		if !e.drawn(m.width, m.mode) {
			d := m.draw(e)
			if at < m.top {
				m.top = max(0, m.top+d)
			}
			h += d
		}
		covered += h
	}
	start := 1
	for _, e := range m.entries[:i] {
		start += m.heightOf(e)
	}
	return start, start + m.heightOf(m.entries[i])
}
