package api

import (
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
)

// What Mercado Libre's moderation stops in a seller's message (reasons LINK_SHORT_URL,
// SOCIAL_NETWORK_LINK, PERSONAL_DATA): a composer warns before sending, it never refuses.

// RiskKind is one kind of content moderation is known to stop.
type RiskKind uint8

// Kinds of moderated content, in the order they are reported.
const (
	RiskShortLink RiskKind = iota + 1 // a link through a URL shortener (bit.ly, t.co …)
	RiskSocial                        // a social network's link, name or @handle
	RiskPhone                         // a phone number
	RiskEmail                         // an e-mail address
)

// Words names the kind as the seller reads it; the shortened link and the social network use
// the same words as the moderation reasons (ui/common.ReasonWords).
func (k RiskKind) Words() string {
	switch k {
	case RiskShortLink:
		return "shortened link"
	case RiskSocial:
		return "social network"
	case RiskPhone:
		return "phone number"
	case RiskEmail:
		return "e-mail address"
	}
	return ""
}

// ModerationRisk is one place in a text that moderation would likely stop.
type ModerationRisk struct {
	Kind  RiskKind
	Match string // the text as written (raw: sanitise before showing it)
}

// Shorteners are the URL shorteners whose links Mercado Libre moderates (LINK_SHORT_URL).
var shorteners = []string{
	"bit.ly", "bitly.com", "tinyurl.com", "goo.gl", "t.co", "ow.ly", "is.gd", "buff.ly", "cutt.ly",
	"rebrand.ly", "shorturl.at", "tiny.cc", "rb.gy", "v.gd", "s.id", "t.ly", "shorte.st", "adf.ly",
	"bl.ink", "lnkd.in", "tiny.one",
}

// socialHosts are the social networks' and messengers' sites (SOCIAL_NETWORK_LINK).
var socialHosts = []string{
	"instagram.com", "instagr.am", "facebook.com", "fb.com", "fb.me", "m.me", "messenger.com",
	"wa.me", "whatsapp.com", "chat.whatsapp.com", "api.whatsapp.com", "tiktok.com", "vm.tiktok.com",
	"t.me", "telegram.me", "telegram.org", "twitter.com", "x.com", "youtube.com", "youtu.be",
	"linkedin.com", "pinterest.com", "snapchat.com", "threads.net",
}

// moderationPatterns are ModerationRisks' regular expressions. They are compiled on the first
// check, not when the program starts (every start paid for them, most never compose), and only
// read afterwards: a *regexp.Regexp is safe for concurrent use.
type moderationPatterns struct {
	shortLink, social *regexp.Regexp
	// Naming the network is enough for moderation ("me chama no zap", "segue no insta").
	socialWord, email, handle *regexp.Regexp
	// A phone number: an optional +, then digits with spaces, dots, dashes or parentheses.
	phone, link *regexp.Regexp
	// Dates (2026-11-27, 27/11/2026, 27.11.2026) and Brazilian postal codes (01310-100) look
	// like numbers with separators but are not phones.
	notPhone *regexp.Regexp
}

var patterns = sync.OnceValue(func() *moderationPatterns {
	return &moderationPatterns{
		shortLink:  hostPattern(shorteners),
		social:     hostPattern(socialHosts),
		socialWord: regexp.MustCompile(`(?i)\b(?:whats\s?app|whats|zap\s?zap|instagram|insta|facebook|tik\s?tok|telegram|twitter|messenger)\b`),
		email:      regexp.MustCompile(`(?i)\b[a-z0-9][a-z0-9._%+-]*@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}\b`),
		handle:     regexp.MustCompile(`(?:^|[^\w@.])(@[A-Za-z0-9_](?:[A-Za-z0-9_.]{1,28}[A-Za-z0-9_]))`),
		phone:      regexp.MustCompile(`\+?\(?\d[\d\s().-]{5,}\d`),
		link:       regexp.MustCompile(`(?i)\b(?:https?://|www\.)\S+`),
		notPhone:   regexp.MustCompile(`^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{4}|\d{5}-\d{3})$`),
	}
})

// hostPattern matches a link to one of hosts, with or without scheme, www. or a path; hostLinks
// checks what surrounds each match.
func hostPattern(hosts []string) *regexp.Regexp {
	quoted := make([]string, len(hosts))
	for i, h := range hosts {
		quoted[i] = regexp.QuoteMeta(h)
	}
	return regexp.MustCompile(`(?i)(?:https?://)?(?:www\.)?(?:` + strings.Join(quoted, "|") + `)(?:[/:?#][^\s<>"']*)?`)
}

// hostLinks are re's matches in text that stand alone: not inside a longer host name (matt.com
// is not t.co, t.com is not t.co), trailing punctuation left out.
func hostLinks(re *regexp.Regexp, text string) []string {
	var out []string
	for _, loc := range re.FindAllStringIndex(text, -1) {
		start, end := loc[0], loc[1]
		if start > 0 {
			if c := text[start-1]; isWordByte(c) || c == '.' || c == '@' || c == '-' {
				continue
			}
		}
		if end < len(text) {
			c := text[end]
			if isWordByte(c) || c == '-' || (c == '.' && end+1 < len(text) && isWordByte(text[end+1])) {
				continue
			}
		}
		out = append(out, trimPunct(text[start:end]))
	}
	return out
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// trimPunct drops the sentence's punctuation after a link.
func trimPunct(s string) string { return strings.TrimRight(s, ".,;:!?)]}") }

// ModerationRisks finds what Mercado Libre's moderation would likely stop in text: shortened
// links, social networks (links, names, @handles), phone numbers and e-mail addresses, in the
// order of the kinds, each match once. The numbers of ignore (the conversation's own order, pack
// and shipping ids) are not phone numbers, written with separators or standing next to other
// numbers ("4512345672 - 2 unidades").
func ModerationRisks(text string, ignore ...string) []ModerationRisk {
	var out []ModerationRisk
	add := func(k RiskKind, match string) {
		match = strings.TrimSpace(match)
		for _, r := range out {
			if r.Kind == k && strings.EqualFold(r.Match, match) {
				return
			}
		}
		out = append(out, ModerationRisk{Kind: k, Match: match})
	}
	re := patterns()
	for _, m := range hostLinks(re.shortLink, text) {
		add(RiskShortLink, m)
	}
	for _, m := range hostLinks(re.social, text) {
		add(RiskSocial, m)
	}
	// Names and handles inside an e-mail address or a link are not reported twice.
	emails := re.email.FindAllString(text, -1)
	bare := re.email.ReplaceAllString(text, " ")
	bare = re.link.ReplaceAllString(bare, " ")
	bare = re.social.ReplaceAllString(bare, " ")
	bare = re.shortLink.ReplaceAllString(bare, " ")
	for _, m := range re.socialWord.FindAllString(bare, -1) {
		add(RiskSocial, m)
	}
	for _, m := range re.handle.FindAllStringSubmatch(bare, -1) {
		add(RiskSocial, m[1])
	}
	for _, m := range re.phone.FindAllString(withoutIDs(bare, ignore), -1) {
		if isPhone(m, ignore) {
			add(RiskPhone, m)
		}
	}
	for _, e := range emails {
		add(RiskEmail, e)
	}
	return out
}

// withoutIDs is text with every number of ids that stands on its own (no digit touches it) taken
// out, so an id followed by a dash and a count ("4512345672 - 2") or next to other digits is
// neither read as a phone number nor lends its digits to one.
func withoutIDs(text string, ids []string) string {
	for _, id := range ids {
		if id == "" || strings.Trim(id, "0123456789") != "" {
			continue // only numbers pass for phone numbers
		}
		var b strings.Builder
		last, from := 0, 0
		for {
			i := strings.Index(text[from:], id)
			if i < 0 {
				break
			}
			start, end := from+i, from+i+len(id)
			from = start + 1
			if (start > 0 && isDigitByte(text[start-1])) || (end < len(text) && isDigitByte(text[end])) {
				continue // part of a longer number
			}
			b.WriteString(text[last:start])
			b.WriteByte('_') // not a digit nor a phone's separator
			last, from = end, end
		}
		if b.Len() > 0 {
			b.WriteString(text[last:])
			text = b.String()
		}
	}
	return text
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

// isPhone reports whether a run of digits and separators reads as a phone number: 8 to 13
// digits (15 with a +). An unbroken run of 12 or more digits is an id (orders, packs), and a
// number the conversation itself names is never a phone.
func isPhone(s string, ignore []string) bool {
	digits := strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
	if slices.Contains(ignore, digits) || patterns().notPhone.MatchString(strings.TrimSpace(s)) {
		return false
	}
	n := len(digits)
	plus := strings.HasPrefix(s, "+")
	unbroken := digits == strings.TrimSpace(s)
	switch {
	case plus:
		return n >= 8 && n <= 15
	case unbroken:
		return n >= 8 && n <= 11
	}
	return n >= 8 && n <= 13
}

// RiskWords says the risks as one sentence fragment: "shortened link bit.ly/x, phone number
// 11 91234-5678". Matches are sanitised by the caller's renderer; this keeps them raw.
func RiskWords(risks []ModerationRisk) string {
	parts := make([]string, 0, len(risks))
	for _, r := range risks {
		parts = append(parts, r.Kind.Words()+" "+r.Match)
	}
	return strings.Join(parts, ", ")
}
