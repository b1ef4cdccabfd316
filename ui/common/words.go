package common

import (
	"strings"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sanitize"
)

// The words postsale uses for what Mercado Libre reports (a message's status and moderation, why
// a conversation is blocked). The inbox and the command line both say them from here, so a
// seller reads the same thing in either.

// BlockedReason turns a conversation's substatus into a sentence a seller can act on (the table
// in the API reference). Unknown substatus values still yield a readable sentence.
func BlockedReason(substatus string) string {
	s := strings.ToLower(strings.TrimSpace(substatus))
	switch s {
	case "":
		return "Messaging is blocked for this conversation."
	case "blocked_by_time":
		return "30 days passed since the last message; it reopens only if the buyer writes."
	case "blocked_by_buyer":
		return "The buyer blocked messages."
	case "blocked_by_mediation":
		return "A mediation between buyer and seller is ongoing."
	case "blocked_by_fulfillment":
		return "Fulfillment sale: messaging opens once the package is delivered."
	case "blocked_by_payment":
		return "The order is not paid yet; messaging opens once it is."
	case "blocked_by_conversation_initiated_by_seller", "blocked_by_conversation_initiated_by_seller_limited":
		return "You may not start this conversation; use a contact reason instead."
	case "blocked_by_cancelled_order", "blocked_by_fraud", "blocked_by_hidden":
		return "The sale was cancelled."
	case "blocked_by_mediation_fbm":
		return "A mediation is ongoing on this fulfillment sale."
	case "blocked_by_conversation_expired":
		return "18 months passed since the purchase; messages are no longer available."
	case "blocked_by_refund":
		return "A refund was made; it reopens if the buyer writes."
	case "blocked_by_claim_change_open", "blocked_by_claim_change_closed":
		return "A product change is associated with this order."
	case "blocked_by_deactivated_account":
		return "The buyer or the seller deleted their account."
	case "blocked_by_restrictions":
		return "A restriction applies to the buyer or the seller."
	case "blocked_by_message_pending_review":
		return "The conversation is under review."
	}
	if strings.HasPrefix(s, "blocked_by_ai_assistant") {
		return "Mercado Libre's assistant is handling this conversation."
	}
	// Unknown substatus: show it in words rather than hide it.
	words := strings.ReplaceAll(strings.TrimPrefix(s, "blocked_by_"), "_", " ")
	return "Messaging is blocked (" + words + ")."
}

// StatusWords says a message's status and moderation in plain words, or "" when it is plainly
// available and clean.
func StatusWords(msg *api.Message) string {
	var parts []string
	add := func(s string) {
		if s == "" {
			return
		}
		for _, p := range parts {
			if p == s {
				return
			}
		}
		parts = append(parts, s)
	}
	switch msg.Status {
	case "", api.StatusAvailable:
	case api.StatusBlocked:
		add("blocked")
	case api.StatusModerated:
		add("moderated")
	case api.StatusRejected:
		add("rejected")
	case api.StatusPendingTranslation:
		add("translation pending")
	case api.StatusInModeration:
		add("in moderation")
	default:
		add(humanWord(string(msg.Status)))
	}
	mod := msg.Moderation
	switch mod.Status {
	case "", api.ModerationClean, api.ModerationNonModerated:
	case api.ModerationPending:
		add("in moderation")
	case api.ModerationBlocked:
		add("blocked")
	case api.ModerationRejected:
		add("rejected")
	default:
		add(humanWord(string(mod.Status)))
	}
	out := strings.Join(parts, ", ")
	if reason := ReasonWords(mod.Reason); reason != "" {
		if out == "" {
			out = "moderated"
		}
		out += ": " + reason
	}
	return out
}

// ReasonWords explains a moderation reason the API sends in capitals.
func ReasonWords(reason api.Word) string {
	switch reason {
	case "":
		return ""
	case "out_of_place_language":
		return "inappropriate language"
	case "social_network_link":
		return "link to a social network"
	case "link_short_url":
		return "shortened link"
	case "automatic_message":
		return "automatic message"
	case "personal_data":
		return "personal data"
	case "link_mercadopago":
		return "Mercado Pago link"
	}
	return humanWord(string(reason))
}

// humanWord turns an unknown enumeration word into lower-case words ("SOME_THING" → "some thing").
func humanWord(w string) string {
	return strings.ToLower(strings.ReplaceAll(sanitize.Line(w), "_", " "))
}
