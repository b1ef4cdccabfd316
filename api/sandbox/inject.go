package sandbox

import (
	"fmt"
	"strconv"
)

// BuyerWrites adds an unread message from the pack's buyer, dated now: what a buyer writing
// while the seller is away looks like to the API's readers. It returns the new message's id.
func (s *Server) BuyerWrites(packID, text string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.data.packs[packID]
	if p == nil {
		return "", fmt.Errorf("sandbox: no pack %s", packID)
	}
	m := &message{
		id: randomHex(16), pack: p, text: text, created: s.now().UTC(), status: "available",
		modStatus: "clean", seq: len(s.data.byID), first: len(p.messages) == 0,
	}
	p.messages = append(p.messages, m)
	s.data.byID[m.id] = m
	return m.id, nil
}

// NewOrder adds a purchase dated now by a new buyer, whose first message is text (none when
// empty). It returns the new pack's id.
func (s *Server) NewOrder(buyerNickname, buyerName, text string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.data.order) + 1
	id := "2000009" + fmt.Sprintf("%09d", n)
	if s.data.packs[id] != nil {
		return "", fmt.Errorf("sandbox: pack %s exists", id)
	}
	now := s.now().UTC()
	p := &pack{
		id: id, site: s.data.seller.SiteID, created: now, orders: []string{"2000019" + fmt.Sprintf("%09d", n)},
		buyer:  user{ID: strconv.Itoa(90000000 + n), Nickname: buyerNickname, Name: buyerName},
		status: "active", statusDate: now,
	}
	s.data.packs[id] = p
	s.data.order = append(s.data.order, p)
	if text != "" {
		m := &message{id: randomHex(16), pack: p, text: text, created: now, status: "available", modStatus: "clean", seq: len(s.data.byID), first: true}
		p.messages = append(p.messages, m)
		s.data.byID[m.id] = m
	}
	return id, nil
}
