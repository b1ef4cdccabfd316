package common

import (
	"strings"
	"testing"
)

func TestBlockedReason(t *testing.T) {
	cases := map[string]string{
		"blocked_by_time":        "30 days",
		"BLOCKED_BY_BUYER":       "buyer blocked",
		"blocked_by_mediation":   "mediation",
		"blocked_by_fulfillment": "delivered",
		"blocked_by_payment":     "not paid",
		"blocked_by_conversation_initiated_by_seller_limited": "contact reason",
		"blocked_by_fraud":                  "cancelled",
		"blocked_by_hidden":                 "cancelled",
		"blocked_by_mediation_fbm":          "fulfillment",
		"blocked_by_conversation_expired":   "18 months",
		"blocked_by_refund":                 "refund",
		"blocked_by_claim_change_closed":    "product change",
		"blocked_by_deactivated_account":    "deleted",
		"blocked_by_restrictions":           "restriction",
		"blocked_by_message_pending_review": "under review",
		"blocked_by_ai_assistant_v2":        "assistant",
		"":                                  "blocked",
		"blocked_by_something_new":          "Mercado Libre blocked this conversation (substatus blocked_by_something_new)",
		"blocked_by_refund_v9":              "substatus blocked_by_refund_v9",
	}
	for sub, want := range cases {
		got := BlockedReason(sub)
		if !strings.Contains(got, want) {
			t.Errorf("BlockedReason(%q) = %q, want it to contain %q", sub, got, want)
		}
	}
}
