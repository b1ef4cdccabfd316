package common

import (
	"fmt"
	"strings"
)

// TranslationMode is which text of a message the inbox shows: as written, Mercado Libre's
// translation (text_translated), both, or the buyer's translated and the seller's own as
// written. The conversation's `t` cycles it; the list's previews follow it; the session
// remembers the last choice (Common.Translation) and the `translation` setting is the default.
type TranslationMode int

// Translation modes. The numbers are the conversation's historical Mode values.
const (
	TranslationOriginal TranslationMode = iota
	TranslationTranslated
	TranslationBoth
	TranslationBuyer
)

// Setting words of the modes (the `translation` setting; config.Translation* are the same).
const (
	TranslationWordOriginal   = "original"
	TranslationWordBuyer      = "buyer-translated"
	TranslationWordTranslated = "translated"
	TranslationWordBoth       = "both"
)

// ParseTranslation reads a `translation` setting ("" is original).
func ParseTranslation(s string) (TranslationMode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", TranslationWordOriginal:
		return TranslationOriginal, nil
	case TranslationWordBuyer, "buyer":
		return TranslationBuyer, nil
	case TranslationWordTranslated:
		return TranslationTranslated, nil
	case TranslationWordBoth:
		return TranslationBoth, nil
	}
	return TranslationOriginal, fmt.Errorf("translation %q is not one of original, buyer-translated, translated, both", s)
}

// String is the mode as the footer and the setting say it.
func (m TranslationMode) String() string {
	switch m {
	case TranslationTranslated:
		return TranslationWordTranslated
	case TranslationBoth:
		return TranslationWordBoth
	case TranslationBuyer:
		return TranslationWordBuyer
	}
	return TranslationWordOriginal
}

// Next is the mode `t` goes to: original → translated → both → buyer-translated → original.
func (m TranslationMode) Next() TranslationMode {
	switch m {
	case TranslationOriginal:
		return TranslationTranslated
	case TranslationTranslated:
		return TranslationBoth
	case TranslationBoth:
		return TranslationBuyer
	}
	return TranslationOriginal
}

// For is how one side's messages are shown: in buyer-translated mode the buyer's are translated
// and the seller's (seller true) are shown as written; the other modes are the same for both.
func (m TranslationMode) For(seller bool) TranslationMode {
	if m != TranslationBuyer {
		return m
	}
	if seller {
		return TranslationOriginal
	}
	return TranslationTranslated
}

// Preview is the one line a list preview shows of a message in mode m, as the conversation
// shows that message: as written (original, and the seller's own in buyer-translated), the
// translation (translated, and the buyer's in buyer-translated), or both, the translation after
// the text as the conversation puts it under ("text ↳ translation"). A message without a
// translation, or whose translation is its text, shows as written.
func (m TranslationMode) Preview(text, translated string, seller bool) string {
	if strings.TrimSpace(translated) == "" || translated == text {
		return text
	}
	switch m.For(seller) {
	case TranslationTranslated:
		return translated
	case TranslationBoth:
		return text + " ↳ " + translated
	}
	return text
}
