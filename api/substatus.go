package api

import "strings"

// Substatuses of a blocked conversation that postsale acts on (the full vocabulary is in
// SubstatusReason).
const (
	SubstatusStartedBySeller          Word = "blocked_by_conversation_started_by_seller"
	SubstatusInitiatedBySeller        Word = "blocked_by_conversation_initiated_by_seller"
	SubstatusInitiatedBySellerLimited Word = "blocked_by_conversation_initiated_by_seller_limited"
)

// NeedsContactReason reports whether the seller may write only by picking a contact reason from
// the action guide (domestic flavour).
func NeedsContactReason(cs *ConversationStatus) bool {
	if cs == nil {
		return false
	}
	switch cs.Substatus {
	case SubstatusStartedBySeller, SubstatusInitiatedBySeller, SubstatusInitiatedBySellerLimited:
		return true
	}
	return false
}

// SubstatusReason is postsale's one vocabulary of conversation substatuses: every value the API
// reference documents, in a sentence a seller can act on. An unknown value is shown verbatim
// ("Mercado Libre blocked this conversation (substatus …)."), never hidden; the caller sanitises
// it before drawing.
func SubstatusReason(substatus string) string {
	raw := strings.TrimSpace(substatus)
	s := strings.ToLower(raw)
	switch s {
	case "":
		return "Mercado Libre blocked this conversation without saying why."
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
	case "blocked_by_conversation_initiated_by_seller", "blocked_by_conversation_initiated_by_seller_limited",
		"blocked_by_conversation_started_by_seller":
		return "You may not start this conversation freely: write first with a contact reason (`postsale contact PACK_ID`)."
	case "blocked_by_cancelled_order", "blocked_by_cancelled_order_by_fraud", "blocked_by_cancelled_order_hidden",
		"blocked_by_fraud", "blocked_by_hidden":
		return "The sale was cancelled."
	case "blocked_by_mediation_fbm":
		return "A mediation is ongoing on this fulfillment sale."
	case "blocked_by_conversation_expired":
		return "18 months passed since the purchase; messages are no longer available."
	case "blocked_by_refund":
		return "A refund was made; it reopens if the buyer writes."
	case "blocked_by_claim_change_open", "blocked_by_claim_change_closed":
		return "A product change is associated with this order."
	case "blocked_by_claim":
		return "A claim is open on this order; answer it in the claim."
	case "blocked_by_deactivated_account":
		return "The buyer or the seller deleted their account."
	case "blocked_by_restrictions":
		return "A restriction applies to the buyer or the seller."
	case "blocked_by_message_pending_review":
		return "The conversation is under review."
	case "blocked_by_return_to_buyer_fulfillment":
		return "The fulfillment package is being returned to the buyer."
	case "blocked_by_conversation_use_message_api":
		return "Mercado Libre routes this conversation through another channel; answer it on Mercado Libre's site."
	case "blocked_by_ai_assistant":
		return "Mercado Libre's assistant is handling this Full sale's conversation."
	case "blocked_by_ai_assistant_expired":
		return "The time to answer Mercado Libre's assistant ran out (48 business hours)."
	case "blocked_by_ai_assistant_contact_closed":
		return "Mercado Libre's assistant closed this contact."
	case "block_by_ai_assistant_initiated_by_seller_expired":
		return "Your contact through Mercado Libre's assistant expired."
	}
	if strings.HasPrefix(s, "blocked_by_ai_assistant") || strings.HasPrefix(s, "block_by_ai_assistant") {
		return "Mercado Libre's assistant is handling this conversation (substatus " + raw + ")."
	}
	return "Mercado Libre blocked this conversation (substatus " + raw + ")."
}
