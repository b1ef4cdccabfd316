package templates

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/postsale/postsale/api"
)

// The variables postsale fills from a pack.
const (
	VarBuyerFirstName = "buyer_first_name"
	VarBuyerName      = "buyer_name"
	VarPackID         = "pack_id"
	VarOrderID        = "order_id"
	VarSellerName     = "seller_name"
	VarSite           = "site"
	VarItemTitle      = "item_title"
	VarTrackingURL    = "tracking_url"
)

// KnownVars lists the variables postsale knows, in the order help shows them.
func KnownVars() []string {
	return []string{VarBuyerFirstName, VarBuyerName, VarPackID, VarOrderID, VarSellerName, VarSite, VarItemTitle, VarTrackingURL}
}

// Known reports whether name is one of KnownVars.
func Known(name string) bool { return slices.Contains(KnownVars(), name) }

// Vars are variable values. Values are cleaned to one line when expanded.
type Vars map[string]string

// placeholder matches {{name}}, tolerating spaces inside the braces; compiled on first use.
var placeholder = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\{\{\s*([^{}\s]*)\s*\}\}`) })

// Placeholder is one {{name}} in a text: its name and byte offsets [Start, End).
type Placeholder struct {
	Name       string
	Start, End int
}

// Placeholders finds every {{name}} in s.
func Placeholders(s string) []Placeholder {
	var out []Placeholder
	for _, m := range placeholder().FindAllStringSubmatchIndex(s, -1) {
		out = append(out, Placeholder{Name: s[m[2]:m[3]], Start: m[0], End: m[1]})
	}
	return out
}

// Missing is a placeholder left in an expanded text: its offsets are in that text.
type Missing struct {
	Placeholder
	Unknown bool // not a variable postsale knows (a typo?); otherwise it simply has no value
}

// Reason is a short phrase: "unknown variable" or "no value".
func (m Missing) Reason() string {
	if m.Unknown {
		return "unknown variable"
	}
	return "no value"
}

// Expand replaces every {{name}} that has a non-empty value in vars. Placeholders left (unknown
// names, or known ones without a value) stay as written and are returned with their offsets in
// the result, so a preview can highlight them.
func Expand(s string, vars Vars) (string, []Missing) {
	var b strings.Builder
	var missing []Missing
	last := 0
	for _, p := range Placeholders(s) {
		b.WriteString(s[last:p.Start])
		last = p.End
		if v := cleanValue(vars[p.Name]); v != "" && p.Name != "" {
			b.WriteString(v)
			continue
		}
		start := b.Len()
		b.WriteString(s[p.Start:p.End])
		missing = append(missing, Missing{
			Placeholder: Placeholder{Name: p.Name, Start: start, End: b.Len()},
			Unknown:     !Known(p.Name) && !hasKey(vars, p.Name),
		})
	}
	b.WriteString(s[last:])
	return b.String(), missing
}

func hasKey(v Vars, k string) bool { _, ok := v[k]; return ok }

// Context is what a template is expanded for.
type Context struct {
	Site    string
	Flavour Flavour
	Vars    Vars
}

// Result is a template expanded for one pack.
type Result struct {
	Name        string
	Lang        string // the buyer-language variant used, "" for the base file
	Text        string // the message
	Translation string // text_translated ("" on the domestic flavour or without a variant)
	Missing     []Missing
	// MissingTranslation are the placeholders left in Translation.
	MissingTranslation []Missing
}

// Render picks and expands the template for ctx.
func (t *Template) Render(ctx Context) Result {
	text, tr, lang := t.Pick(ctx.Site, ctx.Flavour)
	r := Result{Name: t.Name, Lang: lang}
	r.Text, r.Missing = Expand(text, ctx.Vars)
	r.Translation, r.MissingTranslation = Expand(tr, ctx.Vars)
	return r
}

// MissingNames lists the distinct names of placeholders left in either text.
func (r Result) MissingNames() []string {
	var out []string
	for _, m := range append(slices.Clone(r.Missing), r.MissingTranslation...) {
		if !slices.Contains(out, m.Name) {
			out = append(out, m.Name)
		}
	}
	return out
}

// Check says why the expanded texts cannot be sent as they are: variables left, then the API's
// own limits (350 characters, Latin-1 and emoji), as an *api.ValidationError.
func (r Result) Check() error {
	if err := CheckPlaceholders("text", r.Text); err != nil {
		return err
	}
	if err := CheckPlaceholders("text_translated", r.Translation); err != nil {
		return err
	}
	return api.ValidateSend(api.SendRequest{Text: r.Text, TextTranslated: r.Translation})
}

// CheckPlaceholders refuses a text that still holds a {{name}} placeholder: a template variable
// nobody filled must never reach a buyer. Every send path calls it before sending.
func CheckPlaceholders(field, s string) error {
	ps := Placeholders(s)
	if len(ps) == 0 {
		return nil
	}
	var names []string
	for _, p := range ps {
		n := "{{" + cleanValue(p.Name) + "}}"
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	what := "the message"
	if field == "text_translated" {
		what = "the translation"
	}
	return &api.ValidationError{Field: field, Problem: fmt.Sprintf("%s still has template variables without a value: %s; replace them before sending", what, strings.Join(names, ", "))}
}
