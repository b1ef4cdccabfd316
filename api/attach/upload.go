package attach

import (
	"context"
	"fmt"
	"io"

	"github.com/postsale/postsale/api"
)

// Upload checks the file at path and, when it passes, streams it to Mercado Libre for site,
// reporting progress. It returns the attachment id to put in the message's attachments.
// A refused file makes no request.
func Upload(ctx context.Context, client Uploader, site, path string, progress Progress) (string, error) {
	f, err := Check(path)
	if err != nil {
		return "", err
	}
	return UploadFile(ctx, client, site, f, progress)
}

// UploadFile streams a file that already passed Check. If the file changed size since then it
// is refused, so what the seller saw listed is what the buyer gets.
func UploadFile(ctx context.Context, client Uploader, site string, f File, progress Progress) (string, error) {
	if err := api.ValidateSite(site); err != nil {
		return "", err
	}
	fh, st, err := openRegular(f.Path)
	if err != nil {
		return "", err
	}
	defer fh.Close()
	if st.Size() != f.Size {
		return "", &api.ValidationError{Field: "file", Problem: fmt.Sprintf("The file %s changed since it was attached (%s, now %s): attach it again", f.Name, api.HumanSize(f.Size), api.HumanSize(st.Size()))}
	}
	g := &guarded{fn: progress}
	defer g.stop()
	body := &progressReader{r: io.LimitReader(fh, f.Size), counter: counter{total: f.Size, fn: g.report}}
	up, err := client.UploadAttachment(ctx, site, api.UploadFile{Name: f.Name, ContentType: f.MIME, Size: f.Size, Body: body})
	if err != nil {
		return "", fmt.Errorf("upload %s: %w", f.Name, err)
	}
	return up.ID, nil
}

// Uploader streams a file to Mercado Libre; *api.Client is one (a store may decorate it).
type Uploader interface {
	UploadAttachment(ctx context.Context, siteID string, f api.UploadFile) (*api.Upload, error)
}
