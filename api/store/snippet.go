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

// snippet picks the column holding the most of the seller's different words, then the most
// matches (the message's text first on a tie) and cuts up to snippetTokens words of it around them, "…" marking what was cut. Marks are
// the matched words' byte ranges in the snippet. The text is raw: sanitise before display.
func (h *highlighter) snippet(cols []string) (string, []Span) {
	best, bestToks, bestScore := -1, []token(nil), columnScore{}
	for i, c := range cols {
		if !utf8.ValidString(c) {
			c = strings.ToValidUTF8(c, "\uFFFD")
			cols[i] = c
		}
		toks, sc := h.tokens(c)
		// With no match anywhere (the index folds a few letters differently), the first
		// column with words is shown.
		if best < 0 && len(toks) > 0 || sc.better(bestScore) {
			best, bestToks, bestScore = i, toks, sc
		}
	}
	if best < 0 {
		return cols[0], nil
	}
	text, toks := cols[best], bestToks
	if len(toks) == 0 {
		return text, nil
	}
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
	shift := b.Len() - start
	b.WriteString(text[start:end])
	if to < len(toks) {
		b.WriteString("…")
	}
	var marks []Span
	for _, t := range toks[from:to] {
		if t.match {
			marks = append(marks, Span{Start: t.start + shift, End: t.end + shift})
		}
	}
	return b.String(), marks
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
