package uitest

import (
	"reflect"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"

	"github.com/postsale/postsale/ui/common"
)

// HelpGaps lists what the `?` overlay (full, the view's FullHelp flattened) fails to tell about
// keymap km (a pointer to a keymap struct): an enabled binding it leaves out, or a key of a
// binding that works but is not written in its label ("pgdn" for pgdown, "space" for " ").
func HelpGaps(km any, full []key.Binding) []string {
	var gaps []string
	v := reflect.ValueOf(km).Elem()
	bt := reflect.TypeOf(key.Binding{})
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if f.Type != bt || !f.IsExported() {
			continue
		}
		b := v.Field(i).Interface().(key.Binding)
		if !b.Enabled() {
			continue // help leaves disabled keys out, and they do nothing
		}
		at := slices.IndexFunc(full, func(s key.Binding) bool { return s.Enabled() && s.Help() == b.Help() })
		if at < 0 {
			gaps = append(gaps, f.Name+" ("+b.Help().Key+" "+b.Help().Desc+") is not in the ? help")
			continue
		}
		label := strings.Split(b.Help().Key, "/")
		for _, k := range b.Keys() {
			if w := common.KeyWord(k); !slices.Contains(label, w) && b.Help().Key != w {
				gaps = append(gaps, f.Name+": key "+common.KeyWord(k)+" works but its help says only "+b.Help().Key)
			}
		}
	}
	return gaps
}
