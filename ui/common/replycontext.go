package common

import (
	"strings"
	"time"
)

// ReplyContext is what the conversation and the order search already tell about the person a
// reply is for: compose shows it above the text box so the seller never writes blind. Every
// string in it is sanitised.
type ReplyContext struct {
	Buyer string
	Site  string
	// Recent are the buyer's last messages, oldest first, each on one line.
	Recent []RecentMessage
	// AgentHandled is set on a domestic thread a messaging agent handles; AgentWaiting when the
	// seller's last message to it is unanswered (one message at a time may be sent to the agent).
	AgentHandled, AgentWaiting bool
	Order                      PackInfo
}

// RecentMessage is one of the buyer's messages as compose shows it.
type RecentMessage struct {
	Text       string // the text in the mode the seller reads (translated when asked), one line
	At         time.Time
	Moderation string // "" or why moderation stopped it
}

// PackInfo is what is known of a pack's sale: from the order search (orders, items, shipment)
// and from the conversation's status (claims, shipping, status words).
type PackInfo struct {
	PackID   string
	Buyer    string // the buyer's name or nickname as the list shows it
	Orders   []string
	Titles   []string
	Shipping string
	Claims   []string
	Status   string // the conversation's status in words ("" when open)
}

// Merge fills what p does not know from o.
func (p PackInfo) Merge(o PackInfo) PackInfo {
	if p.PackID == "" {
		p.PackID = o.PackID
	}
	if p.Buyer == "" {
		p.Buyer = o.Buyer
	}
	if len(p.Orders) == 0 {
		p.Orders = o.Orders
	}
	if len(p.Titles) == 0 {
		p.Titles = o.Titles
	}
	if p.Shipping == "" {
		p.Shipping = o.Shipping
	}
	if len(p.Claims) == 0 {
		p.Claims = o.Claims
	}
	if p.Status == "" {
		p.Status = o.Status
	}
	return p
}

// IDs are every number the sale names (pack, orders, shipping, claims): a reply quoting one is
// not giving a phone number.
func (p PackInfo) IDs() []string {
	ids := append([]string{p.PackID, p.Shipping}, p.Orders...)
	return append(ids, p.Claims...)
}

// Line says the sale on one line: "Order 2000001 · shipment 4000 · claim 5000 · Item title".
func (p PackInfo) Line() string {
	var parts []string
	switch len(p.Orders) {
	case 0:
	case 1:
		parts = append(parts, "Order "+p.Orders[0])
	default:
		parts = append(parts, "Orders "+strings.Join(p.Orders, ", "))
	}
	if p.Shipping != "" {
		parts = append(parts, "shipment "+p.Shipping)
	}
	if len(p.Claims) > 0 {
		word := "claim "
		if len(p.Claims) > 1 {
			word = "claims "
		}
		parts = append(parts, word+strings.Join(p.Claims, ", "))
	}
	if p.Status != "" {
		parts = append(parts, p.Status)
	}
	if len(p.Titles) > 0 {
		parts = append(parts, strings.Join(p.Titles, " + "))
	}
	return strings.Join(parts, " · ")
}

// Language is the language buyers of a site read: Portuguese on Mercado Livre Brasil, Spanish
// on every other Mercado Libre site, "" when the site is unknown (CBT, empty).
func Language(site string) string {
	switch strings.ToUpper(site) {
	case "MLB":
		return "Portuguese"
	case "MLA", "MLM", "MCO", "MLC", "MLU", "MPE", "MEC", "MLV", "MBO", "MPY", "MCR", "MRD", "MPA",
		"MGT", "MHN", "MNI", "MSV", "MCU":
		return "Spanish"
	}
	return ""
}

// saleHost is a site's own domain, where the seller's sales are ("" for an unknown site).
func saleHost(site string) string {
	switch site {
	case "MLB":
		return "www.mercadolivre.com.br"
	case "MLC":
		return "www.mercadolibre.cl"
	case "MCR":
		return "www.mercadolibre.co.cr"
	case "MLA", "MLM", "MCO", "MLU", "MPE", "MEC", "MLV", "MBO", "MPY", "MRD", "MPA", "MGT", "MHN", "MNI", "MSV":
		tld := map[string]string{"MLA": "ar", "MLM": "mx", "MCO": "co", "MLU": "uy", "MPE": "pe", "MEC": "ec",
			"MLV": "ve", "MBO": "bo", "MPY": "py", "MRD": "do", "MPA": "pa", "MGT": "gt", "MHN": "hn",
			"MNI": "ni", "MSV": "sv"}[site]
		return "www.mercadolibre.com." + tld
	}
	return ""
}

// SaleURL is the sale's page on the site's own domain: /vendas/{id}/detalhe on Mercado Livre
// Brasil, /ventas/{id}/detalle elsewhere; id is the order (the pack when no order is known).
// An unknown site (CBT, empty) uses Mercado Libre México, the Global Selling sellers' default.
// "" when id is not a plain number.
func SaleURL(site, id string) string {
	if id == "" || strings.Trim(id, "0123456789") != "" {
		return ""
	}
	site = strings.ToUpper(site)
	host := saleHost(site)
	if host == "" {
		host = saleHost("MLM")
	}
	if site == "MLB" {
		return "https://" + host + "/vendas/" + id + "/detalhe"
	}
	return "https://" + host + "/ventas/" + id + "/detalle"
}
