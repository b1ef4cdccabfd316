// Package templates reads the seller's reply templates: plain files NAME.txt with optional
// language variants NAME.es.txt, NAME.pt.txt and NAME.en.txt, layered from several folders
// (the seller's own, a team's, the embedded demo), and expands their {{variables}}.
//
// Template files are the seller's (or a team's) own text, but they are still treated as
// untrusted: names are restricted to a safe charset and text is cleaned of escape sequences and
// control characters when it is read, so a listing or a preview can never drive the terminal.
package templates

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/postsale/postsale/config"
	"github.com/postsale/postsale/config/plainname"
)

// Languages a variant file can be written in.
const (
	LangES = "es"
	LangPT = "pt"
	LangEN = "en"
)

// Languages lists the variant languages in the order listings show them.
func Languages() []string { return []string{LangES, LangPT, LangEN} }

// MaxFileSize bounds a template file; anything bigger is not a reply (350 characters at most).
const MaxFileSize = 16 << 10

// Layer is one folder of templates. Earlier layers win when two hold the same name.
type Layer struct {
	Source string // "personal", "team", "demo": shown in listings
	FS     fs.FS  // nil: the layer is empty
}

// DirLayer is a folder on disk; a missing folder is an empty layer.
func DirLayer(source, dir string) Layer {
	if dir == "" {
		return Layer{Source: source}
	}
	return Layer{Source: source, FS: os.DirFS(dir)}
}

// Dir is the seller's personal templates folder: $XDG_CONFIG_HOME/postsale/templates.
func Dir(env config.Env) (string, error) {
	d, err := config.ConfigDir(env)
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "templates"), nil
}

// Template is one named template with its base text and language variants.
type Template struct {
	Name     string
	Source   string            // the layer it came from
	Base     string            // NAME.txt, "" when absent
	HasBase  bool              // NAME.txt exists (it may legitimately be empty only in theory)
	Variants map[string]string // language → NAME.<lang>.txt
}

// Languages are the variant languages present, in Languages() order.
func (t *Template) Languages() []string {
	var out []string
	for _, l := range Languages() {
		if _, ok := t.Variants[l]; ok {
			out = append(out, l)
		}
	}
	return out
}

// Vars lists the distinct variable names the template's files use, sorted.
func (t *Template) Vars() []string {
	seen := map[string]bool{}
	texts := []string{t.Base}
	for _, v := range t.Variants {
		texts = append(texts, v)
	}
	for _, s := range texts {
		for _, p := range Placeholders(s) {
			seen[p.Name] = true
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Set is the templates of every layer, merged.
type Set struct {
	byName map[string]*Template
	names  []string
	// Problems are files that were skipped, one sentence each (bad name, too big, unreadable).
	Problems []string
}

// ValidName reports whether name is acceptable as a template name: a letter or digit, then at
// most 63 letters, digits, '_' or '-'. Names appear in listings, key hints and command lines,
// so nothing that could be an escape, a path or a shell metacharacter.
func ValidName(name string) bool { return plainname.Valid(name, 64, "_-", false) }

// Load reads every layer. A missing folder is an empty layer; a file that cannot be used is
// skipped and described in Problems; only an unreadable folder is an error.
func Load(layers ...Layer) (*Set, error) {
	s := &Set{byName: map[string]*Template{}}
	for _, l := range layers {
		if l.FS == nil {
			continue
		}
		entries, err := fs.ReadDir(l.FS, ".")
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("templates: cannot read the %s templates folder: %w", l.Source, unwrapPath(err))
		}
		layer := map[string]*Template{}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".txt") {
				continue
			}
			name, lang := splitName(e.Name())
			shown := Clean(e.Name())
			if !ValidName(name) {
				s.Problems = append(s.Problems, fmt.Sprintf("%s template %q skipped: names use only letters, digits, - and _", l.Source, shown))
				continue
			}
			if lang != "" && !slices.Contains(Languages(), lang) {
				s.Problems = append(s.Problems, fmt.Sprintf("%s template %q skipped: the language must be es, pt or en", l.Source, shown))
				continue
			}
			text, err := readText(l.FS, e)
			if err != nil {
				s.Problems = append(s.Problems, fmt.Sprintf("%s template %q skipped: %v", l.Source, shown, err))
				continue
			}
			t := layer[name]
			if t == nil {
				t = &Template{Name: name, Source: l.Source, Variants: map[string]string{}}
				layer[name] = t
			}
			if lang == "" {
				t.Base, t.HasBase = text, true
			} else {
				t.Variants[lang] = text
			}
		}
		for name, t := range layer {
			if _, taken := s.byName[name]; taken {
				continue // an earlier layer (the seller's own) wins as a whole
			}
			s.byName[name] = t
			s.names = append(s.names, name)
		}
	}
	sort.Strings(s.names)
	return s, nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// splitName turns "thanks.es.txt" into ("thanks", "es") and "thanks.txt" into ("thanks", "").
func splitName(file string) (name, lang string) {
	base := strings.TrimSuffix(file, ".txt")
	if ext := path.Ext(base); ext != "" {
		return strings.TrimSuffix(base, ext), strings.ToLower(ext[1:])
	}
	return base, ""
}

func readText(fsys fs.FS, e fs.DirEntry) (string, error) {
	info, err := e.Info()
	if err != nil {
		return "", unwrapPath(err)
	}
	if !info.Mode().IsRegular() {
		return "", errors.New("not a regular file")
	}
	if info.Size() > MaxFileSize {
		return "", fmt.Errorf("larger than %d KB", MaxFileSize>>10)
	}
	b, err := fs.ReadFile(fsys, e.Name())
	if err != nil {
		return "", unwrapPath(err)
	}
	if !utf8.Valid(b) {
		return "", errors.New("not UTF-8 text")
	}
	return Clean(strings.TrimRight(string(b), "\r\n")), nil
}

// Clean strips terminal escape sequences and control characters (keeping \n and \t), and turns
// CRLF into LF: what remains can be displayed and measured safely.
func Clean(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = ansi.Strip(s)
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
			return -1
		case r == utf8.RuneError:
			return -1
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f:
			return -1 // bidi overrides and isolates could reorder what the preview shows
		}
		return r
	}, s)
}

// cleanValue is Clean for a variable's value (often a name from the API): one line.
func cleanValue(s string) string {
	s = Clean(s)
	s = strings.Join(strings.Fields(s), " ")
	return s
}

// Names lists the templates, sorted.
func (s *Set) Names() []string { return slices.Clone(s.names) }

// Len is the number of templates.
func (s *Set) Len() int { return len(s.names) }

// Get returns the named template, or nil.
func (s *Set) Get(name string) *Template { return s.byName[name] }

// Templates returns every template in name order.
func (s *Set) Templates() []*Template {
	out := make([]*Template, 0, len(s.names))
	for _, n := range s.names {
		out = append(out, s.byName[n])
	}
	return out
}
