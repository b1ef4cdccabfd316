package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	mathrand "math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Routes of the domestic flavour (a sandbox made with Domestic serves only these, plus /users/me;
// the marketplace one serves only the Route* above): the same messages under other paths, every
// messaging call tagged post_sale.
const (
	RouteDomesticUnread       = "GET /messages/unread"
	RouteDomesticPackMessages = "GET /messages/packs/{pack_id}/sellers/{seller_id}"
	RouteDomesticSend         = "POST /messages/packs/{pack_id}/sellers/{seller_id}"
	RouteDomesticMessage      = "GET /messages/{message_id}"
	RouteDomesticUpload       = "POST /messages/attachments"
	RouteDomesticDownload     = "GET /messages/attachments/{attachment_id}"
	RouteDomesticOrderSearch  = "GET /orders/search"
	RouteActionGuide          = "GET /messages/action_guide/packs/{pack_id}"
	RouteActionGuideCaps      = "GET /messages/action_guide/packs/{pack_id}/caps_available"
	RouteActionGuideOption    = "POST /messages/action_guide/packs/{pack_id}/option"
)

// Domestic makes the sandbox a domestic seller's API (assets/demo/domestic.json, a Brazilian
// seller with an agent-handled Full thread) instead of the cross-border one.
func Domestic() Option { return func(s *Server) { s.domestic = true } }

// WithShuffledPages serves every page of messages in an order drawn from seed, as nothing in
// the API promises newest first: clients must sort by date.
func WithShuffledPages(seed uint64) Option {
	return func(s *Server) { s.shuffle = mathrand.New(mathrand.NewPCG(seed, seed^0x5851f42d4c957f2d)) }
}

// WithMessagingForbidden answers 403 on every messaging endpoint, as Mercado Libre does for a
// seller it does not allow to use messages ("model 6" Global Selling sellers).
func WithMessagingForbidden() Option { return func(s *Server) { s.forbidden = true } }

// LockOptions makes the next n action_guide option POSTs answer 409 (another request holds the
// operation's lock).
func (s *Server) LockOptions(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.locks += n
}

// agentOf is the user id of a site's messaging agent (Mercado Libre's table of 2026).
func agentOf(site string) string {
	switch site {
	case "MLC":
		return "3020819166"
	case "MCO":
		return "3037204123"
	case "MLM":
		return "3037204279"
	case "MLA":
		return "3037674934"
	case "MLB":
		return "3037675074"
	}
	return "3037204685"
}

func isAgent(id string) bool {
	return slices.Contains([]string{"3020819166", "3037204123", "3037204279", "3037674934", "3037675074", "3037204685"}, id)
}

// messaging reports whether route is a messaging endpoint (403 for a forbidden seller).
func messaging(route string) bool {
	return strings.Contains(route, "/messages")
}

func writeForbiddenSeller(w http.ResponseWriter) {
	writeError(w, http.StatusForbidden, "forbidden", "The user is not allowed to use the messaging service")
}

// tagged answers 400 unless the request carries tag=post_sale.
func tagged(w http.ResponseWriter, r *http.Request) bool {
	if r.URL.Query().Get("tag") != "post_sale" {
		writeError(w, http.StatusBadRequest, "bad_request", "The tag param is required: tag=post_sale")
		return false
	}
	return true
}

// sellerPath answers 403 unless the path's seller is the token's seller. s.mu is held.
func (s *Server) sellerPath(w http.ResponseWriter, r *http.Request) bool {
	if id := r.PathValue("seller_id"); id != s.data.seller.ID {
		writeError(w, http.StatusForbidden, "forbidden", fmt.Sprintf("User access token invalid for resource /sellers/%s", id))
		return false
	}
	return true
}

// domesticPackMessages serves a window of a conversation; unless mark_as_read=false, reading
// marks the buyer's messages read, as the domestic API does.
func (s *Server) domesticPackMessages(w http.ResponseWriter, r *http.Request) {
	if !tagged(w, r) {
		return
	}
	limit, offset, ok := parsePaging(w, r)
	if !ok {
		return
	}
	mark := r.URL.Query().Get("mark_as_read")
	if mark != "" && mark != "true" && mark != "false" {
		writeError(w, http.StatusBadRequest, "bad_request", "Invalid mark_as_read param: "+mark)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.sellerPath(w, r) {
		return
	}
	p, ok := s.packFor(w, r.PathValue("pack_id"))
	if !ok {
		return
	}
	conv := s.page(p, limit, offset)
	if mark != "false" {
		now := s.now().UTC()
		for _, m := range p.messages {
			if !m.fromSeller && m.read.IsZero() {
				m.read = now
			}
		}
	}
	writeJSON(w, http.StatusOK, conv)
}

func (s *Server) domesticMessage(w http.ResponseWriter, r *http.Request) {
	if !tagged(w, r) {
		return
	}
	s.message(w, r)
}

// domesticSendBody is the body of a domestic send: from and to are required.
type domesticSendBody struct {
	From *struct {
		UserID json.RawMessage `json:"user_id"`
	} `json:"from"`
	To *struct {
		UserID json.RawMessage `json:"user_id"`
	} `json:"to"`
	Text        *string  `json:"text"`
	Attachments []string `json:"attachments"`
}

// rawID reads a user id written as a number or a string.
func rawID(b json.RawMessage) string {
	var s string
	if json.Unmarshal(b, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(b, &n) == nil {
		return n.String()
	}
	return ""
}

// domesticSend stores a seller's message, enforcing the domestic rules: from/to, the messaging
// agent on a thread it handles (one message at a time), the thread's seller_max_message_length.
func (s *Server) domesticSend(w http.ResponseWriter, r *http.Request) {
	if !tagged(w, r) {
		return
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxSendBody+1))
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "Could not read the request body")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.sellerPath(w, r) {
		return
	}
	p, ok := s.packFor(w, r.PathValue("pack_id"))
	if !ok {
		return
	}
	var body domesticSendBody
	if len(raw) > maxSendBody || json.Unmarshal(raw, &body) != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "The body is not a valid message: send JSON with from, to, text and attachments")
		return
	}
	if body.From == nil || rawID(body.From.UserID) == "" {
		writeError(w, http.StatusBadRequest, "bad_request", "The field 'from.user_id' is required")
		return
	}
	if body.To == nil || rawID(body.To.UserID) == "" {
		writeError(w, http.StatusBadRequest, "bad_request", "The field 'to.user_id' is required")
		return
	}
	from, to := rawID(body.From.UserID), rawID(body.To.UserID)
	seller := s.data.seller.ID
	switch {
	case from != seller:
		writeError(w, http.StatusForbidden, "forbidden", "Invalid 'from' user id")
		return
	case from == to:
		writeError(w, http.StatusBadRequest, "bad_request", "Sender and received must not be equals")
		return
	case isAgent(to) && (p.agent == "" || to != agentOf(p.site)):
		writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("to_user_id %s does not belong to pack /packs/%s/sellers/%s", to, p.id, seller))
		return
	case !isAgent(to) && to != p.buyer.ID:
		writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("Receiver does not belong to order %s", p.id))
		return
	}
	if p.status == "blocked" {
		writeBlocked(w)
		return
	}
	if p.agent != "" && to == agentOf(p.site) {
		if vis := p.visible(); len(vis) > 0 && vis[0].fromSeller && vis[0].toID == "" {
			writeError(w, http.StatusForbidden, "forbidden", "Only one message at a time can be sent to the messaging agent: wait for its answer")
			return
		}
	}
	text := ""
	if body.Text != nil {
		text = *body.Text
	}
	limit := maxTextLength
	if p.sellerMax != nil {
		limit = *p.sellerMax
	}
	switch {
	case strings.TrimSpace(text) == "" && len(body.Attachments) == 0:
		writeError(w, http.StatusBadRequest, "bad_request", "The text is required")
		return
	case limit == 0:
		writeError(w, http.StatusForbidden, "forbidden", "The seller can not send messages in this conversation now")
		return
	case utf8.RuneCountInString(text) > limit:
		writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("The text exceeds the maximum length of %d characters", limit))
		return
	case !supportedText(text):
		writeError(w, http.StatusBadRequest, "bad_request", "The text has character/s that is/are not supported")
		return
	case len(body.Attachments) > maxAttachments:
		writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("Message exceeds allowed number of attachments: %d", maxAttachments))
		return
	}
	for _, id := range body.Attachments {
		if a := s.data.attachments[id]; a == nil || a.owner != seller {
			writeError(w, http.StatusUnprocessableEntity, "unprocessable_entity", "Attachment key is invalid or not found")
			return
		}
	}
	m := s.addSellerMessage(p, text, body.Attachments)
	if p.agent != "" && to == p.buyer.ID {
		m.toID = to // accepted, and reaches nobody: the agent handles the thread
	}
	writeJSON(w, http.StatusCreated, s.data.wire(m))
}

// addSellerMessage stores a seller's message; as on the marketplace, a reply marks the buyer's
// messages read. s.mu is held.
func (s *Server) addSellerMessage(p *pack, text string, attachments []string) *message {
	now := s.now().UTC()
	m := &message{
		id: randomHex(16), pack: p, fromSeller: true, text: text,
		created: now, status: "available", modStatus: "clean", seq: len(s.data.byID),
		attachments: slices.Clone(attachments), first: len(p.messages) == 0,
	}
	for _, old := range p.messages {
		if !old.fromSeller && old.read.IsZero() {
			old.read = now
		}
	}
	p.messages = append(p.messages, m)
	s.data.byID[m.id] = m
	return m
}

// maxDomesticUnread is the most conversations one unread answer lists on the domestic flavour.
const maxDomesticUnread = 500

func (s *Server) domesticUnread(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("role") == "" {
		writeError(w, http.StatusBadRequest, "bad_request", "The role param is required")
		return
	}
	if q.Get("role") != "seller" || q.Get("tag") != "post_sale" {
		writeError(w, http.StatusBadRequest, "bad_request", "The role and tag params are required: role=seller&tag=post_sale")
		return
	}
	s.writeUnread(w, func(p *pack) string { return "/packs/" + p.id + "/sellers/" + s.data.seller.ID }, maxDomesticUnread)
}

func (s *Server) domesticUpload(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("tag") != "post_sale" {
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, drainLimit))
		writeError(w, http.StatusBadRequest, "bad_request", "The tag param is required: tag=post_sale")
		return
	}
	if r.URL.Query().Get("site_id") == "" {
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, drainLimit))
		writeError(w, http.StatusBadRequest, "bad_request", "The queryparam 'site_id' is required")
		return
	}
	s.upload(w, r)
}

// Domestic order search: orders (not packs), paged by offset.

type domesticOrder struct {
	ID          json.Number   `json:"id"`
	PackID      *json.Number  `json:"pack_id"`
	Status      string        `json:"status"`
	DateCreated string        `json:"date_created"`
	Buyer       searchUser    `json:"buyer"`
	Seller      searchUser    `json:"seller"`
	OrderItems  []domesticRow `json:"order_items"`
	TotalAmount float64       `json:"total_amount"`
	CurrencyID  string        `json:"currency_id"`
	Shipping    *searchRef    `json:"shipping"`
}

type domesticRow struct {
	Item struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"item"`
	Quantity  int     `json:"quantity"`
	UnitPrice float64 `json:"unit_price"`
}

func (s *Server) domesticOrderSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Has("scroll_id") {
		writeError(w, http.StatusBadRequest, "bad_request", "Invalid param scroll_id: this search pages with offset")
		return
	}
	sort, ok := s.orderSearchParams(w, q)
	if !ok {
		return
	}
	limit, offset := defaultSearchLimit, 0
	if q.Has("limit") {
		n, err := strconv.Atoi(q.Get("limit"))
		if err != nil || n <= 0 {
			writeError(w, http.StatusBadRequest, "bad_request", "Invalid offset or limit param")
			return
		}
		limit = min(n, maxSearchLimit)
	}
	if q.Has("offset") {
		n, err := strconv.Atoi(q.Get("offset"))
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "bad_request", "Invalid offset or limit param")
			return
		}
		offset = n
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var orders []domesticOrder
	packs := s.sortedPacks(sort)
	for _, p := range packs {
		for i, o := range p.orders {
			d := domesticOrder{
				ID: json.Number(o), Status: "paid", DateCreated: stamp(p.created, true),
				Buyer:  searchUser{ID: json.Number(p.buyer.ID), Nickname: p.buyer.Nickname},
				Seller: searchUser{ID: json.Number(s.data.seller.ID)}, CurrencyID: "BRL",
			}
			if !p.noPack {
				id := json.Number(p.id)
				d.PackID = &id
			}
			if p.shipment != "" {
				d.Shipping = &searchRef{ID: json.Number(p.shipment)}
			}
			// Each order of a cart carries one of the pack's items (the last order the rest).
			for j, title := range p.items {
				if j == i || (i == len(p.orders)-1 && j > i) {
					row := domesticRow{Quantity: 1, UnitPrice: 99.9}
					row.Item.ID, row.Item.Title = "MLB"+strconv.Itoa(4000000000+j+i*10), title
					d.OrderItems = append(d.OrderItems, row)
					d.TotalAmount += row.UnitPrice
				}
			}
			orders = append(orders, d)
		}
	}
	total := len(orders)
	page := orders[min(offset, total):min(offset+limit, total)]
	if page == nil {
		page = []domesticOrder{}
	}
	names := map[string]string{"date_asc": "Date ascending", "date_desc": "Date descending"}
	writeJSON(w, http.StatusOK, map[string]any{
		"query":   "",
		"results": page,
		"sort":    sortOption{ID: sort, Name: names[sort]},
		"available_sorts": []sortOption{
			{ID: "date_asc", Name: names["date_asc"]}, {ID: "date_desc", Name: names["date_desc"]},
		},
		"paging": map[string]int{"total": total, "offset": offset, "limit": limit},
	})
}
