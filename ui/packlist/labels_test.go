package packlist

import (
	"strings"
	"testing"
)

// Once a row knows its buyer, the tasks that reload it name the buyer (the status bar shows
// them, offline most of all), never the pack id.
func TestHeaderTasksNameTheBuyer(t *testing.T) {
	h := newHarness(t, 100, 200)
	h.drain(t, h.m.Init())
	r := h.m.visible[0]
	if r.Buyer == "" {
		t.Fatal("the first row has no buyer")
	}
	h.m.headerCmd(r.PackID) // registers its task, as the refresh does
	found := false
	for _, task := range h.c.Tasks.InFlight() {
		if strings.Contains(task.Label, r.PackID) {
			t.Fatalf("task %q names the pack id", task.Label)
		}
		found = found || task.Label == "Loading the conversation with "+r.Buyer
	}
	if !found {
		t.Fatalf("no task names %q: %v", r.Buyer, h.c.Tasks.InFlight())
	}
}
