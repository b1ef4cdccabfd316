package open

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestRenderLinksHyperlinksTheLabelAndKeepsTheURLVisible(t *testing.T) {
	p := NewParser()
	on := New(Auto, nil, WithHyperlinks(true))
	text := `Manual: <a href="https://a.example/m">the manual</a>, mail <a href="mailto:help@a.example">us</a>, ` +
		`bare https://b.example/x. and <a href="javascript:alert(1)">this</a>`
	got := on.RenderLinks(p, text)
	for _, want := range []string{
		"\x1b]8;;https://a.example/m\x1b\\the manual\x1b]8;;\x1b\\ (https://a.example/m)",
		"\x1b]8;;mailto:help@a.example\x1b\\us\x1b]8;;\x1b\\ (mailto:help@a.example)",
		"\x1b]8;;https://b.example/x\x1b\\https://b.example/x\x1b]8;;\x1b\\.", // a bare URL is its own label
		"this (javascript:alert(1))", // shown, never a hyperlink
	} {
		if !strings.Contains(got, want) {
			t.Errorf("RenderLinks lacks %q:\n%q", want, got)
		}
	}
	if n := strings.Count(got, "\x1b]8;;\x1b\\"); n != 3 {
		t.Errorf("%d hyperlinks, want 3 (javascript: is never one): %q", n, got)
	}
	// What the terminal shows is exactly the text with hyperlinks off.
	plain := p.Render(text)
	if ansi.Strip(got) != plain || ansi.StringWidth(got) != ansi.StringWidth(plain) {
		t.Errorf("visible text differs from the plain rendering:\n%q\n%q", ansi.Strip(got), plain)
	}
	for _, off := range []*Opener{nil, New(Auto, nil)} {
		if got := off.RenderLinks(p, text); got != plain || strings.Contains(got, "\x1b") {
			t.Errorf("hyperlinks off: %q, want %q", got, plain)
		}
	}
}

func TestHyperlinkURIIsSanitisedAndASCII(t *testing.T) {
	on := New(Auto, nil, WithHyperlinks(true))
	got := on.Hyperlink("guía", "https://ejemplo.mx/guía?q=año")
	if want := "\x1b]8;;https://ejemplo.mx/gu%C3%ADa?q=a%C3%B1o\x1b\\guía\x1b]8;;\x1b\\"; got != want {
		t.Errorf("Hyperlink = %q, want %q", got, want)
	}
	// Control characters or a second sequence smuggled in the URL: not a hyperlink at all.
	for _, u := range []string{"https://a.example/\x1b]8;;https://evil.example\x1b\\", "https://a.example/\x07x", "https://user@evil.example"} {
		if got := on.Hyperlink("x", u); got != "x" {
			t.Errorf("Hyperlink(%q) = %q, want the text alone", u, got)
		}
	}
}

func TestCloseHyperlinksAcrossWrappedLines(t *testing.T) {
	on := New(Auto, nil, WithHyperlinks(true))
	text := "aa " + on.Hyperlink("a very long label that wraps around", "https://x.example/p") + " end"
	lines := CloseHyperlinks(strings.Split(ansi.Wrap(text, 12, ""), "\n"))
	if len(lines) < 3 {
		t.Fatalf("want the label wrapped over several lines: %q", lines)
	}
	open := "\x1b]8;;https://x.example/p\x1b\\"
	for i, l := range lines {
		// Every line opens what it shows of the label and closes it before it ends.
		if strings.Count(l, open) != 1 || strings.Count(l, "\x1b]8;;\x1b\\") != 1 || strings.Index(l, open) > strings.Index(l, "\x1b]8;;\x1b\\") {
			t.Errorf("line %d not a closed hyperlink: %q", i, l)
		}
		if w := ansi.StringWidth(l); w > 12 {
			t.Errorf("line %d is %d cells wide: %q", i, w, l)
		}
	}
	if got := strings.Join(lines, " "); ansi.Strip(got) != "aa a very long label that wraps around end" {
		t.Errorf("visible text changed: %q", ansi.Strip(got))
	}
	// Lines without hyperlinks are returned as they were.
	plain := []string{"one", "two"}
	if got := CloseHyperlinks(plain); got[0] != "one" || got[1] != "two" {
		t.Errorf("plain lines changed: %q", got)
	}
}
