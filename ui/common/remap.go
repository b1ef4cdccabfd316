package common

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode"

	"github.com/charmbracelet/bubbles/key"
)

// Key remapping: config's [keys] table (config.KeyActions) names actions "view.action"; the
// action of a keymap field is its view and its name in kebab case (NextAttachment →
// "conversation.next-attachment"). Views apply the table when they build their keymap, so each
// session has its own keys.

// ActionName is the [keys] name of a keymap field.
func ActionName(view, field string) string {
	var b strings.Builder
	for i, r := range field {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('-')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return view + "." + b.String()
}

// bindings lists the key.Binding fields of the struct km points to, by action name.
func bindings(view string, km any) ([]string, map[string]*key.Binding) {
	v := reflect.ValueOf(km)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		panic("common: a keymap must be a pointer to a struct")
	}
	v = v.Elem()
	bt := reflect.TypeOf(key.Binding{})
	var names []string
	out := map[string]*key.Binding{}
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if f.Type != bt || !f.IsExported() {
			continue
		}
		name := ActionName(view, f.Name)
		names = append(names, name)
		out[name] = v.Field(i).Addr().Interface().(*key.Binding)
	}
	return names, out
}

// KeyActions lists the [keys] actions of a keymap (tests check them against config's list).
func KeyActions(view string, km any) []string {
	names, _ := bindings(view, km)
	return names
}

// ApplyKeys gives each binding of km that keys names the keys listed (config's [keys]),
// keeping what help says it does; its help shows the new keys.
func ApplyKeys(view string, km any, keys map[string][]string) {
	if len(keys) == 0 {
		return
	}
	_, bs := bindings(view, km)
	for name, b := range bs {
		ks, ok := keys[name]
		if !ok || len(ks) == 0 {
			continue
		}
		enabled := b.Enabled()
		b.SetKeys(ks...)
		b.SetHelp(KeyLabel(ks), b.Help().Desc)
		b.SetEnabled(enabled)
	}
}

// KeyLabel is how help writes a list of keys: "ctrl+o/alt+a", "↑/k", "pgdn/space".
func KeyLabel(keys []string) string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = KeyWord(k)
	}
	return strings.Join(out, "/")
}

// KeyWord is how help writes one key.
func KeyWord(k string) string {
	switch k {
	case " ":
		return "space"
	case "up":
		return "↑"
	case "down":
		return "↓"
	case "left":
		return "←"
	case "right":
		return "→"
	case "pgdown":
		return "pgdn"
	}
	return k
}

// CheckKeys refuses a remapping that gives a key to two actions at once: a remapped action's
// key that another binding of the same view, or a global one, still uses. keymaps maps each view
// ("global", "list", ...) to a pointer to its default keymap.
func CheckKeys(keys map[string][]string, keymaps map[string]any) error {
	if len(keys) == 0 {
		return nil
	}
	views := make([]string, 0, len(keymaps))
	for v := range keymaps {
		views = append(views, v)
	}
	slices.Sort(views)
	final := map[string]map[string][]string{} // view → action → keys after remapping
	defaults := map[string][]string{}         // action → its default keys
	for _, view := range views {
		names, bs := bindings(view, keymaps[view])
		final[view] = map[string][]string{}
		for _, n := range names {
			switch n {
			case "global.close-help", "global.help-down", "global.help-up":
				continue // active only over the help, where nothing else is
			}
			ks := bs[n].Keys()
			defaults[n] = ks
			if r, ok := keys[n]; ok {
				ks = r
			}
			final[view][n] = ks
		}
	}
	for _, view := range views {
		scopes := []string{view}
		if view != "global" {
			scopes = append(scopes, "global")
		}
		actions := make([]string, 0, len(final[view]))
		for a := range final[view] {
			actions = append(actions, a)
		}
		slices.Sort(actions)
		for _, a := range actions {
			if _, remapped := keys[a]; !remapped {
				continue
			}
			for _, k := range final[view][a] {
				for _, sc := range scopes {
					others := make([]string, 0, len(final[sc]))
					for o := range final[sc] {
						others = append(others, o)
					}
					slices.Sort(others)
					for _, o := range others {
						shared := slices.Contains(defaults[a], k) && slices.Contains(defaults[o], k) // by design (enter opens, or keeps the filter)
						if o != a && !shared && slices.Contains(final[sc][o], k) {
							return fmt.Errorf("keys: %s gets %q, which %s already uses: give %s another key in [keys] too", a, k, o, o)
						}
					}
				}
			}
		}
	}
	return nil
}
