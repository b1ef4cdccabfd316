package common

// DraftMarks are the packs with an unsent reply in this session (typed here, or kept on disk):
// the pack list marks their rows. Only Update touches it (compose as the draft changes, the list
// when it reads the drafts on disk).
type DraftMarks struct{ packs map[string]bool }

// Set marks or unmarks pack.
func (d *DraftMarks) Set(pack string, has bool) {
	if !has {
		delete(d.packs, pack)
		return
	}
	if d.packs == nil {
		d.packs = map[string]bool{}
	}
	d.packs[pack] = true
}

// Has reports whether pack has a draft.
func (d *DraftMarks) Has(pack string) bool { return d.packs[pack] }
