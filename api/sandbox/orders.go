package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Order search page sizes: the default and the most one page holds.
const (
	defaultSearchLimit = 50
	maxSearchLimit     = 50
)

// me answers GET /users/me for the demo seller.
func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	u := s.data.seller
	tags := []string{"normal", "cbt_seller"}
	if s.domestic {
		tags = []string{"normal"}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"id": json.Number(u.ID), "nickname": u.Nickname, "site_id": u.SiteID,
		"country_id": u.CountryID, "first_name": u.FirstName, "last_name": u.LastName,
		"user_type": "normal", "tags": tags,
	})
}

type searchRef struct {
	ID json.Number `json:"id"`
}

type searchUser struct {
	ID       json.Number `json:"id"`
	Nickname string      `json:"nickname,omitempty"`
}

type searchOrder struct {
	ID     json.Number `json:"id"`
	Seller searchUser  `json:"seller"`
}

type searchPack struct {
	ID          json.Number   `json:"id"`
	Buyer       searchUser    `json:"buyer"`
	Orders      []searchOrder `json:"orders"`
	Shipment    *searchRef    `json:"shipment"`
	DateCreated string        `json:"date_created"`
	SiteID      string        `json:"site_id"`
}

type sortOption struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// orderSearchParams checks what both flavours' order searches share: the seller (this account)
// and the sort, date_asc by default. It has answered with the error when ok is false.
func (s *Server) orderSearchParams(w http.ResponseWriter, q url.Values) (sort string, ok bool) {
	seller := q.Get("seller")
	if seller == "" {
		writeError(w, http.StatusBadRequest, "bad_request", "The seller param is required")
		return "", false
	}
	if seller != s.data.seller.ID {
		writeError(w, http.StatusForbidden, "forbidden", fmt.Sprintf("User access token invalid for resource %s", seller))
		return "", false
	}
	sort = q.Get("sort")
	if sort == "" {
		sort = "date_asc"
	}
	if sort != "date_asc" && sort != "date_desc" {
		writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("Invalid sort param: %s", sort))
		return "", false
	}
	return sort, true
}

// orderSearch lists the seller's packs by date. A page carries a scroll_id only when more
// results follow; passing it back continues the same sort.
func (s *Server) orderSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	sort, ok := s.orderSearchParams(w, q)
	if !ok {
		return
	}
	limit := defaultSearchLimit
	if q.Has("limit") {
		n, err := strconv.Atoi(q.Get("limit"))
		if err != nil || n <= 0 {
			writeError(w, http.StatusBadRequest, "bad_request", "Invalid offset or limit param")
			return
		}
		limit = min(n, maxSearchLimit)
	}
	offset := 0
	if id := q.Get("scroll_id"); id != "" {
		var ok bool
		if offset, ok = parseScroll(id, sort); !ok {
			writeError(w, http.StatusBadRequest, "bad_request", "Invalid scroll_id param")
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	packs := s.sortedPacks(sort)
	total := len(packs)
	page := packs[min(offset, total):min(offset+limit, total)]
	results := make([]searchPack, 0, len(page))
	for _, p := range page {
		sp := searchPack{
			ID:          json.Number(p.id),
			Buyer:       searchUser{ID: json.Number(p.buyer.ID), Nickname: p.buyer.Nickname},
			DateCreated: stamp(p.created, true),
			SiteID:      p.site,
		}
		for _, o := range p.orders {
			sp.Orders = append(sp.Orders, searchOrder{ID: json.Number(o), Seller: searchUser{ID: json.Number(s.data.seller.ID)}})
		}
		if p.shipment != "" {
			sp.Shipment = &searchRef{ID: json.Number(p.shipment)}
		}
		results = append(results, sp)
	}
	paging := map[string]any{"total": total, "limit": limit}
	if offset+limit < total {
		paging["scroll_id"] = makeScroll(offset+limit, sort)
	}
	names := map[string]string{"date_asc": "Date ascending", "date_desc": "Date descending"}
	writeJSON(w, http.StatusOK, map[string]any{
		"results": results,
		"sort":    sortOption{ID: sort, Name: names[sort]},
		"available_sorts": []sortOption{
			{ID: "date_asc", Name: names["date_asc"]}, {ID: "date_desc", Name: names["date_desc"]},
		},
		"paging": paging,
	})
}

func makeScroll(offset int, sort string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(sort + ":" + strconv.Itoa(offset)))
}

func parseScroll(id, sort string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil {
		return 0, false
	}
	gotSort, off, ok := strings.Cut(string(b), ":")
	n, err := strconv.Atoi(off)
	if !ok || err != nil || n < 0 || gotSort != sort {
		return 0, false
	}
	return n, true
}

// sortedPacks returns the packs by creation date, sort date_asc or date_desc. s.mu is held.
func (s *Server) sortedPacks(sort string) []*pack {
	packs := slices.Clone(s.data.order)
	slices.SortStableFunc(packs, func(a, b *pack) int {
		c := a.created.Compare(b.created)
		if c == 0 {
			c = strings.Compare(a.id, b.id)
		}
		if sort == "date_desc" {
			return -c
		}
		return c
	})
	return packs
}
