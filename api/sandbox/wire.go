package sandbox

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The JSON the sandbox writes, field for field as in the seed's examples.

type wireParty struct {
	UserID any    `json:"user_id"`
	Name   string `json:"name"`
}

type wireDates struct {
	Received  *string `json:"received"`
	Available *string `json:"available"`
	Notified  *string `json:"notified"`
	Created   *string `json:"created"`
	Read      *string `json:"read"`
}

type wireModeration struct {
	Status         string  `json:"status"`
	Reason         *string `json:"reason"`
	Source         string  `json:"source"`
	ModerationDate *string `json:"moderation_date"`
}

type wireAttachment struct {
	Filename                string `json:"filename"`
	OriginalFilename        string `json:"original_filename"`
	Type                    string `json:"type"`
	Size                    int    `json:"size"`
	PotentialSecurityThreat bool   `json:"potential_security_threat"`
	CreationDate            string `json:"creation_date"`
}

type wireResource struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type wireMessage struct {
	ID                       string           `json:"id"`
	SiteID                   string           `json:"site_id"`
	ClientID                 json.Number      `json:"client_id"`
	From                     wireParty        `json:"from"`
	To                       wireParty        `json:"to"`
	Status                   string           `json:"status"`
	Subject                  *string          `json:"subject"`
	Text                     string           `json:"text"`
	MessageDate              wireDates        `json:"message_date"`
	MessageModeration        wireModeration   `json:"message_moderation"`
	MessageAttachments       []wireAttachment `json:"message_attachments"`
	MessageResources         []wireResource   `json:"message_resources"`
	ConversationFirstMessage bool             `json:"conversation_first_message"`
	TextTranslated           string           `json:"text_translated"`
}

type wirePaging struct {
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
	Total  int `json:"total"`
}

type wireConversationStatus struct {
	Path                string        `json:"path,omitempty"`
	ClaimIDs            []json.Number `json:"claim_ids"`
	ShippingID          *json.Number  `json:"shipping_id"`
	Status              string        `json:"status"`
	StatusDate          string        `json:"status_date"`
	StatusUpdateAllowed bool          `json:"status_update_allowed"`
	Substatus           *string       `json:"substatus"`
}

type wireConversation struct {
	Paging             *wirePaging             `json:"paging"`
	ConversationStatus *wireConversationStatus `json:"conversation_status"`
	Messages           []wireMessage           `json:"messages"`
	// Domestic answers only.
	SellerMaxMessageLength *int `json:"seller_max_message_length,omitempty"`
	BuyerMaxMessageLength  *int `json:"buyer_max_message_length,omitempty"`
}

// stamp writes a UTC timestamp, some with milliseconds, as the real API mixes both.
func stamp(t time.Time, millis bool) string {
	if millis {
		return t.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

func stampPtr(t time.Time, millis bool) *string {
	if t.IsZero() {
		return nil
	}
	s := stamp(t, millis)
	return &s
}

// userID writes an id as a JSON number, or as a string for some messages like the real API.
func userID(id string, asString bool) any {
	if asString {
		return id
	}
	return json.Number(id)
}

// wire renders m with the real API's quirks chosen by its sequence number: string user ids,
// null attachment lists, milliseconds and upper-case status words.
func (st *store) wire(m *message) wireMessage {
	p := m.pack
	q := m.seq
	seller := wireParty{UserID: userID(st.seller.ID, q%4 == 1), Name: st.seller.Name}
	buyer := wireParty{UserID: userID(p.buyer.ID, q%4 == 1), Name: p.buyer.Name}
	if p.agent != "" {
		// A messaging agent stands between buyer and seller: the other side is the agent.
		buyer = wireParty{UserID: userID(agentOf(p.site), q%4 == 1), Name: "Mercado Libre"}
	}
	from, to := buyer, seller
	if m.fromSeller {
		from, to = seller, buyer
		if m.toID != "" && m.toID != agentOf(p.site) {
			to = wireParty{UserID: userID(m.toID, q%4 == 1), Name: p.buyer.Name}
		}
	}
	millis := q%5 == 2
	status := m.status
	if q%6 == 3 {
		status = strings.ToUpper(status)
	}
	w := wireMessage{
		ID: m.id, SiteID: p.site, ClientID: json.Number(st.clientID), From: from, To: to,
		Status: status, Text: m.text, TextTranslated: m.translated,
		MessageDate: wireDates{
			Received: stampPtr(m.created, millis), Available: stampPtr(m.created, false),
			Created: stampPtr(m.created, millis), Read: stampPtr(m.read, millis),
			Notified: stampPtr(m.notifiedAt(), true),
		},
		MessageModeration: wireModeration{
			Status: m.modStatus, Source: "online", ModerationDate: stampPtr(m.created, false),
		},
		MessageResources: []wireResource{
			{ID: p.id, Name: "packs"},
			{ID: st.seller.ID, Name: "sellers"},
		},
		ConversationFirstMessage: m.first,
	}
	if m.modReason != "" {
		r := m.modReason
		w.MessageModeration.Reason = &r
	}
	if len(m.attachments) > 0 || q%3 != 0 {
		w.MessageAttachments = []wireAttachment{}
	}
	for _, id := range m.attachments {
		a := st.attachments[id]
		if a == nil {
			continue
		}
		w.MessageAttachments = append(w.MessageAttachments, wireAttachment{
			Filename: a.id, OriginalFilename: a.original, Type: a.mime, Size: len(a.data),
			PotentialSecurityThreat: a.threat, CreationDate: stamp(a.created, millis),
		})
	}
	return w
}

func (st *store) wireStatus(p *pack) *wireConversationStatus {
	cs := &wireConversationStatus{Status: p.status, StatusDate: stamp(p.statusDate, false)}
	if st.domestic {
		cs.Path = "/packs/" + p.id + "/sellers/" + st.seller.ID
		if p.agent != "" {
			cs.Path += "/conversations/" + p.agent
		}
	}
	if p.shipment != "" {
		n := json.Number(p.shipment)
		cs.ShippingID = &n
	}
	if p.substatus != "" {
		s := p.substatus
		cs.Substatus = &s
	}
	for _, c := range p.claimIDs {
		cs.ClaimIDs = append(cs.ClaimIDs, json.Number(c))
	}
	return cs
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // the real API writes <a href> links as they are
	if err := enc.Encode(v); err != nil {
		http.Error(w, "sandbox: encode answer: "+err.Error(), http.StatusInternalServerError)
		return
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// apiError is the seed's error body: {"message","error","status","cause"}.
type apiError struct {
	Message string   `json:"message"`
	Error   *string  `json:"error"`
	Status  int      `json:"status"`
	Cause   []string `json:"cause"`
}

// writeError answers the seed's error shape; an empty code is written as null.
func writeError(w http.ResponseWriter, status int, code, message string) {
	e := apiError{Message: message, Status: status, Cause: []string{}}
	if code != "" {
		e.Error = &code
	}
	writeJSON(w, status, e)
}

func writeRateLimited(w http.ResponseWriter) {
	writeError(w, http.StatusTooManyRequests, "too_many_requests", "local_rate_limited")
}

// writeBlocked answers a send to a blocked conversation with the API's other error shape.
func writeBlocked(w http.ResponseWriter) {
	writeJSON(w, http.StatusForbidden, map[string]any{
		"status_code": http.StatusForbidden, "code": "forbidden",
		"message": "blocked_conversation_send_message_forbidden",
	})
}
