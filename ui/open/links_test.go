package open

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseLinksAndRender(t *testing.T) {
	cases := []struct {
		in     string
		links  []Link
		render string
	}{
		{
			in:     `Steps: <a href="https://northwind.example.com/c2/firmware">firmware update</a>`,
			links:  []Link{{"firmware update", "https://northwind.example.com/c2/firmware"}},
			render: "Steps: firmware update (https://northwind.example.com/c2/firmware)",
		},
		{
			in:     `Track it: <A HREF='https://t.example/1?a=1&amp;b=2' target="_blank"> Your tracking link </A>.`,
			links:  []Link{{"Your tracking link", "https://t.example/1?a=1&b=2"}},
			render: "Track it: Your tracking link (https://t.example/1?a=1&b=2).",
		},
		{
			in:     `<a class="x" href=https://u.example/p>https://u.example/p</a>`,
			links:  []Link{{"https://u.example/p", "https://u.example/p"}},
			render: "https://u.example/p",
		},
		{
			in:     "See https://example.com/manual.pdf, or (https://example.com/wiki/Foo_(bar)). Thanks!",
			links:  []Link{{"https://example.com/manual.pdf", "https://example.com/manual.pdf"}, {"https://example.com/wiki/Foo_(bar)", "https://example.com/wiki/Foo_(bar)"}},
			render: "See https://example.com/manual.pdf, or (https://example.com/wiki/Foo_(bar)). Thanks!",
		},
		{
			in:     `<a href="javascript:alert(document.cookie)">click</a>`,
			links:  []Link{{"click", "javascript:alert(document.cookie)"}},
			render: "click (javascript:alert(document.cookie))",
		},
		{
			in:     `<a href="https://a.example"><b>bold</b> label</a> and <a name="top">anchor</a>`,
			links:  []Link{{"bold label", "https://a.example"}},
			render: "bold label (https://a.example) and anchor",
		},
		{
			in:     `unclosed <a href="https://open.example/x">label and more`,
			links:  []Link{{"", "https://open.example/x"}},
			render: "unclosed https://open.example/xlabel and more",
		},
		{
			in:     "same https://d.example twice https://d.example",
			links:  []Link{{"https://d.example", "https://d.example"}},
			render: "same https://d.example twice https://d.example",
		},
		{
			in:     `<a href="https://e.example/&#27;]52;c;QUFB&#7;">x&#27;[2Jy</a>`,
			links:  []Link{{"xy", "https://e.example/"}}, // decoded entities are sanitised with their sequences
			render: "xy (https://e.example/)",
		},
		{
			in:     "line one\nhttps://f.example\x1b[31m red\x1b[0m\n<b>not a link</b>",
			links:  []Link{{"https://f.example", "https://f.example"}},
			render: "line one\nhttps://f.example red\n<b>not a link</b>",
		},
		{
			in:     `<a href="mailto:ventas@example.com">write us</a> </a>`,
			links:  []Link{{"write us", "mailto:ventas@example.com"}},
			render: "write us (mailto:ventas@example.com) ",
		},
		{in: "no links here, just www.example.com", links: nil, render: "no links here, just www.example.com"},
	}
	for _, tc := range cases {
		if got := ParseLinks(tc.in); !reflect.DeepEqual(got, tc.links) {
			t.Errorf("ParseLinks(%q)\n got %q\nwant %q", tc.in, got, tc.links)
		}
		if got := Render(tc.in); got != tc.render {
			t.Errorf("Render(%q)\n got %q\nwant %q", tc.in, got, tc.render)
		}
	}
}

func TestLinksOpenable(t *testing.T) {
	links := ParseLinks(`<a href="javascript:x()">a</a> <a href="https://ok.example">b</a> <a href="data:text/html,x">c</a>`)
	var ok []string
	for _, l := range links {
		if l.Openable() {
			ok = append(ok, l.URL)
		}
	}
	if len(links) != 3 || len(ok) != 1 || ok[0] != "https://ok.example" {
		t.Fatalf("links %q, openable %q", links, ok)
	}
}

func TestRenderHostileInput(t *testing.T) {
	// Large and pathological inputs must stay linear and leave no control characters.
	in := strings.Repeat("<a href=\"", 2000) + strings.Repeat("https://x.example/(", 2000) + "\x1b]0;title\x07\x9b2J"
	out := Render(in)
	for _, r := range out {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			t.Fatalf("Render left control character %U", r)
		}
	}
}

func BenchmarkRender(b *testing.B) {
	msg := `Hola! El manual está en <a href="https://northwind.example.com/c2/manual.pdf">manual</a> y el video en https://videos.example.com/c2?id=42.`
	p := NewParser()
	for b.Loop() {
		_ = p.Render(msg)
	}
}
