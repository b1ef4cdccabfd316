package open

import (
	"html"
	"regexp"
	"strings"
	"sync"

	"github.com/postsale/postsale/api/sanitize"
)

// Link is a link found in a message: an <a href> anchor or a bare http(s) URL. Label and URL are
// sanitised and HTML entities are decoded.
type Link struct {
	Label string
	URL   string
}

// Openable reports whether postsale may open (or copy) the link: http and https with a host, and
// mailto. Anything else (javascript:, data:, file:, intent:) is shown but never opened.
func (l Link) Openable() bool { return Openable(l.URL) }

// Text is how a link reads in a message: "label (URL)", or the URL alone when the label adds
// nothing.
func (l Link) Text() string {
	if l.Label == "" || l.Label == l.URL || strings.TrimSuffix(l.Label, "/") == strings.TrimSuffix(l.URL, "/") {
		return l.URL
	}
	if l.URL == "" {
		return l.Label
	}
	return l.Label + " (" + l.URL + ")"
}

// RE2 patterns: linear time whatever a buyer writes.
const (
	anchorPattern = `(?is)<a(?:\s([^>]*))?>(.*?)</a\s*>`
	openTagPat    = `(?is)<a(?:\s([^>]*))?>|</a\s*>`
	hrefPattern   = `(?is)(?:^|\s)href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))`
	bareURLPat    = "(?i)\\bhttps?://[^\\s<>\"'`]+"
	innerTagPat   = `(?s)<[^>]*>`
)

// Parser finds links. Safe for concurrent use: its patterns are compiled once per process, on
// the first NewParser, and only read afterwards, so every view and every served session
// shares them.
type Parser struct{ anchor, openTag, href, bare, tag *regexp.Regexp }

var compiled = sync.OnceValue(func() *Parser {
	return &Parser{
		anchor:  regexp.MustCompile(anchorPattern),
		openTag: regexp.MustCompile(openTagPat),
		href:    regexp.MustCompile(hrefPattern),
		bare:    regexp.MustCompile(bareURLPat),
		tag:     regexp.MustCompile(innerTagPat),
	}
})

// NewParser returns the link parser (the patterns compiled once).
func NewParser() *Parser { return compiled() }

// segment is either plain text or a link.
type segment struct {
	text string
	link *Link
}

// ParseLinks returns the links of a message text in order of appearance, each URL once.
func ParseLinks(text string) []Link { return NewParser().ParseLinks(text) }

// Render turns a message text into readable, sanitised text: anchors become "label (URL)",
// stray anchor tags disappear, everything else is kept (sanitised with sanitize.String).
func Render(text string) string { return NewParser().Render(text) }

// ParseLinks returns the links of text in order of appearance, each URL once.
func (p *Parser) ParseLinks(text string) []Link {
	var out []Link
	seen := map[string]bool{}
	for _, s := range p.segments(text) {
		if s.link != nil && s.link.URL != "" && !seen[s.link.URL] {
			seen[s.link.URL] = true
			out = append(out, *s.link)
		}
	}
	return out
}

// Render turns text into readable, sanitised text with links as "label (URL)" (see package Render).
func (p *Parser) Render(text string) string { return p.RenderWith(text, Link.Text) }

// RenderWith is Render with each link drawn by draw (hyperlink.go draws OSC 8 labels).
func (p *Parser) RenderWith(text string, draw func(Link) string) string {
	var b strings.Builder
	for _, s := range p.segments(text) {
		if s.link != nil {
			b.WriteString(draw(*s.link))
			continue
		}
		b.WriteString(s.text)
	}
	return b.String()
}

// segments splits text into plain text and links: anchors first, then bare URLs in the text
// between them.
func (p *Parser) segments(text string) []segment {
	var out []segment
	last := 0
	for _, m := range p.anchor.FindAllStringSubmatchIndex(text, -1) {
		out = append(out, p.plain(text[last:m[0]])...)
		attrs := ""
		if m[2] >= 0 {
			attrs = text[m[2]:m[3]]
		}
		label := p.clean(p.tag.ReplaceAllString(text[m[4]:m[5]], ""))
		if u := p.hrefOf(attrs); u != "" {
			out = append(out, segment{link: &Link{Label: label, URL: u}})
		} else {
			out = append(out, segment{text: label})
		}
		last = m[1]
	}
	return append(out, p.plain(text[last:])...)
}

// plain finds bare URLs in text outside anchors; an unclosed <a href> becomes its URL.
func (p *Parser) plain(text string) []segment {
	var out []segment
	last := 0
	for _, m := range p.openTag.FindAllStringSubmatchIndex(text, -1) {
		out = append(out, p.bareURLs(text[last:m[0]])...)
		if m[2] >= 0 {
			if u := p.hrefOf(text[m[2]:m[3]]); u != "" {
				out = append(out, segment{link: &Link{URL: u}})
			}
		}
		last = m[1]
	}
	return append(out, p.bareURLs(text[last:])...)
}

func (p *Parser) bareURLs(text string) []segment {
	var out []segment
	last := 0
	for _, m := range p.bare.FindAllStringIndex(text, -1) {
		u := trimURL(text[m[0]:m[1]])
		end := m[0] + len(u)
		out = append(out, segment{text: p.cleanText(text[last:m[0]])})
		clean := p.clean(u)
		out = append(out, segment{link: &Link{Label: clean, URL: clean}})
		last = end
	}
	return append(out, segment{text: p.cleanText(text[last:])})
}

func (p *Parser) hrefOf(attrs string) string {
	m := p.href.FindStringSubmatch(attrs)
	if m == nil {
		return ""
	}
	return p.clean(m[1] + m[2] + m[3])
}

// clean decodes entities (which could smuggle control characters: &#27;) and then sanitises to
// one line.
func (*Parser) clean(s string) string {
	return strings.TrimSpace(sanitize.Line(html.UnescapeString(s)))
}

// cleanText is plain message text: sanitised, newlines kept, entities left as written.
func (*Parser) cleanText(s string) string { return sanitize.String(s) }

// trimURL drops punctuation that ends the sentence rather than the URL, and a closing bracket
// that has no opening one inside the URL.
func trimURL(u string) string {
	for len(u) > 0 {
		c := u[len(u)-1]
		switch {
		case strings.IndexByte(".,;:!?*", c) >= 0:
			u = u[:len(u)-1]
		case c == ')' && strings.Count(u, "(") < strings.Count(u, ")"),
			c == ']' && strings.Count(u, "[") < strings.Count(u, "]"),
			c == '}' && strings.Count(u, "{") < strings.Count(u, "}"):
			u = u[:len(u)-1]
		default:
			return u
		}
	}
	return u
}
