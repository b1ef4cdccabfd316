package sandbox

import (
	"slices"
	"time"
)

// maxStoredUploads bounds the memory all uploads may take; past it uploads answer the seed's
// "File can not be saved" 500.
const maxStoredUploads = 256 << 20

// user is the seller or a buyer.
type user struct {
	ID, Nickname, Name, FirstName, LastName, SiteID, CountryID string
}

// pack is one conversation: a cart purchase (or an order without pack) and its messages.
type pack struct {
	id, site   string
	buyer      user
	orders     []string
	shipment   string
	created    time.Time
	status     string // active or blocked
	substatus  string
	statusDate time.Time
	claimIDs   []string
	messages   []*message // oldest first

	// Domestic flavour.
	agent     string         // conversation type when a messaging agent handles the thread
	noPack    bool           // an order without pack: the order id is the pack id
	items     []string       // the items' titles
	sellerMax *int           // seller_max_message_length override
	caps      map[string]int // action_guide options left per option id; nil: no contact reason needed
}

// message is one stored message; the buyer's side comes from its pack.
type message struct {
	id          string
	pack        *pack
	fromSeller  bool
	text        string
	translated  string
	created     time.Time
	read        time.Time // zero: the recipient has not read it
	notified    time.Time // the buyer was told of the seller's message (zero: read time, if any)
	status      string
	modStatus   string
	modReason   string
	attachments []string
	first       bool
	toID        string // domestic: whom a seller's message was addressed to when not the thread's other side
	seq         int    // selects which of the real API's quirks this message is written with
}

// hidden reports whether the seller's lists leave the message out: the API does not return the
// buyer's moderated messages (the seller's own moderated ones stay visible).
func (m *message) hidden() bool {
	if m.fromSeller {
		return false
	}
	switch m.status {
	case "moderated", "rejected", "blocked", "in_moderation":
		return true
	}
	return m.modStatus == "rejected" || m.modStatus == "blocked"
}

// blob is a stored attachment.
type blob struct {
	id, original, mime, owner string
	data                      []byte
	created                   time.Time
	threat                    bool
	broken                    bool // always answers the seed's "File can not be accessed" 500
}

// store is the sandbox's mutable state; Server.mu guards it.
type store struct {
	seller      user
	clientID    string
	packs       map[string]*pack
	order       []*pack // as loaded
	byID        map[string]*message
	attachments map[string]*blob
	uploaded    int64
	domestic    bool
}

func newStore() *store {
	return &store{packs: map[string]*pack{}, byID: map[string]*message{}, attachments: map[string]*blob{}}
}

// visible returns the pack's messages the seller can see, newest first as the API serves them.
func (p *pack) visible() []*message {
	out := make([]*message, 0, len(p.messages))
	for _, m := range p.messages {
		if !m.hidden() {
			out = append(out, m)
		}
	}
	slices.Reverse(out)
	return out
}

// unreadCount counts the buyer's visible messages the seller has not read.
func (p *pack) unreadCount() int {
	n := 0
	for _, m := range p.messages {
		if !m.fromSeller && !m.hidden() && m.read.IsZero() {
			n++
		}
	}
	return n
}
