package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/ui/sanitize"
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
to the downloads directory under its id unless -o names another file; -o - writes to standard
output. An existing file is never overwritten without --force. The site comes from --site,
MELI_SITE_ID or the config file, or from --pack (the pack the attachment belongs to).`,
		Example: "  postsale attachment 123_abc.png --site MLM -o photo.png\n  postsale attachment 123_abc.pdf --pack 2000001234567890 -o - | less",
		Args:    args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, list []string) error {
			id := list[0]
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
				_, err := a.client.DownloadAttachment(cmd.Context(), site, id, a.io.Out)
				return err
			}
			path, err := a.downloadPath(id, output)
			if err != nil {
				return err
			}
			res, err := a.download(cmd, site, id, path, force)
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
	cmd.Flags().BoolVar(&force, "force", false, "overwrite an existing file")
	return cmd
}

// downloadPath is -o, or the attachment id inside the downloads directory. An id is the API's
// stored file name: it must stay a plain name, never a path.
func (a *app) downloadPath(id, output string) (string, error) {
	if output != "" {
		return output, nil
	}
	name := sanitize.Line(id)
	if name != id || name == "." || name == ".." || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		return "", &api.ValidationError{Field: "attachment", Problem: fmt.Sprintf("%q cannot be used as a file name: name the file with -o", name)}
	}
	dir := a.settings.ExpandedDownloadsDir(a.io.Env)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create the downloads directory %s: %w", dir, err)
	}
	return filepath.Join(dir, name), nil
}

// download streams the attachment into path. Without force an existing file is refused before
// any request; a failed download never leaves a partial file behind.
func (a *app) download(cmd *cobra.Command, site, id, path string, force bool) (*downloadResult, error) {
	if !force {
		if _, err := os.Lstat(path); err == nil {
			return nil, &api.ValidationError{Field: "output", Problem: fmt.Sprintf("%s already exists: choose another file with -o or add --force", path)}
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("check %s: %w", path, err)
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".part-*")
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	d, err := a.client.DownloadAttachment(cmd.Context(), site, id, tmp)
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("write %s: %w", path, cerr)
	}
	if err != nil {
		return nil, err
	}
	if !force {
		// Link fails if the file appeared meanwhile, where Rename would silently replace it.
		if err := os.Link(tmp.Name(), path); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return nil, &api.ValidationError{Field: "output", Problem: fmt.Sprintf("%s already exists: choose another file with -o or add --force", path)}
			}
			if err := renameNoClobber(tmp.Name(), path); err != nil {
				return nil, err
			}
		}
	} else if err := os.Rename(tmp.Name(), path); err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return &downloadResult{ID: id, Path: path, Bytes: d.Bytes, ContentType: d.ContentType}, nil
}

// renameNoClobber is the fallback for file systems without hard links.
func renameNoClobber(from, to string) error {
	if _, err := os.Lstat(to); err == nil {
		return &api.ValidationError{Field: "output", Problem: fmt.Sprintf("%s already exists: choose another file with -o or add --force", to)}
	}
	if err := os.Rename(from, to); err != nil {
		return fmt.Errorf("write %s: %w", to, err)
	}
	return nil
}
