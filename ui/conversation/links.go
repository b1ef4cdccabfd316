package conversation

import (
	"html"
	"strings"
)

// RenderLinks rewrites the API's clickable links, <a href="URL">label</a>, as readable text:
// "label (URL)", or just the URL when the label repeats it. Anything that is not a well-formed
// anchor is left as written, so a buyer's literal "<a" stays visible.
func RenderLinks(s string) string {
	if !strings.Contains(strings.ToLower(s), "<a") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for {
		start := indexFold(s, "<a")
		if start < 0 {
			b.WriteString(s)
			return b.String()
		}
		url, label, end, ok := parseAnchor(s[start:])
		if !ok {
			b.WriteString(s[:start+2])
			s = s[start+2:]
			continue
		}
		b.WriteString(s[:start])
		b.WriteString(linkText(url, label))
		s = s[start+end:]
	}
}

// Link is one anchor found in a text, for views that list or open links.
type Link struct {
	URL   string
	Label string
}

// Links returns the anchors written in s, in order.
func Links(s string) []Link {
	var out []Link
	for {
		start := indexFold(s, "<a")
		if start < 0 {
			return out
		}
		url, label, end, ok := parseAnchor(s[start:])
		if !ok {
			s = s[start+2:]
			continue
		}
		out = append(out, Link{URL: url, Label: label})
		s = s[start+end:]
	}
}

func linkText(url, label string) string {
	label = strings.TrimSpace(label)
	switch {
	case url == "":
		return label
	case label == "" || label == url:
		return url
	}
	return label + " (" + url + ")"
}

// parseAnchor reads `<a ...href="URL"...>label</a>` at the start of s and returns the URL, the
// label (inner tags dropped, entities decoded) and the length consumed.
func parseAnchor(s string) (url, label string, n int, ok bool) {
	if len(s) < 3 || !isSpace(s[2]) && s[2] != '>' {
		return "", "", 0, false // "<abbr>", "<a" at the end
	}
	gt := strings.IndexByte(s, '>')
	if gt < 0 {
		return "", "", 0, false
	}
	url, found := attr(s[2:gt], "href")
	if !found {
		return "", "", 0, false
	}
	rest := s[gt+1:]
	closeAt := indexFold(rest, "</a>")
	if closeAt < 0 {
		return "", "", 0, false
	}
	label = html.UnescapeString(stripTags(rest[:closeAt]))
	return strings.TrimSpace(html.UnescapeString(url)), label, gt + 1 + closeAt + len("</a>"), true
}

// attr finds name="value", name='value' or name=value in a tag's attribute text.
func attr(tag, name string) (string, bool) {
	for i := 0; i < len(tag); {
		j := indexFold(tag[i:], name)
		if j < 0 {
			return "", false
		}
		i += j
		// The name must start an attribute: preceded by a space.
		if i > 0 && !isSpace(tag[i-1]) {
			i += len(name)
			continue
		}
		k := i + len(name)
		for k < len(tag) && isSpace(tag[k]) {
			k++
		}
		if k >= len(tag) || tag[k] != '=' {
			i += len(name)
			continue
		}
		k++
		for k < len(tag) && isSpace(tag[k]) {
			k++
		}
		if k >= len(tag) {
			return "", true
		}
		if q := tag[k]; q == '"' || q == '\'' {
			end := strings.IndexByte(tag[k+1:], q)
			if end < 0 {
				return tag[k+1:], true
			}
			return tag[k+1 : k+1+end], true
		}
		end := k
		for end < len(tag) && !isSpace(tag[end]) {
			end++
		}
		return tag[k:end], true
	}
	return "", false
}

// stripTags drops markup inside a label (<b>, <span>) and keeps its text.
func stripTags(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>' && in:
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func indexFold(s, sub string) int {
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		if strings.EqualFold(s[i:i+n], sub) {
			return i
		}
	}
	return -1
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
