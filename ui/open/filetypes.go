package open

import (
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/attach"
)

// viewable are the extensions of the types Mercado Libre allows as attachments (images, PDF,
// text, office documents): the only files `o` hands to the system opener. Anything else a
// buyer sent (evil.desktop, gnp.exe) is saved, never opened.
func viewable() map[string]bool {
	return map[string]bool{
		".jpg": true, ".jpeg": true, ".png": true, ".heic": true, ".heif": true,
		".pdf": true, ".txt": true, ".xml": true,
		".doc": true, ".docx": true, ".xls": true, ".xlsx": true,
	}
}

// notViewable says why path is not opened, or "" when it may be: its extension must be one
// of viewable and its content must be that type (a program renamed x.pdf is not opened).
func notViewable(path string) string {
	ext := strings.ToLower(filepath.Ext(path))
	if !viewable()[ext] {
		shown := ext
		if shown == "" {
			shown = "a file without extension"
		} else {
			shown = "a " + shown + " file"
		}
		return shown + " is not a type Mercado Libre allows, so it was saved but not opened; only images, PDF, text and office documents are opened"
	}
	f, err := os.Open(path)
	if err != nil {
		return "it cannot be read"
	}
	defer f.Close()
	head := make([]byte, attach.SniffLen)
	n, _ := io.ReadFull(f, head)
	mime, err := attach.DetectMIME(filepath.Base(path), head[:n])
	if err != nil || mime == "application/octet-stream" || !api.MIMEAllowed(mime) {
		return "its content is not the " + ext + " it claims to be, so it was saved but not opened"
	}
	return ""
}
