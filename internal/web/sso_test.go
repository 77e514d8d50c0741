package web_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"dunghan/internal/calendar"
	"dunghan/internal/config"
	"dunghan/internal/demo"
	"dunghan/internal/store"
	"dunghan/internal/store/storetest"
	"dunghan/internal/web"
)

// fakeProvider is a minimal OpenID Connect provider that signs in whoever
// the test names.
func fakeProvider(t *testing.T, username *string) *httptest.Server {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
	if err != nil {
		t.Fatal(err)
	}
	nonces := map[string]string{} // code → nonce
	mux := http.NewServeMux()
	var srv *httptest.Server
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"issuer": srv.URL, "authorization_endpoint": srv.URL + "/auth", "token_endpoint": srv.URL + "/token",
			"jwks_uri": srv.URL + "/jwks", "id_token_signing_alg_values_supported": []string{"RS256"}})
	})
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("/auth", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		nonces["code-1"] = q.Get("nonce")
		http.Redirect(w, r, q.Get("redirect_uri")+"?code=code-1&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		if r.Form.Get("code_verifier") == "" {
			http.Error(w, "PKCE verifier missing", http.StatusBadRequest)
			return
		}
		claims, _ := json.Marshal(map[string]any{"iss": srv.URL, "aud": "dunghan", "sub": "s-1", "exp": time.Now().Add(time.Hour).Unix(),
			"iat": time.Now().Unix(), "nonce": nonces[r.Form.Get("code")], "preferred_username": *username})
		jws, _ := signer.Sign(claims)
		idToken, _ := jws.CompactSerialize()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 3600, "id_token": idToken})
	})
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestSingleSignOn(t *testing.T) {
	username := "tp.trunghoc"
	provider := fakeProvider(t, &username)
	s := storetest.Open(t, store.SQLite, store.Options{})
	if _, err := demo.Seed(context.Background(), s, rand.Reader, 480); err != nil {
		t.Fatal(err)
	}
	var handler http.Handler
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	defer app.Close()
	sso, err := web.NewSSO(context.Background(), config.OIDC{Issuer: provider.URL, ClientID: "dunghan", ClientSecret: "s",
		RedirectURL: app.URL + "/dang-nhap/sso/callback", UsernameClaim: "preferred_username"})
	if err != nil {
		t.Fatal(err)
	}
	cal, _ := calendar.New(calendar.DefaultConfig())
	handler = web.New(web.Deps{Store: s, Calendar: cal, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: time.Now, SSO: sso})

	signIn := func() (*http.Response, *http.Client) {
		c := browserClient()
		resp, err := c.Get(app.URL + "/dang-nhap/sso")
		for err == nil && resp.StatusCode == http.StatusFound {
			resp.Body.Close()
			resp, err = c.Get(resp.Header.Get("Location"))
		}
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp, c
	}
	resp, c := signIn()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("callback: %d", resp.StatusCode)
	}
	u, _ := url.Parse(app.URL)
	if cookies := c.Jar.Cookies(u); len(cookies) == 0 || cookies[0].Name != "dunghan_session" {
		t.Fatalf("no session cookie after single sign-on: %v", cookies)
	}
	username = "nguoi.la"
	if resp, _ := signIn(); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("unknown user: %d", resp.StatusCode)
	}
	// A callback with a forged state is refused.
	c = browserClient()
	resp, err = c.Get(app.URL + "/dang-nhap/sso/callback?code=code-1&state=forged")
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("forged state: %v %v", resp.StatusCode, err)
	}
}
