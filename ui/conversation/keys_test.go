package conversation

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

const (
	packPlain      = "2000004811223344" // one buyer message: no attachment, no link
	packAttachOnly = "2000004600112233" // an invoice attached, no link
)

// offered reports whether help shows b: bubbles help leaves disabled keys out.
func offered(bindings []key.Binding, b key.Binding) bool {
	return slices.ContainsFunc(bindings, func(s key.Binding) bool { return s.Enabled() && s.Help() == b.Help() })
}

// fullHelp is the `?` overlay's keys in one list.
func fullHelp(m *Model) []key.Binding { return slices.Concat(m.FullHelp()...) }

// footer is the short help as the bubbles help footer draws it.
func footer(m *Model) string {
	h := help.New()
	h.Width = 1000
	return h.ShortHelpView(m.ShortHelp())
}

func TestHelpOffersAttachmentAndLinkKeysOnlyWhenThereAreSome(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		pack          string
		attach, links bool
	}{
		{packPlain, false, false},
		{packLinks, false, true},
		{packAttachOnly, true, false},
		{packFiles, true, true},
	}
	for _, c := range cases {
		m := openPack(t, e, c.pack, 100, 30)
		for _, b := range []struct {
			k    key.Binding
			want bool
		}{
			{m.keys.Attachments, c.attach},
			{m.keys.NextAttachment, c.attach},
			{m.keys.Open, c.links || c.attach}, // o opens the newest attachment without links
		} {
			name := b.k.Help().Key + " " + b.k.Help().Desc
			if b.k.Enabled() != b.want {
				t.Errorf("pack %s: %q enabled = %v, want %v", c.pack, name, b.k.Enabled(), b.want)
			}
			if got := offered(fullHelp(m), b.k); got != b.want {
				t.Errorf("pack %s: ? help offers %q = %v, want %v", c.pack, name, got, b.want)
			}
		}
		short := footer(m)
		if strings.Contains(short, "o links") != c.links || strings.Contains(short, "a attachments") != c.attach {
			t.Errorf("pack %s: footer %q", c.pack, short)
		}
	}
}

func TestDisabledAttachmentAndLinkKeysSayWhy(t *testing.T) {
	e := newEnv(t)
	m := openPack(t, e, packPlain, 100, 30)
	if s := statusText(t, hit(m, "a")); !strings.Contains(s.Text, "no attachments") {
		t.Errorf("a: %q", s.Text)
	}
	if s := statusText(t, hit(m, "o")); !strings.Contains(s.Text, "no links") {
		t.Errorf("o: %q", s.Text)
	}
	if m.AttachmentsFocused() || m.Typing() {
		t.Error("a disabled key changed the view's state")
	}
}

func TestKeysEnabledWhenLoadedMessagesBringAttachmentsOrLinks(t *testing.T) {
	e := newEnv(t)
	m := openPack(t, e, packPlain, 100, 30)
	if m.keys.Attachments.Enabled() || m.keys.Open.Enabled() {
		t.Fatal("a or o enabled in a conversation with neither attachments nor links")
	}
	// The seller sends a link: o applies now.
	req := api.SendRequest{Text: `Manual: <a href="https://northwind.example.com/manual">manual</a>`}
	uitest.Deliver(m, common.SendStartedMsg{PackID: packPlain, LocalID: "l1", Request: req, At: clock})
	sent := api.Message{ID: "sent-1", Text: req.Text, From: api.Party{UserID: api.ID(e.Common.Seller)}}
	uitest.Deliver(m, common.SendDoneMsg{PackID: packPlain, LocalID: "l1", Message: &sent})
	if !m.keys.Open.Enabled() || m.keys.Attachments.Enabled() {
		t.Fatalf("after a sent link: o %v (want true), a %v (want false)", m.keys.Open.Enabled(), m.keys.Attachments.Enabled())
	}
	// A refresh brings a buyer photo: a and tab apply now.
	conv, err := e.Client.PackMessages(e.Common.Ctx, packPlain, api.PageOptions{Limit: PageSize})
	if err != nil {
		t.Fatal(err)
	}
	photo := conv.Messages[len(conv.Messages)-1]
	photo.ID, photo.Text = "photo-1", "Foto"
	photo.MessageDate.Created = api.Time{Time: clock.Add(time.Minute)}
	photo.Attachments = []api.Attachment{{Filename: "stored-photo.png", OriginalFilename: "caja.png", Type: "image/png", Size: 2048}}
	conv.Messages = append([]api.Message{photo}, conv.Messages...)
	m.Update(common.TaskFinishedMsg{Task: common.Task{Owner: common.ConversationOwner(packPlain)}, Msg: PageMsg{kind: loadRefresh, Conversation: conv}})
	if !m.keys.Attachments.Enabled() || !m.keys.NextAttachment.Enabled() {
		t.Fatal("a/tab still disabled after a message with an attachment arrived")
	}
	if hit(m, "a"); !m.AttachmentsFocused() {
		t.Fatal("a did not focus the new attachment")
	}
}

func TestShortHelpLeavesMovementToFullHelp(t *testing.T) {
	e := newEnv(t)
	m := openPack(t, e, packFiles, 100, 30)
	for _, state := range []string{"reading", "attachments"} {
		for _, b := range []key.Binding{m.keys.Up, m.keys.Down, m.keys.PageUp, m.keys.PageDown, m.keys.Top, m.keys.Bottom} {
			if offered(m.ShortHelp(), b) {
				t.Errorf("%s: footer offers movement key %q", state, b.Help().Key)
			}
			if !offered(fullHelp(m), b) {
				t.Errorf("%s: ? help lost movement key %q", state, b.Help().Key)
			}
		}
		hit(m, "a")
	}
}

// o and s with no attachment selected act on the newest one: a photo beside no link opens, and
// s saves it under its original name (case kept), the name `postsale attachment` uses too.
func TestOpenAndSaveActOnTheNewestAttachmentWhenNoneIsSelected(t *testing.T) {
	fe := newFileEnv(t, map[string]string{"DISPLAY": ":0"})
	m := openPack(t, fe.env, packAttachOnly, 100, 30)
	if strings.Contains(footer(m), "o links") || !strings.Contains(footer(m), "o open attachment") {
		t.Fatalf("footer without links: %q", footer(m))
	}
	s := statusText(t, hit(m, "s"))
	want := filepath.Join(fe.Common.DownloadsDir, "factura_4600112233.pdf")
	if s.Err != nil || s.Text != "Saved to "+want+"." {
		t.Fatalf("s with nothing selected: %q (%v)", s.Text, s.Err)
	}
	if !m.AttachmentsFocused() || !strings.Contains(m.View(), "▶ 📎 factura_4600112233.pdf") {
		t.Fatalf("s did not show which attachment it saved:\n%s", m.View())
	}
	hit(m, "esc") // leave the attachments: nothing selected again
	if m.AttachmentsFocused() {
		t.Fatal("esc did not leave the attachments")
	}
	hit(m, "o")
	if len(fe.launched) != 1 || !strings.HasPrefix(fe.launched[0], "file://") || !strings.HasSuffix(fe.launched[0], "/factura_4600112233.pdf") {
		t.Fatalf("o beside an attachment and no link launched %v", fe.launched)
	}
}

// With links on screen and nothing selected, o still offers the links; s saves the newest file.
func TestOpenPrefersLinksButSaveTakesTheNewestAttachment(t *testing.T) {
	fe := newFileEnv(t, map[string]string{"DISPLAY": ":0"})
	m := openPack(t, fe.env, packFiles, 120, 40)
	hit(m, "o")
	if !m.Typing() || !strings.Contains(m.View(), "Open which link?") {
		t.Fatalf("o with links on screen did not offer them:\n%s", m.View())
	}
	hit(m, "esc")
	hit(m, "tab")
	hit(m, "tab") // select an older one, then leave: s must still take the newest
	hit(m, "esc")
	s := statusText(t, hit(m, "s"))
	if !strings.Contains(m.View(), "▶ 📎 error_pantalla.png") || s.Err == nil {
		t.Fatalf("s took another attachment than the newest (the broken screenshot): %q\n%s", s.Text, m.View())
	}
}
