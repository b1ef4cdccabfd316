package api_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/postsale/postsale/api"
)

func TestValidateText(t *testing.T) {
	ok := []string{
		"",
		strings.Repeat("a", 350),
		strings.Repeat("ñ", 350), // 700 bytes, 350 characters
		"¡Hola! ¿Cómo estás? Ação, coração, pão. 10 × 2 ½",
		"Thanks 🙏📦👍🏽 ❤️ ⭐",
		"line one\nline two\ttabbed",
		`<a href="https://example.com">link</a>`,
	}
	for _, s := range ok {
		if err := api.ValidateText("text", s); err != nil {
			t.Errorf("ValidateText(%.30q): %v", s, err)
		}
	}
	bad := []struct {
		text      string
		offending []rune
	}{
		{strings.Repeat("a", 351), nil},
		{"こんにちは", []rune("こんにちは")},
		{"Пакет пакет", []rune("Пакетп")}, // distinct, in order of first appearance
		{"price 10€", []rune{'€'}},
		{"bell\a", []rune{'\a'}},
		{"esc \x1b[2J", []rune{0x1b}},
		{"\xff\xfe", nil},
	}
	for _, b := range bad {
		err := api.ValidateText("text", b.text)
		var ve *api.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("ValidateText(%.30q) = %v, want a validation error", b.text, err)
			continue
		}
		if ve.Field != "text" || ve.Sentence() == "" || !strings.HasSuffix(ve.Sentence(), ".") {
			t.Errorf("%.30q: field %q sentence %q", b.text, ve.Field, ve.Sentence())
		}
		if b.offending != nil && !reflect.DeepEqual(ve.Offending, b.offending) {
			t.Errorf("%.30q: offending %q, want %q", b.text, ve.Offending, b.offending)
		}
	}
	if api.TextLength("ação") != 4 {
		t.Errorf("TextLength counts bytes")
	}
	if got := api.Explain(api.ValidateText("text", "esc \x1b")); !strings.Contains(got, "U+001B") || strings.Contains(got, "\x1b") {
		t.Errorf("the sentence must name a control character, not contain it: %q", got)
	}
}

func TestValidateSend(t *testing.T) {
	ids := make([]string, 25)
	for i := range ids {
		ids[i] = "523132944_x.png"
	}
	if err := api.ValidateSend(api.SendRequest{Attachments: ids}); err != nil {
		t.Errorf("25 attachments without text: %v", err)
	}
	bad := []api.SendRequest{
		{},
		{Text: "  \n"},
		{Text: "ok", Attachments: append(ids, "one more")},
		{Text: "ok", Attachments: []string{" "}},
		{Text: "ok", TextTranslated: "日本"},
		{Text: "ok", TextTranslated: strings.Repeat("b", 351)},
	}
	for _, m := range bad {
		var ve *api.ValidationError
		if err := api.ValidateSend(m); !errors.As(err, &ve) {
			t.Errorf("ValidateSend(%+.40v) = %v", m, err)
		}
	}
}

// A refusal names the field it is about: the translation's own length or characters are never
// reported as the text's.
func TestValidateSendNamesTheTranslation(t *testing.T) {
	cases := []struct {
		req  api.SendRequest
		want string
	}{
		{api.SendRequest{Text: "hi", TextTranslated: strings.Repeat("b", 400)}, "The translation has 400 characters; Mercado Libre accepts at most 350."},
		{api.SendRequest{Text: "hi", TextTranslated: "日本"}, "The translation has characters Mercado Libre does not accept: "},
		{api.SendRequest{Text: "hi", TextTranslated: "\xff"}, "The translation is not valid UTF-8."},
		{api.SendRequest{Text: strings.Repeat("a", 351), TextTranslated: "ok"}, "The text has 351 characters; Mercado Libre accepts at most 350."},
	}
	for _, c := range cases {
		err := api.ValidateSend(c.req)
		var ve *api.ValidationError
		if !errors.As(err, &ve) || !strings.HasPrefix(api.Explain(err), c.want) {
			t.Errorf("ValidateSend(%.40q / %.40q): %q, want %q", c.req.Text, c.req.TextTranslated, api.Explain(err), c.want)
		}
	}
}

func TestValidateUpload(t *testing.T) {
	if err := api.ValidateUpload("factura.pdf", api.MaxAttachmentSize, "application/pdf"); err != nil {
		t.Errorf("exactly 25 MB: %v", err)
	}
	if err := api.ValidateUpload("notes", -1, "text/plain; charset=utf-8"); err != nil {
		t.Errorf("unknown size, charset parameter: %v", err)
	}
	for _, mt := range []string{"text/plain", "image/png", "image/jpeg", "image/heif", "image/heic", "application/pdf",
		"application/msword", "application/vnd.ms-excel", "text/xml", "application/xml", "application/octet-stream", "IMAGE/PNG"} {
		if !api.MIMEAllowed(mt) {
			t.Errorf("%s refused", mt)
		}
	}
	bad := []struct {
		name string
		size int64
		mime string
		want string
	}{
		{"a/b.pdf", 10, "application/pdf", `"/" or "\"`},
		{`a\b.pdf`, 10, "application/pdf", `"/" or "\"`},
		{"", 10, "application/pdf", "no name"},
		{strings.Repeat("n", 201) + ".pdf", 10, "application/pdf", "longer than 200"},
		{"tab\t.pdf", 10, "application/pdf", "control characters"},
		{"big.pdf", api.MaxAttachmentSize + 1, "application/pdf", "26214401 bytes, just over 25 MB (26214400 bytes); Mercado Libre accepts files up to 25 MB"},
		{"empty.pdf", 0, "application/pdf", "is empty"},
		{"anim.gif", 10, "image/gif", "image/gif, a type"},
		{"noext", 10, "", "of unknown type"},
		{"movie.mp4", 10, "video/mp4", "does not accept"},
	}
	for _, b := range bad {
		err := api.ValidateUpload(b.name, b.size, b.mime)
		var ve *api.ValidationError
		if !errors.As(err, &ve) || !strings.Contains(ve.Sentence(), b.want) {
			t.Errorf("ValidateUpload(%.20q, %d, %q) = %v, want %q", b.name, b.size, b.mime, err, b.want)
		}
	}
}

func TestValidateSite(t *testing.T) {
	for _, s := range []string{"MLM", "MLB", "MCO", "MLC", "MLA"} {
		if err := api.ValidateSite(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	for s, want := range map[string]string{"": "required", "CBT": "CBT is not a site", "cbt": "CBT is not a site", "XYZ": "not a Mercado Libre site"} {
		if err := api.ValidateSite(s); err == nil || !strings.Contains(api.Explain(err), want) {
			t.Errorf("ValidateSite(%q) = %v, want %q", s, err, want)
		}
	}
}

func TestHumanSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1536: "1.5 KB", 25 << 20: "25.0 MB", 3 << 30: "3.0 GB"} {
		if got := api.HumanSize(n); got != want {
			t.Errorf("HumanSize(%d) = %q, want %q", n, got, want)
		}
	}
}

// A sentence capitalises only postsale's own first word, a whole rune at a time, and never
// changes a value the seller chose: the refusals below put such values where Sentence does
// not touch them.
func TestSentenceKeepsUTF8AndTheSellersValues(t *testing.T) {
	for problem, want := range map[string]string{
		"ñandú is a bird":            "Ñandú is a bird.",
		"éramos tres":                "Éramos tres.",
		"the file x already exists.": "The file x already exists.",
		`"x" stays quoted`:           `"x" stays quoted.`,
		"-o - would write":           "-o - would write.",
		"CBT is not a site":          "CBT is not a site.",
	} {
		got := (&api.ValidationError{Field: "f", Problem: problem}).Sentence()
		if got != want || !utf8.ValidString(got) {
			t.Errorf("Sentence(%q) = %q, want %q", problem, got, want)
		}
	}
	for value, err := range map[string]error{
		"ñandú.jpg": api.ValidateUpload("ñandú.jpg", 0, "image/jpeg"),
		"out.jpg":   api.ValidateUpload("out.jpg", 26<<20, "image/jpeg"),
		"x.gif":     api.ValidateUpload("x.gif", 10, "image/gif"),
		"a/ñ.png":   api.ValidateFileName("a/ñ.png"),
		"mlb":       api.ValidateSite("mlb"),
		"ñu":        api.ValidateSite("ñu"),
	} {
		got := api.Explain(err)
		if !utf8.ValidString(got) || !strings.Contains(got, value) || !strings.HasSuffix(got, ".") {
			t.Errorf("refusal of %q: %q, want the value as given in one valid sentence", value, got)
		}
	}
}
