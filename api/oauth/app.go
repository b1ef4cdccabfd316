package oauth

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"golang.org/x/oauth2"

	"github.com/postsale/postsale/api/transport"
)

// DefaultTokenURL is Mercado Libre's token endpoint, the same for every site.
const DefaultTokenURL = "https://api.mercadolibre.com/oauth/token"

// authHosts maps a site to the country's authorization host: a seller logs in where their
// account lives. A function, not a package map, so no caller can change it for another.
func authHosts() map[string]string {
	return map[string]string{
		"MLA": "auth.mercadolibre.com.ar",
		"MLB": "auth.mercadolivre.com.br",
		"MCO": "auth.mercadolibre.com.co",
		"MLC": "auth.mercadolibre.cl",
		"MEC": "auth.mercadolibre.com.ec",
		"MLM": "auth.mercadolibre.com.mx",
		"MPE": "auth.mercadolibre.com.pe",
		"MLU": "auth.mercadolibre.com.uy",
		"MLV": "auth.mercadolibre.com.ve",
	}
}

// Sites lists the site ids that have an authorization host, sorted.
func Sites() []string {
	out := make([]string, 0, len(authHosts()))
	for s := range authHosts() {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// AuthURL returns the authorization URL of site (MLM, MLB, ...).
func AuthURL(site string) (string, error) {
	host, ok := authHosts()[strings.ToUpper(strings.TrimSpace(site))]
	if !ok {
		return "", fmt.Errorf("site %q has no Mercado Libre login page: use one of %s", site, strings.Join(Sites(), ", "))
	}
	return "https://" + host + "/authorization", nil
}

// App is the seller's registered Mercado Libre application.
type App struct {
	ClientID     string
	ClientSecret Secret
	// RedirectURL must equal the URI registered for the app, character for character.
	RedirectURL string
	// Site picks the authorization host; AuthURL overrides it (the sandbox).
	Site    string
	AuthURL string
	// TokenURL overrides DefaultTokenURL (the sandbox).
	TokenURL string
	// HTTPClient sends token requests; nil means http.DefaultClient.
	HTTPClient *http.Client
}

// config validates a and builds the oauth2 configuration: credentials in the form body, as
// Mercado Libre expects.
func (a App) config() (*oauth2.Config, error) {
	if strings.TrimSpace(a.ClientID) == "" {
		return nil, fmt.Errorf("the app's client id is missing: set client_id in the config or pass --client-id")
	}
	if a.ClientSecret.IsZero() {
		return nil, fmt.Errorf("the app's client secret is missing: set MELI_CLIENT_SECRET, client_secret in the config, or pass --client-secret")
	}
	authURL := a.AuthURL
	if authURL == "" && a.Site != "" {
		u, err := AuthURL(a.Site)
		if err != nil {
			return nil, err
		}
		authURL = u
	}
	tokenURL := a.TokenURL
	if tokenURL == "" {
		tokenURL = DefaultTokenURL
	}
	for _, raw := range []string{authURL, tokenURL} {
		if raw == "" {
			continue // no authorization URL: this App only refreshes
		}
		if u, err := url.Parse(raw); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, fmt.Errorf("%q is not an http(s) URL", raw)
		}
	}
	return &oauth2.Config{
		ClientID:     a.ClientID,
		ClientSecret: a.ClientSecret.Reveal(),
		RedirectURL:  a.RedirectURL,
		Endpoint: oauth2.Endpoint{
			AuthURL:   authURL,
			TokenURL:  tokenURL,
			AuthStyle: oauth2.AuthStyleInParams,
		},
	}, nil
}

// httpClient is the token client, with postsale's redirect policy: a token request (a POST with
// the client secret) never follows a redirect.
func (a App) httpClient() *http.Client {
	return transport.WithRedirectPolicy(a.HTTPClient)
}
