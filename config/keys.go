package config

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// KeyKeys is the config file's table of remapped keys:
//
//	[keys]
//	"compose.attach" = ["ctrl+o"]
//	"conversation.reply" = ["r", "enter"]
//
// Each action (view.action, see KeyActions) gets the keys listed, replacing its defaults. The
// keys are Bubble Tea's key names as strings ("a", "G", "ctrl+o", "alt+a", "enter", "f5"); this
// package never imports Bubble Tea: the inbox applies the table when it builds each session's
// keymaps.
const KeyKeys = "keys"

// KeyAction is one remappable action and what it does.
type KeyAction struct {
	Name string // "view.action", e.g. "conversation.reply"
	Does string
}

// KeyActions lists every action [keys] may remap, by view: global (everywhere), list,
// conversation and compose. The inbox checks (in a test) that each is one of its bindings.
func KeyActions() []KeyAction {
	return []KeyAction{
		{"global.help", "show or hide the help"},
		{"global.close-help", "close the help"},
		{"global.quit", "quit (outside text fields)"},
		{"global.force-quit", "quit from anywhere"},
		{"global.refresh", "refresh now"},
		{"global.help-down", "scroll the help down"},
		{"global.help-up", "scroll the help up"},

		{"list.up", "move up"},
		{"list.down", "move down"},
		{"list.page-up", "page up"},
		{"list.page-down", "page down"},
		{"list.top", "go to the top"},
		{"list.bottom", "go to the bottom"},
		{"list.open", "open the conversation"},
		{"list.filter", "filter"},
		{"list.clear-filter", "clear the filter"},
		{"list.apply-filter", "keep the filter"},
		{"list.template", "reply from a template"},
		{"list.copy", "copy the pack id or the buyer's name"},
		{"list.reply", "reply to the selected conversation"},
		{"list.done", "mark done until the buyer writes again"},
		{"list.next-reply", "next conversation needing a reply"},
		{"list.prev-reply", "previous conversation needing a reply"},
		{"list.next-section", "next section"},
		{"list.prev-section", "previous section"},
		{"list.sections", "a section by number"},
		{"list.search", "search every stored message"},

		{"conversation.up", "scroll up"},
		{"conversation.down", "scroll down"},
		{"conversation.page-up", "page up"},
		{"conversation.page-down", "page down"},
		{"conversation.top", "oldest message"},
		{"conversation.bottom", "newest message"},
		{"conversation.reply", "reply"},
		{"conversation.translate", "switch the translation"},
		{"conversation.back", "back to the list"},
		{"conversation.attachments", "select attachments"},
		{"conversation.next-attachment", "next attachment"},
		{"conversation.prev-attachment", "previous attachment"},
		{"conversation.open", "open a link or attachment"},
		{"conversation.save", "save an attachment"},
		{"conversation.copy", "copy the pack id, the buyer's name or the message"},
		{"conversation.open-sale", "open the sale on Mercado Libre's site"},
		{"conversation.next-reply", "next conversation needing a reply"},
		{"conversation.prev-reply", "previous conversation needing a reply"},

		{"compose.send", "send"},
		{"compose.open-sale", "open the sale on Mercado Libre's site"},
		{"compose.discard", "discard the draft (asks first)"},
		{"compose.switch", "switch between message and translation"},
		{"compose.back", "back to the conversation, keeping the draft"},
		{"compose.attach", "attach a file"},
		{"compose.template", "reply templates"},
		{"compose.editor", "edit in $EDITOR"},
	}
}

// namedKeys are Bubble Tea v1's names of keys that are not a single character (the ui package
// checks this list against Bubble Tea's own in a test).
func namedKeys() map[string]bool {
	names := []string{
		"enter", "tab", "shift+tab", "esc", "backspace", "delete", "insert", " ",
		"up", "down", "left", "right", "home", "end", "pgup", "pgdown",
		"shift+up", "shift+down", "shift+left", "shift+right", "shift+home", "shift+end",
		"ctrl+up", "ctrl+down", "ctrl+left", "ctrl+right", "ctrl+home", "ctrl+end", "ctrl+pgup", "ctrl+pgdown",
		"ctrl+shift+up", "ctrl+shift+down", "ctrl+shift+left", "ctrl+shift+right", "ctrl+shift+home", "ctrl+shift+end",
		"ctrl+@", "ctrl+\\", "ctrl+]", "ctrl+^", "ctrl+_",
	}
	m := make(map[string]bool, len(names)+60)
	for _, n := range names {
		m[n] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		switch c {
		case 'i', 'm':
			continue // tab and enter on a terminal
		}
		m["ctrl+"+string(c)] = true
	}
	for i := 1; i <= 20; i++ {
		m[fmt.Sprintf("f%d", i)] = true
	}
	return m
}

// keyAlias maps friendlier spellings accepted in the file to Bubble Tea's names.
func keyAlias(k string) string {
	switch k {
	case "space":
		return " "
	case "escape":
		return "esc"
	case "return":
		return "enter"
	case "pgdn":
		return "pgdown"
	case "del":
		return "delete"
	}
	return k
}

// NormalizeKey returns a key name from the file as Bubble Tea spells it ("Enter" → "enter",
// "space" → " ", "G" stays "G"), or an error naming what is wrong.
func NormalizeKey(raw string) (string, error) {
	named := namedKeys()
	k := raw
	// A single character is itself, case and all ("G" is shift+g).
	if utf8.RuneCountInString(k) == 1 {
		r, _ := utf8.DecodeRuneInString(k)
		if !unicode.IsPrint(r) {
			return "", fmt.Errorf("%q is a control character: name the key instead (\"ctrl+o\", \"tab\")", raw)
		}
		return k, nil
	}
	if !strings.HasPrefix(strings.ToLower(k), "alt+") {
		k = strings.TrimSpace(k)
	}
	alt := false
	if rest, ok := strings.CutPrefix(strings.ToLower(k), "alt+"); ok {
		alt = true
		k = k[len("alt+"):]
		if utf8.RuneCountInString(k) != 1 {
			k = rest
		}
	}
	if utf8.RuneCountInString(k) == 1 {
		r, _ := utf8.DecodeRuneInString(k)
		if !unicode.IsPrint(r) {
			return "", fmt.Errorf("%q is not a key name", raw)
		}
	} else {
		k = keyAlias(strings.ToLower(k))
		if !named[k] {
			return "", fmt.Errorf("%q is not a key name (write keys as Bubble Tea names them: \"a\", \"G\", \"ctrl+o\", \"alt+a\", \"enter\", \"pgdown\", \"f5\")", raw)
		}
	}
	if alt {
		return "alt+" + k, nil
	}
	return k, nil
}

// setKeys validates the [keys] table: every action known, each a non-empty list of distinct,
// valid key names, no key given to two actions of the same view (or to a view and global).
func (s *Settings) setKeys(v any) (action string, err error) {
	table, ok := v.(map[string]any)
	if !ok {
		return "", fmt.Errorf("must be a table of action = [\"key\", ...] (for example [keys] then \"compose.attach\" = [\"ctrl+o\"])")
	}
	known := map[string]bool{}
	var names []string
	for _, a := range KeyActions() {
		known[a.Name] = true
		names = append(names, a.Name)
	}
	flat := map[string]any{}
	for k, v := range table {
		// Unquoted dotted keys (compose.attach = [...]) arrive as nested tables.
		if sub, ok := v.(map[string]any); ok {
			for a, keys := range sub {
				flat[k+"."+a] = keys
			}
			continue
		}
		flat[k] = v
	}
	actions := make([]string, 0, len(flat))
	for a := range flat {
		actions = append(actions, a)
	}
	sort.Strings(actions)
	out := map[string][]string{}
	owner := map[string]string{} // "view key" → action, to refuse a key given twice
	for _, a := range actions {
		if !known[a] {
			return a, fmt.Errorf("is not an action postsale knows (actions are view.action, for example %s)", strings.Join(names, ", "))
		}
		list, ok := flat[a].([]any)
		if !ok {
			if str, isStr := flat[a].(string); isStr {
				list = []any{str}
			} else {
				return a, fmt.Errorf("must be a list of key names, like [\"ctrl+o\"]")
			}
		}
		if len(list) == 0 {
			return a, fmt.Errorf("has no keys: give at least one, or leave it out to keep the default")
		}
		view := a[:strings.IndexByte(a, '.')]
		var keys []string
		for _, item := range list {
			str, ok := item.(string)
			if !ok {
				return a, fmt.Errorf("%s is not a key name in quotes", tomlValue(item))
			}
			k, err := NormalizeKey(str)
			if err != nil {
				return a, err
			}
			for _, scope := range keyScopes(view) {
				if other, taken := owner[scope+" "+k]; taken && other != a {
					return a, fmt.Errorf("%q is already given to %s", k, other)
				}
			}
			owner[view+" "+k] = a
			keys = append(keys, k)
		}
		out[a] = keys
	}
	s.Keys = out
	return "", nil
}

// keyScopes are the views whose keys may clash with view's: its own and, for global keys, all.
func keyScopes(view string) []string {
	if view == "global" {
		return []string{"global", "list", "conversation", "compose"}
	}
	return []string{view, "global"}
}
