// Package sandbox is an in-memory fake of Mercado Libre's marketplace post-sale messaging API.
// It enforces the same contract as the real API (the seed document and the API reference),
// serves the embedded demo data, and can be scripted to fail, for tests and for `--demo`.
package sandbox

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	mathrand "math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/postsale/postsale/assets"
)

// Route patterns exactly as registered on the server's ServeMux; Fail and WithFailureRate take
// them (or RouteAll).
const (
	RouteMe           = "GET /users/me"
	RouteUnread       = "GET /marketplace/messages/unread"
	RoutePackMessages = "GET /marketplace/messages/packs/{pack_id}"
	RouteSend         = "POST /marketplace/messages/packs/{pack_id}"
	RouteMessage      = "GET /marketplace/messages/{message_id}"
	RouteUpload       = "POST /marketplace/messages/attachments"
	RouteDownload     = "GET /marketplace/messages/attachments/{attachment_id}"
	RouteOrderSearch  = "GET /marketplace/orders/search"
	RouteAll          = "*"
)

// Failure is a scripted way for a request to fail.
type Failure int

const (
	// FailServerError answers 500 with a JSON body.
	FailServerError Failure = iota + 1
	// FailRateLimit answers 429 with the API's local_rate_limited body.
	FailRateLimit
	// FailDrop closes the connection without answering.
	FailDrop
	// FailTimeout holds the request until the client gives up.
	FailTimeout
)

func (f Failure) String() string {
	switch f {
	case FailServerError:
		return "server error"
	case FailRateLimit:
		return "rate limit"
	case FailDrop:
		return "dropped connection"
	case FailTimeout:
		return "timeout"
	}
	return fmt.Sprintf("Failure(%d)", int(f))
}

// maxRecordedBody is how much of each request body Requests keeps.
const maxRecordedBody = 64 << 10

// RecordedRequest is one request the sandbox received, for assertions.
type RecordedRequest struct {
	Method   string
	Path     string
	RawQuery string
	Header   http.Header
	Body     []byte // the first 64 KB of the body the handler read
	Route    string // the matched route pattern, "" when none matched
}

// Option configures a Server.
type Option func(*Server)

// WithLatency delays every answer by d (the wait ends early if the client gives up).
func WithLatency(d time.Duration) Option { return func(s *Server) { s.latency = d } }

// WithFailureRate makes a fraction p of the requests to route fail with f, drawn from a
// generator seeded with seed so a test is reproducible.
func WithFailureRate(route string, f Failure, p float64, seed int64) Option {
	return func(s *Server) {
		s.rates = append(s.rates, failureRate{
			route: route, failure: f, p: p,
			rng: mathrand.New(mathrand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15)),
		})
	}
}

// WithRateLimit answers 429 once more than perMinute GETs (or, counted apart, POSTs) arrive in
// one clock minute, like the real API's 500 per minute per method family.
func WithRateLimit(perMinute int) Option { return func(s *Server) { s.perMinute = perMinute } }

// WithClock sets the sandbox's clock: demo dates are relative to it and sent messages carry it.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

type failureRate struct {
	route   string
	failure Failure
	p       float64
	rng     *mathrand.Rand
}

type scripted struct {
	route   string
	failure Failure
	times   int
}

// Server is the sandbox: an http.Handler safe for concurrent use.
type Server struct {
	mux       *http.ServeMux
	latency   time.Duration
	perMinute int
	now       func() time.Time
	token     string

	mu       sync.Mutex
	tokens   map[string]time.Time // token → expiry (zero: never)
	requests []*RecordedRequest
	// requestLog caps how many requests are kept, so a long-running `postsale sandbox` stays small.
	requestLog int
	script     []scripted
	rates      []failureRate
	window     time.Time // start of the current rate-limit minute
	counts     map[string]int
	data       *store
	oauth      *oauthServer // the OAuth endpoints' state (oauth.go)
	extra      []string     // more embedded demo files whose packs are added (hostile.go)
	domestic   bool         // serve the domestic flavour (domestic.go)
	shuffle    *mathrand.Rand
	forbidden  bool        // 403 on every messaging endpoint
	locks      int         // action_guide option POSTs left to answer 409
	reads      *BuyerReads // how buyers read the seller's messages; nil: they never do (receipts.go)
}

// New returns a sandbox seeded from the embedded demo data.
func New(opts ...Option) *Server {
	s := &Server{now: time.Now, counts: map[string]int{}, tokens: map[string]time.Time{}, requestLog: 10000}
	for _, opt := range opts {
		opt(s)
	}
	if s.token == "" {
		s.token = "APP_USR-" + randomHex(8) + "-" + randomHex(4) + "-" + randomHex(16)
	}
	load := assets.Demo
	if s.domestic {
		load = assets.Domestic
	}
	doc, err := load()
	if err == nil {
		doc, err = mergeDemo(doc, assets.FS(), s.extra)
	}
	if err != nil {
		panic(fmt.Sprintf("sandbox: embedded demo data missing: %v", err))
	}
	data, err := loadDemo(doc, s.now().UTC())
	if err != nil {
		panic(fmt.Sprintf("sandbox: embedded demo data invalid: %v", err))
	}
	s.data = data
	s.data.domestic = s.domestic
	s.tokens[s.token] = time.Time{}
	s.mux = http.NewServeMux()
	s.handle(RouteMe, s.me)
	// Each flavour serves only its own paths: a client on the wrong one gets 404s.
	if s.domestic {
		s.handle(RouteDomesticUnread, s.domesticUnread)
		s.handle(RouteDomesticPackMessages, s.domesticPackMessages)
		s.handle(RouteDomesticSend, s.domesticSend)
		s.handle(RouteDomesticMessage, s.domesticMessage)
		s.handle(RouteDomesticUpload, s.domesticUpload)
		s.handle(RouteDomesticDownload, s.download)
		s.handle(RouteDomesticOrderSearch, s.domesticOrderSearch)
		s.handle(RouteActionGuide, s.actionGuide)
		s.handle(RouteActionGuideCaps, s.actionGuideCaps)
		s.handle(RouteActionGuideOption, s.actionGuideOption)
	} else {
		s.handle(RouteUnread, s.unread)
		s.handle(RoutePackMessages, s.packMessages)
		s.handle(RouteSend, s.send)
		s.handle(RouteMessage, s.message)
		s.handle(RouteUpload, s.upload)
		s.handle(RouteDownload, s.download)
		s.handle(RouteOrderSearch, s.orderSearch)
	}
	s.registerOAuth()
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", fmt.Sprintf("Resource %s not found.", r.URL.Path))
	})
	return s
}

// Token returns the access token the sandbox accepts. It is a fake token, safe to print.
func (s *Server) Token() string { return s.token }

// SellerID returns the demo seller's user id.
func (s *Server) SellerID() string { return s.data.seller.ID }

// AddToken makes the sandbox accept another token until expires (zero: forever).
func (s *Server) AddToken(token string, expires time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = expires
}

// RevokeToken stops accepting token.
func (s *Server) RevokeToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tokens, token)
}

// Fail makes the next `times` requests matching route (a Route constant or RouteAll) fail with f.
func (s *Server) Fail(route string, f Failure, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = append(s.script, scripted{route: route, failure: f, times: times})
}

// Requests returns a copy of every request received so far, oldest first.
func (s *Server) Requests() []RecordedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]RecordedRequest, len(s.requests))
	for i, rp := range s.requests {
		r := *rp
		r.Header = r.Header.Clone()
		r.Body = bytes.Clone(r.Body)
		out[i] = r
	}
	return out
}

// ServeHTTP records the request and routes it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, route := s.mux.Handler(r)
	if route == "/" {
		route = ""
	}
	rec := &RecordedRequest{
		Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Route: route,
	}
	s.mu.Lock()
	if s.requestLog > 0 && len(s.requests) >= s.requestLog {
		s.requests = append(s.requests[:0], s.requests[len(s.requests)-s.requestLog/2:]...)
	}
	s.requests = append(s.requests, rec)
	s.mu.Unlock()
	capture := &capturingReader{r: r.Body}
	r.Body = struct {
		io.Reader
		io.Closer
	}{capture, r.Body}
	defer func() {
		s.mu.Lock()
		rec.Body = capture.buf.Bytes()
		s.mu.Unlock()
	}()
	s.mux.ServeHTTP(w, r)
}

// handle registers h under pattern behind the sandbox's gate: latency, failures, auth, rate limit.
func (s *Server) handle(pattern string, h func(http.ResponseWriter, *http.Request)) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if s.latency > 0 {
			t := time.NewTimer(s.latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		if f := s.nextFailure(pattern); f != 0 {
			s.fail(w, r, f)
			return
		}
		if !s.authorized(w, r) {
			return
		}
		if s.rateLimited(r.Method) {
			writeRateLimited(w)
			return
		}
		if s.forbidden && messaging(pattern) {
			_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, drainLimit))
			writeForbiddenSeller(w)
			return
		}
		s.mu.Lock()
		s.buyersRead() // what the buyers read since the last request, on the sandbox's clock
		s.mu.Unlock()
		h(w, r)
	})
}

func (s *Server) nextFailure(route string) Failure {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.script {
		sc := &s.script[i]
		if sc.times > 0 && (sc.route == RouteAll || sc.route == route) {
			sc.times--
			return sc.failure
		}
	}
	for i := range s.rates {
		fr := &s.rates[i]
		if (fr.route == RouteAll || fr.route == route) && fr.rng.Float64() < fr.p {
			return fr.failure
		}
	}
	return 0
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, f Failure) {
	switch f {
	case FailServerError:
		writeError(w, http.StatusInternalServerError, "internal_server_error", "Internal server error, try it later")
	case FailRateLimit:
		writeRateLimited(w)
	case FailDrop:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, buf, err := hj.Hijack(); err == nil {
				// A cut-off status line: a connection closed before any byte would make Go's
				// transport silently retry an idempotent request on a reused connection.
				_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/js")
				_ = buf.Flush()
				conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler) // closes the connection where hijacking is impossible (HTTP/2)
	case FailTimeout:
		// Go's server notices a client that gave up only once the request body is consumed.
		_, _ = io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	default:
		writeError(w, http.StatusInternalServerError, "internal_server_error", "unknown scripted failure "+f.String())
	}
}

// authorized answers the seed's bodies: 400 without a token, 401 with a wrong or expired one.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	auth := strings.TrimSpace(r.Header.Get("Authorization"))
	token := ""
	if len(auth) > len("bearer ") && strings.EqualFold(auth[:len("bearer ")], "bearer ") {
		token = strings.TrimSpace(auth[len("bearer "):])
	}
	if token == "" {
		writeError(w, http.StatusBadRequest, "bad_request", "Access token is required")
		return false
	}
	s.mu.Lock()
	expires, ok := s.tokens[token]
	s.mu.Unlock()
	if !ok || (!expires.IsZero() && !s.now().Before(expires)) {
		writeError(w, http.StatusUnauthorized, "not_found", "invalid access token")
		return false
	}
	return true
}

// rateLimited counts GETs and POSTs apart in fixed clock minutes.
func (s *Server) rateLimited(method string) bool {
	if s.perMinute <= 0 {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	minute := s.now().Truncate(time.Minute)
	if !minute.Equal(s.window) {
		s.window = minute
		clear(s.counts)
	}
	family := "GET"
	if method != http.MethodGet && method != http.MethodHead {
		family = "POST"
	}
	s.counts[family]++
	return s.counts[family] > s.perMinute
}

// capturingReader keeps the first maxRecordedBody bytes read through it.
type capturingReader struct {
	r   io.Reader
	buf bytes.Buffer
}

func (c *capturingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if room := maxRecordedBody - c.buf.Len(); room > 0 && n > 0 {
		c.buf.Write(p[:min(n, room)])
	}
	return n, err
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// uuidish returns a random version-4 UUID string, the shape of the API's file ids.
func uuidish() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// WithRequestLog keeps at most n requests for Requests() (the older half is dropped when full);
// n <= 0 keeps every request.
func WithRequestLog(n int) Option { return func(s *Server) { s.requestLog = n } }
