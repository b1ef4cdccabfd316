package common

import (
	"strings"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sanitize"
)

// The words postsale uses for what Mercado Libre reports (a message's status and moderation, why
// a conversation is blocked). The inbox and the command line both say them from here, so a
// seller reads the same thing in either.

// BlockedReason turns a conversation's substatus into a sentence a seller can act on. The
// vocabulary lives in api.SubstatusReason; an unknown substatus is shown verbatim, never as an
// empty banner. Sanitise substatus before passing it.
func BlockedReason(substatus string) string { return api.SubstatusReason(substatus) }

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
