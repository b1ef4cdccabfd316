// Package assets holds the data postsale embeds in its binary: the demo seller, buyers and
// conversations the sandbox serves.
package assets

import (
	"embed"
	"io/fs"
)

//go:embed demo
var files embed.FS

// DemoPath is the demo data's file inside FS.
const DemoPath = "demo/demo.json"

// FS returns the embedded files (read-only, safe to share between sessions).
func FS() fs.FS { return files }

// Demo returns a fresh copy of the demo data document.
func Demo() ([]byte, error) { return fs.ReadFile(files, DemoPath) }

// DomesticPath is the domestic seller's demo data (a Brazilian seller on the domestic
// flavour): an agent-handled Full thread, an ordinary one, one that needs a contact reason and
// one with a substatus postsale does not know.
const DomesticPath = "demo/domestic.json"

// Domestic returns a fresh copy of the domestic demo document.
func Domestic() ([]byte, error) { return fs.ReadFile(files, DomesticPath) }
