// Package transport is the one HTTP stack a postsale process shares: a timeout on every request,
// retries with backoff for idempotent reads, a client-side rate limit under Mercado Libre's 500
// requests a minute, and sends that are never repeated blindly.
package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Defaults follow the API reference: 500 GETs and 500 POSTs a minute, counted separately.
const (
	DefaultPerMinute     = 500
	DefaultTimeout       = 30 * time.Second
	DefaultHeaderTimeout = 60 * time.Second
	DefaultMaxAttempts   = 4
	DefaultMaxElapsed    = 90 * time.Second
	DefaultBaseDelay     = 500 * time.Millisecond
	DefaultMaxDelay      = 15 * time.Second
)

// Config tunes a Transport; the zero value is production's defaults.
type Config struct {
	// Base sends the requests; nil uses a clone of http.DefaultTransport.
	Base http.RoundTripper
	// Timeout bounds a whole JSON request, body included, per attempt.
	Timeout time.Duration
	// HeaderTimeout bounds the wait for response headers of attachment streams, counted from
	// when the request was fully written (a 25 MB upload may take long to write).
	HeaderTimeout time.Duration
	// MaxAttempts bounds the tries of one idempotent request (1 = never retry).
	MaxAttempts int
	// MaxElapsed bounds the time spent on one idempotent request including backoff.
	MaxElapsed time.Duration
	// BaseDelay and MaxDelay shape the exponential backoff: attempt n sleeps a uniformly random
	// time in [0, min(MaxDelay, BaseDelay·2ⁿ)) ("full jitter").
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// PerMinute is the server's allowance for GETs and, separately, for POSTs; Period is the
	// window it is counted over (a minute; tests shrink it).
	PerMinute int
	Period    time.Duration
	// GetLimiter and PostLimiter replace the limiters built from PerMinute/Period.
	GetLimiter, PostLimiter Limiter
	// Sleep waits d or until ctx ends; Jitter returns a random duration in [0, max); Now is the
	// clock. Tests inject all three.
	Sleep  func(ctx context.Context, d time.Duration) error
	Jitter func(max time.Duration) time.Duration
	Now    func() time.Time
	// Logger gets one Debug line per request and per retry (method, path, status, duration:
	// never headers or queries).
	Logger *slog.Logger
}

// Limiter paces requests; *rate.Limiter implements it.
type Limiter interface {
	Wait(ctx context.Context) error
}

// Transport is an http.RoundTripper; build one per process and share its Client.
type Transport struct {
	base        http.RoundTripper
	cfg         Config
	getLimiter  Limiter
	postLimiter Limiter
}

// New builds a Transport from cfg, filling in defaults.
func New(cfg Config) *Transport {
	if cfg.Base == nil {
		cfg.Base = http.DefaultTransport.(*http.Transport).Clone()
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.HeaderTimeout <= 0 {
		cfg.HeaderTimeout = DefaultHeaderTimeout
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.MaxElapsed <= 0 {
		cfg.MaxElapsed = DefaultMaxElapsed
	}
	if cfg.BaseDelay <= 0 {
		cfg.BaseDelay = DefaultBaseDelay
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = DefaultMaxDelay
	}
	if cfg.PerMinute <= 0 {
		cfg.PerMinute = DefaultPerMinute
	}
	if cfg.Period <= 0 {
		cfg.Period = time.Minute
	}
	if cfg.Sleep == nil {
		cfg.Sleep = Sleep
	}
	if cfg.Jitter == nil {
		cfg.Jitter = func(max time.Duration) time.Duration {
			if max <= 0 {
				return 0
			}
			return rand.N(max)
		}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	t := &Transport{base: cfg.Base, cfg: cfg, getLimiter: cfg.GetLimiter, postLimiter: cfg.PostLimiter}
	if t.getLimiter == nil {
		t.getLimiter = NewLimiter(cfg.PerMinute, cfg.Period)
	}
	if t.postLimiter == nil {
		t.postLimiter = NewLimiter(cfg.PerMinute, cfg.Period)
	}
	return t
}

// NewClient returns the *http.Client for api.WithHTTPClient. It has no Client.Timeout: the
// transport times JSON calls as a whole and attachment streams only until their headers.
func NewClient(cfg Config) *http.Client {
	return &http.Client{Transport: New(cfg), CheckRedirect: CheckRedirect}
}

// Client wraps t in an *http.Client.
func (t *Transport) Client() *http.Client {
	return &http.Client{Transport: t, CheckRedirect: CheckRedirect}
}

// NewLimiter allows at most perPeriod requests in any window of period: it refills at
// 95% of the allowance minus a small burst, so burst plus refill never reach the server's cap.
func NewLimiter(perPeriod int, period time.Duration) *rate.Limiter {
	if perPeriod <= 0 {
		perPeriod = DefaultPerMinute
	}
	if period <= 0 {
		period = time.Minute
	}
	allowance := perPeriod * 95 / 100
	burst := max(1, min(10, allowance/50))
	refill := max(1, allowance-burst)
	return rate.NewLimiter(rate.Limit(float64(refill)/period.Seconds()), burst)
}

// ErrAmbiguous matches (errors.Is) a request that was fully written but got no answer: the server
// may have acted on it. A send that fails this way must be checked before it is offered again.
var ErrAmbiguous = errors.New("the request was sent but no answer came")

// AmbiguousError is a non-idempotent request (a send, an upload) that was written in full and
// then failed (timeout, reset, dropped connection) before any response arrived.
type AmbiguousError struct {
	Method, Path string
	Err          error
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("%s %s: sent, but no answer came (it may have gone through): %v", e.Method, e.Path, e.Err)
}

// Unwrap exposes the network error.
func (e *AmbiguousError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrAmbiguous) true.
func (e *AmbiguousError) Is(target error) bool { return target == ErrAmbiguous }

// TimeoutError is a request the transport gave up waiting for. It unwraps to
// context.DeadlineExceeded so api.Explain calls it "did not answer in time".
type TimeoutError struct {
	After  time.Duration
	Header bool // true when only the response headers were being awaited (a stream)
}

func (e *TimeoutError) Error() string {
	if e.Header {
		return fmt.Sprintf("no response within %s", e.After)
	}
	return fmt.Sprintf("request took longer than %s", e.After)
}

// Unwrap returns context.DeadlineExceeded.
func (e *TimeoutError) Unwrap() error { return context.DeadlineExceeded }

// Timeout reports true, like net.Error.
func (e *TimeoutError) Timeout() bool { return true }

// isStream reports uploads and downloads of attachments, whose bodies may be large.
func isStream(req *http.Request) bool {
	if strings.HasPrefix(req.Header.Get("Content-Type"), "multipart/") {
		return true
	}
	p := strings.TrimRight(req.URL.Path, "/")
	return strings.HasSuffix(p, "/messages/attachments") || strings.Contains(p, "/messages/attachments/")
}

// idempotent reports requests that may be sent again: reads without a body that cannot be replayed.
func idempotent(req *http.Request) bool {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		return false
	}
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// RoundTrip paces, times and (for idempotent requests) retries req.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	limiter := t.postLimiter
	if req.Method == http.MethodGet || req.Method == http.MethodHead {
		limiter = t.getLimiter
	}
	if !idempotent(req) {
		if err := limiter.Wait(req.Context()); err != nil {
			return nil, closeBody(req, fmt.Errorf("waiting for the rate limit: %w", err))
		}
		return t.attempt(req)
	}
	start := t.cfg.Now()
	for n := 0; ; n++ {
		if err := limiter.Wait(req.Context()); err != nil {
			return nil, fmt.Errorf("waiting for the rate limit: %w", err)
		}
		attemptReq := req
		if n > 0 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, fmt.Errorf("rewind body: %w", err)
			}
			attemptReq = req.Clone(req.Context())
			attemptReq.Body = body
		}
		resp, err := t.attempt(attemptReq)
		if !t.retryable(req, resp, err) || n+1 >= t.cfg.MaxAttempts {
			return resp, err
		}
		delay := t.backoff(n, resp)
		if t.cfg.Now().Add(delay).Sub(start) > t.cfg.MaxElapsed {
			return resp, err
		}
		t.logRetry(req, n+1, delay, resp, err)
		if resp != nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
		}
		if serr := t.cfg.Sleep(req.Context(), delay); serr != nil {
			return nil, serr
		}
	}
}

// retryable: network errors (not the caller's own cancel), 5xx and 429.
func (t *Transport) retryable(req *http.Request, resp *http.Response, err error) bool {
	if err != nil {
		return req.Context().Err() == nil
	}
	return resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500
}

// backoff is full jitter over an exponential ceiling, or the server's Retry-After when it sends one.
func (t *Transport) backoff(n int, resp *http.Response) time.Duration {
	if resp != nil {
		if secs, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("Retry-After"))); err == nil && secs >= 0 {
			return min(time.Duration(secs)*time.Second, t.cfg.MaxDelay)
		}
	}
	ceiling := t.cfg.MaxDelay
	if n < 30 {
		ceiling = min(t.cfg.BaseDelay<<n, t.cfg.MaxDelay)
	}
	return t.cfg.Jitter(ceiling)
}

func (t *Transport) logRetry(req *http.Request, attempt int, delay time.Duration, resp *http.Response, err error) {
	attrs := []any{"method", req.Method, "path", req.URL.Path, "attempt", attempt, "delay", delay}
	if resp != nil {
		attrs = append(attrs, "status", resp.StatusCode)
	}
	if err != nil {
		attrs = append(attrs, "err", err.Error())
	}
	t.cfg.Logger.Debug("retrying request", attrs...)
}

// logAttempt is the Debug line of every request sent: method, path (never the query or
// headers), status and the time to the answer's headers.
func (t *Transport) logAttempt(req *http.Request, resp *http.Response, err error, took time.Duration) {
	if !t.cfg.Logger.Enabled(req.Context(), slog.LevelDebug) {
		return // the usual case: spare every request the attributes
	}
	attrs := []any{"method", req.Method, "path", req.URL.Path, "duration", took}
	if resp != nil {
		attrs = append(attrs, "status", resp.StatusCode)
	}
	if err != nil {
		attrs = append(attrs, "err", err.Error())
	}
	t.cfg.Logger.Debug("request", attrs...)
}

// attempt sends req once under its timeout and classifies a failure after a full write.
func (t *Transport) attempt(req *http.Request) (*http.Response, error) {
	parent := req.Context()
	ctx, cancel := context.WithCancelCause(parent)
	stream := isStream(req)
	var timeout *TimeoutError
	var stopTimer func() bool
	var mu sync.Mutex
	wrote, answered := false, false
	if stream {
		timeout = &TimeoutError{After: t.cfg.HeaderTimeout, Header: true}
	} else {
		timeout = &TimeoutError{After: t.cfg.Timeout}
		timer := time.AfterFunc(t.cfg.Timeout, func() { cancel(timeout) })
		stopTimer = timer.Stop
	}
	trace := &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			mu.Lock()
			defer mu.Unlock()
			wrote = info.Err == nil
			// An answer can beat the end of the body (an early refusal): then nothing is awaited.
			if stream && stopTimer == nil && !answered {
				timer := time.AfterFunc(t.cfg.HeaderTimeout, func() { cancel(timeout) })
				stopTimer = timer.Stop
			}
		},
	}
	began := time.Now()
	resp, err := t.base.RoundTrip(req.WithContext(httptrace.WithClientTrace(ctx, trace)))
	t.logAttempt(req, resp, err, time.Since(began))
	mu.Lock()
	answered = true
	written, stop := wrote, stopTimer
	mu.Unlock()
	if stream && stop != nil {
		stop() // headers are in: a stream's transfer is not timed
	}
	if err != nil {
		if stop != nil {
			stop()
		}
		if cause := context.Cause(ctx); parent.Err() == nil && errors.Is(cause, context.DeadlineExceeded) {
			err = cause
		}
		cancel(nil)
		if written && !idempotent(req) {
			return nil, &AmbiguousError{Method: req.Method, Path: req.URL.Path, Err: err}
		}
		return nil, err
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, ctx: ctx, parent: parent, cancel: cancel, stop: stop}
	return resp, nil
}

// cancelBody releases the attempt's context when the caller closes the body, and reports a
// timeout that struck mid-body as the TimeoutError rather than "context canceled".
type cancelBody struct {
	io.ReadCloser
	ctx    context.Context
	parent context.Context
	cancel context.CancelCauseFunc
	stop   func() bool
	once   sync.Once
}

func (b *cancelBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF && b.parent.Err() == nil {
		if cause := context.Cause(b.ctx); errors.Is(cause, context.DeadlineExceeded) {
			err = cause
		}
	}
	return n, err
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(func() {
		if b.stop != nil {
			b.stop()
		}
		b.cancel(nil)
	})
	return err
}

// closeBody closes a request body the transport will not send (RoundTrip must close it).
func closeBody(req *http.Request, err error) error {
	if req.Body != nil {
		req.Body.Close()
	}
	return err
}

// Sleep waits d, or less when ctx ends first (its error then); the default Config.Sleep, and
// the wait other retry loops in postsale use.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
