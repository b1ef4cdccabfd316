package sandbox_test

import (
	"strings"
	"testing"

	"github.com/postsale/postsale/api/sandbox"
)

const domReason = "2000009100000003" // domestic demo: needs a contact reason

// DELIVERY_PROMISE's NUMBER var is checked strictly: missing or not an integer is refused, a
// negative number of days is Mercado Libre's 500; a used-up reason is a 403.
func TestActionGuideVarsAndCapsAreStrict(t *testing.T) {
	sb, ts := newServer(t, sandbox.Domestic())
	url := ts.URL + "/messages/action_guide/packs/" + domReason + "/option?tag=post_sale"
	tpl := `"option_id":"DELIVERY_PROMISE","template_id":"TEMPLATE___DELIVERY_PROMISE___1"`
	for _, tc := range []struct {
		body string
		want int
		says string
	}{
		{"{" + tpl + "}", 400, "DAYS is required"},
		{"{" + tpl + `,"vars":[{"id":"DAYS","value":"12"}]}`, 400, "must be a NUMBER"},
		{"{" + tpl + `,"vars":[{"id":"DAYS","value":1.5}]}`, 400, "must be a NUMBER"},
		{"{" + tpl + `,"vars":[{"id":"DAYS","value":-1}]}`, 500, "delivery date is before"},
		{`{"option_id":"SEND_INVOICE_LINK","template_id":"TEMPLATE___SEND_INVOICE_LINK___1"}`, 403, "not allowed to execute"},
		{`{"option_id":"NOPE"}`, 404, "Invalid option"},
		{"{" + tpl + `,"vars":[{"id":"DAYS","value":12}]}`, 201, "chega em 12 dias"},
	} {
		status, body := postJSON(t, sb, url, tc.body)
		if status != tc.want || !strings.Contains(body, tc.says) {
			t.Errorf("%s: %d %s, want %d %q", tc.body, status, body, tc.want, tc.says)
		}
	}
}
