package common

import (
	tea "github.com/charmbracelet/bubbletea"
)

// Kind is the sort of view that owns an async result.
type Kind uint8

// The owners the root knows how to reach. A new view adds its kind here and one case to the
// root's route.
const (
	KindRoot Kind = iota + 1
	KindList
	KindConversation
	KindCompose
	KindSearch // the search over the stored history (ui/search)
)

func (k Kind) String() string {
	switch k {
	case KindRoot:
		return "root"
	case KindList:
		return "packlist"
	case KindConversation:
		return "conversation"
	case KindCompose:
		return "compose"
	case KindSearch:
		return "search"
	}
	return "unknown"
}

// Owner names the view an async result belongs to: its kind and, for per-pack views, the pack.
// The root routes by it; a result whose owner is gone is dropped.
type Owner struct {
	Kind Kind
	Pack string
}

// String is for logs: "packlist", "conversation:2000001".
func (o Owner) String() string {
	if o.Pack == "" {
		return o.Kind.String()
	}
	return o.Kind.String() + ":" + o.Pack
}

// RootOwner, ListOwner, ConversationOwner and ComposeOwner build the owners.
func RootOwner() Owner                    { return Owner{Kind: KindRoot} }
func ListOwner() Owner                    { return Owner{Kind: KindList} }
func ConversationOwner(pack string) Owner { return Owner{Kind: KindConversation, Pack: pack} }
func ComposeOwner(pack string) Owner      { return Owner{Kind: KindCompose, Pack: pack} }
func SearchOwner() Owner                  { return Owner{Kind: KindSearch} }

// OwnedMsg is an async result that is not a task's end (transfer progress, an opened file, a
// picked file, a failed draft save): the root hands Msg to Owner, whichever view is on screen.
type OwnedMsg struct {
	Owner Owner
	Msg   tea.Msg
}

// Own wraps the message cmd yields (and those of a batch it yields) for owner.
func Own(owner Owner, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		msg := cmd()
		switch msg := msg.(type) {
		case nil:
			return nil
		case tea.BatchMsg:
			out := make(tea.BatchMsg, 0, len(msg))
			for _, c := range msg {
				out = append(out, Own(owner, c))
			}
			return out
		case OwnedMsg, TaskFinishedMsg:
			return msg // already addressed
		}
		return OwnedMsg{Owner: owner, Msg: msg}
	}
}
