// Package attach prepares local files for upload and saves downloaded attachments safely. The
// CLI (`send --attach`, `attachment -o`) and the inbox share it, so both refuse the same files
// with the same sentences and never write outside the folder they were given.
package attach

import (
	"bytes"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/postsale/postsale/api"
)

// SniffLen is how many leading bytes DetectMIME looks at (what net/http.DetectContentType reads).
const SniffLen = 512

// oleMagic starts every OLE2 compound file: legacy .doc and .xls.
const oleMagic = "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

// kind is what the content of a file turned out to be.
type kind int

const (
	kindUnknown kind = iota
	kindPNG
	kindJPEG
	kindPDF
	kindHEIF // ISO base media file with an HEIF/HEIC brand
	kindOLE  // .doc or .xls: the extension decides which
	kindText
	kindXML
)

// rule is the MIME type postsale sends for an extension and the content the file must have.
type rule struct {
	mime string
	want kind
}

// extensionRule returns the rule for a lower-case extension, false for types the API refuses.
func extensionRule(ext string) (rule, bool) {
	switch ext {
	case ".png":
		return rule{"image/png", kindPNG}, true
	case ".jpg", ".jpeg", ".jpe", ".jfif":
		return rule{"image/jpeg", kindJPEG}, true
	case ".pdf":
		return rule{"application/pdf", kindPDF}, true
	case ".heic":
		return rule{"image/heic", kindHEIF}, true
	case ".heif", ".hif":
		return rule{"image/heif", kindHEIF}, true
	case ".doc":
		return rule{"application/msword", kindOLE}, true
	case ".xls":
		return rule{"application/vnd.ms-excel", kindOLE}, true
	case ".txt", ".text", ".log":
		return rule{"text/plain", kindText}, true
	case ".xml":
		return rule{"text/xml", kindXML}, true
	}
	return rule{}, false
}

// String says in words what content of this kind looks like, for mismatch sentences.
func (k kind) String() string {
	switch k {
	case kindPNG:
		return "a PNG image"
	case kindJPEG:
		return "a JPEG image"
	case kindPDF:
		return "a PDF document"
	case kindHEIF:
		return "an HEIC/HEIF image"
	case kindOLE:
		return "an old-style Word or Excel file"
	case kindText:
		return "plain text"
	case kindXML:
		return "an XML document"
	}
	return "a kind of file Mercado Libre does not accept"
}

// ext is the extension to propose when the content is fine but the name is not, and mime the
// type to send when a file has no extension at all.
func (k kind) ext() string {
	switch k {
	case kindPNG:
		return ".png"
	case kindJPEG:
		return ".jpg"
	case kindPDF:
		return ".pdf"
	case kindHEIF:
		return ".heic"
	case kindText:
		return ".txt"
	case kindXML:
		return ".xml"
	}
	return ""
}

func (k kind) mime() string {
	if k == kindHEIF {
		return "image/heif" // without an extension, the generic container type
	}
	r, _ := extensionRule(k.ext())
	return r.mime
}

// DetectMIME decides the MIME type to upload a file as, from its name and its first bytes
// (SniffLen is enough). Content and extension must agree: a .pdf must look like a PDF, a .heic
// must carry an HEIF ftyp box, a .doc or .xls must be an OLE2 file, a .txt must be text. Types
// that cannot be recognised are refused rather than sent as application/octet-stream, because
// the buyer would receive a file nobody can open. Errors are *api.ValidationError sentences.
func DetectMIME(name string, head []byte) (string, error) {
	got := sniff(head)
	ext := strings.ToLower(filepath.Ext(name))
	r, known := extensionRule(ext)
	switch {
	case known && r.want == got:
		return r.mime, nil
	case known && r.want == kindText && got == kindXML:
		return r.mime, nil // XML is text too; the seller chose to call it .txt
	case known && got == kindUnknown:
		return "", refuse("The file %s ends in %s but its content is not %s", name, ext, r.want)
	case known:
		return "", refuse("The file %s ends in %s but its content is %s%s", name, ext, got, renameHint(got))
	case ext == "" && got != kindUnknown && got != kindOLE:
		return got.mime(), nil // no extension: the content alone is unambiguous
	case ext == "":
		return "", refuse("The file %s has no extension and postsale cannot tell what it is: rename it with .doc or .xls, or send a PDF", name)
	default:
		return "", refuse("The file %s is a %s file, a type Mercado Libre does not accept: send JPG, PNG, HEIC, PDF, TXT, XML, DOC or XLS", name, ext)
	}
}

func refuse(format string, args ...any) error {
	return &api.ValidationError{Field: "file", Problem: fmt.Sprintf(format, args...)}
}

func renameHint(k kind) string {
	if ext := k.ext(); ext != "" {
		return ": rename it to " + ext + " if that is what it is"
	}
	return ""
}

// sniff classifies content: Go's sniffer for what it knows, magic numbers for what it does not
// (HEIF, OLE2).
func sniff(head []byte) kind {
	if len(head) > SniffLen {
		head = head[:SniffLen]
	}
	if bytes.HasPrefix(head, []byte(oleMagic)) {
		return kindOLE
	}
	if isHEIF(head) {
		return kindHEIF
	}
	ct := http.DetectContentType(head)
	base := strings.TrimSpace(strings.SplitN(ct, ";", 2)[0])
	switch base {
	case "image/png":
		return kindPNG
	case "image/jpeg":
		return kindJPEG
	case "application/pdf":
		return kindPDF
	case "text/xml":
		return kindXML
	case "text/plain":
		if looksLikeXML(head) {
			return kindXML
		}
		return kindText
	}
	return kindUnknown
}

// isHEIF reads the leading ftyp box: size, "ftyp", major brand, minor version, compatible brands.
func isHEIF(head []byte) bool {
	if len(head) < 12 || string(head[4:8]) != "ftyp" {
		return false
	}
	size := int(head[0])<<24 | int(head[1])<<16 | int(head[2])<<8 | int(head[3])
	if size < 12 || size > len(head) {
		size = len(head)
	}
	for off := 8; off+4 <= size; off += 4 {
		if off == 12 {
			continue // minor version, not a brand
		}
		switch string(head[off : off+4]) {
		case "heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1", "heif":
			return true
		}
	}
	return false
}

// looksLikeXML accepts text whose first non-blank character opens a tag but is not HTML (which
// the sniffer already reports as text/html).
func looksLikeXML(head []byte) bool {
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	return len(t) > 1 && t[0] == '<' && (t[1] == '?' || t[1] == '!' || isNameStart(t[1]))
}

func isNameStart(c byte) bool {
	return c == '_' || c == ':' || (c|0x20 >= 'a' && c|0x20 <= 'z')
}
