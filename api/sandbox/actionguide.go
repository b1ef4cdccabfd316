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

// Seller-initiated contact (domestic): where a seller writes first, it picks a reason from the
// action guide and sends one of its templates (or free text for OTHER), within the option's cap.

type guideTemplate struct {
	ID   string     `json:"id"`
	Text string     `json:"text"`
	Vars []guideVar `json:"vars"`
}

// guideVar is a template variable: the text's {ID} is replaced by the value sent for it. A
// NUMBER variable must be sent as a JSON integer.
type guideVar struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

type guideOption struct {
	ID                  string          `json:"id"`
	InternalDescription string          `json:"internal_description"`
	Enabled             bool            `json:"enabled"`
	Type                string          `json:"type"`
	Templates           []guideTemplate `json:"templates"`
	Actionable          bool            `json:"actionable"`
	CharLimit           int             `json:"char_limit"`
	ChildOptions        []guideOption   `json:"child_options"`
	CapAvailable        int             `json:"cap_available"`
}

// guideOptions are the reasons the sandbox offers (the ids of Mercado Libre's documentation).
var guideOptions = []guideOption{
	{ID: "REQUEST_VARIANTS", InternalDescription: "Request the variant the buyer wants (color, size)", Type: "template",
		Templates: []guideTemplate{
			{ID: "TEMPLATE___REQUEST_VARIANTS___1", Text: "Olá! Para enviar seu pedido, precisamos saber a cor ou o tamanho que você prefere."},
			{ID: "TEMPLATE___REQUEST_VARIANTS___2", Text: "Olá! Qual cor você prefere? Responda para enviarmos hoje."},
		}},
	{ID: "REQUEST_BILLING_INFO", InternalDescription: "Request the buyer's billing information", Type: "template",
		Templates: []guideTemplate{{ID: "TEMPLATE___REQUEST_BILLING_INFO___1", Text: "Olá! Para emitir a nota fiscal, precisamos dos seus dados de faturamento."}}},
	{ID: "SEND_INVOICE_LINK", InternalDescription: "Send the link to the invoice", Type: "template",
		Templates: []guideTemplate{{ID: "TEMPLATE___SEND_INVOICE_LINK___1", Text: "Olá! A nota fiscal da sua compra está disponível no link enviado."}}},
	{ID: "DELIVERY_PROMISE", InternalDescription: "Promise a delivery date (Flex)", Type: "template",
		Templates: []guideTemplate{{ID: "TEMPLATE___DELIVERY_PROMISE___1", Text: "Olá! Seu pedido chega em {DAYS} dias.",
			Vars: []guideVar{{ID: "DAYS", Type: "NUMBER"}}}}},
	{ID: "OTHER", InternalDescription: "Another reason (free text)", Type: "free_text", CharLimit: maxTextLength},
}

func defaultCaps() map[string]int {
	caps := map[string]int{}
	for _, o := range guideOptions {
		caps[o.ID] = 1
	}
	caps["SEND_INVOICE_LINK"] = 0 // already used: the demo shows a reason that cannot be chosen
	return caps
}

// guidePack finds a pack whose conversation needs a contact reason. s.mu is held.
func (s *Server) guidePack(w http.ResponseWriter, r *http.Request) (*pack, bool) {
	p, ok := s.packFor(w, r.PathValue("pack_id"))
	if !ok {
		return nil, false
	}
	if p.caps == nil {
		writeError(w, http.StatusBadRequest, "bad_request", "blocked_by_excepted_case: this conversation does not need a contact reason")
		return nil, false
	}
	return p, true
}

func (s *Server) actionGuide(w http.ResponseWriter, r *http.Request) {
	if !tagged(w, r) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.guidePack(w, r)
	if !ok {
		return
	}
	opts := make([]guideOption, 0, len(guideOptions))
	for _, o := range guideOptions {
		o.CapAvailable = p.caps[o.ID]
		o.Enabled = o.CapAvailable > 0
		o.Actionable = o.Enabled
		if o.Templates == nil && o.Type == "template" {
			o.Templates = []guideTemplate{}
		}
		opts = append(opts, o)
	}
	writeJSON(w, http.StatusOK, map[string]any{"options": opts})
}

func (s *Server) actionGuideCaps(w http.ResponseWriter, r *http.Request) {
	if !tagged(w, r) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.guidePack(w, r)
	if !ok {
		return
	}
	type capRow struct {
		OptionID     string `json:"option_id"`
		CapAvailable int    `json:"cap_available"`
	}
	out := []capRow{}
	for _, o := range guideOptions {
		out = append(out, capRow{o.ID, p.caps[o.ID]})
	}
	writeJSON(w, http.StatusOK, out)
}

type optionBody struct {
	OptionID   string `json:"option_id"`
	TemplateID string `json:"template_id"`
	Text       string `json:"text"`
	Vars       []struct {
		ID    string          `json:"id"`
		Value json.RawMessage `json:"value"`
	} `json:"vars"`
}

func (s *Server) actionGuideOption(w http.ResponseWriter, r *http.Request) {
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
	if s.locks > 0 {
		s.locks--
		writeError(w, http.StatusConflict, "conflict", "There is another request locking this operation")
		return
	}
	p, ok := s.guidePack(w, r)
	if !ok {
		return
	}
	var body optionBody
	if len(raw) > maxSendBody || json.Unmarshal(raw, &body) != nil || body.OptionID == "" {
		writeError(w, http.StatusBadRequest, "bad_request", "The body must name an option_id")
		return
	}
	var opt *guideOption
	for i := range guideOptions {
		if guideOptions[i].ID == body.OptionID {
			opt = &guideOptions[i]
		}
	}
	if opt == nil {
		writeError(w, http.StatusNotFound, "not_found", fmt.Sprintf("Invalid option %s", body.OptionID))
		return
	}
	if p.caps[opt.ID] <= 0 {
		writeError(w, http.StatusForbidden, "forbidden", fmt.Sprintf("You are not allowed to execute the option %s again", opt.ID))
		return
	}
	text := ""
	if opt.Type == "free_text" {
		text = body.Text
		if strings.TrimSpace(text) == "" {
			writeError(w, http.StatusBadRequest, "bad_request", "The text is required")
			return
		}
		if utf8.RuneCountInString(text) > opt.CharLimit {
			writeError(w, http.StatusBadRequest, "limit_exceeded", fmt.Sprintf("The text exceeds the limit of %d characters", opt.CharLimit))
			return
		}
		if !supportedText(text) {
			writeError(w, http.StatusBadRequest, "bad_request", "The text has character/s that is/are not supported")
			return
		}
	} else {
		var tpl *guideTemplate
		for i := range opt.Templates {
			if opt.Templates[i].ID == body.TemplateID {
				tpl = &opt.Templates[i]
			}
		}
		if tpl == nil {
			writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("Invalid template_id %q for option %s", body.TemplateID, opt.ID))
			return
		}
		text = tpl.Text
		for _, v := range tpl.Vars {
			value, status, problem := templateVar(v, body)
			if problem != "" {
				writeError(w, status, "bad_request", problem)
				return
			}
			text = strings.ReplaceAll(text, "{"+v.ID+"}", value)
		}
	}
	p.caps[opt.ID]--
	m := s.addSellerMessage(p, text, nil)
	wm := s.data.wire(m)
	writeJSON(w, http.StatusCreated, map[string]any{
		"id": wm.ID, "to": wm.To, "status": wm.Status, "text": wm.Text,
		"message_date": wm.MessageDate, "message_moderation": wm.MessageModeration,
	})
}

// templateVar is the value sent for v, checked strictly: present and, for NUMBER, a JSON
// integer; a negative number of days is a delivery date in the past (a 500, as Mercado Libre
// answers it).
func templateVar(v guideVar, body optionBody) (value string, status int, problem string) {
	for _, b := range body.Vars {
		if b.ID != v.ID {
			continue
		}
		if v.Type != "NUMBER" {
			var s string
			if json.Unmarshal(b.Value, &s) != nil {
				return "", http.StatusBadRequest, fmt.Sprintf("The var %s must be a string", v.ID)
			}
			return s, 0, ""
		}
		var n int64
		if json.Unmarshal(b.Value, &n) != nil {
			return "", http.StatusBadRequest, fmt.Sprintf("The var %s must be a NUMBER", v.ID)
		}
		if n < 0 {
			return "", http.StatusInternalServerError, "delivery date is before than today"
		}
		return strconv.FormatInt(n, 10), 0, ""
	}
	return "", http.StatusBadRequest, fmt.Sprintf("The var %s is required", v.ID)
}
