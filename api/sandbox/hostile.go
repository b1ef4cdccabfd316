package sandbox

import (
	"encoding/json"
	"fmt"
	"io/fs"
)

// HostileFile is the hostile corpus among the embedded demo files: escape sequences (OSC 52,
// OSC 8, titles, CSI), C1 controls, bidi overrides, zero-width characters, 10,000-character
// words and emoji runs, in message texts, buyer names and attachment names.
const HostileFile = "demo/hostile.json"

// WithHostilePacks adds the hostile corpus's packs to the demo data (old and read, so they sort
// last). Tests use it to prove every view renders them inert; `postsale demo --hostile` too.
func WithHostilePacks() Option { return WithDemoFile(HostileFile) }

// WithDemoFile adds the packs of another embedded demo file (same shape as demo.json).
func WithDemoFile(name string) Option {
	return func(s *Server) { s.extra = append(s.extra, name) }
}

// mergeDemo appends the packs of the named files in fsys to the demo document.
func mergeDemo(doc []byte, fsys fs.FS, names []string) ([]byte, error) {
	if len(names) == 0 {
		return doc, nil
	}
	var base map[string]json.RawMessage
	if err := json.Unmarshal(doc, &base); err != nil {
		return nil, fmt.Errorf("decode demo data: %w", err)
	}
	var packs []json.RawMessage
	if err := json.Unmarshal(base["packs"], &packs); err != nil {
		return nil, fmt.Errorf("decode demo packs: %w", err)
	}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("demo file %s: %w", name, err)
		}
		var extra struct {
			Packs []json.RawMessage `json:"packs"`
		}
		if err := json.Unmarshal(data, &extra); err != nil {
			return nil, fmt.Errorf("demo file %s: %w", name, err)
		}
		packs = append(packs, extra.Packs...)
	}
	merged, err := json.Marshal(packs)
	if err != nil {
		return nil, err
	}
	base["packs"] = merged
	return json.Marshal(base)
}
