package sandbox

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"path"
	"strconv"
	"strings"
	"time"
)

// demoDoc is the shape of assets/demo/demo.json.
type demoDoc struct {
	Seller struct {
		ID        json.Number `json:"id"`
		Nickname  string      `json:"nickname"`
		Name      string      `json:"name"`
		FirstName string      `json:"first_name"`
		LastName  string      `json:"last_name"`
		SiteID    string      `json:"site_id"`
		CountryID string      `json:"country_id"`
	} `json:"seller"`
	ClientID json.Number `json:"client_id"`
	Packs    []demoPack  `json:"packs"`
}

type demoPack struct {
	ID     string `json:"id"`
	SiteID string `json:"site_id"`
	Buyer  struct {
		ID       json.Number `json:"id"`
		Nickname string      `json:"nickname"`
		Name     string      `json:"name"`
	} `json:"buyer"`
	Orders     []string      `json:"orders"`
	Shipment   *json.Number  `json:"shipment"`
	CreatedAgo string        `json:"created_ago"`
	Status     string        `json:"status"`
	Substatus  string        `json:"substatus"`
	StatusAgo  string        `json:"status_ago"`
	ClaimIDs   []json.Number `json:"claim_ids"`
	// Domestic demo only: the messaging agent's conversation type on a thread it handles, an
	// order without pack, the items' titles, a per-thread seller_max_message_length and whether
	// the seller must pick a contact reason (action_guide).
	Agent       string   `json:"agent"`
	NoPack      bool     `json:"no_pack"`
	Items       []string `json:"items"`
	SellerMax   *int     `json:"seller_max"`
	ActionGuide bool     `json:"action_guide"`
	Generate    *struct {
		Count     int            `json:"count"`
		Spacing   string         `json:"spacing"`
		Templates []demoTemplate `json:"templates"`
	} `json:"generate"`
	Messages []demoMessage `json:"messages"`
}

type demoTemplate struct {
	From string `json:"from"`
	Text string `json:"text"`
	Tr   string `json:"tr"`
}

type demoMessage struct {
	From       string `json:"from"`
	Ago        string `json:"ago"`
	Text       string `json:"text"`
	Tr         string `json:"tr"`
	Unread     bool   `json:"unread"`
	First      bool   `json:"first"`
	Status     string `json:"status"`
	Moderation *struct {
		Status string `json:"status"`
		Reason string `json:"reason"`
	} `json:"moderation"`
	Attachments []demoAttachment `json:"attachments"`
}

type demoAttachment struct {
	Name    string `json:"name"`
	Type    string `json:"type"`
	Title   string `json:"title"`
	Content string `json:"content"`
	Threat  bool   `json:"threat"`
	Broken  bool   `json:"broken"`
}

// loadDemo builds the sandbox's state from the demo document, with dates relative to now.
func loadDemo(doc []byte, now time.Time) (*store, error) {
	var d demoDoc
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("decode demo data: %w", err)
	}
	st := newStore()
	st.seller = user{
		ID: d.Seller.ID.String(), Nickname: d.Seller.Nickname, Name: d.Seller.Name,
		FirstName: d.Seller.FirstName, LastName: d.Seller.LastName,
		SiteID: d.Seller.SiteID, CountryID: d.Seller.CountryID,
	}
	st.clientID = d.ClientID.String()
	for _, dp := range d.Packs {
		created, err := ago(now, dp.CreatedAgo)
		if err != nil {
			return nil, fmt.Errorf("pack %s: %w", dp.ID, err)
		}
		p := &pack{
			id: dp.ID, site: dp.SiteID, created: created, orders: dp.Orders,
			buyer:  user{ID: dp.Buyer.ID.String(), Nickname: dp.Buyer.Nickname, Name: dp.Buyer.Name},
			status: "active", statusDate: created,
			agent: dp.Agent, noPack: dp.NoPack, items: dp.Items, sellerMax: dp.SellerMax,
		}
		if dp.ActionGuide {
			p.caps = defaultCaps()
		}
		if dp.Shipment != nil {
			p.shipment = dp.Shipment.String()
		}
		for _, c := range dp.ClaimIDs {
			p.claimIDs = append(p.claimIDs, c.String())
		}
		if dp.Status != "" {
			p.status, p.substatus = dp.Status, dp.Substatus
			if p.statusDate, err = ago(now, dp.StatusAgo); err != nil {
				return nil, fmt.Errorf("pack %s: %w", dp.ID, err)
			}
		}
		msgs, err := expandMessages(dp, now)
		if err != nil {
			return nil, fmt.Errorf("pack %s: %w", dp.ID, err)
		}
		for i, dm := range msgs {
			at, err := ago(now, dm.Ago)
			if err != nil {
				return nil, fmt.Errorf("pack %s message %d: %w", dp.ID, i, err)
			}
			m := &message{
				id: stableID(dp.ID, strconv.Itoa(i)), pack: p, fromSeller: dm.From == "seller",
				text: dm.Text, translated: dm.Tr, created: at, first: dm.First || i == 0,
				status: "available", modStatus: "clean", seq: len(st.byID),
			}
			if dm.Status != "" {
				m.status = dm.Status
			}
			if dm.Moderation != nil {
				m.modStatus, m.modReason = dm.Moderation.Status, dm.Moderation.Reason
			}
			if !dm.Unread {
				m.read = at.Add(7 * time.Minute)
				if m.read.After(now) {
					m.read = now
				}
			}
			owner := p.buyer.ID
			if m.fromSeller {
				owner = st.seller.ID
			}
			for j, da := range dm.Attachments {
				a, err := demoBlob(da, owner, stableID(m.id, strconv.Itoa(j)), at)
				if err != nil {
					return nil, fmt.Errorf("pack %s attachment %s: %w", dp.ID, da.Name, err)
				}
				st.attachments[a.id] = a
				m.attachments = append(m.attachments, a.id)
			}
			p.messages = append(p.messages, m)
			st.byID[m.id] = m
		}
		st.packs[p.id] = p
		st.order = append(st.order, p)
	}
	return st, nil
}

// expandMessages puts the generated history (oldest first) before the pack's written messages.
func expandMessages(dp demoPack, now time.Time) ([]demoMessage, error) {
	g := dp.Generate
	if g == nil || g.Count == 0 {
		return dp.Messages, nil
	}
	if len(g.Templates) == 0 {
		return nil, fmt.Errorf("generate needs templates")
	}
	spacing, err := parseAgo(g.Spacing)
	if err != nil {
		return nil, err
	}
	// The generated history ends a spacing before the oldest written message (or now).
	end := time.Duration(0)
	if len(dp.Messages) > 0 {
		if end, err = parseAgo(dp.Messages[0].Ago); err != nil {
			return nil, err
		}
	}
	out := make([]demoMessage, 0, g.Count+len(dp.Messages))
	for i := range g.Count {
		t := g.Templates[i%len(g.Templates)]
		n := 100 + i*7%900
		back := end + time.Duration(g.Count-i)*spacing
		out = append(out, demoMessage{
			From: t.From, Ago: back.String(),
			Text: fmt.Sprintf(t.Text, n), Tr: fmt.Sprintf(t.Tr, n),
		})
	}
	return append(out, dp.Messages...), nil
}

// ago returns now minus a duration written like "40m", "2h", "3d" or "2d20h".
func ago(now time.Time, s string) (time.Time, error) {
	d, err := parseAgo(s)
	if err != nil {
		return time.Time{}, err
	}
	return now.Add(-d).Truncate(time.Second), nil
}

func parseAgo(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	var days time.Duration
	if i := strings.IndexByte(s, 'd'); i >= 0 {
		n, err := strconv.Atoi(s[:i])
		if err != nil {
			return 0, fmt.Errorf("bad duration %q", s)
		}
		days = time.Duration(n) * 24 * time.Hour
		s = s[i+1:]
		if s == "" {
			return days, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("bad duration %q", s)
	}
	return days + d, nil
}

// stableID derives a 32-hex id from parts so the demo's ids are the same on every run.
func stableID(parts ...string) string {
	h := sha1.Sum([]byte(strings.Join(parts, "/")))
	return hex.EncodeToString(h[:16])
}

// demoBlob makes a demo attachment with real bytes of its type.
func demoBlob(da demoAttachment, owner, seed string, at time.Time) (*blob, error) {
	data, err := demoBytes(da, seed)
	if err != nil {
		return nil, err
	}
	u := seed[0:8] + "-" + seed[8:12] + "-4" + seed[13:16] + "-a" + seed[17:20] + "-" + seed[20:32]
	return &blob{
		id: owner + "_" + u + path.Ext(da.Name), original: da.Name, mime: da.Type, data: data,
		created: at, threat: da.Threat, broken: da.Broken, owner: owner,
	}, nil
}

func demoBytes(da demoAttachment, seed string) ([]byte, error) {
	switch da.Type {
	case "image/png", "image/jpeg":
		img := image.NewRGBA(image.Rect(0, 0, 32, 24))
		c := color.RGBA{R: seed[0], G: seed[1], B: seed[2], A: 0xff}
		for y := range 24 {
			for x := range 32 {
				if (x/8+y/8)%2 == 0 {
					img.Set(x, y, c)
				} else {
					img.Set(x, y, color.White)
				}
			}
		}
		var buf bytes.Buffer
		var err error
		if da.Type == "image/png" {
			err = png.Encode(&buf, img)
		} else {
			err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80})
		}
		return buf.Bytes(), err
	case "application/pdf":
		return tinyPDF(da.Title), nil
	case "text/plain":
		return []byte(da.Content), nil
	}
	return nil, fmt.Errorf("no demo bytes for type %s", da.Type)
}

// tinyPDF writes a valid one-page PDF showing title, with a correct cross-reference table.
func tinyPDF(title string) []byte {
	title = strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(title)
	stream := fmt.Sprintf("BT /F1 18 Tf 36 90 Td (%s) Tj ET", title)
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}
