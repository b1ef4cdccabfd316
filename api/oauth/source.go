package oauth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"golang.org/x/oauth2"

	"github.com/postsale/postsale/api"
)

// Store keeps one account's token pair. Save must be atomic: the refresh token it replaces is
// already dead, so a torn write would lose the session.
type Store interface {
	Load(ctx context.Context) (*Token, error)
	Save(ctx context.Context, t *Token) error
}

// Locker is implemented by stores shared between processes: Lock excludes every other holder of
// the same account's lock until the returned func is called, so one refresh token is spent once.
type Locker interface {
	Lock(ctx context.Context) (unlock func(), err error)
}

// Reserver is implemented by stores that can take the room for the next Save before it is
// needed: the refresh token is single-use, so a Save that fails after spending it (a full disk)
// loses the session. Reserve fails instead, before anything is spent.
type Reserver interface {
	Reserve(ctx context.Context) (Reservation, error)
}

// Reservation saves one token into room taken by Reserve, or gives the room back.
type Reservation interface {
	Commit(ctx context.Context, t *Token) error
	Abort()
}

// ErrNoSession is what a Store's Load returns (wrapped) when it holds no token.
var ErrNoSession = errors.New("no saved session")

// refreshTimeout bounds one refresh; it is detached from the caller's context because a refresh
// abandoned mid-flight may already have consumed the single-use refresh token.
const refreshTimeout = 30 * time.Second

// Source is an api.Refresher over a saved session: it refreshes before expiry and once after a
// 401, with one refresh at a time however many requests wait for it.
type Source struct {
	app   App
	cfg   *oauth2.Config
	store Store
	now   func() time.Time
	// sem is a one-slot lock that waiting callers can abandon when their context ends.
	sem     chan struct{}
	tok     *Token
	unsaved bool
	log     *slog.Logger
}

var _ api.Refresher = (*Source)(nil)

// SourceOption configures a Source.
type SourceOption func(*Source)

// WithClock sets the clock that decides expiry (tests).
func WithClock(now func() time.Time) SourceOption { return func(s *Source) { s.now = now } }

// WithLogger logs each refresh and its outcome (user id and new expiry, never a token) to l.
func WithLogger(l *slog.Logger) SourceOption {
	return func(s *Source) {
		if l != nil {
			s.log = l
		}
	}
}

// NewSource returns a Source that refreshes with app's credentials and saves each new pair to
// store before handing it out.
func NewSource(app App, store Store, opts ...SourceOption) (*Source, error) {
	if store == nil {
		return nil, errors.New("oauth: a token store is required")
	}
	cfg, err := app.config()
	if err != nil {
		return nil, err
	}
	s := &Source{app: app, cfg: cfg, store: store, now: time.Now, sem: make(chan struct{}, 1), log: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(s)
	}
	return s, nil
}

func (s *Source) lock(ctx context.Context) error {
	select {
	case s.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Source) unlock() { <-s.sem }

// AccessToken returns a token valid for a while yet, refreshing it first when it is close to
// expiry.
func (s *Source) AccessToken(ctx context.Context) (string, error) {
	if err := s.lock(ctx); err != nil {
		return "", err
	}
	defer s.unlock()
	if err := s.ready(ctx); err != nil {
		return "", err
	}
	if !s.tok.Fresh(s.now()) {
		if err := s.refresh(ctx, ""); err != nil {
			return "", err
		}
	}
	return s.tok.Access.Reveal(), nil
}

// Refresh replaces rejected, the token the API answered 401 to; when another caller already
// replaced it, it returns the newer token without refreshing again.
func (s *Source) Refresh(ctx context.Context, rejected string) (string, error) {
	if err := s.lock(ctx); err != nil {
		return "", err
	}
	defer s.unlock()
	if err := s.ready(ctx); err != nil {
		return "", err
	}
	if s.tok.Access.Reveal() != rejected && s.tok.Fresh(s.now()) {
		return s.tok.Access.Reveal(), nil
	}
	if err := s.refresh(ctx, rejected); err != nil {
		return "", err
	}
	return s.tok.Access.Reveal(), nil
}

// ready loads the session on first use and retries a save that failed before.
func (s *Source) ready(ctx context.Context) error {
	if s.tok == nil {
		t, err := s.store.Load(ctx)
		if errors.Is(err, ErrNoSession) {
			return fmt.Errorf("%w: %w", api.ErrNoToken, err)
		}
		if err != nil {
			return fmt.Errorf("load the saved session: %w", err)
		}
		s.tok = t
	}
	if s.unsaved {
		if err := s.store.Save(context.WithoutCancel(ctx), s.tok); err != nil {
			return fmt.Errorf("save the refreshed session: %w", err)
		}
		s.unsaved = false
	}
	return nil
}

// adoptStored takes the stored pair when another postsale process rotated it since we loaded;
// it reports whether that pair can be used instead of refreshing.
func (s *Source) adoptStored(ctx context.Context, rejected string) bool {
	stored, err := s.store.Load(ctx)
	if err != nil || stored.Refresh == s.tok.Refresh {
		return false
	}
	s.tok = stored
	if !stored.Fresh(s.now()) || stored.Access.Reveal() == rejected {
		return false
	}
	s.log.Info("session taken from another postsale process", "user_id", s.tok.UserID, "expiry", s.tok.Expiry)
	return true
}

// refresh trades the refresh token for a new pair and saves it before anyone uses it. The
// caller holds the lock.
func (s *Source) refresh(ctx context.Context, rejected string) error {
	if l, ok := s.store.(Locker); ok {
		unlock, err := l.Lock(ctx)
		if err != nil {
			return fmt.Errorf("wait for another postsale refreshing this session: %w", err)
		}
		defer unlock()
	}
	reason := "expiring"
	if rejected != "" {
		reason = "rejected"
	}
	if s.adoptStored(ctx, rejected) {
		return nil
	}
	if s.tok.Refresh.IsZero() {
		return fmt.Errorf("%w: the saved session has no refresh token", api.ErrLoginRequired)
	}
	// Take the room for the new pair before spending the single-use refresh token.
	var reserved Reservation
	if r, ok := s.store.(Reserver); ok {
		res, err := r.Reserve(ctx)
		if err != nil {
			s.log.Info("session not refreshed: no room to save it", "user_id", s.tok.UserID, "err", err)
			return fmt.Errorf("the session cannot be refreshed because the new one could not be saved (%w); the current one is kept: free some disk space and try again", err)
		}
		reserved = res
		defer res.Abort()
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), refreshTimeout)
	defer cancel()
	rctx = context.WithValue(rctx, oauth2.HTTPClient, s.app.httpClient())
	t, err := s.cfg.TokenSource(rctx, &oauth2.Token{RefreshToken: s.tok.Refresh.Reveal()}).Token()
	if err != nil {
		err = tokenError(s.cfg.Endpoint.TokenURL, err)
		if isInvalidGrant(err) {
			if s.adoptStored(ctx, rejected) {
				return nil
			}
			s.log.Info("session refresh refused: log in again", "user_id", s.tok.UserID, "reason", reason, "err", err)
			return loginRequired(fmt.Errorf("refresh the session: %w", err))
		}
		s.log.Info("session refresh failed", "user_id", s.tok.UserID, "reason", reason, "err", err)
		return fmt.Errorf("refresh the session: %w", err)
	}
	s.tok = fromOAuth2(t, s.now(), s.tok)
	s.unsaved = true
	save := s.store.Save
	if reserved != nil {
		save = reserved.Commit
	}
	if err := save(context.WithoutCancel(ctx), s.tok); err != nil {
		s.log.Info("session refreshed but not saved", "user_id", s.tok.UserID, "expiry", s.tok.Expiry, "err", err)
		return fmt.Errorf("save the refreshed session: %w", err)
	}
	s.unsaved = false
	s.log.Info("session refreshed", "user_id", s.tok.UserID, "reason", reason, "expiry", s.tok.Expiry)
	return nil
}
