package packlist

import "github.com/postsale/postsale/ui/common"

// frameCache keeps what the last frame drew that the next one most often repeats: a spinner
// tick redraws the list ten times a second while its title and rows stay the same.
type frameCache struct {
	titleKey titleKey
	title    string
	titleOK  bool

	join common.JoinCache
}

// titleKey is everything the (unfiltered) title line is drawn from.
type titleKey struct {
	styles  *common.Styles
	section Section
	tally   sectionTally
	width   int
	team    [3]string // teamTitle
	history historyWords
}
