package api

import (
	"errors"
	"fmt"
)

// Bounds on a JSON answer, checked before anything is decoded: what a page may hold, so a
// hostile or broken server cannot make decoding allocate without end (63 MB of `{}` once grew
// the process to 9 GB). A page of messages or orders is at most 50 items; the bounds leave room.
const (
	// MaxAnswerBytes is the largest JSON answer read.
	MaxAnswerBytes = 16 << 20
	// MaxListItems is the most items one list of an answer may hold (messages of a page,
	// attachments of a message, unread packs, orders).
	MaxListItems = 1000
	// MaxAnswerItems is the most list items a whole answer may hold.
	MaxAnswerItems = 50_000
	// maxDepth is the deepest nesting of objects and lists accepted.
	maxDepth = 64
)

// ErrAnswerTooLarge matches (errors.Is) an answer refused by the bounds above.
var ErrAnswerTooLarge = errors.New("the answer is larger than postsale accepts")

// tooLarge is the reason an answer was refused.
type tooLarge struct{ why string }

func (e *tooLarge) Error() string        { return "answer too large: " + e.why }
func (e *tooLarge) Is(target error) bool { return target == ErrAnswerTooLarge }

// checkAnswerShape walks b once, without allocating per value, and refuses an answer whose
// lists or nesting exceed the bounds. It does not validate JSON; json.Unmarshal does after.
func checkAnswerShape(b []byte) error {
	type frame struct {
		list bool
		n    int
	}
	var stack [maxDepth + 1]frame
	depth, total := 0, 0
	inString, escaped := false, false
	// value notes the start of a value: the first one in a list counts as its first item.
	value := func() error {
		if depth > 0 && stack[depth-1].list && stack[depth-1].n == 0 {
			stack[depth-1].n = 1
			total++
		}
		if total > MaxAnswerItems {
			return &tooLarge{fmt.Sprintf("more than %d list items", MaxAnswerItems)}
		}
		return nil
	}
	for _, c := range b {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case ' ', '\t', '\n', '\r', ':':
		case '"':
			if err := value(); err != nil {
				return err
			}
			inString = true
		case '[', '{':
			if err := value(); err != nil {
				return err
			}
			if depth == maxDepth {
				return &tooLarge{fmt.Sprintf("nested more than %d deep", maxDepth)}
			}
			stack[depth] = frame{list: c == '['}
			depth++
		case ']', '}':
			if depth > 0 {
				depth--
			}
		case ',':
			if depth > 0 && stack[depth-1].list {
				f := &stack[depth-1]
				f.n++
				total++
				if f.n > MaxListItems {
					return &tooLarge{fmt.Sprintf("a list of more than %d items", MaxListItems)}
				}
				if total > MaxAnswerItems {
					return &tooLarge{fmt.Sprintf("more than %d list items", MaxAnswerItems)}
				}
			}
		default:
			if err := value(); err != nil {
				return err
			}
		}
	}
	return nil
}
