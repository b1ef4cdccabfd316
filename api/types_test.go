package api_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/postsale/postsale/api"
)

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestDecodeSeedPackMessages(t *testing.T) {
	var conv api.Conversation
	if err := json.Unmarshal(readTestdata(t, "seed_pack_messages.json"), &conv); err != nil {
		t.Fatal(err)
	}
	if conv.Paging == nil || *conv.Paging != (api.Paging{Limit: 1, Offset: 0, Total: 1}) {
		t.Errorf("paging = %+v", conv.Paging)
	}
	cs := conv.ConversationStatus
	if cs == nil || cs.Status != api.ConversationActive || cs.Blocked() || cs.Substatus != "" || cs.ClaimIDs != nil ||
		cs.ShippingID != "" || !cs.StatusDate.Equal(date("2020-02-26T17:37:42Z")) || cs.StatusUpdateAllowed {
		t.Errorf("conversation_status = %+v", cs)
	}
	if len(conv.Messages) != 1 {
		t.Fatalf("%d messages", len(conv.Messages))
	}
	m := conv.Messages[0]
	checks := []struct {
		name      string
		got, want any
	}{
		{"id", m.ID, "2d45a5ad186041659e9a608f0c109dff"},
		{"site", m.SiteID, "MLM"},
		{"client", m.ClientID, api.ID("1344270061107690")},
		{"from", m.From, api.Party{UserID: "523132944", Name: "TESTNICOCBT TESTNICOCBT"}},
		{"to", m.To, api.Party{UserID: "441782523", Name: "Test Test"}},
		{"status", m.Status, api.StatusAvailable},
		{"subject", m.Subject, ""},
		{"text", m.Text, "This a message to buyer"},
		{"translated", m.TextTranslated, "Este es un mensaje para el comprador"},
		{"created", m.MessageDate.Created.Time, date("2020-03-13T15:14:10Z")},
		{"notified", m.MessageDate.Notified.IsZero(), true},
		{"unread", m.Unread(), true},
		{"moderation", m.Moderation.Status, api.ModerationClean},
		{"moderation reason", m.Moderation.Reason, api.Word("")},
		{"moderation source", m.Moderation.Source, "online"},
		{"attachments", len(m.Attachments), 2},
		{"attachment", m.Attachments[0], api.Attachment{
			Filename: "471826944_ba20cdf4-26b4-4c21-a689-5eabe271ddb3.png", OriginalFilename: "FileName.png",
			Type: "image/png", Size: 536766, CreationDate: api.Time{Time: date("2020-03-13T15:14:10Z")},
		}},
		{"pack", m.PackID(), "2315686468"},
		{"resources", m.Resources[1], api.Resource{ID: "523132944", Name: api.ResourceSellers}},
		{"first", m.ConversationFirstMessage, false},
		{"date", m.Date(), date("2020-03-13T15:14:10Z")},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
}

func TestDecodeSeedMessageByID(t *testing.T) {
	var conv api.Conversation
	if err := json.Unmarshal(readTestdata(t, "seed_message.json"), &conv); err != nil {
		t.Fatal(err)
	}
	if conv.Paging != nil || conv.ConversationStatus != nil || len(conv.Messages) != 1 {
		t.Fatalf("envelope = %+v", conv)
	}
	m := conv.Messages[0]
	if m.ID != "testmessage1123456" || m.ClientID != "818828848883" || m.Text != "" ||
		m.TextTranslated != "Este es un mensaje de prueba" || m.PackID() != "2000002725708674" {
		t.Errorf("message = %+v", m)
	}
	// user_id is a string in this example and a number in the other: both decode alike.
	if m.From.UserID != "1234567" || m.To.UserID != "7654321" || m.From.Name != "" {
		t.Errorf("from %+v to %+v", m.From, m.To)
	}
	if m.Attachments != nil {
		t.Errorf("null attachments decoded to %+v", m.Attachments)
	}
	if !m.MessageDate.Notified.Equal(date("2021-09-26T04:48:25Z")) || !m.MessageDate.Received.Equal(m.MessageDate.Notified.Time) {
		t.Errorf("dates with and without milliseconds: %+v", m.MessageDate)
	}
}

func TestDecodeSeedUpload(t *testing.T) {
	var up api.Upload
	if err := json.Unmarshal(readTestdata(t, "seed_upload.json"), &up); err != nil {
		t.Fatal(err)
	}
	if up.ID != "210438685_59f0f034-db1b-4ea6-8c5e-1d34e2092482.jpg" {
		t.Errorf("id = %q", up.ID)
	}
}

func TestDecodeQuirks(t *testing.T) {
	var v struct {
		A, B, C api.ID
		T1      api.Time `json:"t1"`
		T2      api.Time `json:"t2"`
		T3      api.Time `json:"t3"`
		T4      api.Time `json:"t4"`
		W       api.Word
		N       api.Word
		I1      api.IDs `json:"i1"`
		I2      api.IDs `json:"i2"`
		I3      api.IDs `json:"i3"`
		S1      api.SortOption
		S2      api.SortOption
		R       api.Ref
	}
	in := `{"a": 523132944, "b": "1234567", "c": null,
		"t1": "2020-03-13T15:14:10Z", "t2": "2021-09-26T04:48:25.000Z", "t3": null, "t4": "2021-09-26T01:48:25-03:00",
		"w": "IN_MODERATION", "n": null,
		"i1": null, "i2": 5123456789, "i3": [1, "2"],
		"s1": "date_desc", "s2": {"id": "date_asc", "name": "Date ascending"}, "r": null}`
	if err := json.Unmarshal([]byte(in), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != "523132944" || v.B != "1234567" || v.C != "" {
		t.Errorf("ids %q %q %q", v.A, v.B, v.C)
	}
	if !v.T1.Equal(date("2020-03-13T15:14:10Z")) || !v.T2.Equal(date("2021-09-26T04:48:25Z")) || !v.T3.IsZero() ||
		!v.T4.Equal(v.T2.Time) || v.T4.Location() != time.UTC {
		t.Errorf("times %v %v %v %v", v.T1, v.T2, v.T3, v.T4)
	}
	if v.W != api.StatusInModeration || v.N != "" {
		t.Errorf("words %q %q", v.W, v.N)
	}
	if v.I1 != nil || len(v.I2) != 1 || v.I2[0] != "5123456789" || len(v.I3) != 2 || v.I3[1] != "2" {
		t.Errorf("id lists %v %v %v", v.I1, v.I2, v.I3)
	}
	if v.S1.ID != "date_desc" || v.S2 != (api.SortOption{ID: "date_asc", Name: "Date ascending"}) || v.R.ID != "" {
		t.Errorf("sorts %+v %+v ref %+v", v.S1, v.S2, v.R)
	}

	for _, bad := range []string{`{"a": true}`, `{"t1": "yesterday"}`, `{"t1": 12}`, `{"w": 3}`} {
		if err := json.Unmarshal([]byte(bad), &v); err == nil {
			t.Errorf("%s decoded without error", bad)
		}
	}
}

func TestUnreadPackID(t *testing.T) {
	for res, want := range map[string]string{
		"/packs/2000001":                   "2000001",
		"/packs/2000001/sellers/523132944": "2000001",
		"packs/7":                          "7",
		"/orders/1":                        "",
		"":                                 "",
	} {
		if got := (api.UnreadPack{Resource: res}).PackID(); got != want {
			t.Errorf("PackID(%q) = %q, want %q", res, got, want)
		}
	}
}
