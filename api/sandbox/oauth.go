package sandbox

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// OAuth routes: Mercado Libre serves /authorization on the country's auth host and /oauth/token
// on the API host; the sandbox serves both.
const (
	RouteAuthorization = "GET /authorization"
	RouteOAuthToken    = "POST /oauth/token"
)

// The sandbox's demo app. These are fake credentials made up for the sandbox, safe to print.
const (
	DemoClientID     = "5503910054141466"
	DemoClientSecret = "sandbox-demo-secret-not-a-real-one"
	// DemoRedirectLoopback is caught by `postsale login` itself; DemoRedirectPaste is the
	// HTTPS kind Mercado Libre requires, whose address the seller pastes back.
	DemoRedirectLoopback = "http://127.0.0.1:53682/callback"
	DemoRedirectPaste    = "https://postsale.example/callback"
)

// DemoRedirectURIs are the redirect URIs registered for the demo app.
func DemoRedirectURIs() []string { return []string{DemoRedirectLoopback, DemoRedirectPaste} }

// defaultTokenExpiry is what the real API gives (its docs say 6 hours).
const defaultTokenExpiry = 6 * time.Hour

// codeLifetime is how long an authorization code can be exchanged.
const codeLifetime = 10 * time.Minute

// WithTokenExpiry sets the lifetime of the access tokens /oauth/token issues (short, to watch
// refreshes happen).
func WithTokenExpiry(d time.Duration) Option {
	return func(s *Server) { s.oauthState().expiry = d }
}

type authCode struct {
	redirectURI string
	challenge   string
	expires     time.Time
}

// oauthServer is the sandbox's authorization server state; Server.mu guards it.
type oauthServer struct {
	expiry  time.Duration
	codes   map[string]authCode
	refresh map[string]bool // live refresh tokens; each works once
}

func (s *Server) oauthState() *oauthServer {
	if s.oauth == nil {
		s.oauth = &oauthServer{expiry: defaultTokenExpiry, codes: map[string]authCode{}, refresh: map[string]bool{}}
	}
	return s.oauth
}

// registerOAuth adds the authorization and token endpoints; neither takes a bearer token.
func (s *Server) registerOAuth() {
	s.oauthState()
	s.mux.HandleFunc(RouteAuthorization, s.authorize)
	s.mux.HandleFunc(RouteOAuthToken, func(w http.ResponseWriter, r *http.Request) {
		if f := s.nextFailure(RouteOAuthToken); f != 0 {
			s.fail(w, r, f)
			return
		}
		s.tokenEndpoint(w, r)
	})
}

// writeOAuthError answers in the token endpoint's error shape.
func writeOAuthError(w http.ResponseWriter, status int, code, description string) {
	writeJSON(w, status, map[string]any{"error": code, "error_description": description, "status": status, "cause": []string{}})
}

// authorize auto-approves: it checks the app and redirect URI, remembers the PKCE challenge and
// sends the browser back with a code and the caller's state.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("response_type") != "code" {
		writeOAuthError(w, http.StatusBadRequest, "unsupported_response_type", "response_type must be code")
		return
	}
	if q.Get("client_id") != DemoClientID {
		writeOAuthError(w, http.StatusBadRequest, "invalid_client", "unknown client_id")
		return
	}
	redirect := q.Get("redirect_uri")
	if !slices.Contains(DemoRedirectURIs(), redirect) {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "redirect_uri does not match the app's registered redirect URI")
		return
	}
	challenge := q.Get("code_challenge")
	if challenge != "" && q.Get("code_challenge_method") != "S256" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "code_challenge_method must be S256")
		return
	}
	code := "TG-" + randomHex(12) + "-" + s.SellerID()
	s.mu.Lock()
	s.oauth.codes[code] = authCode{redirectURI: redirect, challenge: challenge, expires: s.now().Add(codeLifetime)}
	s.mu.Unlock()
	u, _ := url.Parse(redirect)
	back := u.Query()
	back.Set("code", code)
	if st := q.Get("state"); st != "" {
		back.Set("state", st)
	}
	u.RawQuery = back.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// tokenEndpoint is /oauth/token: authorization_code (with PKCE) and refresh_token (single-use).
func (s *Server) tokenEndpoint(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "the body must be a form")
		return
	}
	f := r.PostForm
	if f.Get("client_id") != DemoClientID || subtle.ConstantTimeCompare([]byte(f.Get("client_secret")), []byte(DemoClientSecret)) != 1 {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "invalid client_id or client_secret")
		return
	}
	switch f.Get("grant_type") {
	case "authorization_code":
		s.exchangeCode(w, f)
	case "refresh_token":
		s.refreshGrant(w, f)
	default:
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token")
	}
}

func (s *Server) exchangeCode(w http.ResponseWriter, f url.Values) {
	code := f.Get("code")
	s.mu.Lock()
	ac, ok := s.oauth.codes[code]
	delete(s.oauth.codes, code) // a code works once, even when the attempt fails
	s.mu.Unlock()
	switch {
	case !ok || !s.now().Before(ac.expires):
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "Error validating grant. Your authorization code or refresh token may be expired or it was already used")
		return
	case f.Get("redirect_uri") != ac.redirectURI:
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "the redirect_uri does not match the one used to authorize")
		return
	case ac.challenge != "" && !verifierMatches(f.Get("code_verifier"), ac.challenge):
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "invalid code_verifier")
		return
	}
	s.issue(w)
}

// verifierMatches checks PKCE S256: base64url(sha256(verifier)) == challenge.
func verifierMatches(verifier, challenge string) bool {
	if verifier == "" {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	got := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(got), []byte(challenge)) == 1
}

func (s *Server) refreshGrant(w http.ResponseWriter, f url.Values) {
	rt := f.Get("refresh_token")
	s.mu.Lock()
	live := s.oauth.refresh[rt]
	delete(s.oauth.refresh, rt) // single use: only the newest refresh token works
	s.mu.Unlock()
	if !live {
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "Error validating grant. Your authorization code or refresh token may be expired or it was already used")
		return
	}
	s.issue(w)
}

// issue mints a token pair the sandbox's API then accepts.
func (s *Server) issue(w http.ResponseWriter) {
	access := "APP_USR-" + randomHex(8) + "-" + randomHex(4) + "-" + randomHex(16)
	refresh := "TG-" + randomHex(16)
	s.mu.Lock()
	expiry := s.oauth.expiry
	s.oauth.refresh[refresh] = true
	s.mu.Unlock()
	s.AddToken(access, s.now().Add(expiry))
	var userID any = s.SellerID()
	if n, err := strconv.ParseInt(s.SellerID(), 10, 64); err == nil {
		userID = n
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token":  access,
		"token_type":    "bearer",
		"expires_in":    int64(expiry / time.Second),
		"scope":         "offline_access read write",
		"user_id":       userID,
		"refresh_token": refresh,
	})
}
