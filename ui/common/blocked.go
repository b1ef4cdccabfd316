package common

import "strings"

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
