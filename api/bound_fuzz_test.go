package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// shapeByTokens measures b with encoding/json's tokenizer: the longest list, the list items in
// all, and the deepest nesting. The reference checkAnswerShape must agree with.
func shapeByTokens(b []byte) (longest, total, deepest int) {
	dec := json.NewDecoder(bytes.NewReader(b))
	type frame struct {
		list bool
		n    int
	}
	var stack []frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return
		}
		d, isDelim := tok.(json.Delim)
		if isDelim && (d == ']' || d == '}') {
			stack = stack[:len(stack)-1]
			continue
		}
		if len(stack) > 0 && stack[len(stack)-1].list {
			stack[len(stack)-1].n++
			total++
			longest = max(longest, stack[len(stack)-1].n)
		}
		if isDelim {
			stack = append(stack, frame{list: d == '['})
			deepest = max(deepest, len(stack))
		}
	}
}

// FuzzAnswerShape checks the allocation-free pre-scan against encoding/json on any valid
// answer: it refuses exactly the answers with a list over MaxListItems, more than
// MaxAnswerItems items or nesting over maxDepth.
func FuzzAnswerShape(f *testing.F) {
	for _, n := range []int{0, 1, 2, MaxListItems - 1, MaxListItems, MaxListItems + 1, 3 * MaxListItems} {
		f.Add([]byte(`{"messages":[` + strings.TrimSuffix(strings.Repeat(`{},`, n), ",") + `]}`))
		f.Add([]byte(`[` + strings.TrimSuffix(strings.Repeat(`[1,"a,]",{"k":[]}],`, n/3), ",") + `]`))
	}
	f.Add([]byte(strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth)))
	f.Add([]byte(strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1)))
	f.Add([]byte(`{"a":"[[[\"]]]\\","b":[ 1 , 2 ,{"c":[true,false,null]}]}`))
	f.Add([]byte(`{"messages":[{"text":"\u005b,,,,"},{}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		err := checkAnswerShape(b)
		if err != nil && !errors.Is(err, ErrAnswerTooLarge) {
			t.Fatalf("error %v is not ErrAnswerTooLarge", err)
		}
		if !json.Valid(b) {
			return
		}
		longest, total, deepest := shapeByTokens(b)
		over := longest > MaxListItems || total > MaxAnswerItems || deepest > maxDepth
		if over != (err != nil) {
			t.Fatalf("longest %d, total %d, deepest %d: pre-scan said %v", longest, total, deepest, err)
		}
	})
}
