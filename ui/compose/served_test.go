package compose

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"

	"github.com/postsale/postsale/config/drafts"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

// A served compose runs on the server: attaching would read the server's files and the editor
// would run there. Neither is offered in help or in the hint line, pressing either (by its
// default keys or a [keys] remapping) says why in one sentence, no picker opens, and a saved
// draft's files are left out.
func TestServedComposeOffersNoServerFilesNorEditor(t *testing.T) {
	e := newEnv(t)
	e.Common.Served = true
	e.Common.Keys = map[string][]string{"compose.attach": {"ctrl+o", "ctrl+a", "alt+f"}}
	dir := filesDir(t)
	store := withDrafts(t, e)
	if err := store.Save(drafts.Draft{PackID: packOpen, Text: "hola", Files: []string{filepath.Join(dir, "foto.png")}}); err != nil {
		t.Fatal(err)
	}
	m := newDurable(t, e.Common, packOpen)
	if len(m.Files()) != 0 || !strings.Contains(m.Err(), "foto.png") || !strings.Contains(m.Err(), "served inbox") {
		t.Fatalf("restored draft: files %+v, err %q; want the file left out with a sentence", m.Files(), m.Err())
	}

	for _, k := range []string{"ctrl+o", "ctrl+a", "alt+f"} {
		msgs := uitest.Press(m, k)
		st, ok := uitest.Find[common.StatusMsg](msgs)
		if !ok || !strings.Contains(st.Text, "not available in a served inbox") || strings.Count(st.Text, ". ") > 0 {
			t.Errorf("served %s: %+v, want one sentence saying why", k, msgs)
		}
		if m.picker != nil || strings.Contains(m.View(), "Attach a file") {
			t.Fatalf("served %s opened the file picker:\n%s", k, m.View())
		}
	}
	if msgs := uitest.Press(m, "ctrl+e"); m.editing {
		t.Errorf("served ctrl+e started the editor: %+v", msgs)
	}

	m.err, m.notesOK = "", false // the hint shows while nothing else needs saying
	view := m.View()
	if !strings.Contains(view, "ctrl+s sends") || strings.Contains(view, "ctrl+e") || strings.Contains(view, "ctrl+o") {
		t.Errorf("served hint line advertises what is refused:\n%s", view)
	}
	var h help.Model
	short := h.ShortHelpView(m.ShortHelp())
	full := h.FullHelpView(m.FullHelp())
	for _, bad := range []string{"ctrl+o", "ctrl+a", "alt+f", "ctrl+e", "attach", "$EDITOR"} {
		if strings.Contains(short, bad) || strings.Contains(full, bad) {
			t.Errorf("served help offers %q:\nfooter: %s\n?: %s", bad, short, full)
		}
	}
	if gaps := uitest.HelpGaps(&m.keys, slices.Concat(m.FullHelp()...)); len(gaps) > 0 {
		t.Error(gaps)
	}
}

// The local inbox keeps both: the hint names the editor and ctrl+o opens the picker.
func TestLocalComposeStillAttachesAndEdits(t *testing.T) {
	e := newEnv(t)
	t.Chdir(filesDir(t))
	m := newCompose(t, e, packOpen)
	if v := m.View(); !strings.Contains(v, "ctrl+s sends · ctrl+t template · ctrl+e editor · esc goes back and keeps the draft") {
		t.Errorf("local hint line:\n%s", v)
	}
	if !key.Matches(uitest.Key("ctrl+o"), m.keys.Attach) || !m.keys.Editor.Enabled() {
		t.Fatal("local compose lost ctrl+o or ctrl+e")
	}
	uitest.Press(m, "ctrl+o")
	if m.picker == nil {
		t.Fatal("local ctrl+o did not open the picker")
	}
}
