package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/attach"
	"github.com/postsale/postsale/api/sanitize"
)

// downloadResult is what `attachment --json` prints.
type downloadResult struct {
	ID          string `json:"id"`
	Path        string `json:"path"`
	Bytes       int64  `json:"bytes"`
	ContentType string `json:"content_type"`
}

func (a *app) attachmentCommand() *cobra.Command {
	var output, packID string
	var force bool
	cmd := &cobra.Command{
		Use:   "attachment ATTACHMENT_ID",
		Short: "Download an attachment",
		Long: `Download an attachment by id (its stored file name, as "messages" lists it). The file goes
to the downloads directory under a safe name ("name (1).ext" when that exists) unless -o names
another file: with --pack, the buyer's original file name, as the inbox saves it (case kept);
otherwise the id; -o - writes to standard output. A file named with -o is never
overwritten without --force, and its folder must exist. The site comes from --site,
MELI_SITE_ID or the config file, or from --pack (the pack the attachment belongs to).`,
		Example: "  postsale attachment 123_abc.png --site MLM -o photo.png\n  postsale attachment 123_abc.pdf --pack 2000001234567890 -o - | less",
		Args:    idArgs("an attachment id"),
		RunE: func(cmd *cobra.Command, list []string) error {
			id := list[0]
			if err := packFlag(cmd, packID); err != nil {
				return err
			}
			if err := a.setup(cmd.Context()); err != nil {
				return err
			}
			site, err := a.site(cmd.Context(), packID)
			if err != nil {
				return err
			}
			if err := api.ValidateSite(site); err != nil {
				return err
			}
			if output == "-" {
				if f, ok := a.io.Out.(*os.File); ok && term.IsTerminal(f.Fd()) && !force {
					return &api.ValidationError{Field: "output", Problem: "-o - would write the file's raw bytes to the terminal, which can act on them: pipe it (| less) or redirect it (> file), or add --force"}
				}
				if _, err := attach.DownloadToWriter(cmd.Context(), a.client, site, id, a.io.Out); err != nil {
					return errors.New(attach.Explain(err))
				}
				return nil
			}
			res, err := a.download(cmd, site, id, packID, output, force)
			if err != nil {
				return err
			}
			if a.json {
				return writeJSON(a.io.Out, res)
			}
			fmt.Fprintf(a.io.Out, "Saved %s (%s) to %s\n", api.HumanSize(res.Bytes), sanitize.Line(res.ContentType), res.Path)
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "file to write (\"-\" for standard output; default: downloads dir/ATTACHMENT_ID)")
	cmd.Flags().StringVar(&packID, "pack", "", "pack the attachment belongs to (to find its site)")
	cmd.Flags().BoolVar(&force, "force", false, "overwrite an existing file; with -o -, write to a terminal")
	return cmd
}

// download saves the attachment with api/attach, like the inbox: with -o into exactly that file
// (an existing one is refused before any request unless --force, and replaced atomically with
// it; its folder must exist, postsale never creates it), otherwise into the downloads directory under a safe name derived from the id, never
// overwriting ("name (1).ext"). A failed download never leaves a partial file behind.
func (a *app) download(cmd *cobra.Command, site, id, packID, output string, force bool) (*downloadResult, error) {
	var saved attach.Saved
	var err error
	if output == "" {
		dir := a.settings.ExpandedDownloadsDir(a.io.Env)
		if att, ok := a.findAttachment(cmd.Context(), packID, id); ok {
			// The buyer's own file name, made safe exactly as the inbox's s does.
			saved, err = attach.SaveAttachment(cmd.Context(), a.client, site, att, dir, nil)
		} else {
			saved, err = attach.DownloadToDir(cmd.Context(), a.client, site, id, dir, nil)
		}
	} else {
		if st, serr := os.Lstat(output); serr == nil && !st.IsDir() && !force {
			return nil, exists(output)
		}
		saved, err = attach.DownloadToPath(cmd.Context(), a.client, site, id, output, force, nil)
	}
	if errors.Is(err, attach.ErrExists) {
		return nil, exists(output) // it appeared while downloading
	}
	if errors.Is(err, attach.ErrNoFolder) {
		return nil, &api.ValidationError{Field: "output", Problem: fmt.Sprintf("there is no folder %s to save %s in: create it first, or choose another file with -o", filepath.Dir(output), filepath.Base(output))}
	}
	if err != nil {
		return nil, err
	}
	return &downloadResult{ID: id, Path: saved.Path, Bytes: saved.Bytes, ContentType: saved.ContentType}, nil
}

// attachmentSearchPages bounds the pages read looking for an attachment's original name.
const attachmentSearchPages = 10

// findAttachment looks for attachment id among the messages of packID (newest pages first), to
// learn its original file name. Not finding it (or any error) only means the id names the file.
func (a *app) findAttachment(ctx context.Context, packID, id string) (api.Attachment, bool) {
	if packID == "" {
		return api.Attachment{}, false
	}
	const page = 100
	for i := 0; i < attachmentSearchPages; i++ {
		conv, err := a.client.PackMessages(ctx, packID, api.PageOptions{Limit: page, Offset: i * page})
		if err != nil {
			return api.Attachment{}, false
		}
		for _, m := range conv.Messages {
			for _, att := range m.Attachments {
				if att.Filename == id {
					return att, true
				}
			}
		}
		if len(conv.Messages) < page || conv.Paging == nil || (i+1)*page >= conv.Paging.Total {
			break
		}
	}
	return api.Attachment{}, false
}

// exists refuses to replace path. The sentence starts with its own words, not the path, so the
// seller's file name is shown exactly as typed.
func exists(path string) error {
	return &api.ValidationError{Field: "output", Problem: fmt.Sprintf("the file %s already exists: choose another file with -o or add --force", path)}
}
