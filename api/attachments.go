package api

import (
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

// UploadAttachment stores a file for a later SendMessage and returns its id. The body is streamed
// through a multipart writer, never read whole into memory.
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
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		h := make(textproto.MIMEHeader)
		h.Set("Content-Disposition", multipart.FileContentDisposition("file", f.Name))
		h.Set("Content-Type", f.ContentType)
		part, err := mw.CreatePart(h)
		if err == nil {
			_, err = io.Copy(part, f.Body)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, err := c.newRequest(ctx, http.MethodPost, "/marketplace/messages/attachments", url.Values{"site_id": {siteID}}, pr)
	if err != nil {
		pr.CloseWithError(err)
		return nil, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	var up Upload
	if err := c.doJSON(req, &up); err != nil {
		pr.CloseWithError(err)
		return nil, err
	}
	if up.ID == "" {
		return nil, &DecodeError{Method: req.Method, Path: req.URL.Path, Err: fmt.Errorf("answer has no attachment id")}
	}
	return &up, nil
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
	q := url.Values{"tag": {DefaultTag}, "site_id": {siteID}}
	req, err := c.newRequest(ctx, http.MethodGet, "/marketplace/messages/attachments/"+pathEscape(attachmentID), q, nil)
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
