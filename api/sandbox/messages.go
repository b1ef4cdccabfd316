package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Paging defaults: the API's default page and the most it serves at once.
const (
	defaultPageLimit = 10
	maxPageLimit     = 100
	maxSendBody      = 1 << 20
)

// packMessages serves a window of a conversation, newest first (offset 0 = most recent).
// Reading never marks anything read on this flavour.
func (s *Server) packMessages(w http.ResponseWriter, r *http.Request) {
	limit, offset, ok := parsePaging(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.packFor(w, r.PathValue("pack_id"))
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, s.page(p, limit, offset))
}

// parsePaging reads limit and offset as the API does, answering 400 for bad values.
func parsePaging(w http.ResponseWriter, r *http.Request) (limit, offset int, ok bool) {
	q := r.URL.Query()
	limit = defaultPageLimit
	if v := q.Get("limit"); q.Has("limit") {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			writeError(w, http.StatusBadRequest, "bad_request", "Invalid offset or limit param")
			return 0, 0, false
		}
		if n <= 0 {
			writeError(w, http.StatusBadRequest, "bad_request", "The limit param must be greater than 0.")
			return 0, 0, false
		}
		limit = min(n, maxPageLimit)
	}
	if v := q.Get("offset"); q.Has("offset") {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "bad_request", "Invalid offset or limit param")
			return 0, 0, false
		}
		offset = n
	}
	return limit, offset, true
}

// page renders a window of p's conversation, newest first unless the sandbox shuffles pages.
// s.mu is held.
func (s *Server) page(p *pack, limit, offset int) wireConversation {
	all := p.visible()
	conv := wireConversation{
		Paging:             &wirePaging{Limit: limit, Offset: offset, Total: len(all)},
		ConversationStatus: s.data.wireStatus(p),
		Messages:           []wireMessage{},
	}
	// Past the end is an empty page, not an error.
	for _, m := range all[min(offset, len(all)):min(offset+limit, len(all))] {
		conv.Messages = append(conv.Messages, s.data.wire(m))
	}
	if s.shuffle != nil {
		s.shuffle.Shuffle(len(conv.Messages), func(i, j int) {
			conv.Messages[i], conv.Messages[j] = conv.Messages[j], conv.Messages[i]
		})
	}
	if s.data.domestic {
		seller, buyer := maxTextLength, 3500
		if p.sellerMax != nil {
			seller = *p.sellerMax
		}
		conv.SellerMaxMessageLength, conv.BuyerMaxMessageLength = &seller, &buyer
	}
	return conv
}

// packFor finds a pack of the demo seller, answering 404 when there is none. s.mu is held.
func (s *Server) packFor(w http.ResponseWriter, id string) (*pack, bool) {
	p := s.data.packs[id]
	if p == nil {
		writeError(w, http.StatusNotFound, "not_found", fmt.Sprintf("Pack %s not found.", id))
		return nil, false
	}
	return p, true
}

// message serves one message in the conversation envelope with null paging and status.
func (s *Server) message(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("message_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.data.byID[id]
	// A buyer's moderated message is as invisible by id as it is in the list.
	if m == nil || m.hidden() {
		writeError(w, http.StatusNotFound, "not_found", fmt.Sprintf("The message with id: %s could not be retrieved from storage", id))
		return
	}
	writeJSON(w, http.StatusOK, wireConversation{Messages: []wireMessage{s.data.wire(m)}})
}

// sendBody is the body of a send; attachments may be absent.
type sendBody struct {
	Text           *string  `json:"text"`
	TextTranslated string   `json:"text_translated"`
	Attachments    []string `json:"attachments"`
}

// send stores a seller's message in the pack and answers it.
func (s *Server) send(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxSendBody+1))
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "Could not read the request body")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.packFor(w, r.PathValue("pack_id"))
	if !ok {
		return
	}
	if p.status == "blocked" {
		writeBlocked(w)
		return
	}
	var body sendBody
	if len(raw) > maxSendBody || json.Unmarshal(raw, &body) != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "The body is not a valid message: send JSON with text, text_translated and attachments")
		return
	}
	text := ""
	if body.Text != nil {
		text = *body.Text
	}
	if strings.TrimSpace(text) == "" && len(body.Attachments) == 0 {
		writeError(w, http.StatusBadRequest, "bad_request", "The text is required")
		return
	}
	if utf8.RuneCountInString(text) > maxTextLength || utf8.RuneCountInString(body.TextTranslated) > maxTextLength {
		// The real wording is undocumented; say what is wrong rather than blame the characters.
		writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("The text exceeds the maximum length of %d characters", maxTextLength))
		return
	}
	if !supportedText(text) || !supportedText(body.TextTranslated) {
		writeError(w, http.StatusBadRequest, "bad_request", "The text has character/s that is/are not supported")
		return
	}
	if len(body.Attachments) > maxAttachments {
		writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("Message exceeds allowed number of attachments: %d", maxAttachments))
		return
	}
	for _, id := range body.Attachments {
		a := s.data.attachments[id]
		if a == nil || a.owner != s.data.seller.ID {
			writeError(w, http.StatusUnprocessableEntity, "unprocessable_entity", "Attachment key is invalid or not found")
			return
		}
	}
	now := s.now().UTC()
	m := &message{
		id: randomHex(16), pack: p, fromSeller: true, text: text, translated: body.TextTranslated,
		created: now, status: "available", modStatus: "clean", seq: len(s.data.byID),
		attachments: append([]string(nil), body.Attachments...), first: len(p.messages) == 0,
	}
	// Our model of the real API: a seller's reply marks the buyer's messages in the pack read,
	// so the pack's unread count drops to 0; reading alone never does.
	for _, old := range p.messages {
		if !old.fromSeller && old.read.IsZero() {
			old.read = now
		}
	}
	p.messages = append(p.messages, m)
	s.data.byID[m.id] = m
	writeJSON(w, http.StatusCreated, s.data.wire(m))
}

// maxTextLength is the longest seller text the API accepts, in characters.
const maxTextLength = 350

// supportedText reports whether the API accepts a seller's text: at most 350 characters, all
// Latin-1 printable (plus newline and tab) or emoji.
func supportedText(s string) bool {
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > maxTextLength {
		return false
	}
	for _, r := range s {
		if !supportedRune(r) {
			return false
		}
	}
	return true
}

func supportedRune(r rune) bool {
	switch {
	case r == '\n' || r == '\t' || r == '\r':
		return true
	case r >= 0x20 && r <= 0x7e, r >= 0xa0 && r <= 0xff:
		return true
	case r >= 0x1f000 && r <= 0x1faff, r >= 0x2600 && r <= 0x27bf, r >= 0x2b00 && r <= 0x2bff:
		return true
	case r >= 0x2190 && r <= 0x21ff, r >= 0x2300 && r <= 0x23ff:
		return true
	case r == 0x200d, r == 0xfe0f, r == 0x20e3, r == 0x2122, r == 0x2139, r == 0x3030, r == 0x303d:
		return true
	}
	return false
}

// unread lists the packs with buyer messages the seller has not read.
func (s *Server) unread(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("role") != "seller" || q.Get("tag") != "post_sale" {
		writeError(w, http.StatusBadRequest, "bad_request", "The role and tag params are required: role=seller&tag=post_sale")
		return
	}
	s.writeUnread(w, func(p *pack) string { return "/packs/" + p.id }, 0)
}

// writeUnread answers an unread listing: every pack with buyer messages the seller has not read,
// named by resource, at most limit of them (0: no limit). Both flavours share it; they differ in
// the resource's shape and the cap.
func (s *Server) writeUnread(w http.ResponseWriter, resource func(*pack) string, limit int) {
	type result struct {
		Resource string `json:"resource"`
		Count    int    `json:"count"`
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := struct {
		Results []result    `json:"results"`
		UserID  json.Number `json:"userId"`
	}{Results: []result{}, UserID: json.Number(s.data.seller.ID)}
	for _, p := range s.data.order {
		if limit > 0 && len(out.Results) >= limit {
			break
		}
		if n := p.unreadCount(); n > 0 {
			out.Results = append(out.Results, result{Resource: resource(p), Count: n})
		}
	}
	writeJSON(w, http.StatusOK, out)
}
