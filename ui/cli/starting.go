package cli

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/postsale/postsale/ui"
)

// starting is the program's model while the inbox is being built: Bubble Tea takes the
// terminal at once, and the inbox (opening the local store, reading its first screen, building
// the views) is built in a command meanwhile, instead of before the program starts. Bubble Tea
// draws its first frame on its first tick, a sixtieth of a second after it starts; building the
// inbox usually takes less, so that frame is already the stored inbox, and the time the build
// took is no longer added to the start.
//
// Messages that arrive before the inbox exists (the window's size, keys typed at once) are kept
// and given to it in order when it is built; after that, starting only hands everything on.
type starting struct {
	build   func() (*ui.Model, error)
	inbox   *ui.Model
	err     error
	pending []tea.Msg
	done    chan struct{} // closed when build has returned
	slow    bool          // the build has taken longer than slowBuild: say what is happening
	// waiting is what it says then: what the build waits for.
	waiting string
}

// slowBuild is how long a blank screen is fine: longer (a store another postsale holds busy,
// a slow disk), the screen says what postsale is doing.
const slowBuild = 300 * time.Millisecond

// slowMsg says the build has taken slowBuild.
type slowMsg struct{}

// builtMsg is the built inbox (or why it could not be built).
type builtMsg struct {
	inbox *ui.Model
	err   error
}

func newStarting(build func() (*ui.Model, error)) *starting {
	return &starting{build: build, done: make(chan struct{}), waiting: "opening your local history"}
}

// buildFor builds the inbox in its own goroutine and sends it to p. It is not a command: a
// program that ends at once (no terminal, an early signal) may never run its commands, and
// runInbox waits for done before the store closes. Once p has ended, Send returns at once.
func (s *starting) buildFor(p *tea.Program) {
	go func() {
		defer close(s.done)
		m, err := s.build()
		p.Send(builtMsg{m, err})
	}()
}

func (s *starting) Init() tea.Cmd {
	return tea.Tick(slowBuild, func(time.Time) tea.Msg { return slowMsg{} })
}

func (s *starting) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if s.inbox != nil {
		if _, ok := msg.(slowMsg); ok {
			return s, nil // the inbox came first
		}
		return s, s.forward(msg)
	}
	if _, ok := msg.(slowMsg); ok {
		s.slow = true
		return s, nil
	}
	built, ok := msg.(builtMsg)
	if !ok {
		s.pending = append(s.pending, msg)
		return s, nil
	}
	if built.err != nil {
		s.err = built.err
		return s, tea.Quit
	}
	s.inbox = built.inbox
	cmds := []tea.Cmd{s.inbox.Init()}
	for _, m := range s.pending {
		cmds = append(cmds, s.forward(m))
	}
	s.pending = nil
	return s, tea.Batch(cmds...)
}

func (s *starting) forward(msg tea.Msg) tea.Cmd {
	next, cmd := s.inbox.Update(msg)
	if m, ok := next.(*ui.Model); ok {
		s.inbox = m
	}
	return cmd
}

// View is blank until the inbox is built (normally before Bubble Tea's first frame), or one
// line saying what postsale is doing when that takes longer than slowBuild.
func (s *starting) View() string {
	if s.inbox != nil {
		return s.inbox.View()
	}
	if s.slow {
		return "postsale · " + s.waiting + "…"
	}
	return ""
}
