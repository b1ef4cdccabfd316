package packlist

import (
	"strings"
	"testing"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/ui/common"
)

const packBeatriz = "2000004533445566" // assets/demo/demo.json: Beatriz Souza (MLB), the buyer spoke last

// Previews follow the session's translation mode: buyer-translated shows the buyer's message in
// translation and the seller's as written.
func TestPreviewsFollowTheTranslationMode(t *testing.T) {
	h := newHarness(t, 120, 200)
	h.drain(t, h.m.Init())
	const original, translated = "Vocês emitem nota fiscal?", "Do you issue an invoice (nota fiscal)?"
	if row := rowText(t, h, packBeatriz); !strings.Contains(row, original) {
		t.Fatalf("original mode:\n%s", row)
	}
	h.c.Translation = common.TranslationBuyer
	if row := rowText(t, h, packBeatriz); !strings.Contains(row, translated) || strings.Contains(row, original) {
		t.Fatalf("buyer-translated mode:\n%s", row)
	}
	h.c.Translation = common.TranslationOriginal
	if row := rowText(t, h, packBeatriz); !strings.Contains(row, original) {
		t.Fatalf("back to original:\n%s", row)
	}
}

// A reply shows in its row at once in the session's translation mode: with its translation in
// translated mode, as written in buyer-translated mode (the seller's own).
func TestReplyPreviewFollowsTheTranslationMode(t *testing.T) {
	h := newHarness(t, 120, 200)
	h.drain(t, h.m.Init())
	h.m.afterReply(packBeatriz, api.SendRequest{Text: "Sim, emitimos.", TextTranslated: "Yes, we do."}, nil)
	h.c.Translation = common.TranslationTranslated
	if row := rowText(t, h, packBeatriz); !strings.Contains(row, "You: Yes, we do.") {
		t.Fatalf("translated mode:\n%s", row)
	}
	h.c.Translation = common.TranslationBuyer
	if row := rowText(t, h, packBeatriz); !strings.Contains(row, "You: Sim, emitimos.") {
		t.Fatalf("buyer-translated mode:\n%s", row)
	}
}

// A row whose newest message is the seller's, stopped by moderation, says so in words and in the
// warning colour, not only with a mark.
func TestRowSaysModerationStoppedTheReply(t *testing.T) {
	h := newHarness(t, 140, 200)
	h.drain(t, h.m.Init())
	seller := api.ID(h.c.Seller)
	conv := &api.Conversation{Messages: []api.Message{{
		ID: "m1", Text: "Manual: https://bit.ly/x", From: api.Party{UserID: seller},
		To:     api.Party{UserID: "1", Name: "Beatriz Souza"},
		Status: api.StatusRejected, Moderation: api.Moderation{Status: api.ModerationRejected, Reason: "link_short_url"},
	}}}
	h.deliver(t, headerLoadedMsg{PackID: packBeatriz, Conv: conv})
	row := rowText(t, h, packBeatriz)
	if !strings.Contains(row, "✗ not delivered to the buyer: shortened link · You: Manual") {
		t.Fatalf("the row does not say the reply was stopped:\n%s", row)
	}
	conv.Messages[0].Status, conv.Messages[0].Moderation = api.StatusInModeration, api.Moderation{Status: api.ModerationPending}
	h.deliver(t, headerLoadedMsg{PackID: packBeatriz, Conv: conv})
	if row := rowText(t, h, packBeatriz); !strings.Contains(row, "… in moderation · You: Manual") {
		t.Fatalf("the row does not say the reply is held:\n%s", row)
	}
}

// A pack with a draft (typed in this session or kept on disk) is marked.
func TestRowsWithADraftAreMarked(t *testing.T) {
	h := newHarness(t, 120, 200)
	h.drain(t, h.m.Init())
	if row := rowText(t, h, packBeatriz); strings.Contains(row, draftMark) {
		t.Fatalf("no draft yet:\n%s", row)
	}
	h.c.DraftMarks.Set(packBeatriz, true)
	if row := rowText(t, h, packBeatriz); !strings.Contains(row, draftMark) {
		t.Fatalf("draft not marked:\n%s", row)
	}
}

// deliver hands the list a header as its task would, through Update.
func (h *harness) deliver(t *testing.T, res headerLoadedMsg) {
	t.Helper()
	task := h.c.NewTask(common.ListOwner(), "header")
	h.c.Tasks.Finish(task.ID)
	h.m.inFlight++ // the task's slot, as headerCmd takes it
	_, cmd := h.m.Update(common.TaskFinishedMsg{Task: task, Msg: res})
	h.drain(t, cmd)
}
