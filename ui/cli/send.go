package cli

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/ui/sanitize"
)

func (a *app) sendCommand() *cobra.Command {
	var text, translated string
	var attach []string
	cmd := &cobra.Command{
		Use:   "send PACK_ID --text TEXT",
		Short: "Send a message to the buyer of a pack, with optional attachments",
		Long: `Send a message to the buyer of a pack. Each --attach file is checked first (name, size up to
25 MB, type detected from its content and extension), then uploaded, then the message is sent
with all of them. Text is at most 350 characters of Latin-1 plus emoji.`,
		Example: "  postsale send 2000001234567890 --text \"Your package ships today\"\n" +
			"  postsale send 2000001234567890 --text \"Here is the invoice\" --translated \"Aquí está la factura\" --attach invoice.pdf",
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, list []string) error {
			packID := list[0]
			// Check everything local before the first request: text, then every file.
			placeholder := make([]string, len(attach))
			for i := range placeholder {
				placeholder[i] = "pending"
			}
			if err := api.ValidateSend(api.SendRequest{Text: text, TextTranslated: translated, Attachments: placeholder}); err != nil {
				return err
			}
			files := make([]*localFile, 0, len(attach))
			defer func() {
				for _, f := range files {
					f.Close()
				}
			}()
			for _, path := range attach {
				f, err := openUpload(path)
				if err != nil {
					return err
				}
				files = append(files, f)
			}
			if err := a.setup(cmd.Context()); err != nil {
				return err
			}
			req := api.SendRequest{Text: text, TextTranslated: translated}
			if len(files) > 0 {
				site, err := a.site(cmd.Context(), packID)
				if err != nil {
					return err
				}
				for _, f := range files {
					up, err := a.client.UploadAttachment(cmd.Context(), site, api.UploadFile{
						Name: f.name, ContentType: f.mime, Size: f.size, Body: f.File,
					})
					if err != nil {
						return fmt.Errorf("upload %s: %w", f.name, err)
					}
					req.Attachments = append(req.Attachments, up.ID)
				}
			}
			m, err := a.client.SendMessage(cmd.Context(), packID, req)
			if err != nil {
				return err
			}
			if a.json {
				return writeJSON(a.io.Out, m)
			}
			fmt.Fprintf(a.io.Out, "Sent message %s to pack %s", sanitize.Line(m.ID), sanitize.Line(packID))
			if n := len(req.Attachments); n > 0 {
				fmt.Fprintf(a.io.Out, " with %d attachment(s): %s", n, sanitize.Line(strings.Join(req.Attachments, ", ")))
			}
			fmt.Fprintln(a.io.Out, ".")
			return nil
		},
	}
	cmd.Flags().StringVar(&text, "text", "", "message text (at most 350 characters)")
	cmd.Flags().StringVar(&translated, "translated", "", "the text in the buyer's language (text_translated)")
	cmd.Flags().StringArrayVar(&attach, "attach", nil, "file to attach (repeat for several, at most 25)")
	return cmd
}

// localFile is an attachment opened, measured and typed, ready to stream.
type localFile struct {
	*os.File
	name string
	size int64
	mime string
}

// openUpload opens path and checks it as the API will: a regular file, its name, size and type.
func openUpload(path string) (*localFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &api.ValidationError{Field: "file", Problem: fmt.Sprintf("cannot open %s: %s", path, rootCause(err))}
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = errors.New("not a regular file")
	}
	if err != nil {
		f.Close()
		return nil, &api.ValidationError{Field: "file", Problem: fmt.Sprintf("cannot attach %s: %s", path, rootCause(err))}
	}
	name := filepath.Base(path)
	mimeType, err := detectMIME(f, name)
	if err != nil {
		f.Close()
		return nil, err
	}
	if err := api.ValidateUpload(name, fi.Size(), mimeType); err != nil {
		f.Close()
		return nil, err
	}
	return &localFile{File: f, name: name, size: fi.Size(), mime: mimeType}, nil
}

// detectMIME types a file from its first 512 bytes, falling back to the extension when the
// content says nothing specific (Word and Excel files, HEIC). f is rewound afterwards.
func detectMIME(f *os.File, name string) (string, error) {
	head := make([]byte, 512)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read %s: %w", name, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", fmt.Errorf("read %s: %w", name, err)
	}
	sniffed := baseType(http.DetectContentType(head[:n]))
	byExt := baseType(extensionType(name))
	switch {
	case sniffed == "application/octet-stream" && byExt != "":
		return byExt, nil
	case sniffed == "text/plain" && byExt == "text/xml", sniffed == "text/plain" && byExt == "application/xml":
		return byExt, nil
	case sniffed == "text/xml" && byExt == "application/xml":
		return byExt, nil
	}
	return sniffed, nil
}

// extensionType maps the extensions the API's allow-list covers, then the system's table.
func extensionType(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".heic":
		return "image/heic"
	case ".heif":
		return "image/heif"
	case ".doc":
		return "application/msword"
	case ".xls":
		return "application/vnd.ms-excel"
	case ".xml":
		return "application/xml"
	case ".txt":
		return "text/plain"
	}
	return mime.TypeByExtension(filepath.Ext(name))
}

func baseType(t string) string {
	return strings.ToLower(strings.TrimSpace(strings.SplitN(t, ";", 2)[0]))
}

// rootCause drops the path prefix of *os.PathError, which the message already names.
func rootCause(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
