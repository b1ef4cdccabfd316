package ui

import (
	"context"
	"errors"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/api"
)

// connState is what the last API answer said about reaching Mercado Libre.
type connState int

const (
	connOK connState = iota
	connOffline
	connRateLimited
)

const (
	// DefaultOfflineRetry is the first quick retry after the network failed; it doubles up to
	// the refresh interval. A rate limit waits four times as long first: the minute's
	// allowance needs time to refill.
	DefaultOfflineRetry = 5 * time.Second
)

// retryTickMsg is a quick retry while offline or rate limited; gen drops stale timers.
type retryTickMsg struct{ gen int }

// classify reads a finished task's error: no error or any HTTP answer but 429 means the network
// works; 429 means rate limited; no answer at all means offline. Cancels say nothing.
func classify(err error) (connState, bool) {
	var ne *api.NetworkError
	switch {
	case err == nil:
		return connOK, true
	case errors.Is(err, context.Canceled):
		return connOK, false
	case errors.Is(err, api.ErrRateLimited):
		return connRateLimited, true
	case errors.As(err, &ne), errors.Is(err, context.DeadlineExceeded):
		return connOffline, true
	}
	var ae *api.Error
	if errors.As(err, &ae) {
		return connOK, true
	}
	return connOK, false
}

// noteConnection updates the connection state from a finished task and, when it just went bad,
// schedules a quick retry so the inbox recovers by itself without waiting a whole interval.
func (m *Model) noteConnection(err error) tea.Cmd {
	state, known := classify(err)
	if known && state == connOK {
		m.lastAnswer = m.c.Now()
	}
	if !known || state == m.conn {
		return nil
	}
	// A local store answers for Mercado Libre while it is unreachable: that is no recovery.
	if o, ok := m.c.Client.(interface{ Offline() bool }); ok && state == connOK && err == nil && o.Offline() {
		return nil
	}
	m.conn = state
	m.retryGen++ // any timer from the previous state is void
	if state == connOK {
		m.retryDelay = 0
		return nil
	}
	m.retryDelay = m.offlineRetry
	if state == connRateLimited {
		m.retryDelay = min(4*m.offlineRetry, m.interval)
	}
	return m.scheduleRetry()
}

func (m *Model) scheduleRetry() tea.Cmd {
	gen, d := m.retryGen, m.retryDelay
	return tea.Tick(d, func(time.Time) tea.Msg { return retryTickMsg{gen: gen} })
}

// retry re-reads what is shown (the account first if it never loaded) and backs off.
func (m *Model) retry(msg retryTickMsg) tea.Cmd {
	if msg.gen != m.retryGen || m.conn == connOK {
		return nil
	}
	m.retryDelay = min(2*m.retryDelay, m.interval)
	return tea.Batch(m.refresh(true), m.scheduleRetry())
}

// connNote is the status bar's word on the connection ("" when fine).
func (m *Model) connNote() string {
	switch m.conn {
	case connOffline:
		// Over a local store the list is as of the store's last sync, whatever answered since
		// (the store itself answers the account).
		stored, synced := m.list.StoredData()
		switch {
		case stored && !synced.IsZero():
			return "offline — stored data from " + m.sinceWords(synced) + ", retrying"
		case !m.lastAnswer.IsZero():
			return "offline — data from " + m.sinceWords(m.lastAnswer) + ", retrying"
		case stored:
			return "offline — stored history, retrying"
		}
		return "offline — nothing loaded yet, retrying"
	case connRateLimited:
		return "rate limited — waiting"
	}
	return ""
}

// sinceWords says when t was in the session's time zone: "14:05" today, "Mon 14:05" within a
// week, else "2 Jan 14:05".
func (m *Model) sinceWords(t time.Time) string {
	loc := m.c.Location
	if loc == nil {
		loc = time.UTC
	}
	t, now := t.In(loc), m.c.Now().In(loc)
	switch {
	case t.Year() == now.Year() && t.YearDay() == now.YearDay():
		return t.Format("15:04")
	case now.Sub(t) < 6*24*time.Hour:
		return t.Format("Mon 15:04")
	}
	return t.Format("2 Jan 15:04")
}
