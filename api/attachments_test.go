package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/sandbox"
)

func TestUploadSendDownloadRoundTrip(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	content := []byte("Northwind C2 firmware 1.4.2\nHold the button for 10 s.\n")

	up, err := f.client.UploadAttachment(ctx, "MCO", api.UploadFile{
		Name: "firmware notes.txt", ContentType: "text/plain", Size: int64(len(content)), Body: bytes.NewReader(content),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(up.ID, f.sb.SellerID()+"_") || !strings.HasSuffix(up.ID, ".txt") {
		t.Errorf("upload id = %q, want <seller>_<uuid>.txt", up.ID)
	}
	r := f.last(t)
	f.expectRequest(t, r, http.MethodPost, "/marketplace/messages/attachments", url.Values{"site_id": {"MCO"}})
	part := onlyPart(t, r)
	if part.name != "file" || part.filename != "firmware notes.txt" || part.contentType != "text/plain" || !bytes.Equal(part.data, content) {
		t.Errorf("multipart part = %+v", part)
	}

	sent, err := f.client.SendMessage(ctx, packManual, api.SendRequest{Text: "Release notes attached.", Attachments: []string{up.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(f.last(t).Body); !strings.Contains(got, `"attachments":["`+up.ID+`"]`) {
		t.Errorf("send body = %s", got)
	}
	if len(sent.Attachments) != 1 || sent.Attachments[0].Filename != up.ID ||
		sent.Attachments[0].OriginalFilename != "firmware notes.txt" || sent.Attachments[0].Size != int64(len(content)) {
		t.Errorf("sent attachments = %+v", sent.Attachments)
	}

	var buf bytes.Buffer
	d, err := f.client.DownloadAttachment(ctx, "MCO", up.ID, &buf)
	if err != nil {
		t.Fatal(err)
	}
	f.expectRequest(t, f.last(t), http.MethodGet, "/marketplace/messages/attachments/"+up.ID,
		url.Values{"tag": {"post_sale"}, "site_id": {"MCO"}})
	if !bytes.Equal(buf.Bytes(), content) || d.Bytes != int64(len(content)) || d.ContentType != "text/plain" {
		t.Errorf("download = %q (%+v)", buf.Bytes(), d)
	}
}

type formPart struct {
	name, filename, contentType string
	data                        []byte
}

// onlyPart parses the recorded multipart body and returns its single part.
func onlyPart(t *testing.T, r sandbox.RecordedRequest) formPart {
	t.Helper()
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		t.Fatalf("Content-Type %q: %v", r.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(bytes.NewReader(r.Body), params["boundary"])
	p, err := mr.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mr.NextPart(); err != io.EOF {
		t.Errorf("more than one part: %v", err)
	}
	return formPart{name: p.FormName(), filename: p.FileName(), contentType: p.Header.Get("Content-Type"), data: data}
}

func TestDownloadDemoAttachments(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	conv, err := f.client.PackMessages(ctx, packManual, api.PageOptions{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var tested int
	for _, m := range conv.Messages {
		for _, a := range m.Attachments {
			var buf bytes.Buffer
			d, err := f.client.DownloadAttachment(ctx, m.SiteID, a.Filename, &buf)
			if a.OriginalFilename == "error_pantalla.png" {
				e := asAPIError(t, err, http.StatusInternalServerError)
				if e.Message != "File can not be accessed, try it later" || e.Code != "" {
					t.Errorf("broken attachment: %+v", e)
				}
				if got := api.Explain(err); !strings.Contains(got, "cannot be downloaded right now") {
					t.Errorf("Explain = %q", got)
				}
				tested++
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", a.OriginalFilename, err)
			}
			if d.ContentType != a.Type || d.Bytes != a.Size || int64(buf.Len()) != a.Size {
				t.Errorf("%s: %+v, listed as %s of %d bytes", a.OriginalFilename, d, a.Type, a.Size)
			}
			switch a.Type {
			case "image/png":
				if _, format, err := image.DecodeConfig(&buf); err != nil || format != "png" {
					t.Errorf("%s is not a PNG: %v", a.OriginalFilename, err)
				}
			case "text/plain":
				if !strings.Contains(buf.String(), "guia rapida") {
					t.Errorf("%s = %q", a.OriginalFilename, buf.String())
				}
			}
			tested++
		}
	}
	if tested != 3 {
		t.Errorf("downloaded %d demo attachments, want 3", tested)
	}

	threat, err := f.client.PackMessages(ctx, packThreat, api.PageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a := threat.Messages[0].Attachments[0]
	var pdf bytes.Buffer
	if _, err := f.client.DownloadAttachment(ctx, "MLB", a.Filename, &pdf); err != nil {
		t.Fatal(err)
	}
	if !a.PotentialSecurityThreat || !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-1.")) || !bytes.Contains(pdf.Bytes(), []byte("%%EOF")) {
		t.Errorf("threat pdf: flagged %v, %q...", a.PotentialSecurityThreat, pdf.Bytes()[:min(8, pdf.Len())])
	}

	_, err = f.client.DownloadAttachment(ctx, "MLB", "523132944_nope.png", io.Discard)
	asAPIError(t, err, http.StatusNotFound)
	var ve *api.ValidationError
	for _, site := range []string{"", "CBT"} {
		if err := f.noRequest(t, func() error { _, err := f.client.DownloadAttachment(ctx, site, a.Filename, io.Discard); return err }); !errors.As(err, &ve) {
			t.Errorf("site %q: %v", site, err)
		}
	}
}

func TestUploadValidationSendsNothing(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	body := strings.NewReader("x")
	cases := []struct {
		site string
		file api.UploadFile
	}{
		{"", api.UploadFile{Name: "a.txt", ContentType: "text/plain", Size: 1, Body: body}},
		{"CBT", api.UploadFile{Name: "a.txt", ContentType: "text/plain", Size: 1, Body: body}},
		{"MLM", api.UploadFile{Name: "dir/a.txt", ContentType: "text/plain", Size: 1, Body: body}},
		{"MLM", api.UploadFile{Name: `dir\a.txt`, ContentType: "text/plain", Size: 1, Body: body}},
		{"MLM", api.UploadFile{Name: "a.gif", ContentType: "image/gif", Size: 1, Body: body}},
		{"MLM", api.UploadFile{Name: "big.pdf", ContentType: "application/pdf", Size: api.MaxAttachmentSize + 1, Body: body}},
		{"MLM", api.UploadFile{Name: "empty.txt", ContentType: "text/plain", Size: 0, Body: body}},
		{"MLM", api.UploadFile{Name: "nil.txt", ContentType: "text/plain", Size: -1}},
	}
	for _, c := range cases {
		err := f.noRequest(t, func() error { _, err := f.client.UploadAttachment(ctx, c.site, c.file); return err })
		var ve *api.ValidationError
		if !errors.As(err, &ve) || ve.Sentence() == "" {
			t.Errorf("upload %q to %q: %v, want a validation error", c.file.Name, c.site, err)
		}
	}
}

// generated is an io.Reader of n deterministic bytes made on the fly, never held in memory.
type generated struct {
	n, off int64
	read   atomic.Int64
}

func (g *generated) Read(p []byte) (int, error) {
	if g.off >= g.n {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), g.n-g.off)]
	for i := range p {
		p[i] = byte((g.off + int64(i)) * 31 >> 3)
	}
	g.off += int64(len(p))
	g.read.Store(g.off)
	return len(p), nil
}

func TestUploadStreamsLargeFile(t *testing.T) {
	const size = 20 << 20
	sb := sandbox.New()
	src := &generated{n: size}
	var atStart, contentLength atomic.Int64
	// The handler runs once headers arrive: a client that buffered the file first would have read
	// all of it by then.
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			atStart.Store(src.read.Load())
			contentLength.Store(r.ContentLength)
		}
		sb.ServeHTTP(w, r)
	}))
	defer ts.Close()
	c, err := api.New(api.StaticToken(sb.Token()), api.WithBaseURL(ts.URL))
	if err != nil {
		t.Fatal(err)
	}
	up, err := c.UploadAttachment(context.Background(), "MLB", api.UploadFile{
		Name: "manual.pdf", ContentType: "application/pdf", Size: size, Body: src,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := atStart.Load(); got >= size {
		t.Errorf("the whole file (%d bytes) was read before the request reached the server", got)
	}
	// Sized up front (a gateway refuses chunked uploads), yet streamed: the file plus the form.
	if cl := contentLength.Load(); cl <= size || cl > size+1024 {
		t.Errorf("Content-Length %d, want the file's %d bytes plus the form's few hundred", cl, size)
	}

	want := sha256.New()
	if _, err := io.Copy(want, &generated{n: size}); err != nil {
		t.Fatal(err)
	}
	got := sha256.New()
	d, err := c.DownloadAttachment(context.Background(), "MLB", up.ID, got)
	if err != nil {
		t.Fatal(err)
	}
	if d.Bytes != size || !bytes.Equal(got.Sum(nil), want.Sum(nil)) {
		t.Errorf("round trip of %d bytes differs from the %d generated", d.Bytes, size)
	}
}

func TestUploadOfUnknownSizeIsMeasuredAndOver25MBNeverSent(t *testing.T) {
	f := newFixture(t)
	before := len(f.sb.Requests())
	_, err := f.client.UploadAttachment(context.Background(), "MLM", api.UploadFile{
		Name: "scan.pdf", ContentType: "application/pdf", Size: -1, Body: &generated{n: api.MaxAttachmentSize + 1},
	})
	var ve *api.ValidationError
	if !errors.As(err, &ve) || !strings.Contains(api.Explain(err), "25 MB") {
		t.Fatalf("over 25 MB of unknown size: %v (%T), want a validation error naming 25 MB", err, err)
	}
	if n := len(f.sb.Requests()); n != before {
		t.Errorf("%d requests sent for a file over the limit", n-before)
	}
	up, err := f.client.UploadAttachment(context.Background(), "MLM", api.UploadFile{
		Name: "note.txt", ContentType: "text/plain", Size: -1, Body: strings.NewReader("hello"),
	})
	if err != nil || up.ID == "" {
		t.Fatalf("small upload of unknown size: %v", err)
	}
	if r := f.last(t); r.Header.Get("Content-Length") == "" {
		t.Errorf("upload of unknown size sent without Content-Length")
	}
}
