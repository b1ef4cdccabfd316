package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// Seller-initiated contact (domestic flavour, Mercado Envios 2 sales): a seller who writes first
// must pick a reason from the action guide; the conversation is blocked with
// blocked_by_conversation_started_by_seller (or …initiated_by_seller…) until then.

// Contact reason ids Mercado Libre documents.
const (
	OptionRequestVariants    = "REQUEST_VARIANTS"
	OptionRequestBillingInfo = "REQUEST_BILLING_INFO"
	OptionSendInvoiceLink    = "SEND_INVOICE_LINK"
	OptionDeliveryPromise    = "DELIVERY_PROMISE"
	OptionOther              = "OTHER"
)

// GuideTemplate is one template of a contact reason.
type GuideTemplate struct {
	ID   string          `json:"id"`
	Text string          `json:"text,omitempty"`
	Vars json.RawMessage `json:"vars,omitempty"`
}

// GuideOption is one contact reason.
type GuideOption struct {
	ID                  string          `json:"id"`
	InternalDescription string          `json:"internal_description"`
	Enabled             bool            `json:"enabled"`
	Type                string          `json:"type"` // template or free_text
	Templates           []GuideTemplate `json:"templates"`
	Actionable          bool            `json:"actionable"`
	CharLimit           int             `json:"char_limit"`
	ChildOptions        []GuideOption   `json:"child_options"`
	CapAvailable        int             `json:"cap_available"`
}

// ActionGuide is the answer of GET /messages/action_guide/packs/{pack}.
type ActionGuide struct {
	Options []GuideOption   `json:"options"`
	Raw     json.RawMessage `json:"-"`
}

// OptionCap is how many more times an option may be used (0: it cannot be sent).
type OptionCap struct {
	OptionID     string `json:"option_id"`
	CapAvailable int    `json:"cap_available"`
}

// GuideVar fills a template variable (DELIVERY_PROMISE: a NUMBER).
type GuideVar struct {
	ID    string `json:"id"`
	Value any    `json:"value"`
}

// OptionRequest is the body of POST …/option: a template of a reason, or free text for OTHER.
type OptionRequest struct {
	OptionID   string     `json:"option_id"`
	TemplateID string     `json:"template_id,omitempty"`
	Text       string     `json:"text,omitempty"`
	Vars       []GuideVar `json:"vars,omitempty"`
}

func guidePath(packID string) string {
	return "/messages/action_guide/packs/" + pathEscape(packID)
}

// needsDomestic refuses the action guide on the marketplace flavour, which has none.
func (c *Client) needsDomestic(ctx context.Context) error {
	a, err := c.Account(ctx)
	if err != nil {
		return err
	}
	if a.Flavor != FlavorDomestic {
		return &ValidationError{Field: "flavor", Problem: "contact reasons (action_guide) exist only for domestic sellers"}
	}
	return nil
}

// ActionGuide lists the contact reasons a seller may use to write first in a pack.
func (c *Client) ActionGuide(ctx context.Context, packID string) (*ActionGuide, error) {
	if packID == "" {
		return nil, &ValidationError{Field: "pack", Problem: "a pack id is required"}
	}
	if err := c.needsDomestic(ctx); err != nil {
		return nil, err
	}
	var g ActionGuide
	raw, err := c.getJSONRaw(ctx, guidePath(packID), url.Values{"tag": {DefaultTag}}, &g)
	if err != nil {
		return nil, err
	}
	g.Raw = raw
	return &g, nil
}

// CapsAvailable returns how many more times each contact reason may be used in a pack.
func (c *Client) CapsAvailable(ctx context.Context, packID string) ([]OptionCap, error) {
	if packID == "" {
		return nil, &ValidationError{Field: "pack", Problem: "a pack id is required"}
	}
	if err := c.needsDomestic(ctx); err != nil {
		return nil, err
	}
	var caps []OptionCap
	if err := c.getJSON(ctx, guidePath(packID)+"/caps_available", url.Values{"tag": {DefaultTag}}, &caps); err != nil {
		return nil, err
	}
	return caps, nil
}

// SendOption writes first to the buyer with a contact reason. Free text (OTHER) is checked
// against the 350-character limit and the accepted characters before the call.
func (c *Client) SendOption(ctx context.Context, packID string, req OptionRequest) (*Message, error) {
	if packID == "" {
		return nil, &ValidationError{Field: "pack", Problem: "a pack id is required"}
	}
	if strings.TrimSpace(req.OptionID) == "" {
		return nil, &ValidationError{Field: "option", Problem: "choose a contact reason (option id)"}
	}
	if req.TemplateID == "" && strings.TrimSpace(req.Text) == "" {
		return nil, &ValidationError{Field: "option", Problem: "a contact reason needs a template or, for OTHER, a text"}
	}
	if req.Text != "" {
		if err := ValidateSend(SendRequest{Text: req.Text}); err != nil {
			return nil, err
		}
	}
	if err := c.needsDomestic(ctx); err != nil {
		return nil, err
	}
	path := guidePath(packID) + "/option"
	var m Message
	if err := c.postJSON(ctx, path, url.Values{"tag": {DefaultTag}}, req, &m); err != nil {
		return nil, unreadSendAnswer(err, path)
	}
	// The answer is the message just created (its text is the template's, not req's): it must
	// at least name itself, or nothing says the option was sent.
	if m.ID == "" {
		return nil, &UnconfirmedSendError{Method: http.MethodPost, Path: path, Reason: "it names no message"}
	}
	return &m, nil
}

// TemplateVar is a variable a template asks for (DELIVERY_PROMISE: a NUMBER of days).
type TemplateVar struct {
	ID   string `json:"id"`
	Type string `json:"type"` // NUMBER, or empty/other: free text
}

// Variables reads the template's vars: objects {id, type} or bare ids. Nil when it has none or
// they cannot be read.
func (t GuideTemplate) Variables() []TemplateVar {
	if len(t.Vars) == 0 {
		return nil
	}
	var objs []TemplateVar
	if json.Unmarshal(t.Vars, &objs) == nil {
		out := objs[:0]
		for _, v := range objs {
			if v.ID != "" {
				out = append(out, v)
			}
		}
		return out
	}
	var ids []string
	if json.Unmarshal(t.Vars, &ids) == nil {
		out := make([]TemplateVar, 0, len(ids))
		for _, id := range ids {
			if id != "" {
				out = append(out, TemplateVar{ID: id})
			}
		}
		return out
	}
	return nil
}
