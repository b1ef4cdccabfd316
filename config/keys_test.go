package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestKeysTableRemapsActions(t *testing.T) {
	dir := t.TempDir()
	writeConfig(t, dir, `site_id = "MLM"

[keys]
"compose.attach" = ["ctrl+o", "alt+A"]
conversation.reply = ["R", "Enter"]
"list.copy" = "c"
"global.refresh" = ["F5", "space"]
`)
	s, err := Load(Options{Env: mapEnv(dir)})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"compose.attach":     {"ctrl+o", "alt+A"}, // a character keeps its case
		"conversation.reply": {"R", "enter"},
		"list.copy":          {"c"},
		"global.refresh":     {"f5", " "},
	}
	if !reflect.DeepEqual(s.Keys, want) {
		t.Fatalf("keys = %#v\nwant %#v", s.Keys, want)
	}
	if s.SiteID != "MLM" {
		t.Fatal("the other settings were lost")
	}
}

func TestBadKeysAreOneSentenceNamingTheKey(t *testing.T) {
	cases := []struct {
		name, body, want string
	}{
		{"unknown action", `"conversation.fly" = ["f"]`, `key "keys.conversation.fly": is not an action postsale knows (actions are view.action, for example global.help,`},
		{"not a key", `"compose.attach" = ["ctrl+shift+banana"]`, `key "keys.compose.attach": "ctrl+shift+banana" is not a key name (write keys as Bubble Tea names them`},
		{"control character", "\"compose.attach\" = [\"\\u0001\"]", `key "keys.compose.attach": "\x01" is a control character: name the key instead`},
		{"empty list", `"compose.send" = []`, `key "keys.compose.send": has no keys: give at least one, or leave it out to keep the default`},
		{"number", `"compose.send" = [5]`, `key "keys.compose.send": 5 is not a key name in quotes`},
		{"not a list", `"compose.send" = 5`, `key "keys.compose.send": must be a list of key names, like ["ctrl+o"]`},
		{"twice in a view", "\"conversation.open\" = [\"x\"]\n\"conversation.save\" = [\"x\"]", `key "keys.conversation.save": "x" is already given to conversation.open`},
		{"global and a view", "\"global.refresh\" = [\"x\"]\n\"list.copy\" = [\"x\"]", `key "keys.list.copy": "x" is already given to global.refresh`},
		{"not a table", `keys = "vim"`, `key "keys": must be a table of action = ["key", ...]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			body := "[keys]\n" + tc.body
			if strings.HasPrefix(tc.body, "keys =") {
				body = tc.body
			}
			path := writeConfig(t, dir, body)
			_, err := Load(Options{Env: mapEnv(dir)})
			if err == nil {
				t.Fatal("no error")
			}
			want := "config: " + path + ": " + tc.want
			if !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error:\n got %s\nwant %s...", err, want)
			}
		})
	}
}

func TestKeyActionsAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, a := range KeyActions() {
		view, _, ok := strings.Cut(a.Name, ".")
		if !ok || seen[a.Name] || a.Does == "" {
			t.Errorf("action %q: duplicate, unnamed view or no description", a.Name)
		}
		switch view {
		case "global", "list", "conversation", "compose":
		default:
			t.Errorf("action %q: unknown view %q", a.Name, view)
		}
		seen[a.Name] = true
	}
}
