package transport

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
)

// maxRedirects is how many same-origin redirects a read may follow (Go's default is 10).
const maxRedirects = 5

// ErrRedirect matches (errors.Is) every redirect postsale refused to follow.
var ErrRedirect = errors.New("redirect refused")

// RedirectError is a 3xx answer postsale did not follow: any redirect of a request with a body
// (a send, an upload, a token exchange), and a redirect of a read to another scheme, host or
// port (the Authorization header would follow it).
type RedirectError struct {
	Method, Path string
	Status       int    // the 3xx status, when known
	To           string // where it pointed, without userinfo or query
	Reason       string
}

func (e *RedirectError) Error() string {
	s := fmt.Sprintf("%s %s: redirect refused", e.Method, e.Path)
	if e.Status != 0 {
		s += fmt.Sprintf(" (%d)", e.Status)
	}
	if e.To != "" {
		s += " to " + e.To
	}
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

// Is makes errors.Is(err, ErrRedirect) true.
func (e *RedirectError) Is(target error) bool { return target == ErrRedirect }

// CheckRedirect is the http.Client redirect policy of every postsale client: a request that is
// not a plain read (POST, PUT, ...) never follows a redirect, whatever its status (Go would turn
// a 301/302 POST into a bodiless GET, and re-send the body on a 307/308), and no request follows
// one to another scheme, host or port (Go keeps Authorization on another port of the same host).
func CheckRedirect(req *http.Request, via []*http.Request) error {
	if len(via) == 0 {
		return nil
	}
	first := via[0]
	e := &RedirectError{Method: first.Method, Path: first.URL.Path, To: redactURL(req.URL)}
	if req.Response != nil {
		e.Status = req.Response.StatusCode
	}
	switch {
	case first.Method != http.MethodGet && first.Method != http.MethodHead:
		e.Reason = "a request that changes something is never redirected"
		return e
	case !sameOrigin(first.URL, req.URL):
		e.Reason = "it points to another scheme, host or port"
		return e
	case len(via) > maxRedirects:
		e.Reason = fmt.Sprintf("more than %d redirects", maxRedirects)
		return e
	}
	return nil
}

// WithRedirectPolicy returns a copy of hc (nil: http.DefaultClient) that follows CheckRedirect.
func WithRedirectPolicy(hc *http.Client) *http.Client {
	if hc == nil {
		hc = http.DefaultClient
	}
	c := *hc
	c.CheckRedirect = CheckRedirect
	return &c
}

// sameOrigin compares scheme, host and effective port.
func sameOrigin(a, b *url.URL) bool {
	return a.Scheme == b.Scheme && a.Hostname() == b.Hostname() && port(a) == port(b)
}

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch u.Scheme {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}

func redactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	if h, p, err := net.SplitHostPort(u.Host); err == nil {
		c.Host = net.JoinHostPort(h, p)
	}
	return c.String()
}
