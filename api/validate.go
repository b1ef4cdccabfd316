package api

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ValidationError is input refused before any request is made.
type ValidationError struct {
	Field string // "text", "file", "attachments", "site", ...
	// Problem is what is wrong, as a sentence fragment. It starts with postsale's own wording,
	// never with a value the seller or the server chose (a file name, an id): Sentence
	// capitalises its first letter.
	Problem string
	// Offending holds the rejected runes of a text, in order of first appearance.
	Offending []rune
}

func (e *ValidationError) Error() string { return e.Field + ": " + e.Problem }

// Sentence is the seller-facing sentence: Problem with its first letter capitalised and a
// final full stop.
func (e *ValidationError) Sentence() string {
	s := e.Problem
	if s == "" {
		return "Invalid " + e.Field + "."
	}
	s = capitalise(s)
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// capitalise upper-cases s's first character when it is a lower-case letter, as a whole rune:
// upper-casing the first byte would split a multi-byte letter into invalid UTF-8.
func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if !unicode.IsLower(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// SupportedRune reports whether the API accepts r in a seller's message: Latin-1 printable
// characters, newline and tab, and emoji.
func SupportedRune(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return true
	case r >= 0x20 && r <= 0x7e, r >= 0xa0 && r <= 0xff:
		return true
	}
	return isEmoji(r)
}

// isEmoji covers the emoji blocks plus the joiners and modifiers emoji sequences are built from.
func isEmoji(r rune) bool {
	switch {
	case r >= 0x1f000 && r <= 0x1faff: // emoticons, pictographs, transport, flags, supplemental
		return true
	case r >= 0x2600 && r <= 0x27bf: // misc symbols, dingbats
		return true
	case r >= 0x2b00 && r <= 0x2bff: // stars, arrows used as emoji (⭐)
		return true
	case r >= 0x2190 && r <= 0x21ff, r >= 0x2300 && r <= 0x23ff: // arrows, ⌚ ⏰
		return true
	case r == 0x200d, r == 0xfe0f, r == 0x20e3, r == 0x2122, r == 0x2139, r == 0x3030, r == 0x303d:
		return true
	}
	return false
}

// UnsupportedRunes returns the distinct runes of s the API would reject, in order.
func UnsupportedRunes(s string) []rune {
	var out []rune
	seen := map[rune]bool{}
	for _, r := range s {
		if !SupportedRune(r) && !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}

// TextLength is the length the API counts: characters, not bytes.
func TextLength(s string) int { return utf8.RuneCountInString(s) }

// ValidateText checks a message text against the API's limits; the sentence names the field
// (text_translated is "the translation"), so a refusal points at the text that needs fixing.
func ValidateText(field, s string) error {
	what := textNoun(field)
	if !utf8.ValidString(s) {
		return &ValidationError{Field: field, Problem: what + " is not valid UTF-8"}
	}
	if n := TextLength(s); n > MaxTextLength {
		return &ValidationError{Field: field, Problem: fmt.Sprintf("%s has %d characters; Mercado Libre accepts at most %d", what, n, MaxTextLength)}
	}
	if bad := UnsupportedRunes(s); len(bad) > 0 {
		return &ValidationError{Field: field, Offending: bad, Problem: fmt.Sprintf("%s has characters Mercado Libre does not accept: %s", what, quoteRunes(bad))}
	}
	return nil
}

// textNoun is how a refusal names a text field of a send.
func textNoun(field string) string {
	if field == "text_translated" {
		return "the translation"
	}
	return "the text"
}

// ValidateSend checks a whole message before it is sent.
func ValidateSend(m SendRequest) error {
	if strings.TrimSpace(m.Text) == "" && len(m.Attachments) == 0 {
		return &ValidationError{Field: "text", Problem: "the message is empty: write some text or attach a file"}
	}
	if err := ValidateText("text", m.Text); err != nil {
		return err
	}
	if err := ValidateText("text_translated", m.TextTranslated); err != nil {
		return err
	}
	if len(m.Attachments) > MaxAttachmentsPerMsg {
		return &ValidationError{Field: "attachments", Problem: fmt.Sprintf("a message can carry at most %d attachments; this one has %d", MaxAttachmentsPerMsg, len(m.Attachments))}
	}
	for _, id := range m.Attachments {
		if strings.TrimSpace(id) == "" {
			return &ValidationError{Field: "attachments", Problem: "an attachment id is empty"}
		}
	}
	return nil
}

// KnownSite reports whether site is a Mercado Libre site id: the four the cross-border messaging
// API serves (MLM, MLB, MCO, MLC) and the other countries'.
func KnownSite(site string) bool {
	switch site {
	case "MLM", "MLB", "MCO", "MLC", "MLA", "MLU", "MPE", "MEC", "MLV", // cross-border's four and the large domestic ones
		"MCR", "MRD", "MPA", "MBO", "MPY", "MGT", "MHN", "MNI", "MSV", "MCU":
		return true
	}
	return false
}

// ValidateSite checks a site id (MLM, MLB, MCO, MLC, ...). Empty and CBT are refused by the API.
func ValidateSite(site string) error {
	switch {
	case site == "":
		return &ValidationError{Field: "site", Problem: "a site id is required (MLM, MLB, MCO or MLC): set MELI_SITE_ID or --site"}
	case strings.EqualFold(site, "CBT"):
		return &ValidationError{Field: "site", Problem: "CBT is not a site for attachments: use the seller's site (MLM, MLB, MCO or MLC)"}
	case !KnownSite(site):
		return &ValidationError{Field: "site", Problem: fmt.Sprintf("the site %q is not a Mercado Libre site id (MLM, MLB, MCO, MLC, ...)", site)}
	}
	return nil
}

// AllowedMIMETypes is the API's allow-list for attachments.
func AllowedMIMETypes() []string {
	return []string{
		"text/plain", "image/png", "image/jpeg", "image/heif", "image/heic", "application/pdf",
		"application/msword", "application/vnd.ms-excel", "text/xml", "application/xml",
		"application/octet-stream",
	}
}

// MIMEAllowed reports whether the API accepts the type (parameters such as charset ignored).
func MIMEAllowed(mimeType string) bool {
	base := strings.ToLower(strings.TrimSpace(strings.SplitN(mimeType, ";", 2)[0]))
	for _, t := range AllowedMIMETypes() {
		if base == t {
			return true
		}
	}
	return false
}

// ValidateFileName checks an attachment's name as the API will store it.
func ValidateFileName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return &ValidationError{Field: "file", Problem: "the file has no name"}
	case strings.ContainsAny(name, `/\`):
		return &ValidationError{Field: "file", Problem: fmt.Sprintf(`the file name "%s" contains "/" or "\": rename it`, name)}
	case utf8.RuneCountInString(name) > MaxOriginalFilenameLen:
		return &ValidationError{Field: "file", Problem: fmt.Sprintf("the file name is longer than %d characters: rename it", MaxOriginalFilenameLen)}
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			return &ValidationError{Field: "file", Problem: "the file name contains control characters: rename it"}
		}
	}
	return nil
}

// ValidateUpload checks a file before upload: name, size (size < 0 means unknown) and type.
func ValidateUpload(name string, size int64, mimeType string) error {
	if err := ValidateFileName(name); err != nil {
		return err
	}
	if size == 0 {
		return &ValidationError{Field: "file", Problem: fmt.Sprintf("the file %s is empty: choose a file with content", name)}
	}
	if size > MaxAttachmentSize {
		return &ValidationError{Field: "file", Problem: fmt.Sprintf("the file %s is %s; Mercado Libre accepts files up to 25 MB", name, OverLimitSize(size))}
	}
	if !MIMEAllowed(mimeType) {
		return &ValidationError{Field: "file", Problem: fmt.Sprintf("the file %s is %s, a type Mercado Libre does not accept (JPG, PNG, HEIC, PDF, TXT, XML, DOC, XLS)", name, orUnknown(mimeType))}
	}
	return nil
}

// OverLimitSize is the size of a file over MaxAttachmentSize as a refusal shows it: HumanSize,
// unless that rounds to the limit itself ("25.0 MB" for 25 MB and one byte), then in bytes.
func OverLimitSize(n int64) string {
	if s := HumanSize(n); s != HumanSize(MaxAttachmentSize) {
		return s
	}
	return fmt.Sprintf("%d bytes, just over 25 MB (%d bytes)", n, MaxAttachmentSize)
}

// HumanSize formats a byte count for people: 512 B, 1.2 KB, 3.4 MB.
func HumanSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "KMGTP"[exp])
}

func orUnknown(s string) string {
	if s == "" {
		return "of unknown type"
	}
	return s
}

func quoteRunes(rs []rune) string {
	parts := make([]string, 0, len(rs))
	for _, r := range rs {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == utf8.RuneError {
			parts = append(parts, fmt.Sprintf("U+%04X", r))
		} else {
			parts = append(parts, fmt.Sprintf("%q (U+%04X)", string(r), r))
		}
	}
	return strings.Join(parts, ", ")
}
