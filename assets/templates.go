package assets

import (
	"embed"
	"io/fs"
)

//go:embed templates
var templateFiles embed.FS

// Templates returns the demo reply templates (NAME.txt plus NAME.es.txt, NAME.pt.txt and
// NAME.en.txt), read-only. `postsale --demo` offers them next to the seller's own folder, which it
// never writes.
func Templates() fs.FS {
	sub, err := fs.Sub(templateFiles, "templates")
	if err != nil {
		panic(err) // the folder is embedded at build time: this cannot happen
	}
	return sub
}
