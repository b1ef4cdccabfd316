package serve

import (
	"reflect"
	"testing"
)

// A teammate connected twice is one entry in the team bar, and the session that is replying
// says so even when the other one arrived first (the list, another pack).
func TestTeammatePlacesTakeEachPersonsSessionsTogether(t *testing.T) {
	ps := []Presence{
		{Member: "Ana", Self: true},
		{Member: "Bruno"}, // on the list
		{Member: "Bruno", PackID: "200002", Typing: "200002"},
		{Member: "Carla", PackID: "200003"},
		{Member: "Carla", PackID: "200004"},
		{Member: "Carla", PackID: "200003"},
		{Member: "Dora"},
		{Member: "Eva", PackID: "200005"},
		{Member: "Eva", PackID: "200006", Typing: "200006"},
		{Member: "Ana", PackID: "200007"}, // the person's own other session: not a teammate
	}
	got := teammatePlaces(ps, "Ana")
	want := []memberPlace{
		{"Bruno", " replying on 200002"},
		{"Carla", " on 200003 (+1)"},
		{"Dora", ""},
		{"Eva", " replying on 200006 (+1)"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("teammatePlaces =\n%+v\nwant\n%+v", got, want)
	}
}
