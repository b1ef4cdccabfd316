package common

// Messages of the local store's part of a session (the pack list's sync, the search view).

// NewMessagesMsg: a sync brought new buyer messages while the inbox is open. The root rings the
// terminal's bell (and a desktop notification where the terminal has one) unless notices are off.
type NewMessagesMsg struct {
	Count  int      // new buyer messages
	Buyers []string // the buyers who wrote, sanitised, one per pack
}

// SearchMsg asks the root to open the search over the stored history (`s` in the pack list).
type SearchMsg struct{}
