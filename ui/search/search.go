// Package search is a standalone search view over the local store: a query line searched as
// you type (the last word as a prefix) and a list of results with the buyer, the date and a
// snippet with the match highlighted. enter asks, with OpenMsg, to open the pack at the message;
// esc sends CloseMsg. It knows the store only through Searcher; the inbox shows it with `s`
// (ui/searchview.go).
package search

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/api/store"
)

// Searcher is what the view needs from the store (*store.Store satisfies it).
type Searcher interface {
	Search(ctx context.Context, q store.SearchQuery) (store.Found, error)
}

// OpenMsg asks the root to open a pack's conversation at a message; InTranslation says the
// search matched the message's translation (show it).
type OpenMsg struct {
	PackID, MessageID string
	InTranslation     bool
}

// CloseMsg asks the root to close the search.
type CloseMsg struct{}

// resultsMsg carries the answer to the query numbered seq.
type resultsMsg struct {
	seq   int
	found store.Found
	err   error
	more  bool // the next page of the same query (↓ past the last result)
}

// page is how many results a search shows at first, and how many more ↓ past the last one adds.
const page = 50

// Styles are the view's looks; built per view, never shared.
type Styles struct {
	Match, Selected, Meta, Error lipgloss.Style
}

// DefaultStyles builds the styles with r (the session's renderer).
func DefaultStyles(r *lipgloss.Renderer) Styles {
	return Styles{
		Match:    r.NewStyle().Bold(true).Reverse(true),
		Selected: r.NewStyle().Reverse(true),
		Meta:     r.NewStyle().Faint(true),
		Error:    r.NewStyle().Bold(true),
	}
}

// Model is the search view.
type Model struct {
	searcher Searcher
	ctx      context.Context // nil: context.Background
	styles   Styles
	input    textinput.Model
	results  []store.Result
	found    store.Found   // the answer on display: its count beside the results
	lines    []resultLines // results drawn when they arrive and at each new width: sanitised, styled, local dates
	loc      *time.Location
	cursor   int
	limit    int   // results asked for: page, and a page more each time ↓ goes past the last
	more     bool  // a next page is on its way
	moreErr  error // why the last next page could not be read (the page on display stays)
	seq      int   // the query last sent; older answers are dropped
	done     int   // the query last answered
	err      error
	width    int
	height   int
}

// New returns a search view over s.
func New(s Searcher, styles Styles) Model {
	in := textinput.New()
	in.Prompt = "search: "
	in.Placeholder = "words, a buyer, a pack id…"
	in.CharLimit = 200
	in.Focus()
	return Model{searcher: s, styles: styles, input: in, width: 80, height: 24, limit: page}
}

// Init starts the cursor blinking.
func (m Model) Init() tea.Cmd { return textinput.Blink }

// resultLines is one result as the view draws it: the meta line before cutting to the width,
// the snippet already fitted to it (fitSnippet).
type resultLines struct{ meta, snippet string }

// WithLocation shows the results' dates in loc (the session's time zone; the process's when
// never set).
func (m Model) WithLocation(loc *time.Location) Model {
	m.loc = loc
	return m
}

// Results are the results on display.
func (m Model) Results() []store.Result { return m.results }

// Selected is the result under the cursor; ok is false when there is none.
func (m Model) Selected() (r store.Result, ok bool) {
	if m.cursor < 0 || m.cursor >= len(m.results) {
		return r, false
	}
	return m.results[m.cursor], true
}

// Query is the text typed so far.
func (m Model) Query() string { return m.input.Value() }

// Reset empties the query and the results, for a new search: typing starts a new query instead
// of extending the last one. An answer still on its way to the old query is dropped.
func (m Model) Reset() Model {
	m.input.Reset()
	m.seq++
	m.done, m.results, m.found, m.lines, m.err, m.cursor = m.seq, nil, store.Found{}, nil, nil, 0
	m.limit, m.more, m.moreErr = page, false, nil
	return m
}

// WithContext makes the view's searches end with ctx (the session's).
func (m Model) WithContext(ctx context.Context) Model {
	m.ctx = ctx
	return m
}

// search runs the query off the update loop, asking for m.limit results; more marks the answer
// as the next page of the query on display.
func (m Model) search(seq int, text string, more bool) tea.Cmd {
	s, ctx, limit := m.searcher, m.ctx, m.limit
	if ctx == nil {
		ctx = context.Background()
	}
	return func() tea.Msg {
		found, err := s.Search(ctx, store.SearchQuery{Text: text, Limit: limit})
		return resultsMsg{seq: seq, found: found, err: err, more: more}
	}
}

// hasMore reports whether the search found more than it shows: the last page asked for came
// full and the count says there are more matches.
func (m Model) hasMore() bool {
	return m.done == m.seq && m.err == nil && len(m.results) >= m.limit && (m.found.More || m.found.Matched > len(m.results))
}

// Update handles keys, sizes and search answers.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.input.Width = max(10, m.width-len(m.input.Prompt)-1)
		m.lines = m.draw(m.results) // the snippets fit the new width
		return m, nil
	case resultsMsg:
		if msg.seq != m.seq {
			return m, nil // typed on since
		}
		cursor := 0
		if msg.more {
			m.more = false
			if msg.err != nil { // the page on display stays, saying so; the next ↓ asks again
				m.limit -= page
				m.moreErr = msg.err
				return m, nil
			}
			m.moreErr = nil
			cursor = min(m.cursor+1, max(0, len(msg.found.Results)-1)) // the ↓ that asked for it
		}
		m.done, m.found, m.results, m.err, m.cursor = msg.seq, msg.found, msg.found.Results, msg.err, cursor
		m.lines = m.draw(m.results)
		return m, nil
	case tea.KeyMsg:
		switch msg.String() {
		case "esc":
			return m, func() tea.Msg { return CloseMsg{} }
		case "enter":
			if m.cursor < len(m.results) {
				r := m.results[m.cursor]
				return m, func() tea.Msg {
					return OpenMsg{PackID: r.PackID, MessageID: r.MessageID, InTranslation: r.InTranslation}
				}
			}
			return m, nil
		case "up", "ctrl+p":
			m.cursor = max(0, m.cursor-1)
			return m, nil
		case "down", "ctrl+n":
			if m.cursor == len(m.results)-1 && m.hasMore() {
				if !m.more { // past the last result: the next page, once
					m.more, m.moreErr = true, nil
					m.limit += page
					return m, m.search(m.seq, m.input.Value(), true)
				}
				return m, nil
			}
			m.cursor = max(0, min(len(m.results)-1, m.cursor+1))
			return m, nil
		}
	}
	before := m.input.Value()
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	if v := m.input.Value(); v != before {
		m.seq++
		m.limit, m.more, m.moreErr = page, false, nil
		if strings.TrimSpace(v) == "" {
			m.done, m.results, m.found, m.lines, m.err = m.seq, nil, store.Found{}, nil, nil
			return m, cmd
		}
		return m, tea.Batch(cmd, m.search(m.seq, v, false))
	}
	return m, cmd
}

// View draws the query line and as many results as fit, two lines each.
func (m Model) View() string {
	var b strings.Builder
	b.WriteString(m.input.View())
	b.WriteByte('\n')
	query := strings.TrimSpace(m.input.Value())
	switch {
	case m.err != nil:
		b.WriteString(m.styles.Error.Render(ansi.Truncate("Search failed: "+sanitize.Line(m.err.Error()), m.width, "…")))
		return b.String()
	case query == "":
		b.WriteString(m.styles.Meta.Render("Type to search every stored message."))
		return b.String()
	case m.done != m.seq:
		b.WriteString(m.styles.Meta.Render("Searching…"))
		return b.String()
	case len(m.results) == 0:
		b.WriteString(m.styles.Meta.Render("No stored message matches."))
		return b.String()
	}
	count, keys := CountText(len(m.results), m.found), " · enter opens · esc closes"
	var line string
	switch {
	case m.more:
		line = m.styles.Meta.Render(ansi.Truncate(count+" · loading more…"+keys, m.width, "…"))
	case m.moreErr != nil:
		// Said first, so a narrow terminal cuts the keys rather than the failure.
		line = ansi.Truncate(m.styles.Error.Render("More results could not be read ("+sanitize.Line(m.moreErr.Error())+"); ↓ tries again")+
			m.styles.Meta.Render(" · "+count+keys), m.width, "…")
	case m.hasMore():
		line = m.styles.Meta.Render(ansi.Truncate(count+" · ↓ past the last shows more"+keys, m.width, "…"))
	default:
		line = m.styles.Meta.Render(ansi.Truncate(count+keys, m.width, "…"))
	}
	fmt.Fprintf(&b, "%s\n", line)
	fit := max(1, (m.height-2)/2)
	first := max(0, min(m.cursor-fit+1, len(m.results)-fit))
	for i := first; i < len(m.results) && i < first+fit; i++ {
		l := m.lines[i]
		marker := "  "
		if i == m.cursor {
			marker = m.styles.Selected.Render(">") + " "
		}
		b.WriteString(marker + ansi.Truncate(l.meta, m.width-2, "…") + "\n")
		b.WriteString("  " + l.snippet + "\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// draw turns results into their lines, when they arrive and at each new width: the buyer and
// pack sanitised, the date in the view's time zone (none for a pack without messages and no
// known purchase date), and the snippet's segments sanitised each on its own (so the marks stay
// on the matched words), fitted to the width with its first match in sight, the matches styled.
func (m Model) draw(results []store.Result) []resultLines {
	loc := m.loc
	if loc == nil {
		loc = time.Local
	}
	out := make([]resultLines, len(results))
	for i, r := range results {
		meta := []string{sanitize.Line(r.Buyer)}
		if !r.Date.IsZero() {
			meta = append(meta, r.Date.In(loc).Format("2006-01-02 15:04"))
		}
		meta = append(meta, "pack "+sanitize.Line(r.PackID))
		if r.Pack && r.MessageID == "" {
			meta = append(meta, "no messages yet")
		}
		out[i].meta = strings.Join(meta, " · ")
		out[i].snippet = fitSnippet(r.Segments(), max(1, m.width-2), m.styles.Match)
	}
	return out
}

// fitSnippet draws a snippet's segments within width cells, keeping its first match in sight:
// when the words before it would push it past the edge, they are cut from the left ("…") at a
// word, as many kept as context as the line leaves beside the match and what follows it (a
// third of the line at least, while the match fits). Each segment is sanitised on its own and
// matches are styled with match; what still does not fit is cut on the right.
func fitSnippet(segs []store.Segment, width int, match lipgloss.Style) string {
	texts := make([]string, len(segs))
	first := -1
	for i, seg := range segs {
		texts[i] = sanitize.Line(seg.Text)
		if seg.Match && first < 0 && texts[i] != "" {
			first = i
		}
	}
	cut := false
	if first > 0 {
		before := strings.Join(texts[:first], "")
		bw, mw := ansi.StringWidth(before), ansi.StringWidth(texts[first])
		if bw+mw > width {
			// Room for "…", the match and what follows it, and as much of the words before it
			// as is left, a third of the line at least while the match fits.
			aw := ansi.StringWidth(strings.Join(texts[first:], ""))
			keep := max(0, min(bw, max(width/3, width-1-aw), width-1-mw))
			tail := ansi.TruncateLeft(before, bw-keep, "")
			// Start the context on a word: drop what is left of the word that was cut.
			if r := []rune(before[:len(before)-len(tail)]); len(r) > 0 && !unicode.IsSpace(r[len(r)-1]) {
				if sp := strings.IndexFunc(tail, unicode.IsSpace); sp >= 0 {
					tail = tail[sp:]
				}
			}
			texts = append([]string{strings.TrimLeftFunc(tail, unicode.IsSpace)}, texts[first:]...)
			segs = append([]store.Segment{{}}, segs[first:]...)
			cut = true
		}
	}
	var b strings.Builder
	if cut {
		b.WriteString("…")
	}
	for i, text := range texts {
		if segs[i].Match {
			text = match.Render(text)
		}
		b.WriteString(text)
	}
	return ansi.Truncate(b.String(), width, "…")
}

// CountText says how many results a search shows out of how many it found: "1 result",
// "12 results", "50 of 66 matches", and "50 of 1,000+ matches" when the ranked window was full
// (older stored messages may match too).
func CountText(shown int, f store.Found) string {
	switch {
	case f.More:
		return fmt.Sprintf("%d of %s+ matches", shown, thousands(f.Matched))
	case f.Matched > shown:
		return fmt.Sprintf("%d of %s matches", shown, thousands(f.Matched))
	case shown == 1:
		return "1 result"
	}
	return fmt.Sprintf("%d results", shown)
}

// thousands writes n with a comma between thousands: 1,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
