package serve

import (
	"strconv"

	"github.com/postsale/postsale/api/sanitize"
)

// memberPlace is where one teammate is, their sessions taken together.
type memberPlace struct {
	Member string
	Where  string // "", " on 2000001", " replying on 2000001", " replying on 2000001 (+1)"
}

// teammatePlaces sums up presence per teammate (self excluded), in presence order: a person
// connected twice is one entry, and what matters most shows — a pack one of their sessions is
// replying on before the packs they only show, then the list. Packs past the first say how many
// more there are ("(+2)").
func teammatePlaces(ps []Presence, self string) []memberPlace {
	type places struct {
		typing, open []string
	}
	var order []string
	by := map[string]*places{}
	add := func(list []string, pack string) []string {
		for _, p := range list {
			if p == pack {
				return list
			}
		}
		return append(list, pack)
	}
	for _, p := range ps {
		if p.Member == self {
			continue
		}
		pl := by[p.Member]
		if pl == nil {
			pl = &places{}
			by[p.Member] = pl
			order = append(order, p.Member)
		}
		if p.Typing != "" {
			pl.typing = add(pl.typing, p.Typing)
		}
		if p.PackID != "" {
			pl.open = add(pl.open, p.PackID)
		}
	}
	out := make([]memberPlace, 0, len(order))
	for _, member := range order {
		pl := by[member]
		all := pl.typing
		for _, p := range pl.open {
			all = add(all, p)
		}
		var where string
		switch {
		case len(pl.typing) > 0:
			where = " replying on " + sanitize.Line(pl.typing[0])
		case len(pl.open) > 0:
			where = " on " + sanitize.Line(pl.open[0])
		}
		if len(all) > 1 {
			where += " (+" + strconv.Itoa(len(all)-1) + ")"
		}
		out = append(out, memberPlace{Member: member, Where: where})
	}
	return out
}
