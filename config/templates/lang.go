package templates

import "strings"

// Flavour is which messaging API the seller uses: it decides where a template's languages go.
type Flavour int

const (
	// CrossBorder (Global Selling, the marketplace API): the message is in the seller's language
	// (NAME.txt) and text_translated carries the buyer's.
	CrossBorder Flavour = iota
	// Domestic: one text, in the buyer's language.
	Domestic
)

// spanishSites are the Mercado Libre sites whose buyers write Spanish.
var spanishSites = map[string]bool{
	"MLA": true, "MLM": true, "MCO": true, "MLC": true, "MLU": true, "MPE": true, "MEC": true,
	"MBO": true, "MPY": true, "MRD": true, "MCR": true, "MGT": true, "MHN": true, "MNI": true,
	"MSV": true, "MPA": true, "MCU": true, "MLV": true,
}

// SiteLanguage is the buyers' language on a site: "pt" for MLB, "es" for the Spanish-speaking
// sites, "" for CBT and anything unknown (the base file is used).
func SiteLanguage(site string) string {
	site = strings.ToUpper(strings.TrimSpace(site))
	switch {
	case site == "MLB":
		return LangPT
	case spanishSites[site]:
		return LangES
	}
	return ""
}

// Pick chooses a template's texts for a pack: message and translation, unexpanded, and the
// language of the buyer variant used ("" when none).
//
// Domestic: the message is the buyer-language variant, else NAME.txt, else English; no
// translation. Cross-border: the message is NAME.txt (the seller's language; English when there
// is no base file) and the buyer-language variant, when present, is the translation.
func (t *Template) Pick(site string, flavour Flavour) (text, translation, lang string) {
	lang = SiteLanguage(site)
	variant, hasVariant := t.Variants[lang]
	if lang == "" {
		hasVariant = false
	}
	if flavour == Domestic {
		switch {
		case hasVariant:
			return variant, "", lang
		case t.HasBase:
			return t.Base, "", ""
		default:
			return t.Variants[LangEN], "", LangEN
		}
	}
	text = t.Base
	if !t.HasBase {
		text = t.Variants[LangEN]
		if lang == LangEN {
			return text, "", LangEN
		}
	}
	if text == "" && hasVariant {
		return variant, "", lang // only the buyer's language exists: send that
	}
	if hasVariant && variant != text {
		return text, variant, lang
	}
	return text, "", ""
}
