package common

// DraftMarks are the packs with an unsent reply in this session (typed here, or kept on disk):
// the pack list marks their rows. Only Update touches it (compose as the draft changes, the list
// when its read of the drafts folder comes back). What compose says of a pack wins over the
// folder, which may have been read before compose wrote or removed that pack's draft.
type DraftMarks struct {
	packs map[string]bool // compose's word on each pack it holds a draft for (or none)
	saved map[string]bool // the packs with a draft in the drafts folder, as last read
}

// Set marks or unmarks pack (compose, as its draft changes).
func (d *DraftMarks) Set(pack string, has bool) {
	if d.packs == nil {
		d.packs = map[string]bool{}
	}
	d.packs[pack] = has
}

// SetSaved records the packs the drafts folder holds a draft for, replacing the last read.
func (d *DraftMarks) SetSaved(packs []string) {
	d.saved = make(map[string]bool, len(packs))
	for _, p := range packs {
		d.saved[p] = true
	}
}

// Has reports whether pack has a draft.
func (d *DraftMarks) Has(pack string) bool {
	if has, ok := d.packs[pack]; ok {
		return has
	}
	return d.saved[pack]
}
