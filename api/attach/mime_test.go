package attach

import (
	"errors"
	"strings"
	"testing"

	"github.com/postsale/postsale/api"
)

const (
	pngHead  = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
	jpegHead = "\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
	pdfHead  = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
	heicHead = "\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
	mif1Head = "\x00\x00\x00\x14ftypmif1\x00\x00\x00\x00mif1"
	mp4Head  = "\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
	oleHead  = oleMagic + "\x00\x00\x00\x00\x00\x00\x00\x00"
	zipHead  = "PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00"
)

func TestDetectMIME(t *testing.T) {
	cases := []struct {
		name, head string
		want       string // "" means refused
		why        string // a word the refusal must contain
	}{
		{"photo.png", pngHead, "image/png", ""},
		{"PHOTO.PNG", pngHead, "image/png", ""},
		{"photo.jpg", jpegHead, "image/jpeg", ""},
		{"photo.jpeg", jpegHead, "image/jpeg", ""},
		{"photo.jpg", pngHead, "", "PNG image"},
		{"photo.png", jpegHead, "", ".jpg"},
		{"invoice.pdf", pdfHead, "application/pdf", ""},
		{"invoice.pdf", "just some words, not a pdf", "", "plain text"},
		{"notes.pdf", pngHead, "", "rename it to .png"},
		{"photo.heic", heicHead, "image/heic", ""},
		{"photo.heif", mif1Head, "image/heif", ""},
		{"photo.HEIC", mif1Head, "image/heic", ""},
		{"video.heic", mp4Head, "", "HEIC"},
		{"manual.doc", oleHead, "application/msword", ""},
		{"prices.xls", oleHead, "application/vnd.ms-excel", ""},
		{"manual.doc", zipHead, "", "old-style Word"},
		{"manual.docx", zipHead, "", ".docx"},
		{"readme.txt", "Hello buyer,\nthanks!\n", "text/plain", ""},
		{"readme.txt", "Olá, obrigado! ñandú", "text/plain", ""},
		{"readme.txt", "\x00\x01\x02\x03binary", "", "not plain text"},
		{"feed.xml", "<?xml version=\"1.0\"?><a/>", "text/xml", ""},
		{"feed.xml", "\n  <catalog><item/></catalog>", "text/xml", ""},
		{"page.xml", "<html><body>hi</body></html>", "", "XML"},
		{"setup.exe", "MZ\x90\x00\x03\x00\x00\x00", "", ".exe"},
		{"archive.zip", zipHead, "", ".zip"},
		{"page.html", "<html></html>", "", ".html"},
		{"noext", pngHead, "image/png", ""},
		{"noext", pdfHead, "application/pdf", ""},
		{"noext", "plain words", "text/plain", ""},
		{"noext", oleHead, "", ".doc or .xls"},
		{"noext", "MZ\x90\x00\x03\x00\x00\x00\xff\xfe", "", "cannot tell"},
	}
	for _, tc := range cases {
		got, err := DetectMIME(tc.name, []byte(tc.head))
		if tc.want != "" {
			if err != nil || got != tc.want {
				t.Errorf("DetectMIME(%q) = %q, %v; want %q", tc.name, got, err, tc.want)
			}
			if !api.MIMEAllowed(got) {
				t.Errorf("DetectMIME(%q) chose %q, which the API refuses", tc.name, got)
			}
			continue
		}
		var ve *api.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("DetectMIME(%q) = %q, %v; want a refusal", tc.name, got, err)
			continue
		}
		if s := api.Explain(err); !strings.Contains(s, tc.why) || !strings.HasSuffix(s, ".") {
			t.Errorf("DetectMIME(%q) sentence %q should contain %q and end with a period", tc.name, s, tc.why)
		}
	}
}

func TestDetectMIMENeverOctetStream(t *testing.T) {
	for _, head := range []string{"", "\x00", zipHead, "\x7fELF\x02\x01\x01"} {
		for _, name := range []string{"x", "x.bin", "x.dat", "x.txt"} {
			if got, err := DetectMIME(name, []byte(head)); err == nil && got == "application/octet-stream" {
				t.Errorf("DetectMIME(%q, %q) labelled unknown content as octet-stream", name, head)
			}
		}
	}
}
