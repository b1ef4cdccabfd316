package api_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"reflect"
	"strings"
	"testing"

	"github.com/postsale/postsale/api"
)

func TestParseErrorShapes(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		want   api.Error
	}{
		{"seed", 400, string(readTestdata(t, "seed_no_token.json")),
			api.Error{StatusCode: 400, Code: "bad_request", Message: "Access token is required"}},
		{"seed download with null error", 500, string(readTestdata(t, "seed_download_error.json")),
			api.Error{StatusCode: 500, Message: "File can not be accessed, try it later"}},
		{"oauth", 400, `{"error_description":"invalid_grant: refresh token expired","error":"invalid_grant","status":400,"cause":[]}`,
			api.Error{StatusCode: 400, Code: "invalid_grant", Message: "invalid_grant: refresh token expired"}},
		{"status_code and code", 403, `{"status_code":403,"code":"forbidden","message":"blocked_conversation_send_message_forbidden"}`,
			api.Error{StatusCode: 403, Code: "forbidden", Message: "blocked_conversation_send_message_forbidden"}},
		{"cause first", 400, `{"cause":[{"code":"item.title","message":"title too long"},"second"],"error":"validation_error","message":"Bad fields","status_code":400}`,
			api.Error{StatusCode: 400, Code: "validation_error", Message: "Bad fields", Causes: []string{"title too long", "second"}}},
		{"cause as a string", 400, `{"message":"m","error":"e","status":400,"cause":"only one"}`,
			api.Error{StatusCode: 400, Code: "e", Message: "m", Causes: []string{"only one"}}},
		{"numeric code", 429, `{"code":429,"message":"slow down"}`,
			api.Error{StatusCode: 429, Code: "429", Message: "slow down"}},
		{"html from a proxy", 502, "<html><body><h1>502 Bad Gateway</h1></body></html>",
			api.Error{StatusCode: 502, Body: "<html><body><h1>502 Bad Gateway</h1></body></html>"}},
		{"empty body", 504, "", api.Error{StatusCode: 504}},
		{"broken json", 500, `{"message": "cut`, api.Error{StatusCode: 500, Body: `{"message": "cut`}},
		{"json array", 500, `[1,2]`, api.Error{StatusCode: 500, Body: `[1,2]`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := api.ParseError(c.status, []byte(c.body))
			if !reflect.DeepEqual(*got, c.want) {
				t.Errorf("ParseError = %#v\nwant        %#v", *got, c.want)
			}
			if got.Error() == "" || api.Explain(got) == "" {
				t.Error("empty error text")
			}
		})
	}
	long := api.ParseError(502, bytes.Repeat([]byte("x"), 5000))
	if len(long.Body) > 210 {
		t.Errorf("a long non-JSON body is kept whole (%d bytes)", len(long.Body))
	}
}

// TestExplainSeedErrorTable covers every row of the seed's error table, and the statuses around it.
func TestExplainSeedErrorTable(t *testing.T) {
	rows := []struct {
		status  int
		message string
		want    string
	}{
		{400, "Attachment empty or null", "attachment is empty"},
		{400, `File name cannot include characters such as: /, \`, "rename the file"},
		{400, "File size exceeds 25 Mb", "larger than 25 MB"},
		{400, "Message exceeds allowed number of attachments: 25", "at most 25 attachments"},
		{400, "You are not allowed to execute the option OTHER again", "maximum number of times"},
		{403, "You are not allowed to execute the option OTHER again", "maximum number of times"},
		{409, "There is another request locking this operation", "wait a moment and try again"},
		{400, "limit_exceeded", "longer than this contact reason allows"},
		{404, "Invalid option FOO", "does not offer that contact reason"},
		{500, "delivery date is before than today", "choose a later date"},
		{400, "The var DAYS must be a NUMBER", "whole number"},
		{400, "The var DAYS is required", "fill every field"},
		{400, "Messages id empty or invalid", "message id is empty or invalid"},
		{400, "The specified message id: a does not exists", "does not exist"},
		{400, "Not allowed messages from multiple orders", "one order at a time"},
		{400, "The limit param must be greater than 0.", "greater than 0"},
		{400, "Invalid offset or limit param", "offset or size is invalid"},
		{400, "The text has character/s that is/are not supported", "characters Mercado Libre does not accept"},
		{403, "User access token invalid for resource 2315686468", "not valid for this pack"},
		{403, "blocked_conversation_send_message_forbidden", "conversation is blocked"},
		{404, "The message with id: a could not be retrieved from storage", "wait a few seconds"},
		{422, "Attachment key is invalid or not found", "attach the file again"},
		{500, "Requested file could not be obtained", "cannot be downloaded right now"},
		{500, "File can not be accessed, try it later", "cannot be downloaded right now"},
		{500, "File can not be saved, try it later.", "could not save the file"},
		{400, "Access token is required", "No access token was sent"},
		{401, "invalid access token", "invalid or expired"},
		{429, "local_rate_limited", "rate limit"},
		{503, "", "try again in a moment"},
		{418, "I'm a teapot", "refused the request (418): I'm a teapot."},
		{418, "", "refused the request (418)."},
	}
	for _, r := range rows {
		got := api.Explain(&api.Error{StatusCode: r.status, Message: r.message})
		if !strings.Contains(got, r.want) {
			t.Errorf("Explain(%d %q) = %q, want it to say %q", r.status, r.message, got, r.want)
		}
	}
	if got := api.Explain(&api.Error{StatusCode: 400, Code: "invalid_grant"}); !strings.Contains(got, "log in again") {
		t.Errorf("invalid_grant: %q", got)
	}
}

// The reference's other wordings: the domestic upload errors, a file type refused (not the
// text), an operator account at the token step, and a 403 that says nothing: on a send it
// usually means the seller must wait for the buyer or used a cap; elsewhere the account.
func TestExplainReferenceWordings(t *testing.T) {
	rows := []struct {
		err  *api.Error
		want string
	}{
		{&api.Error{StatusCode: 400, Message: "File attachment is bigger than 25 Mb."}, "larger than 25 MB"},
		{&api.Error{StatusCode: 400, Message: "The original_filename exceeded 200 character limit"}, "200 characters"},
		{&api.Error{StatusCode: 400, Message: "File attached is empty"}, "attachment is empty"},
		{&api.Error{StatusCode: 400, Message: "File type application/zip not supported"}, "file type is not accepted"},
		{&api.Error{StatusCode: 400, Code: "invalid_operator_user_id", Message: "invalid_operator_user_id"}, "administrator"},
		{&api.Error{StatusCode: 403, Code: "forbidden", Message: "forbidden", Method: "POST", Path: "/marketplace/messages/packs/2000001"}, "wait for the buyer"},
		{&api.Error{StatusCode: 403, Code: "forbidden", Message: "forbidden", Method: "POST", Path: "/messages/packs/2000001/sellers/123"}, "wait for the buyer"},
		{&api.Error{StatusCode: 403, Code: "forbidden", Message: "forbidden", Method: "GET", Path: "/marketplace/messages/packs/2000001"}, "model 6"},
		{&api.Error{StatusCode: 403, Message: "User access token invalid for resource 2315686468", Method: "POST", Path: "/marketplace/messages/packs/2000001"}, "not valid for this pack"},
	}
	for _, r := range rows {
		if got := api.Explain(r.err); !strings.Contains(got, r.want) {
			t.Errorf("Explain(%d %s %s %q) = %q, want it to say %q", r.err.StatusCode, r.err.Method, r.err.Path, r.err.Message, got, r.want)
		}
	}
}

func TestExplainEdgeCases(t *testing.T) {
	if api.Explain(nil) != "" {
		t.Error("Explain(nil) is not empty")
	}
	wrapped := fmt.Errorf("send reply: %w", &api.ValidationError{Field: "text", Problem: "the text is empty"})
	if got := api.Explain(wrapped); got != "The text is empty." {
		t.Errorf("wrapped validation error: %q", got)
	}
	if got := api.Explain(fmt.Errorf("load: %w", api.ErrLoginRequired)); !strings.Contains(got, "log in again") {
		t.Errorf("login required: %q", got)
	}
	if got := api.Explain(context.Canceled); got != "Cancelled." {
		t.Errorf("cancelled: %q", got)
	}
}

func TestErrorIsAndTemporary(t *testing.T) {
	for status, sentinel := range map[int]error{429: api.ErrRateLimited, 401: api.ErrUnauthorized, 403: api.ErrForbidden, 404: api.ErrNotFound} {
		e := &api.Error{StatusCode: status}
		if !errors.Is(e, sentinel) || errors.Is(&api.Error{StatusCode: 400}, sentinel) {
			t.Errorf("%d and %v", status, sentinel)
		}
	}
	if (&api.Error{StatusCode: 400}).Temporary() || !(&api.Error{StatusCode: 502}).Temporary() || !(&api.Error{StatusCode: 429}).Temporary() {
		t.Error("Temporary is wrong")
	}
	e := &api.Error{StatusCode: 404, Code: "not_found", Message: "gone", Method: "GET", Path: "/x", RequestID: "r-1"}
	if got := e.Error(); got != "GET /x: 404 not_found: gone (request r-1)" {
		t.Errorf("Error() = %q", got)
	}
}

// TestSandboxErrorRows sends requests the client would refuse to send, straight to the sandbox,
// and checks every seed error row it produces decodes and explains.
func TestSandboxErrorRows(t *testing.T) {
	f := newFixture(t)
	big := bytes.Repeat([]byte("z"), api.MaxAttachmentSize+1)
	ids := make([]string, 26)
	for i := range ids {
		ids[i] = fmt.Sprintf(`"%s_%d.png"`, f.sb.SellerID(), i)
	}
	rows := []struct {
		name          string
		method, path  string
		contentType   string
		body          []byte
		status        int
		message, want string
	}{
		{"limit 0", "GET", "/marketplace/messages/packs/" + packAna + "?limit=0", "", nil,
			400, "The limit param must be greater than 0.", "greater than 0"},
		{"negative offset", "GET", "/marketplace/messages/packs/" + packAna + "?offset=-3", "", nil,
			400, "Invalid offset or limit param", "offset or size is invalid"},
		{"non-numeric limit", "GET", "/marketplace/messages/packs/" + packAna + "?limit=ten", "", nil,
			400, "Invalid offset or limit param", "offset or size is invalid"},
		{"text over 350", "POST", "/marketplace/messages/packs/" + packAna, "application/json",
			[]byte(`{"text":"` + strings.Repeat("a", 351) + `"}`),
			400, "The text exceeds the maximum length of 350 characters", "shorten it"},
		{"text in Cyrillic", "POST", "/marketplace/messages/packs/" + packAna, "application/json",
			[]byte(`{"text":"Пакет"}`),
			400, "The text has character/s that is/are not supported", "does not accept"},
		{"26 attachments", "POST", "/marketplace/messages/packs/" + packAna, "application/json",
			[]byte(`{"text":"files","attachments":[` + strings.Join(ids, ",") + `]}`),
			400, "Message exceeds allowed number of attachments: 25", "at most 25 attachments"},
		{"no file field", "POST", "/marketplace/messages/attachments?site_id=MLM", "", multipartBody(t, "document", "a.txt", "text/plain", []byte("x")),
			400, "Attachment empty or null", "attachment is empty"},
		{"empty file", "POST", "/marketplace/messages/attachments?site_id=MLM", "", multipartBody(t, "file", "a.txt", "text/plain", nil),
			400, "Attachment empty or null", "attachment is empty"},
		{"not multipart", "POST", "/marketplace/messages/attachments?site_id=MLM", "application/json", []byte(`{}`),
			400, "Attachment empty or null", "attachment is empty"},
		{"slash in name", "POST", "/marketplace/messages/attachments?site_id=MLM", "", multipartBody(t, "file", "../etc/passwd.txt", "text/plain", []byte("x")),
			400, `File name cannot include characters such as: /, \`, "rename the file"},
		{"backslash in name", "POST", "/marketplace/messages/attachments?site_id=MLM", "", multipartBody(t, "file", `C:\a.txt`, "text/plain", []byte("x")),
			400, `File name cannot include characters such as: /, \`, "rename the file"},
		{"gif", "POST", "/marketplace/messages/attachments?site_id=MLM", "", multipartBody(t, "file", "a.gif", "image/gif", []byte("GIF89a")),
			400, `File type "image/gif" is not allowed`, "file type is not accepted"},
		{"over 25 MB", "POST", "/marketplace/messages/attachments?site_id=MLM", "", multipartBody(t, "file", "big.pdf", "application/pdf", big),
			400, "File size exceeds 25 Mb", "larger than 25 MB"},
		{"no site", "POST", "/marketplace/messages/attachments", "", multipartBody(t, "file", "a.txt", "text/plain", []byte("x")),
			400, "The site_id param is required", "refused the request (400)"},
		{"CBT site", "POST", "/marketplace/messages/attachments?site_id=CBT", "", multipartBody(t, "file", "a.txt", "text/plain", []byte("x")),
			400, "Invalid site_id param: CBT", "refused the request (400)"},
		{"download without tag", "GET", "/marketplace/messages/attachments/x.png?site_id=MLM", "", nil,
			400, "The tag param is required: tag=post_sale", "refused the request (400)"},
		{"unread without role", "GET", "/marketplace/messages/unread", "", nil,
			400, "The role and tag params are required: role=seller&tag=post_sale", "refused the request (400)"},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			status, body := rawRequest(t, f, r.method, r.path, r.contentType, r.body)
			e := api.ParseError(status, body)
			if status != r.status || e.Message != r.message || e.Code != "bad_request" {
				t.Fatalf("%d %s, want %d %q", status, body, r.status, r.message)
			}
			if got := api.Explain(e); !strings.Contains(got, r.want) {
				t.Errorf("Explain = %q, want it to say %q", got, r.want)
			}
		})
	}
	// Nothing refused was stored: the pack still ends with the buyer's last message.
	conv, err := f.client.PackMessages(context.Background(), packAna, api.PageOptions{Limit: 1})
	if err != nil || conv.Paging.Total != 4 {
		t.Errorf("refused sends were stored: %v %+v", err, conv.Paging)
	}
}

// multipartBody builds a multipart form with one file part; its Content-Type is multipartType.
func multipartBody(t *testing.T, field, filename, contentType string, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.SetBoundary(testBoundary); err != nil {
		t.Fatal(err)
	}
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, field, filename))
	h.Set("Content-Type", contentType)
	w, err := mw.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const testBoundary = "postsale-test-boundary"

func rawRequest(t *testing.T, f *fixture, method, path, contentType string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, f.ts.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+f.sb.Token())
	switch {
	case contentType != "":
		req.Header.Set("Content-Type", contentType)
	case body != nil:
		req.Header.Set("Content-Type", "multipart/form-data; boundary="+testBoundary)
	}
	resp, err := f.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}
