// Package api is postsale's Mercado Libre client for the marketplace post-sale messaging API.
// It has no UI imports: every method takes a context first and returns typed errors (*Error,
// *ValidationError) that Explain turns into a sentence for the seller.
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/postsale/postsale/api/transport"
)

// Version is postsale's version, sent in the User-Agent: set by -ldflags, or by main from the
// module's build info before any client exists.
var Version = "dev"

// TokenSource hands out the access token for a request: a StaticToken, or a saved session that
// refreshes itself (api/oauth.Source, which also implements Refresher).
type TokenSource interface {
	AccessToken(ctx context.Context) (string, error)
}

// StaticToken is a TokenSource that always returns the same token.
type StaticToken string

// AccessToken returns the token, or an error when it is empty.
func (t StaticToken) AccessToken(context.Context) (string, error) {
	if t == "" {
		return "", ErrNoToken
	}
	return string(t), nil
}

// ErrNoToken means no access token is configured.
var ErrNoToken = errors.New("no access token configured")

// Client talks to the Mercado Libre API. It is safe for concurrent use.
type Client struct {
	baseURL    *url.URL
	httpClient *http.Client
	tokens     TokenSource
	userAgent  string
	flavor     Flavor       // "" = marketplace; see flavor.go
	acct       *Account     // seller given by WithSeller
	state      accountState // the account once resolved
	me         meCache      // users/me once answered (account.go)
}

// Option configures a Client.
type Option func(*Client) error

// WithBaseURL points the client at another API host (the sandbox, a proxy).
func WithBaseURL(raw string) Option {
	return func(c *Client) error {
		u, err := url.Parse(strings.TrimRight(raw, "/"))
		shown := raw // never quote a password embedded in the URL
		if err == nil && u.User != nil {
			shown = u.Redacted()
		} else if i := strings.LastIndex(raw, "@"); i >= 0 {
			shown = "xxxxx" + raw[i:]
		}
		if err != nil || u.Scheme == "" || u.Host == "" {
			return fmt.Errorf("API URL %q is not an absolute http(s) URL", shown)
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			return fmt.Errorf("API URL %q must start with http:// or https://", shown)
		}
		c.baseURL = u
		return nil
	}
}

// WithHTTPClient sets the HTTP client (timeouts, transport, retries).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("nil http client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithUserAgent overrides the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *Client) error { c.userAgent = ua; return nil }
}

// New returns a client that authenticates with tokens.
func New(tokens TokenSource, opts ...Option) (*Client, error) {
	base, _ := url.Parse(DefaultBaseURL)
	c := &Client{
		baseURL:    base,
		httpClient: http.DefaultClient,
		tokens:     tokens,
		userAgent:  "postsale/" + Version + " (+https://github.com/postsale/postsale)",
	}
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	if c.tokens == nil {
		c.tokens = StaticToken("")
	}
	// Whatever client was given, redirects follow postsale's policy: none for a send or an
	// upload, none to another scheme, host or port for anything (see transport.CheckRedirect).
	c.httpClient = transport.WithRedirectPolicy(c.httpClient)
	return c, nil
}

// BaseURL returns the API host the client talks to.
func (c *Client) BaseURL() string { return c.baseURL.String() }

// newRequest builds an authenticated request for path (relative to the base URL) and query.
func (c *Client) newRequest(ctx context.Context, method, path string, query url.Values, body io.Reader) (*http.Request, error) {
	u := *c.baseURL
	// path holds segments escaped once (pathEscape): keep them as sent, so "a b" goes out as
	// a%20b and not a%2520b.
	unescaped, err := url.PathUnescape(path)
	if err != nil {
		return nil, fmt.Errorf("build %s %s: %w", method, path, err)
	}
	u.RawPath = strings.TrimRight(c.baseURL.EscapedPath(), "/") + path
	u.Path = strings.TrimRight(u.Path, "/") + unescaped
	if len(query) > 0 {
		u.RawQuery = query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("build %s %s: %w", method, path, err)
	}
	token, err := c.tokens.AccessToken(ctx)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	return req, nil
}

// do sends req and returns the response when it is 2xx; otherwise the body decoded into *Error.
// The caller closes the returned body.
func (c *Client) do(req *http.Request) (*http.Response, error) {
	resp, err := c.roundTrip(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusUnauthorized {
		retry, rerr := c.retryUnauthorized(req)
		if retry != nil || rerr != nil {
			resp.Body.Close()
			if rerr != nil {
				return nil, rerr
			}
			req = retry
			if resp, err = c.roundTrip(req); err != nil {
				return nil, err
			}
		}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer resp.Body.Close()
		return nil, decodeError(req, resp)
	}
	return resp, nil
}

// roundTrip sends req once, turning transport failures into *NetworkError.
func (c *Client) roundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.httpClient.Do(req)
	if err != nil {
		if ctxErr := req.Context().Err(); ctxErr != nil {
			return nil, ctxErr
		}
		if re := (*transport.RedirectError)(nil); errors.As(err, &re) {
			return nil, re
		}
		return nil, &NetworkError{Method: req.Method, Path: req.URL.Path, Err: unwrapURLError(err)}
	}
	return resp, nil
}

// retryUnauthorized prepares the single retry after a 401: a token from a Refresher and a
// replayed body. It returns nil, nil when the request cannot be retried.
func (c *Client) retryUnauthorized(req *http.Request) (*http.Request, error) {
	r, ok := c.tokens.(Refresher)
	if !ok || (req.Body != nil && req.Body != http.NoBody && req.GetBody == nil) {
		return nil, nil
	}
	rejected := strings.TrimPrefix(req.Header.Get("Authorization"), "Bearer ")
	token, err := r.Refresh(req.Context(), rejected)
	if err != nil {
		return nil, err
	}
	retry := req.Clone(req.Context())
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, nil
		}
		retry.Body = body
	}
	retry.Header.Set("Authorization", "Bearer "+token)
	return retry, nil
}

// doJSON sends req and decodes a 2xx JSON body into out.
func (c *Client) doJSON(req *http.Request, out any) error {
	_, err := c.doJSONRaw(req, out)
	return err
}

// doJSONRaw is doJSON that also returns the body as served.
func (c *Client) doJSONRaw(req *http.Request, out any) (json.RawMessage, error) {
	resp, err := c.do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if out == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxAnswerBytes+1))
	if err != nil {
		return nil, &NetworkError{Method: req.Method, Path: req.URL.Path, Err: err}
	}
	if len(body) > MaxAnswerBytes {
		return nil, &DecodeError{Method: req.Method, Path: req.URL.Path, Err: &tooLarge{fmt.Sprintf("more than %d MB", MaxAnswerBytes>>20)}}
	}
	// Bound what decoding may allocate before decoding: a page holds at most a few hundred items.
	if err := checkAnswerShape(body); err != nil {
		return nil, &DecodeError{Method: req.Method, Path: req.URL.Path, Err: err}
	}
	if err := json.Unmarshal(body, out); err != nil {
		return nil, &DecodeError{Method: req.Method, Path: req.URL.Path, Err: err, Body: snippet(body)}
	}
	return bytes.TrimSpace(body), nil
}

func (c *Client) getJSONRaw(ctx context.Context, path string, query url.Values, out any) (json.RawMessage, error) {
	req, err := c.newRequest(ctx, http.MethodGet, path, query, nil)
	if err != nil {
		return nil, err
	}
	return c.doJSONRaw(req, out)
}

func (c *Client) getJSON(ctx context.Context, path string, query url.Values, out any) error {
	req, err := c.newRequest(ctx, http.MethodGet, path, query, nil)
	if err != nil {
		return err
	}
	return c.doJSON(req, out)
}

func (c *Client) postJSON(ctx context.Context, path string, query url.Values, in, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	req, err := c.newRequest(ctx, http.MethodPost, path, query, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	return c.doJSON(req, out)
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func snippet(b []byte) string {
	const max = 200
	s := string(b)
	if len(s) > max {
		s = s[:max] + "..."
	}
	return s
}

// pathEscape escapes one path segment (pack ids, message ids, attachment ids).
func pathEscape(s string) string { return url.PathEscape(s) }

// checkSegment refuses an id that would be a dot segment ("." or ".."): a normalising proxy
// would resolve it to the parent path and the request would reach another resource.
func checkSegment(field, id string) error {
	if id == "." || id == ".." {
		return &ValidationError{Field: field, Problem: fmt.Sprintf("the %s id %q is not valid", field, id)}
	}
	return nil
}
