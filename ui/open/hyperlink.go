package open

import (
	"strconv"
	"strings"
)

// OSC 8 hyperlinks (https://gist.github.com/egmontkob/eb114294efbcd5adb1944c9f3cb5feda): the
// terminal shows the text and opens the URI on a click. They take no cells, so width math done
// with ansi.StringWidth ignores them.
const (
	osc8Start = "\x1b]8;"
	osc8End   = "\x1b]8;;\x1b\\"
)

// Hyperlinks reports whether links are drawn as OSC 8 hyperlinks.
func (o *Opener) Hyperlinks() bool { return o != nil && o.hyperlinks }

// Hyperlink draws text as an OSC 8 hyperlink to url when hyperlinks are on and the link is
// openable (http, https, mailto); otherwise it returns text unchanged. text is what the terminal
// shows and must already be sanitised.
func (o *Opener) Hyperlink(text, url string) string {
	if !o.Hyperlinks() || text == "" {
		return text
	}
	u, err := normalise(url)
	if err != nil {
		return text
	}
	return osc8Start + ";" + oscURI(u) + "\x1b\\" + text + osc8End
}

// RenderLinks is p.Render with each openable link's label drawn as a hyperlink when they are on.
// The URL stays visible after the label, "label (URL)", so a label cannot hide where it goes.
func (o *Opener) RenderLinks(p *Parser, text string) string {
	if !o.Hyperlinks() {
		return p.Render(text)
	}
	return p.RenderWith(text, o.drawLink)
}

func (o *Opener) drawLink(l Link) string {
	text := l.Text()
	switch {
	case !Openable(l.URL):
		return text
	case text == l.URL:
		return o.Hyperlink(text, l.URL)
	}
	return o.Hyperlink(l.Label, l.URL) + " (" + l.URL + ")"
}

// oscURI percent-encodes what an OSC 8 URI may not hold raw (anything outside printable ASCII).
func oscURI(u string) string {
	var b strings.Builder
	for i := 0; i < len(u); i++ {
		c := u[i]
		if c > ' ' && c < 0x7f {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteString(strings.ToUpper(strconv.FormatUint(uint64(c)|0x100, 16)[1:]))
	}
	return b.String()
}

// CloseHyperlinks makes each line stand alone: a hyperlink still open at the end of a line (a
// label wrapped in two) is closed there and opened again at the start of the next, so it never
// runs on into padding, the status bar or whatever the terminal draws next.
func CloseHyperlinks(lines []string) []string {
	carry := "" // the sequence that opened the hyperlink running into this line
	for i, l := range lines {
		if carry == "" && !strings.Contains(l, osc8Start) {
			continue
		}
		open := lastOpen(l, carry)
		if carry != "" {
			l = carry + l
		}
		if open != "" {
			l += osc8End
		}
		lines[i], carry = l, open
	}
	return lines
}

// lastOpen is the sequence of the hyperlink open at the end of line ("" when none), given the
// one open at its start.
func lastOpen(line, open string) string {
	for {
		i := strings.Index(line, osc8Start)
		if i < 0 {
			return open
		}
		rest := line[i+len(osc8Start):]
		end, term := strings.IndexAny(rest, "\x1b\x07"), 1
		if end < 0 {
			return open
		}
		if rest[end] == '\x1b' {
			term = 2 // ESC \
		}
		seq := line[i : i+len(osc8Start)+end+term]
		// "params;URI": an empty URI closes the hyperlink.
		if semi := strings.IndexByte(rest[:end], ';'); semi >= 0 && semi+1 < end {
			open = seq
		} else {
			open = ""
		}
		line = rest[min(end+term, len(rest)):]
	}
}
