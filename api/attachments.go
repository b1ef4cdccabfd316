package api

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
)

// UploadFile is a file to upload: its name as the buyer will see it, its MIME type and its
// content, streamed.
type UploadFile struct {
	Name        string
	ContentType string
	Size        int64 // when known (>= 0), checked against the 25 MB limit before sending
	Body        io.Reader
}

// Paths of the attachments resource, per flavour.

func uploadPath(a Account) string {
	if a.Flavor == FlavorDomestic {
		return "/messages/attachments"
	}
	return "/marketplace/messages/attachments"
}

func downloadPath(a Account, id string) string {
	if a.Flavor == FlavorDomestic {
		return "/messages/attachments/" + pathEscape(id)
	}
	return "/marketplace/messages/attachments/" + pathEscape(id)
}

// UploadAttachment stores a file for a later SendMessage and returns its id. The multipart body
// is sized up front and sent with Content-Length, as the documented `curl -F` does (gateways
// refuse chunked uploads with 411); a file of known Size is streamed, never read whole.
func (c *Client) UploadAttachment(ctx context.Context, siteID string, f UploadFile) (*Upload, error) {
	if err := ValidateSite(siteID); err != nil {
		return nil, err
	}
	if err := ValidateUpload(f.Name, f.Size, f.ContentType); err != nil {
		return nil, err
	}
	if f.Body == nil {
		return nil, &ValidationError{Field: "file", Problem: "Attachment empty or null"}
	}
	a, err := c.Account(ctx)
	if err != nil {
		return nil, err
	}
	body, length, ctype, err := multipartBody(f)
	if err != nil {
		return nil, err
	}
	q := url.Values{"site_id": {siteID}}
	if a.Flavor == FlavorDomestic {
		q = url.Values{"tag": {DefaultTag}, "site_id": {siteID}}
	}
	req, err := c.newRequest(ctx, http.MethodPost, uploadPath(a), q, body)
	if err != nil {
		return nil, err
	}
	req.ContentLength = length
	req.Header.Set("Content-Type", ctype)
	var up Upload
	if err := c.doJSON(req, &up); err != nil {
		return nil, err
	}
	if up.ID == "" {
		return nil, &DecodeError{Method: req.Method, Path: req.URL.Path, Err: fmt.Errorf("answer has no attachment id")}
	}
	return &up, nil
}

// multipartBody lays out the form with one field `file`: the part's header and the closing
// boundary are written ahead, so the body's length is known before a byte of the file is read.
func multipartBody(f UploadFile) (io.Reader, int64, string, error) {
	content, size := f.Body, f.Size
	if size < 0 {
		// Size unknown: read it (at most one byte over the limit) to learn it.
		b, err := io.ReadAll(io.LimitReader(f.Body, MaxAttachmentSize+1))
		if err != nil {
			return nil, 0, "", fmt.Errorf("read %s: %w", f.Name, err)
		}
		if err := ValidateUpload(f.Name, int64(len(b)), f.ContentType); err != nil {
			return nil, 0, "", err
		}
		content, size = bytes.NewReader(b), int64(len(b))
	}
	var head, tail bytes.Buffer
	sw := &switchWriter{w: &head}
	mw := multipart.NewWriter(sw)
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", multipart.FileContentDisposition("file", f.Name))
	h.Set("Content-Type", f.ContentType)
	if _, err := mw.CreatePart(h); err != nil {
		return nil, 0, "", err
	}
	sw.w = &tail
	if err := mw.Close(); err != nil {
		return nil, 0, "", err
	}
	length := int64(head.Len()) + size + int64(tail.Len())
	body := io.MultiReader(&head, &exactReader{r: content, left: size, name: f.Name}, &tail)
	return body, length, mw.FormDataContentType(), nil
}

// switchWriter lets the multipart writer's header and trailer land in different buffers.
type switchWriter struct{ w io.Writer }

func (s *switchWriter) Write(p []byte) (int, error) { return s.w.Write(p) }

// exactReader yields exactly left bytes of r: a file that shrank since it was sized is an error
// (the declared Content-Length would be a lie); bytes past the size are not sent.
type exactReader struct {
	r    io.Reader
	left int64
	name string
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > e.left {
		p = p[:e.left]
	}
	n, err := e.r.Read(p)
	e.left -= int64(n)
	if err == io.EOF {
		if e.left > 0 {
			return n, fmt.Errorf("%s ended %d bytes early: it changed while uploading", e.name, e.left)
		}
		err = nil
	}
	if e.left == 0 && err == nil {
		return n, io.EOF
	}
	return n, err
}

// Download is what DownloadAttachment learned about the file it wrote.
type Download struct {
	ContentType string
	Bytes       int64
}

// DownloadAttachment streams an attachment into w.
func (c *Client) DownloadAttachment(ctx context.Context, siteID, attachmentID string, w io.Writer) (*Download, error) {
	if attachmentID == "" {
		return nil, &ValidationError{Field: "attachment", Problem: "an attachment id is required"}
	}
	if err := checkSegment("attachment", attachmentID); err != nil {
		return nil, err
	}
	if err := ValidateSite(siteID); err != nil {
		return nil, err
	}
	a, err := c.Account(ctx)
	if err != nil {
		return nil, err
	}
	q := url.Values{"tag": {DefaultTag}, "site_id": {siteID}}
	req, err := c.newRequest(ctx, http.MethodGet, downloadPath(a, attachmentID), q, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "*/*")
	resp, err := c.do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return nil, fmt.Errorf("download %s: %w", attachmentID, err)
	}
	return &Download{ContentType: resp.Header.Get("Content-Type"), Bytes: n}, nil
}
