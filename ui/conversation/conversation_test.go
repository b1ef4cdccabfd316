package conversation

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
	"github.com/postsale/postsale/ui/common"
	"github.com/postsale/postsale/ui/uitest"
)

func TestLabelsAndTranslationCycle(t *testing.T) {
	e := newEnv(t)
	m := New(e.Common, packLinks, "")
	h := &uitest.Root{Child: m}
	tm := teatest.NewTestModel(t, h, teatest.WithInitialTermSize(100, 30))
	uitest.WaitFor(t, tm, "Buyer · Ana Lucía Pérez")
	if got := m.Status(); got != "translation: original" {
		t.Fatalf("Status() = %q", got)
	}
	tm.Send(uitest.Key("t"))
	// Translated: the buyer's text in English, the seller's as the buyer reads it.
	uitest.WaitFor(t, tm, "¡Hola Ana! Ambos salen hoy")
	tm.Send(uitest.Key("t"))
	uitest.WaitFor(t, tm, "↳ ")
	tm.Send(uitest.Key("G"))
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	if got := m.Status(); got != "translation: both" {
		t.Fatalf("after two t: Status() = %q", got)
	}
	view := m.View()
	for _, want := range []string{"Buyer · Ana Lucía Pérez", "You · ", "¡Hola Ana! Ambos salen hoy"} {
		if !strings.Contains(view, want) {
			t.Errorf("view in both mode lacks %q:\n%s", want, view)
		}
	}
	golden.RequireEqual(t, []byte(view))
}

func TestTranslationModesShowTheRightText(t *testing.T) {
	e := newEnv(t)
	m := openPack(t, e, packLinks, 200, 40)
	original, translated := "Hi Ana! Both ship today.", "¡Hola Ana! Ambos salen hoy."
	check := func(mode string, wantOrig, wantTr bool) {
		t.Helper()
		v := m.View()
		if strings.Contains(v, original) != wantOrig || strings.Contains(v, translated) != wantTr {
			t.Errorf("%s: original shown %v (want %v), translation shown %v (want %v)\n%s",
				mode, strings.Contains(v, original), wantOrig, strings.Contains(v, translated), wantTr, v)
		}
	}
	check("original", true, false)
	uitest.Press(m, "t")
	check("translated", false, true)
	uitest.Press(m, "t")
	check("both", true, true)
	uitest.Press(m, "t")
	check("original again", true, false)
}

func TestLinksRenderAsText(t *testing.T) {
	e := newEnv(t)
	m := openPack(t, e, packLinks, 200, 40)
	v := m.View()
	if want := "tracking (https://www.mercadolibre.com.mx/envios/43210987651)"; !strings.Contains(v, want) {
		t.Errorf("view lacks %q:\n%s", want, v)
	}
	if strings.Contains(v, "<a") || strings.Contains(v, "href") {
		t.Errorf("raw HTML in view:\n%s", v)
	}
}

func TestLinkEntitiesCannotSmuggleEscapes(t *testing.T) {
	e := newEnv(t)
	m := openPack(t, e, packLinks, 120, 30)
	msg := api.Message{ID: "x", Text: `see <a href="https://x.example/&#27;]52;c;QQ==&#7;">&#27;[2Jclick&#x1b;[31m</a> &#155;31m`}
	got := strings.Join((&entry{msg: msg}).lines(120, ModeOriginal, m.c, m.links), "\n")
	if strings.ContainsAny(got, "\x1b\x07\u009b") {
		t.Fatalf("entity-encoded control characters reached the view: %q", got)
	}
	if !strings.Contains(got, "click") || !strings.Contains(got, "https://x.example/") {
		t.Fatalf("link text lost: %q", got)
	}
}

func TestHostileEscapesRenderInert(t *testing.T) {
	e := newEnv(t)
	m := openPack(t, e, packHostile, 100, 30)
	for _, mode := range []string{"original", "translated", "both"} {
		v := m.View()
		if strings.ContainsAny(v, "\x1b\x07\u009b\u009d") {
			t.Fatalf("%s: control characters reached the view: %q", mode, v)
		}
		if mode == "original" && !strings.Contains(v, "Quero trocar.") {
			t.Fatalf("%s: text lost while sanitising:\n%s", mode, v)
		}
		if strings.Contains(v, "]52;") || strings.Contains(v, "[2J") {
			t.Fatalf("%s: remains of escape sequences in view:\n%s", mode, v)
		}
		uitest.Press(m, "t")
	}
}

func TestAttachmentsAndThreatWarning(t *testing.T) {
	e := newEnv(t)
	m := openPack(t, e, packThreat, 100, 30)
	v := m.View()
	conv, err := e.Common.Client.PackMessages(e.Common.Ctx, packThreat, api.PageOptions{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var att *api.Attachment
	for i := range conv.Messages {
		for j := range conv.Messages[i].Attachments {
			att = &conv.Messages[i].Attachments[j]
		}
	}
	if att == nil || !att.PotentialSecurityThreat {
		t.Fatalf("demo data changed: no flagged attachment in %s", packThreat)
	}
	for _, want := range []string{att.OriginalFilename, att.Type, api.HumanSize(att.Size), ThreatWarning} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
}

func TestModerationInPlainWords(t *testing.T) {
	e := newEnv(t)
	m := openPack(t, e, packModer, 120, 30)
	// The seller's own message says it never reached the buyer, and why.
	if v := m.View(); !strings.Contains(v, "not delivered to the buyer: shortened link") {
		t.Errorf("moderation not explained:\n%s", v)
	}
	cases := []struct {
		msg  api.Message
		want string
	}{
		{api.Message{Status: "available", Moderation: api.Moderation{Status: "clean"}}, ""},
		{api.Message{Status: "in_moderation", Moderation: api.Moderation{Status: "pending"}}, "in moderation"},
		{api.Message{Status: "rejected", Moderation: api.Moderation{Status: "rejected", Reason: "personal_data"}}, "rejected: personal data"},
		{api.Message{Status: "pending_translation"}, "translation pending"},
		{api.Message{Status: "available", Moderation: api.Moderation{Status: "non_moderated"}}, ""},
	}
	for _, c := range cases {
		if got := common.StatusWords(&c.msg); got != c.want {
			t.Errorf("StatusWords(%s/%s/%s) = %q, want %q", c.msg.Status, c.msg.Moderation.Status, c.msg.Moderation.Reason, got, c.want)
		}
	}
}

func TestBlockedBannerRefusesReply(t *testing.T) {
	e := newEnv(t)
	m := openPack(t, e, packBlocked, 100, 30)
	blocked, reason := m.Blocked()
	if !blocked || reason != common.BlockedReason("blocked_by_time") {
		t.Fatalf("Blocked() = %v, %q", blocked, reason)
	}
	v := m.View()
	if !strings.Contains(v, "Blocked: 30 days passed") {
		t.Errorf("no banner:\n%s", v)
	}
	out := uitest.Press(m, "r")
	if _, ok := uitest.Find[common.ComposeMsg](out); ok {
		t.Fatal("r opened compose in a blocked conversation")
	}
	st, ok := uitest.Find[common.StatusMsg](out)
	if !ok || !strings.Contains(st.Text, reason) || !errors.Is(st.Err, ErrBlocked) {
		t.Fatalf("r gave %+v, want a StatusMsg with %q", out, reason)
	}
	for _, b := range m.ShortHelp() {
		if b.Help().Key == "r" && b.Enabled() {
			t.Error("reply is still offered in help")
		}
	}
	golden.RequireEqual(t, []byte(v))
}

func TestReplyAndBackAskTheRoot(t *testing.T) {
	e := newEnv(t)
	m := openPack(t, e, packLinks, 100, 30)
	uitest.Press(m, "r")
	cm, ok := uitest.Find[common.ComposeMsg](e.Common.Nav.Take())
	if !ok || cm.PackID != packLinks || cm.Site != "MLM" {
		t.Fatalf("r: got %+v", cm)
	}
	uitest.Press(m, "esc")
	if _, ok := uitest.Find[common.BackMsg](e.Common.Nav.Take()); !ok {
		t.Fatal("esc did not ask to go back")
	}
}

func TestPagingLoadsOlderAndKeepsPosition(t *testing.T) {
	e := newEnv(t)
	m := openPack(t, e, packLong, 100, 30)
	if m.Len() != PageSize || !m.MoreOlder() {
		t.Fatalf("first page: %d messages, more older %v", m.Len(), m.MoreOlder())
	}
	newest := lines(m.View())
	// Walk up to the top of the first page without running the load it starts.
	var pending tea.Cmd
	for i := 0; i < 10000 && m.top > 0; i++ {
		_, cmd := m.Update(uitest.Key("k"))
		if cmd != nil {
			pending = cmd
		}
	}
	if m.top != 0 || pending == nil {
		t.Fatalf("reaching the top did not ask for older messages (top %d)", m.top)
	}
	before := lines(m.View())
	hl := len(m.headerLines()) // the title and the sale's line
	if !strings.Contains(before[hl], "loading older messages") {
		t.Errorf("no loading note at the top: %q", before[hl])
	}
	uitest.Run(m, pending)
	if m.Len() != 2*PageSize {
		t.Fatalf("after paging: %d messages, want %d", m.Len(), 2*PageSize)
	}
	after := lines(m.View())
	// Rows above hl are the header, row hl was the loading note; every row below must not move.
	for i := hl + 1; i < len(before); i++ {
		if before[i] != after[i] {
			t.Fatalf("row %d moved after loading older messages:\nbefore %q\nafter  %q", i, before[i], after[i])
		}
	}
	var offsets []string
	for _, r := range e.Sandbox.Requests() {
		if r.Method != "GET" {
			t.Errorf("reading sent %s %s", r.Method, r.Path)
		}
		if !strings.HasPrefix(r.Path, "/marketplace/messages/packs/") {
			continue
		}
		q, _ := url.ParseQuery(r.RawQuery)
		// The marketplace flavour never marks by reading, and takes no mark_as_read parameter.
		if q.Has("mark_as_read") {
			t.Errorf("request %s?%s sends the domestic mark_as_read to the marketplace", r.Path, r.RawQuery)
		}
		offsets = append(offsets, q.Get("offset")+"/"+q.Get("limit"))
	}
	if strings.Join(offsets, ",") != "/50,50/50" {
		t.Errorf("requests offset/limit = %v, want first page then offset 50", offsets)
	}
	// Going back down to the newest shows what was shown first.
	uitest.Press(m, "G")
	if got := lines(m.View()); strings.Join(got[1:], "\n") != strings.Join(newest[1:], "\n") {
		t.Errorf("G after paging does not show the newest messages:\n%s", strings.Join(got, "\n"))
	}
	// Paging all the way up ends at the first message.
	for i := 0; i < 20 && m.MoreOlder(); i++ {
		uitest.Press(m, "g")
	}
	uitest.Press(m, "g")
	if m.MoreOlder() || !strings.Contains(m.View(), "beginning of the conversation") {
		t.Errorf("g never reached the beginning: %d of %d loaded", m.serverCount(), m.total)
	}
}

func TestOrderIsOldestFirst(t *testing.T) {
	e := newEnv(t)
	m := openPack(t, e, packLinks, 100, 30)
	for i := 1; i < len(m.entries); i++ {
		if m.entries[i].msg.Date().Before(m.entries[i-1].msg.Date()) {
			t.Fatalf("message %d is older than the one above it", i)
		}
	}
}

func TestRefreshMergesAndMarksNewBuyerMessages(t *testing.T) {
	e := newEnv(t)
	m := openPack(t, e, packLinks, 120, 30)
	n := m.Len()
	// A reply sent elsewhere (another device) shows up on refresh, once, not marked new.
	if _, err := e.Common.Client.SendMessage(e.Common.Ctx, packLinks, api.SendRequest{Text: "Sent from the phone"}); err != nil {
		t.Fatal(err)
	}
	uitest.Deliver(m, common.RefreshMsg{Manual: true})
	uitest.Deliver(m, common.RefreshMsg{})
	if m.Len() != n+1 {
		t.Fatalf("after refresh: %d messages, want %d", m.Len(), n+1)
	}
	if v := m.View(); !strings.Contains(v, "Sent from the phone") || strings.Contains(v, "● new") {
		t.Errorf("seller's own message missing or marked new:\n%s", v)
	}
	// The sandbox has no buyer to write, so a buyer message is added to the page the API sent.
	conv, err := e.Common.Client.PackMessages(e.Common.Ctx, packLinks, api.PageOptions{Limit: PageSize})
	if err != nil {
		t.Fatal(err)
	}
	buyer := conv.Messages[len(conv.Messages)-1] // the oldest is the buyer's
	if m.isSeller(&buyer) {
		t.Fatal("demo data changed: the oldest message is not the buyer's")
	}
	buyer.ID = "new-buyer-message"
	buyer.Text = "¿Ya lo enviaron?"
	buyer.MessageDate.Created = api.Time{Time: clock.Add(time.Minute)}
	conv.Messages = append([]api.Message{buyer}, conv.Messages...)
	m.Update(common.TaskFinishedMsg{Task: common.Task{Owner: common.ConversationOwner(packLinks)}, Msg: PageMsg{kind: loadRefresh, Conversation: conv}})
	if m.Len() != n+2 {
		t.Fatalf("after buyer message: %d messages, want %d", m.Len(), n+2)
	}
	v := m.View()
	if !strings.Contains(v, "● new") || !strings.Contains(v, "¿Ya lo enviaron?") {
		t.Errorf("new buyer message not marked:\n%s", v)
	}
	if last := m.entries[len(m.entries)-1]; last.msg.ID != "new-buyer-message" || !last.isNew {
		t.Errorf("newest entry is %q (new %v)", last.msg.ID, last.isNew)
	}
}

func TestSendLifecycle(t *testing.T) {
	e := newEnv(t)
	m := openPack(t, e, packLinks, 120, 30)
	n := m.Len()
	req := api.SendRequest{Text: "On its way today", TextTranslated: "Sale hoy"}
	m.Update(common.SendStartedMsg{PackID: packLinks, LocalID: "l1", Request: req, At: clock})
	m.Update(common.SendStartedMsg{PackID: "other", LocalID: "l9", Request: req, At: clock})
	if v := m.View(); !strings.Contains(v, "sending…") || !strings.Contains(v, "On its way today") {
		t.Fatalf("no pending row:\n%s", v)
	}
	if m.Len() != n+1 {
		t.Fatalf("%d rows, want %d (other packs' sends ignored)", m.Len(), n+1)
	}
	sent, err := e.Common.Client.SendMessage(e.Common.Ctx, packLinks, req)
	if err != nil {
		t.Fatal(err)
	}
	m.Update(common.SendDoneMsg{PackID: packLinks, LocalID: "l1", Request: req, Message: sent})
	v := m.View()
	if strings.Contains(v, "sending…") || !strings.Contains(v, "last reply: sent") {
		t.Fatalf("pending row not confirmed:\n%s", v)
	}
	// A refresh brings the same message back from the API: no duplicate.
	uitest.Deliver(m, common.RefreshMsg{})
	if m.Len() != n+1 {
		t.Fatalf("after refresh %d rows, want %d", m.Len(), n+1)
	}
	// A failed send leaves no row behind.
	m.Update(common.SendStartedMsg{PackID: packLinks, LocalID: "l2", Request: api.SendRequest{Text: "will fail"}, At: clock})
	m.Update(common.SendDoneMsg{PackID: packLinks, LocalID: "l2", Err: errors.New("boom")})
	if strings.Contains(m.View(), "will fail") || m.Len() != n+1 {
		t.Fatalf("failed send still shown:\n%s", m.View())
	}
}

func TestLoadErrorIsASentence(t *testing.T) {
	e := newEnv(t)
	e.Sandbox.Fail(sandbox.RoutePackMessages, sandbox.FailServerError, 1)
	m := New(e.Common, packLinks, "")
	m.SetSize(100, 30)
	uitest.Run(m, m.Init())
	v := m.View()
	if !strings.Contains(v, "Could not load this conversation") || !strings.Contains(v, "try again") {
		t.Fatalf("load error not explained:\n%s", v)
	}
	uitest.Deliver(m, common.RefreshMsg{Manual: true})
	if !strings.Contains(m.View(), "Buyer · Ana") {
		t.Fatalf("retry with R did not load:\n%s", m.View())
	}
}

func TestNoPanicAndNoOverflowAtAnySize(t *testing.T) {
	e := newEnv(t)
	for _, pack := range []string{packLinks, packBlocked, packHostile, packThreat} {
		m := openPack(t, e, pack, 80, 24)
		for _, size := range [][2]int{{1, 1}, {0, 0}, {2, 1}, {1, 5}, {5, 2}, {10, 3}, {20, 6}, {40, 10}, {60, 20}, {80, 24}, {100, 30}, {3, 40}} {
			m.SetSize(size[0], size[1])
			for _, k := range []string{"t", "k", "g", "j", "G", "pgup", "pgdown"} {
				uitest.Press(m, k)
				checkFits(t, m.View(), size[0], size[1], fmt.Sprintf("%s at %dx%d after %s", pack, size[0], size[1], k))
			}
		}
	}
}

func checkFits(t *testing.T, view string, w, h int, what string) {
	t.Helper()
	if w < 1 || h < 1 {
		if view != "" {
			t.Errorf("%s: want an empty view, got %q", what, view)
		}
		return
	}
	ls := lines(view)
	if len(ls) != h {
		t.Errorf("%s: %d lines", what, len(ls))
	}
	for i, l := range ls {
		if got := ansi.StringWidth(l); got > w {
			t.Errorf("%s: line %d is %d wide: %q", what, i, got, l)
		}
	}
}

// longConversation is packLong at 100×30 with every page of its history loaded.
func longConversation(b *testing.B) *Model {
	b.Helper()
	m := openPack(b, newEnv(b), packLong, 100, 30)
	for m.MoreOlder() {
		uitest.Run(m, m.load(loadOlder))
	}
	return m
}

func BenchmarkScrollLongConversation(b *testing.B) {
	m := longConversation(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%400 == 0 {
			m.Update(uitest.Key("G"))
		}
		m.Update(uitest.Key("k"))
		_ = m.View()
	}
}

func TestEmptyConversationSaysSo(t *testing.T) {
	e := newEnv(t)
	m := openPack(t, e, "2000004955443322", 100, 30) // blocked_by_fulfillment, no messages
	if v := m.View(); !strings.Contains(v, "No messages in this conversation.") || !strings.Contains(v, "Blocked: Fulfillment sale") {
		t.Fatalf("empty blocked conversation:\n%s", v)
	}
}

// BenchmarkResizeLongConversation re-wraps all 325 messages: the cost of a resize or a `t`.
func BenchmarkResizeLongConversation(b *testing.B) {
	m := longConversation(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.SetSize(100-i%2, 30)
		_ = m.View()
	}
}

func TestUnreadBuyerMessagesMarkedOnFirstLoad(t *testing.T) {
	e := newEnv(t)
	m := openPack(t, e, packLinks, 120, 60)
	// packLinks: the buyer's first message was read, the last two were not; the seller's never count.
	var marked []string
	for _, en := range m.entries {
		if en.isNew {
			marked = append(marked, en.msg.Text)
		}
		if en.isNew != (!en.seller && en.msg.Unread()) {
			t.Errorf("message %q (seller %v, unread %v) marked new = %v", en.msg.Text, en.seller, en.msg.Unread(), en.isNew)
		}
	}
	if len(marked) != 2 {
		t.Fatalf("%d messages marked new on opening, want the 2 unread buyer messages: %q", len(marked), marked)
	}
	if v := m.View(); strings.Count(v, "● new") != 2 {
		t.Errorf("view shows %d \"● new\", want 2:\n%s", strings.Count(v, "● new"), v)
	}
	// Reading marked nothing read: the sandbox still counts both unread.
	unread, err := e.Client.UnreadPacks(e.Common.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, u := range unread.Results {
		if u.PackID() == packLinks {
			found = true
			if u.Count != 2 {
				t.Errorf("after opening, %s has %d unread, want 2", packLinks, u.Count)
			}
		}
	}
	if !found {
		t.Errorf("after opening, %s is no longer unread", packLinks)
	}
	// Once the seller answers (which the API counts as reading), a refresh drops the marks.
	if _, err := e.Client.SendMessage(e.Common.Ctx, packLinks, api.SendRequest{Text: "On it, Ana."}); err != nil {
		t.Fatal(err)
	}
	uitest.Deliver(m, common.RefreshMsg{})
	if v := m.View(); strings.Contains(v, "● new") {
		t.Errorf("messages read since still marked new:\n%s", v)
	}
}

// heldTexts is the texts of the last n messages held, top to bottom.
func heldTexts(m *Model, n int) string {
	var out []string
	for _, e := range m.entries {
		if !e.note {
			out = append(out, e.msg.Text)
		}
	}
	return strings.Join(out[max(0, len(out)-n):], " ")
}

// Messages written in the same second (the sandbox's clock stands still; Mercado Libre's dates
// may have whole seconds only) show in the order they were written, oldest at the top: as the
// page comes, as a refresh brings more, and with the seller's own reply (the send's answer)
// among them.
func TestMessagesOfTheSameSecondInTheOrderWritten(t *testing.T) {
	e := newEnv(t)
	ctx := e.Common.Ctx
	send := func(text string) *api.Message {
		t.Helper()
		sent, err := e.Common.Client.SendMessage(ctx, packLinks, api.SendRequest{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return sent
	}
	for _, text := range []string{"s1", "s2", "s3", "s4", "s5"} {
		send(text)
	}
	m := openPack(t, e, packLinks, 120, 30)
	if got := heldTexts(m, 5); got != "s1 s2 s3 s4 s5" {
		t.Fatalf("opened: %s, want s1 s2 s3 s4 s5", got)
	}
	// The buyer writes; the seller, not having seen it, replies from here: the reply shows last
	// until a refresh brings the buyer's message, which goes above it, as Mercado Libre has it.
	if _, err := e.Sandbox.BuyerWrites(packLinks, "b6"); err != nil {
		t.Fatal(err)
	}
	req := api.SendRequest{Text: "s7"}
	m.Update(common.SendStartedMsg{PackID: packLinks, LocalID: "l7", Request: req, At: clock})
	m.Update(common.SendDoneMsg{PackID: packLinks, LocalID: "l7", Request: req, Message: send("s7")})
	if got := heldTexts(m, 6); got != "s1 s2 s3 s4 s5 s7" {
		t.Fatalf("after the reply: %s", got)
	}
	if _, err := e.Sandbox.BuyerWrites(packLinks, "b8"); err != nil {
		t.Fatal(err)
	}
	uitest.Deliver(m, common.RefreshMsg{})
	if got := heldTexts(m, 8); got != "s1 s2 s3 s4 s5 b6 s7 b8" {
		t.Errorf("after a refresh: %s, want s1 s2 s3 s4 s5 b6 s7 b8", got)
	}
	v := m.View()
	if i, j := strings.Index(v, "b6"), strings.Index(v, "s7"); i < 0 || j < 0 || i > j {
		t.Errorf("b6 is not above s7:\n%s", v)
	}
}
