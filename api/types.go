package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ID is an identifier that Mercado Libre sends as a JSON number in one response and as a JSON
// string in another ("user_id": 523132944 vs "user_id": "1234567"). It is kept as its decimal
// text; null decodes to "".
type ID string

// UnmarshalJSON accepts a number, a string or null.
func (id *ID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*id = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = ID(s)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("id: want number or string, got %s", truncateForError(b))
		}
		*id = ID(n.String())
	}
	return nil
}

// MarshalJSON writes the id back as a string, or null when empty.
func (id ID) MarshalJSON() ([]byte, error) {
	if id == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(id))
}

// String returns the id's text.
func (id ID) String() string { return string(id) }

// IDs is a list of ids that may be null, numbers or strings (claim_ids).
type IDs []ID

// UnmarshalJSON accepts null, a single id, or an array of ids.
func (ids *IDs) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*ids = nil
		return nil
	}
	if len(b) > 0 && b[0] != '[' {
		var one ID
		if err := one.UnmarshalJSON(b); err != nil {
			return err
		}
		*ids = IDs{one}
		return nil
	}
	var many []ID
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*ids = many
	return nil
}

// Time is a UTC timestamp as the API writes it: RFC 3339 with or without fractional seconds, or
// null (the zero Time).
type Time struct{ time.Time }

// UnmarshalJSON accepts RFC 3339 with or without milliseconds, a zone offset, "" or null.
func (t *Time) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		t.Time = time.Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("time: want string, got %s", truncateForError(b))
	}
	if s == "" {
		t.Time = time.Time{}
		return nil
	}
	parsed, err := ParseTime(s)
	if err != nil {
		return err
	}
	t.Time = parsed
	return nil
}

// MarshalJSON writes RFC 3339 in UTC (fractional seconds only when present), or null.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(t.UTC().Format(time.RFC3339Nano))
}

// ParseTime parses the timestamp layouts the API is known to send.
func ParseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02T15:04:05.999999999"} {
		if parsed, err := time.Parse(layout, s); err == nil {
			return parsed.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("time: cannot parse %q", truncateForError([]byte(s)))
}

// Word is an enumeration word the API writes in either case ("available", "AVAILABLE").
// It decodes to lower case; null decodes to "".
type Word string

// UnmarshalJSON lower-cases the word and accepts null.
func (w *Word) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*w = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("word: want string, got %s", truncateForError(b))
	}
	*w = Word(strings.ToLower(strings.TrimSpace(s)))
	return nil
}

// Message statuses.
const (
	StatusAvailable          Word = "available"
	StatusBlocked            Word = "blocked"
	StatusModerated          Word = "moderated"
	StatusRejected           Word = "rejected"
	StatusPendingTranslation Word = "pending_translation"
	StatusInModeration       Word = "in_moderation"
)

// Moderation statuses.
const (
	ModerationClean        Word = "clean"
	ModerationNonModerated Word = "non_moderated"
	ModerationPending      Word = "pending"
	ModerationBlocked      Word = "blocked"
	ModerationRejected     Word = "rejected"
)

// Conversation statuses and resource names.
const (
	ConversationActive  Word = "active"
	ConversationBlocked Word = "blocked"
	ResourcePacks       Word = "packs"
	ResourceSellers     Word = "sellers"
)

// DefaultTag is the tag post-sale messaging endpoints take.
const DefaultTag = "post_sale"

// Order search sorts.
const (
	SortDateDesc = "date_desc"
	SortDateAsc  = "date_asc"
)

// Limits the API enforces, checked before any call.
const (
	MaxTextLength          = 350
	MaxAttachmentSize      = 25 << 20
	MaxAttachmentsPerMsg   = 25
	MaxOriginalFilenameLen = 200
)

// DefaultBaseURL is Mercado Libre's API host.
const DefaultBaseURL = "https://api.mercadolibre.com"

// Paging is the paging block of a pack's conversation. It is null for a single message.
type Paging struct {
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
	Total  int `json:"total"`
}

// ConversationStatus says whether the seller may write in a conversation and, if not, why.
type ConversationStatus struct {
	Status              Word   `json:"status"`
	Substatus           Word   `json:"substatus"`
	StatusDate          Time   `json:"status_date"`
	StatusUpdateAllowed bool   `json:"status_update_allowed"`
	ClaimIDs            IDs    `json:"claim_ids"`
	ClaimID             ID     `json:"claim_id,omitempty"`
	ShippingID          ID     `json:"shipping_id"`
	Path                string `json:"path,omitempty"`
}

// Blocked reports whether nothing can be sent in the conversation.
func (cs *ConversationStatus) Blocked() bool {
	return cs != nil && cs.Status == ConversationBlocked
}

// Party is a message's sender or recipient.
type Party struct {
	UserID ID     `json:"user_id"`
	Name   string `json:"name"`
}

// MessageDate holds a message's timestamps; any may be zero (null). Read zero means unread.
type MessageDate struct {
	Received  Time `json:"received"`
	Available Time `json:"available"`
	Notified  Time `json:"notified"`
	Created   Time `json:"created"`
	Read      Time `json:"read"`
}

// Moderation is a message's moderation verdict.
type Moderation struct {
	Status         Word   `json:"status"`
	Reason         Word   `json:"reason"`
	Source         string `json:"source,omitempty"`
	By             string `json:"by,omitempty"`
	ModerationDate Time   `json:"moderation_date"`
}

// Attachment describes a file attached to a message.
type Attachment struct {
	Filename                string `json:"filename"`
	OriginalFilename        string `json:"original_filename"`
	Type                    string `json:"type"`
	Size                    int64  `json:"size"`
	PotentialSecurityThreat bool   `json:"potential_security_threat"`
	CreationDate            Time   `json:"creation_date"`
}

// Resource links a message to a pack or a seller.
type Resource struct {
	ID   ID   `json:"id"`
	Name Word `json:"name"`
}

// Message is one post-sale message.
type Message struct {
	ID                       string       `json:"id"`
	SiteID                   string       `json:"site_id"`
	ClientID                 ID           `json:"client_id"`
	From                     Party        `json:"from"`
	To                       Party        `json:"to"`
	Status                   Word         `json:"status"`
	Subject                  string       `json:"subject,omitempty"`
	Text                     string       `json:"text"`
	TextTranslated           string       `json:"text_translated"`
	MessageDate              MessageDate  `json:"message_date"`
	Moderation               Moderation   `json:"message_moderation"`
	Attachments              []Attachment `json:"message_attachments"`
	Resources                []Resource   `json:"message_resources"`
	ConversationFirstMessage bool         `json:"conversation_first_message"`

	// Raw is the message exactly as the API served it (numbers stay numbers, unknown fields
	// survive), for --json. Nil for a message built locally.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the typed fields and keeps a copy of the raw object.
func (m *Message) UnmarshalJSON(b []byte) error {
	type plain Message
	if err := json.Unmarshal(b, (*plain)(m)); err != nil {
		return err
	}
	m.Raw = bytes.Clone(bytes.TrimSpace(b))
	return nil
}

// PackID returns the pack this message belongs to, from its resources.
func (m *Message) PackID() string {
	for _, r := range m.Resources {
		if r.Name == ResourcePacks {
			return string(r.ID)
		}
	}
	return ""
}

// Date returns the best known time of the message: created, then received, then available.
func (m *Message) Date() time.Time {
	for _, t := range []Time{m.MessageDate.Created, m.MessageDate.Received, m.MessageDate.Available} {
		if !t.IsZero() {
			return t.Time
		}
	}
	return time.Time{}
}

// Unread reports whether the message has not been read by its recipient.
func (m *Message) Unread() bool { return m.MessageDate.Read.IsZero() }

// Conversation is the envelope of GET /marketplace/messages/packs/{id} and
// GET /marketplace/messages/{id}. Paging and ConversationStatus are nil for a single message.
type Conversation struct {
	Paging             *Paging             `json:"paging"`
	ConversationStatus *ConversationStatus `json:"conversation_status"`
	Messages           []Message           `json:"messages"`
	// Per-thread limits (domestic responses): nil when the answer carries none. A seller limit
	// of 0 means the seller cannot write now.
	SellerMaxMessageLength *int `json:"seller_max_message_length,omitempty"`
	BuyerMaxMessageLength  *int `json:"buyer_max_message_length,omitempty"`

	// Raw is the envelope exactly as served (for --json); Messages are sorted newest first by
	// date, whatever order the page came in.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the typed fields and keeps a copy of the raw envelope.
func (c *Conversation) UnmarshalJSON(b []byte) error {
	type plain Conversation
	if err := json.Unmarshal(b, (*plain)(c)); err != nil {
		return err
	}
	c.Raw = bytes.Clone(bytes.TrimSpace(b))
	return nil
}

// TextLimit returns the most characters the seller may write in this thread: the answer's
// seller_max_message_length when present (0: the seller cannot write now), else MaxTextLength.
func (c *Conversation) TextLimit() int {
	if c != nil && c.SellerMaxMessageLength != nil && *c.SellerMaxMessageLength >= 0 {
		return min(*c.SellerMaxMessageLength, MaxTextLength*10)
	}
	return MaxTextLength
}

// SendRequest is the body of POST /marketplace/messages/packs/{id}.
type SendRequest struct {
	Text           string   `json:"text"`
	TextTranslated string   `json:"text_translated"`
	Attachments    []string `json:"attachments,omitempty"`
	// To is the recipient on the domestic flavour (the buyer, or the site's messaging agent on a
	// thread it handles). Empty: SendMessage chooses it from the thread (Recipient).
	To string `json:"-"`
}

// Upload is the answer to an attachment upload: the stored file's id.
type Upload struct {
	ID string `json:"id"`
}

// UnreadPack is one conversation with unread messages.
type UnreadPack struct {
	Resource string `json:"resource"`
	Count    int    `json:"count"`
}

// PackID extracts the pack id from a resource such as "/packs/2000001" or
// "/packs/2000001/sellers/123".
func (u UnreadPack) PackID() string {
	parts := strings.Split(strings.Trim(u.Resource, "/"), "/")
	for i := 0; i+1 < len(parts); i++ {
		if parts[i] == "packs" {
			return parts[i+1]
		}
	}
	return ""
}

// Unread is the answer of GET /marketplace/messages/unread.
type Unread struct {
	// Raw is the answer as served (for --json).
	Raw     json.RawMessage `json:"-"`
	Results []UnreadPack    `json:"results"`
	UserID  ID              `json:"userId"`
}

// OrderSearch is the answer of GET /marketplace/orders/search.
type OrderSearch struct {
	// Raw is the answer as served (for --json).
	Raw            json.RawMessage `json:"-"`
	Results        []Pack          `json:"results"`
	Sort           SortOption      `json:"sort"`
	AvailableSorts []SortOption    `json:"available_sorts"`
	Paging         ScrollPaging    `json:"paging"`
}

// SortOption is a sort the order search offers.
type SortOption struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// UnmarshalJSON accepts the object form or a bare string id.
func (s *SortOption) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*s = SortOption{}
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &s.ID)
	}
	type plain SortOption
	return json.Unmarshal(b, (*plain)(s))
}

// ScrollPaging pages the order search; continue with ScrollID.
type ScrollPaging struct {
	Total    int    `json:"total"`
	Limit    int    `json:"limit"`
	Offset   int    `json:"offset,omitempty"`
	ScrollID string `json:"scroll_id,omitempty"`
}

// Pack is one result of the order search: a cart purchase (or a single order).
type Pack struct {
	ID          ID         `json:"id"`
	Buyer       UserRef    `json:"buyer"`
	Orders      []OrderRef `json:"orders"`
	Shipment    Ref        `json:"shipment"`
	DateCreated Time       `json:"date_created,omitempty"`
	SiteID      string     `json:"site_id,omitempty"`
	// Titles are the items' titles (domestic order search); the pack list shows them.
	Titles []string `json:"titles,omitempty"`
}

// Title returns the items' titles joined, "" when unknown.
func (p *Pack) Title() string { return strings.Join(p.Titles, " + ") }

// UserRef is a reference to a user, with a nickname when the API includes one.
type UserRef struct {
	ID       ID     `json:"id"`
	Nickname string `json:"nickname,omitempty"`
}

// OrderRef is an order inside a pack.
type OrderRef struct {
	ID     ID      `json:"id"`
	Seller UserRef `json:"seller"`
}

// Ref is a bare {id} reference that may be null.
type Ref struct {
	ID ID `json:"id"`
}

// UnmarshalJSON accepts null.
func (r *Ref) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*r = Ref{}
		return nil
	}
	type plain Ref
	return json.Unmarshal(b, (*plain)(r))
}

// User is the answer of GET /users/me.
type User struct {
	ID        ID     `json:"id"`
	Nickname  string `json:"nickname"`
	SiteID    string `json:"site_id"`
	CountryID string `json:"country_id,omitempty"`
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
}

func truncateForError(b []byte) string {
	const max = 40
	if len(b) > max {
		return strconv.Quote(string(b[:max])) + "..."
	}
	return strconv.Quote(string(b))
}
