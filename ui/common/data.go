package common

import (
	"context"

	"github.com/postsale/postsale/api"
	"github.com/postsale/postsale/api/attach"
)

// Data is everything one inbox session reads from and writes to Mercado Libre. *api.Client
// satisfies it; a local store can decorate it (cache, search) without touching the views. Each
// view keeps only the narrow part it uses, declared beside it (packlist.Source,
// conversation.Source, compose.Sender, the root's accountReader).
type Data interface {
	Me(ctx context.Context) (*api.User, error)
	UnreadPacks(ctx context.Context) (*api.Unread, error)
	SearchOrders(ctx context.Context, opts api.OrderSearchOptions) (*api.OrderSearch, error)
	api.PackReader
	SendMessage(ctx context.Context, packID string, msg api.SendRequest) (*api.Message, error)
	attach.Uploader
	attach.Downloader
}

// ContactReasons (optional: a session's Data may implement it; *api.Client does) is the domestic flavour's seller-initiated contact (action_guide): the reasons a
// seller may write first with, and sending one.
type ContactReasons interface {
	ActionGuide(ctx context.Context, packID string) (*api.ActionGuide, error)
	SendOption(ctx context.Context, packID string, req api.OptionRequest) (*api.Message, error)
}

var _ Data = (*api.Client)(nil)
