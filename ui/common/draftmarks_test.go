package common

import "testing"

// The drafts folder may be read before compose wrote or removed a pack's draft: what compose
// says of a pack wins over that read, and the folder marks the packs compose never held.
func TestDraftMarksComposeWinsOverTheFolder(t *testing.T) {
	var d DraftMarks
	d.Set("sent", false) // compose sent it: the file goes
	d.Set("typed", true) // typed here, not on disk yet
	d.SetSaved([]string{"sent", "kept"})
	if d.Has("sent") || !d.Has("typed") || !d.Has("kept") || d.Has("other") {
		t.Fatalf("marks: sent %v typed %v kept %v other %v", d.Has("sent"), d.Has("typed"), d.Has("kept"), d.Has("other"))
	}
	d.SetSaved(nil) // a later read: the kept draft was sent by another postsale
	if d.Has("kept") || !d.Has("typed") {
		t.Fatalf("after a later read: kept %v typed %v", d.Has("kept"), d.Has("typed"))
	}
}
