package sandbox

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Attachment limits of the real API.
const (
	maxAttachmentSize = 25 << 20
	maxAttachments    = 25
	maxFileNameLength = 200
	// drainLimit is how much of a refused upload is read and thrown away so the client, still
	// sending, gets the answer instead of a reset connection.
	drainLimit = 64 << 20
)

// allowed reports whether ctype is on the seed's MIME allow-list.
func allowed(ctype string) bool {
	switch strings.ToLower(ctype) {
	case "text/plain", "image/png", "image/jpeg", "image/heif", "image/heic", "application/pdf",
		"application/msword", "application/vnd.ms-excel", "text/xml", "application/xml",
		"application/octet-stream":
		return true
	}
	return false
}

// extension names stored files whose original name has no extension.
func extension(ctype string) string {
	switch ctype {
	case "text/plain":
		return ".txt"
	case "image/png":
		return ".png"
	case "image/jpeg":
		return ".jpg"
	case "application/pdf":
		return ".pdf"
	case "application/msword":
		return ".doc"
	case "application/vnd.ms-excel":
		return ".xls"
	case "text/xml", "application/xml":
		return ".xml"
	case "image/heif", "image/heic":
		return "." + strings.TrimPrefix(ctype, "image/")
	}
	return ".bin"
}

func validSite(site string) bool {
	switch site {
	case "MLM", "MLB", "MCO", "MLC", "MLA", "MLU", "MPE", "MEC", "MLV",
		"MCR", "MRD", "MPA", "MBO", "MPY", "MGT", "MHN", "MNI", "MSV", "MCU":
		return true
	}
	return false
}

// upload stores the multipart field `file` in memory, reading it with a 25 MB cap.
func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	refuse := func(status int, code, msg string) {
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, drainLimit))
		writeError(w, status, code, msg)
	}
	if r.ContentLength < 0 {
		// A strict gateway refuses a chunked body; the documented `curl -F` sends a sized one.
		refuse(http.StatusLengthRequired, "length_required", "Length Required: send the upload with a Content-Length")
		return
	}
	site := r.URL.Query().Get("site_id")
	switch {
	case site == "":
		refuse(http.StatusBadRequest, "bad_request", "The site_id param is required")
		return
	case !validSite(site):
		refuse(http.StatusBadRequest, "bad_request", fmt.Sprintf("Invalid site_id param: %s", site))
		return
	}
	mr, err := r.MultipartReader()
	if err != nil {
		refuse(http.StatusBadRequest, "bad_request", "Attachment empty or null")
		return
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			refuse(http.StatusBadRequest, "bad_request", "Attachment empty or null")
			return
		}
		if err != nil {
			refuse(http.StatusBadRequest, "bad_request", "Attachment empty or null")
			return
		}
		if part.FormName() != "file" {
			continue
		}
		// Part.FileName strips directories; the API refuses such names, so read the raw header.
		_, params, err := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
		name := params["filename"]
		if err != nil || name == "" {
			refuse(http.StatusBadRequest, "bad_request", "Attachment empty or null")
			return
		}
		if strings.ContainsAny(name, `/\`) {
			refuse(http.StatusBadRequest, "bad_request", `File name cannot include characters such as: /, \`)
			return
		}
		if utf8.RuneCountInString(name) > maxFileNameLength {
			refuse(http.StatusBadRequest, "bad_request", fmt.Sprintf("File name exceeds %d characters", maxFileNameLength))
			return
		}
		ctype := part.Header.Get("Content-Type")
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		base, _, err := mime.ParseMediaType(ctype)
		if err != nil || !allowed(base) {
			refuse(http.StatusBadRequest, "bad_request", fmt.Sprintf("File type %s is not allowed", strconv.Quote(ctype)))
			return
		}
		data, err := io.ReadAll(io.LimitReader(part, maxAttachmentSize+1))
		if err != nil {
			refuse(http.StatusBadRequest, "bad_request", "Attachment empty or null")
			return
		}
		if len(data) > maxAttachmentSize {
			refuse(http.StatusBadRequest, "bad_request", "File size exceeds 25 Mb")
			return
		}
		if len(data) == 0 {
			refuse(http.StatusBadRequest, "bad_request", "Attachment empty or null")
			return
		}
		s.store(w, name, base, data)
		return
	}
}

func (s *Server) store(w http.ResponseWriter, name, ctype string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.data.uploaded+int64(len(data)) > maxStoredUploads {
		writeError(w, http.StatusInternalServerError, "internal_server_error", "File can not be saved, try it later.")
		return
	}
	ext := strings.ToLower(path.Ext(name))
	if ext == "" || len(ext) > 6 {
		ext = extension(ctype)
	}
	owner := s.data.seller.ID
	b := &blob{
		id: owner + "_" + uuidish() + ext, original: name, mime: ctype, owner: owner,
		data: data, created: s.now().UTC(),
	}
	s.data.attachments[b.id] = b
	s.data.uploaded += int64(len(data))
	writeJSON(w, http.StatusOK, map[string]string{"id": b.id})
}

// download answers an attachment's bytes with its type.
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("tag") != "post_sale" {
		writeError(w, http.StatusBadRequest, "bad_request", "The tag param is required: tag=post_sale")
		return
	}
	if site := q.Get("site_id"); site == "" || !validSite(site) {
		writeError(w, http.StatusBadRequest, "bad_request", "The site_id param is required")
		return
	}
	id := r.PathValue("attachment_id")
	s.mu.Lock()
	b := s.data.attachments[id]
	s.mu.Unlock()
	switch {
	case b == nil:
		writeError(w, http.StatusNotFound, "not_found", fmt.Sprintf("Attachment %s not found", id))
		return
	case b.broken:
		writeError(w, http.StatusInternalServerError, "", "File can not be accessed, try it later")
		return
	}
	w.Header().Set("Content-Type", b.mime)
	w.Header().Set("Content-Length", strconv.Itoa(len(b.data)))
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": b.original}))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b.data)
}
