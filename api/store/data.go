package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/attach"
)

// API is what Data decorates: everything an inbox session reads from and writes to Mercado
// Libre (*api.Client is one). It mirrors the UI's data seam without importing it.
type API interface {
	Source
	SendMessage(ctx context.Context, packID string, msg api.SendRequest) (*api.Message, error)
	attach.Uploader
	attach.Downloader
}

// flavorer knows which of Mercado Libre's two messaging APIs the account speaks (*api.Client).
type flavorer interface {
	Flavor(ctx context.Context) (api.Flavor, error)
}

// contactReasons is the domestic flavour's seller-initiated contact, when the API offers it.
type contactReasons interface {
	ActionGuide(ctx context.Context, packID string) (*api.ActionGuide, error)
	SendOption(ctx context.Context, packID string, req api.OptionRequest) (*api.Message, error)
}

// metaMe keeps the last users/me answer, so an inbox started offline knows who it is.
const metaMe = "me"

// Data is the store at the inbox's data seam: the API answers when it can and every answer is
// kept; when Mercado Libre cannot be reached the store answers instead. Sends and uploads pause
// the background backfill. Safe for concurrent use (one Data may serve many SSH sessions).
type Data struct {
	API
	store   *Store
	syncer  *Syncer
	offline atomic.Bool // the last request found Mercado Libre unreachable
}

// Offline reports whether the last request found Mercado Libre unreachable: answers from the
// store then carry no error, and the inbox still says it is offline.
func (d *Data) Offline() bool { return d.offline.Load() }

// note records what a request said about reaching Mercado Libre.
func (d *Data) note(ctx context.Context, err error) {
	if Unreachable(ctx, err) {
		d.offline.Store(true)
	} else if err == nil || ctx.Err() == nil {
		d.offline.Store(false)
	}
}

// NewData decorates client with st; opts tune the Syncer it owns.
func NewData(st *Store, client API, opts SyncOptions) *Data {
	d := &Data{API: client, store: st}
	d.syncer = NewSyncer(st, noting{d}, opts)
	return d
}

// noting is the Syncer's view of the API: every answer (or its absence) updates Offline.
type noting struct{ d *Data }

func (n noting) Me(ctx context.Context) (*api.User, error) {
	u, err := n.d.API.Me(ctx)
	n.d.note(ctx, err)
	return u, err
}

func (n noting) UnreadPacks(ctx context.Context) (*api.Unread, error) {
	u, err := n.d.API.UnreadPacks(ctx)
	n.d.note(ctx, err)
	return u, err
}

func (n noting) SearchOrders(ctx context.Context, o api.OrderSearchOptions) (*api.OrderSearch, error) {
	r, err := n.d.API.SearchOrders(ctx, o)
	n.d.note(ctx, err)
	return r, err
}

func (n noting) PackMessages(ctx context.Context, packID string, o api.PageOptions) (*api.Conversation, error) {
	c, err := n.d.API.PackMessages(ctx, packID, o)
	n.d.note(ctx, err)
	return c, err
}

func (n noting) PackMessagesRaw(ctx context.Context, packID string, o api.PageOptions) (*api.RawConversation, error) {
	r, ok := n.d.API.(RawSource)
	if !ok {
		c, err := n.PackMessages(ctx, packID, o)
		if err != nil {
			return nil, err
		}
		return &api.RawConversation{Conversation: *c}, nil
	}
	c, err := r.PackMessagesRaw(ctx, packID, o)
	n.d.note(ctx, err)
	return c, err
}

// Store is the local store behind d.
func (d *Data) Store() *Store { return d.store }

// Syncer is d's sync engine (delta sync, backfill, history).
func (d *Data) Syncer() *Syncer { return d.syncer }

// Search searches the stored messages.
func (d *Data) Search(ctx context.Context, q SearchQuery) (Found, error) {
	return d.store.Search(ctx, q)
}

// Unreachable reports whether err means Mercado Libre could not be reached at all (no answer,
// or no answer in time) rather than an answer saying no. A cancelled ctx is not unreachable.
func Unreachable(ctx context.Context, err error) bool {
	if err == nil || ctx.Err() != nil {
		return false
	}
	var ne *api.NetworkError
	return errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded)
}

// Me asks the API and keeps the answer; unreachable, it answers with the kept one.
func (d *Data) Me(ctx context.Context) (*api.User, error) {
	u, err := d.API.Me(ctx)
	d.note(ctx, err)
	if err == nil {
		if raw, merr := json.Marshal(u); merr == nil {
			_ = d.store.SetMeta(ctx, metaMe, string(raw)) // the answer matters more than the copy
		}
		return u, nil
	}
	if !Unreachable(ctx, err) {
		return nil, err
	}
	raw, merr := d.store.Meta(ctx, metaMe)
	if merr != nil || raw == "" {
		return nil, err
	}
	var kept api.User
	if json.Unmarshal([]byte(raw), &kept) != nil || kept.ID == "" {
		return nil, err
	}
	return &kept, nil
}

// PackMessages reads a window of a conversation from the API and merges it into the store;
// unreachable (now or at the last request), it answers the same window from the store (an
// error when nothing is stored).
func (d *Data) PackMessages(ctx context.Context, packID string, opts api.PageOptions) (*api.Conversation, error) {
	// Known offline (the last request got no answer; the client's retries take up to a minute
	// and a half): a stored conversation opens at once. The list's syncs find the way back.
	if d.Offline() {
		if conv, ok, err := d.StoredConversation(ctx, packID, opts); err == nil && ok {
			return conv, nil
		}
	}
	var raw *api.RawConversation
	var err error
	if r, ok := d.API.(RawSource); ok {
		raw, err = r.PackMessagesRaw(ctx, packID, opts)
	} else {
		var conv *api.Conversation
		if conv, err = d.API.PackMessages(ctx, packID, opts); err == nil {
			raw = &api.RawConversation{Conversation: *conv}
		}
	}
	d.note(ctx, err)
	if err == nil {
		total := -1
		if raw.Paging != nil {
			total = raw.Paging.Total
		}
		// A header read (limit 1) does not make the stored copy fresh: only a full window does.
		fetched := opts.Offset == 0 && (opts.Limit == 0 || opts.Limit >= DefaultPageSize)
		_ = d.store.PutPage(ctx, Page{PackID: packID, Status: raw.ConversationStatus, StatusRaw: raw.StatusRaw,
			Messages: raw.Messages, Raw: raw.Raw, Total: total, Fetched: fetched, Offset: opts.Offset})
		conv := raw.Conversation
		return &conv, nil
	}
	if !Unreachable(ctx, err) {
		return nil, err
	}
	conv, ok, serr := d.StoredConversation(ctx, packID, opts)
	if serr != nil || !ok {
		return nil, err
	}
	return conv, nil
}

// StoredConversation is a window of a stored conversation shaped like the API's answer: newest
// first, paging.total the larger of the API's last total and what is stored. ok is false when
// the pack has never been stored.
func (d *Data) StoredConversation(ctx context.Context, packID string, opts api.PageOptions) (*api.Conversation, bool, error) {
	p, ok, err := d.store.Pack(ctx, packID)
	if err != nil || !ok {
		return nil, false, err
	}
	msgs, err := d.store.Messages(ctx, packID)
	if err != nil {
		return nil, false, err
	}
	newest := make([]api.Message, len(msgs))
	for i, m := range msgs {
		newest[len(msgs)-1-i] = m.Message
	}
	api.SortNewestFirst(newest) // as stored already; messages of one second keep their places
	limit := opts.Limit
	if limit <= 0 {
		limit = DefaultPageSize
	}
	from := min(max(opts.Offset, 0), len(newest))
	to := min(from+limit, len(newest))
	conv := &api.Conversation{
		Paging:   &api.Paging{Limit: limit, Offset: opts.Offset, Total: max(p.Total, len(newest))},
		Messages: newest[from:to],
	}
	if p.Status != nil {
		if cs, err := p.Status.Decode(); err == nil {
			conv.ConversationStatus = cs
		}
	}
	return conv, true, nil
}

// SendMessage sends with the backfill paused, so the seller's reply has the whole budget.
func (d *Data) SendMessage(ctx context.Context, packID string, msg api.SendRequest) (*api.Message, error) {
	defer d.syncer.Pause()()
	return d.API.SendMessage(ctx, packID, msg)
}

// UploadAttachment uploads with the backfill paused.
func (d *Data) UploadAttachment(ctx context.Context, siteID string, f api.UploadFile) (*api.Upload, error) {
	defer d.syncer.Pause()()
	return d.API.UploadAttachment(ctx, siteID, f)
}

// Flavor passes the API's flavour through: the views ask their data for it (the composer hides
// the translation on the domestic flavour, templates pick the buyer's language), and a decorator
// that hid it would make every session over the store look cross-border.
func (d *Data) Flavor(ctx context.Context) (api.Flavor, error) {
	f, ok := d.API.(flavorer)
	if !ok {
		return "", fmt.Errorf("the API flavour is not known here")
	}
	return f.Flavor(ctx)
}

// ActionGuide passes the domestic contact reasons through when the API offers them.
func (d *Data) ActionGuide(ctx context.Context, packID string) (*api.ActionGuide, error) {
	cr, ok := d.API.(contactReasons)
	if !ok {
		return nil, fmt.Errorf("contact reasons are not available here")
	}
	return cr.ActionGuide(ctx, packID)
}

// SendOption sends a contact reason with the backfill paused.
func (d *Data) SendOption(ctx context.Context, packID string, req api.OptionRequest) (*api.Message, error) {
	cr, ok := d.API.(contactReasons)
	if !ok {
		return nil, fmt.Errorf("contact reasons are not available here")
	}
	defer d.syncer.Pause()()
	return cr.SendOption(ctx, packID, req)
}

// CapsAvailable passes the contact reasons' remaining uses through when the API offers them.
func (d *Data) CapsAvailable(ctx context.Context, packID string) ([]api.OptionCap, error) {
	cr, ok := d.API.(interface {
		CapsAvailable(ctx context.Context, packID string) ([]api.OptionCap, error)
	})
	if !ok {
		return nil, fmt.Errorf("contact reasons are not available here")
	}
	return cr.CapsAvailable(ctx, packID)
}
