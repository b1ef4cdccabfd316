package serve

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/BurntSushi/toml"
	gossh "golang.org/x/crypto/ssh"

	"github.com/postsale/postsale/api/sanitize"
	"github.com/postsale/postsale/config/tomlline"
)

// Team is the team file: who may connect, and with which keys.
//
//	[[member]]
//	name = "Ana"
//	keys = ["ssh-ed25519 AAAAC3Nza… ana@laptop"]
type Team struct {
	Members []Member
	byKey   map[string]string // marshalled public key → member name
}

// Member is one person of the team.
type Member struct {
	Name string
	Keys []gossh.PublicKey
}

type teamFile struct {
	Member []struct {
		Name string   `toml:"name"`
		Keys []string `toml:"keys"`
	} `toml:"member"`
}

// LoadTeam reads a team file. Every problem is one sentence naming the file (and the line when
// the TOML itself is broken).
func LoadTeam(path string) (*Team, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("team file %s does not exist: create it with one [[member]] (name and keys) per person", path)
	}
	if err != nil {
		return nil, fmt.Errorf("read team file %s: %w", path, err)
	}
	return ParseTeam(path, data)
}

// ParseTeam parses the team file's contents; path only names it in errors.
func ParseTeam(path string, data []byte) (*Team, error) {
	var f teamFile
	md, err := toml.Decode(string(data), &f)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("team file %s, line %d: %s", path, tomlline.Of(string(data), pe), sanitize.Line(pe.Message))
		}
		return nil, fmt.Errorf("team file %s: %s", path, sanitize.Line(err.Error()))
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, fmt.Errorf("team file %s: unknown key %q (a member has only name and keys)", path, und[0].String())
	}
	t := &Team{byKey: map[string]string{}}
	seen := map[string]bool{}
	for i, m := range f.Member {
		name := strings.TrimSpace(sanitize.Line(m.Name))
		if name == "" {
			return nil, fmt.Errorf("team file %s: member %d has no name", path, i+1)
		}
		// A member's drafts, downloads and marks live in a folder named after them.
		if strings.ContainsAny(name, `/\`) {
			return nil, fmt.Errorf("team file %s: member name %q may not contain / or \\", path, name)
		}
		if name == "." || name == ".." {
			folder := "the folder holding every member's folder"
			if name == ".." {
				folder = "the server's own data folder"
			}
			return nil, fmt.Errorf("team file %s: member name %q cannot be used: each member's drafts and downloads are kept in a folder named after them, and %q would be %s", path, name, name, folder)
		}
		if seen[strings.ToLower(name)] {
			return nil, fmt.Errorf("team file %s: member %q is listed twice", path, name)
		}
		seen[strings.ToLower(name)] = true
		if len(m.Keys) == 0 {
			return nil, fmt.Errorf("team file %s: member %q has no keys", path, name)
		}
		mem := Member{Name: name}
		for j, line := range m.Keys {
			k, _, options, rest, err := gossh.ParseAuthorizedKey([]byte(line))
			if err != nil {
				return nil, fmt.Errorf("team file %s: key %d of member %q is not an authorized_keys line (%s)", path, j+1, name, sanitize.Line(err.Error()))
			}
			// The server would not enforce from=, no-pty, command= and the like: a key that
			// looks restricted would get in unrestricted. Refused rather than ignored.
			if len(options) > 0 {
				return nil, fmt.Errorf("team file %s: key %d of member %q starts with authorized_keys options (%s), which postsale does not support: remove them and keep the key alone", path, j+1, name, optionNames(options))
			}
			if len(bytes.TrimSpace(rest)) > 0 {
				return nil, fmt.Errorf("team file %s: key %d of member %q holds more than one key: give each key its own string", path, j+1, name)
			}
			id := string(k.Marshal())
			if other, dup := t.byKey[id]; dup && other != name {
				return nil, fmt.Errorf("team file %s: key %d of member %q also belongs to %q", path, j+1, name, other)
			}
			t.byKey[id] = name
			mem.Keys = append(mem.Keys, k)
		}
		t.Members = append(t.Members, mem)
	}
	if len(t.Members) == 0 {
		return nil, fmt.Errorf("team file %s lists no [[member]]: nobody could connect", path)
	}
	return t, nil
}

// optionNames lists authorized_keys options by name only ("from, no-pty"): their values can be
// long, and are not the point.
func optionNames(options []string) string {
	names := make([]string, len(options))
	for i, o := range options {
		n, _, _ := strings.Cut(o, "=")
		names[i] = sanitize.Line(n)
	}
	return strings.Join(names, ", ")
}

// Lookup returns the member a public key belongs to.
func (t *Team) Lookup(k gossh.PublicKey) (string, bool) {
	if t == nil || k == nil {
		return "", false
	}
	name, ok := t.byKey[string(k.Marshal())]
	return name, ok
}

// Has reports whether name is a member.
func (t *Team) Has(name string) bool {
	for _, m := range t.Members {
		if m.Name == name {
			return true
		}
	}
	return false
}

// Names lists the members in file order.
func (t *Team) Names() []string {
	out := make([]string, len(t.Members))
	for i, m := range t.Members {
		out[i] = m.Name
	}
	return out
}
