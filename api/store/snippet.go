package store

import (
	"bytes"
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/postsale/postsale/api/sanitize"
)

// snippetTokens is how many words a snippet shows around the matches (FTS5's snippet() took 16
// too).
const snippetTokens = 16

// highlighter finds the seller's words in a matched row's indexed text, and cuts the snippet
// around them. Words are compared the way the index compares them (case and accents folded);
// the words and the prefix are MatchQuery's (queryWords).
// Every word of every result's columns is folded, so folding goes a rune at a time into one
// buffer, each non-ASCII rune's fold remembered.
type highlighter struct {
	words  [][]byte // folded
	prefix bool     // the last word matches as a prefix
	folds  map[rune]string
	buf    []byte
}

func newHighlighter(text string) *highlighter {
	h := &highlighter{folds: map[rune]string{}}
	words, prefix := queryWords(text)
	for _, w := range words {
		h.words = append(h.words, h.fold(nil, w))
	}
	h.prefix = prefix
	return h
}

// isTokenRune is a rune the index's tokenizer (unicode61) keeps inside a word: letters, numbers,
// private-use characters, and the combining marks it folds away.
func isTokenRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r) || unicode.Is(unicode.Mn, r)
}

// fold appends s folded (sanitize.Fold, a rune at a time) to dst.
func (h *highlighter) fold(dst []byte, s string) []byte {
	for _, r := range s {
		switch {
		case 'A' <= r && r <= 'Z':
			dst = append(dst, byte(r)+'a'-'A')
		case r < utf8.RuneSelf:
			dst = append(dst, byte(r))
		default:
			f, ok := h.folds[r]
			if !ok {
				f = sanitize.Fold(string(r))
				h.folds[r] = f
			}
			dst = append(dst, f...)
		}
	}
	return dst
}

// matches says which of the seller's words word is (a bit per word; 0 for none).
func (h *highlighter) matches(word string) uint64 {
	h.buf = h.fold(h.buf[:0], word)
	var which uint64
	for i, w := range h.words {
		if bytes.Equal(h.buf, w) || (h.prefix && i == len(h.words)-1 && bytes.HasPrefix(h.buf, w)) {
			which |= 1 << (i % 64)
		}
	}
	return which
}

// token is a word of a column: its byte range and whether it is one of the seller's words.
type token struct {
	start, end int
	match      bool
}

// tokens splits a column into words and scores it: how many of the seller's different words
// it holds, then how many matches.
func (h *highlighter) tokens(s string) (toks []token, score columnScore) {
	start := -1
	for i, r := range s {
		if isTokenRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			toks = h.add(toks, &score, s, start, i)
			start = -1
		}
	}
	if start >= 0 {
		toks = h.add(toks, &score, s, start, len(s))
	}
	return toks, score
}

func (h *highlighter) add(toks []token, score *columnScore, s string, start, end int) []token {
	which := h.matches(s[start:end])
	if which != 0 {
		score.words |= which
		score.matches++
	}
	return append(toks, token{start, end, which != 0})
}

// columnScore ranks a row's columns for the snippet.
type columnScore struct {
	words   uint64 // which of the seller's words the column holds
	matches int
}

func (a columnScore) better(b columnScore) bool {
	if aw, bw := bits.OnesCount64(a.words), bits.OnesCount64(b.words); aw != bw {
		return aw > bw
	}
	return a.matches > b.matches
}

// The search table's columns, in its order (searchColumns of them). A message's own are its
// text, translation and attachment names; the others are its pack's, which every message of
// the pack carries.
const (
	colText = iota
	colTranslated
	colBuyer
	colPack
	colItems
	colFiles
)

// cut is a snippet: its text, the matches in it, and what the row's columns say about it.
type cut struct {
	text  string
	marks []Span
	// inTranslation: the message's translation holds searched words its text does not.
	inTranslation bool
}

// snippet cuts a result's snippet from its row's columns (cols, searchColumns of them; invalid
// UTF-8 is mended in place). A message found by its own words (pack false) shows the one of its
// own columns holding the most of the seller's different words, then the most matches (text,
// then translation, then attachment names on a tie); its pack's columns (buyer, pack id, item
// titles) only when none of its own holds any. A conversation found by its pack's columns (pack
// true) shows those. Up to snippetTokens words are cut around the matches, "…" marking what was
// cut, on one line (see line). Marks are the matched words' byte ranges in the snippet. The
// text is raw: sanitise before display.
func (h *highlighter) snippet(cols []string, pack bool) cut {
	var toks [searchColumns][]token
	var scores [searchColumns]columnScore
	var done [searchColumns]bool
	score := func(i int) {
		if done[i] {
			return
		}
		if !utf8.ValidString(cols[i]) {
			cols[i] = strings.ToValidUTF8(cols[i], "\uFFFD")
		}
		toks[i], scores[i] = h.tokens(cols[i])
		done[i] = true
	}
	// A message's own columns, then its pack's (the other way round for a conversation's
	// result), each in the order a tie goes to.
	first, then := [3]int{colText, colTranslated, colFiles}, [3]int{colBuyer, colPack, colItems}
	if pack {
		first, then = then, first
	}
	best := -1
	for _, group := range [2][3]int{first, then} {
		for _, i := range group {
			score(i)
			if scores[i].words != 0 && (best < 0 || scores[i].better(scores[best])) {
				best = i
			}
		}
		if best >= 0 {
			break
		}
	}
	if best < 0 {
		// No match anywhere (the index folds a few letters differently): the first column
		// with words is shown.
		for i := range cols {
			if score(i); len(toks[i]) > 0 {
				best = i
				break
			}
		}
	}
	var c cut
	if !pack {
		score(colText)
		score(colTranslated)
		c.inTranslation = scores[colTranslated].words&^scores[colText].words != 0
	}
	if best < 0 {
		c.text = line(cols[colText], false)
		return c
	}
	c.text, c.marks = cutAround(cols[best], toks[best], best == colItems)
	return c
}

// cutAround cuts text (its words toks, at least one) to the window holding the most matches, on
// one line.
func cutAround(text string, toks []token, titles bool) (string, []Span) {
	from, to := window(toks)
	start, end := toks[from].start, toks[to-1].end
	var b strings.Builder
	if from == 0 {
		start = len(text) - len(strings.TrimLeftFunc(text, unicode.IsSpace)) // the text's own start, blanks aside
	} else {
		b.WriteString("…")
	}
	if to == len(toks) {
		end = len(strings.TrimRightFunc(text, unicode.IsSpace))
	}
	// Words are copied as they are; what lies between them goes on one line.
	var marks []Span
	at := start
	for _, t := range toks[from:to] {
		b.WriteString(line(text[at:t.start], titles))
		if t.match {
			marks = append(marks, Span{Start: b.Len(), End: b.Len() + t.end - t.start})
		}
		b.WriteString(text[t.start:t.end])
		at = t.end
	}
	b.WriteString(line(text[at:end], titles))
	if to < len(toks) {
		b.WriteString("…")
	}
	return b.String(), marks
}

// line puts s on one line: every run of white space but a lone space becomes one space, or
// " · " between item titles (titles: the items column, one title a line), so the views, which
// show a snippet on one line, neither run words together nor drop the spaces beside a match.
func line(s string, titles bool) string {
	if !needsLine(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	run, newline := false, false
	flush := func() {
		if !run {
			return
		}
		if titles && newline {
			b.WriteString(" · ")
		} else {
			b.WriteByte(' ')
		}
		run, newline = false, false
	}
	for _, r := range s {
		if unicode.IsSpace(r) {
			run = true
			newline = newline || r == '\n' || r == '\r'
			continue
		}
		flush()
		b.WriteRune(r)
	}
	flush()
	return b.String()
}

// needsLine says whether s holds white space line would change: anything but lone spaces.
func needsLine(s string) bool {
	space := false
	for _, r := range s {
		switch {
		case r == ' ':
			if space {
				return true
			}
			space = true
		case unicode.IsSpace(r):
			return true
		default:
			space = false
		}
	}
	return false
}

// window is the run of at most snippetTokens tokens holding the most matches, starting a
// couple of words before its first match so the match is read in context.
func window(toks []token) (from, to int) {
	n := len(toks)
	if n <= snippetTokens {
		return 0, n
	}
	bestFrom, bestCount := 0, -1
	for i, t := range toks {
		if !t.match {
			continue
		}
		f := min(max(0, i-2), n-snippetTokens)
		c := 0
		for _, u := range toks[f : f+snippetTokens] {
			if u.match {
				c++
			}
		}
		if c > bestCount {
			bestFrom, bestCount = f, c
		}
	}
	return bestFrom, bestFrom + snippetTokens
}
