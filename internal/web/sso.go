package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"dunghan/internal/apperr"
	"dunghan/internal/auth"
	"dunghan/internal/config"
)

// SSO is single sign-on with the provincial OpenID Connect provider. A
// user who signs in there must exist here, active, with the same username.
type SSO struct {
	verifier *oidc.IDTokenVerifier
	oauth    oauth2.Config
	claim    string
}

// NewSSO discovers the provider. It returns nil, nil when SSO is off.
func NewSSO(ctx context.Context, cfg config.OIDC) (*SSO, error) {
	if cfg.Issuer == "" {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("single sign-on provider %s: %w", cfg.Issuer, err)
	}
	return &SSO{
		verifier: p.Verifier(&oidc.Config{ClientID: cfg.ClientID}),
		oauth: oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: cfg.RedirectURL,
			Endpoint: p.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "profile"}},
		claim: cfg.UsernameClaim,
	}, nil
}

// ssoCookie carries state, nonce and PKCE verifier between the two legs.
const ssoCookie = "dunghan_sso"

// ssoStart sends the browser to the provider.
func (s *Server) ssoStart(w http.ResponseWriter, r *http.Request) {
	sso := s.deps.SSO
	if sso == nil {
		s.fail(w, r, apperr.New(apperr.NotFound, "Đăng nhập một lần (SSO) chưa được cấu hình."))
		return
	}
	state, nonce, verifier := newToken(), newToken(), oauth2.GenerateVerifier()
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Value: state + "." + nonce + "." + verifier, Path: "/dang-nhap/sso",
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode, MaxAge: 600})
	http.Redirect(w, r, sso.oauth.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), http.StatusFound)
}

// ssoCallback verifies the provider's answer and opens a session.
func (s *Server) ssoCallback(w http.ResponseWriter, r *http.Request) {
	u, err := s.ssoUser(r)
	if err != nil {
		s.deps.Log.Warn("single sign-on refused", "err", err)
		data := page("Đăng nhập", nil)
		data["Next"], data["Error"] = "/", apperr.Message(err)
		s.render(w, r, statusOf(apperr.CodeOf(err)), "login.html", data)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Value: "", Path: "/dang-nhap/sso", MaxAge: -1})
	s.openSession(w, r, u, "/")
}

func (s *Server) ssoUser(r *http.Request) (auth.User, error) {
	sso := s.deps.SSO
	refused := apperr.New(apperr.Unauthorized, "Đăng nhập một lần không thành công. Vui lòng thử lại.")
	c, err := r.Cookie(ssoCookie)
	if sso == nil || err != nil {
		return auth.User{}, refused
	}
	parts := strings.Split(c.Value, ".")
	if len(parts) != 3 || r.URL.Query().Get("state") != parts[0] {
		return auth.User{}, refused
	}
	nonce, verifier := parts[1], parts[2]
	tok, err := sso.oauth.Exchange(r.Context(), r.URL.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		return auth.User{}, apperr.Wrap(apperr.Unauthorized, refused.Message, err)
	}
	raw, _ := tok.Extra("id_token").(string)
	id, err := sso.verifier.Verify(r.Context(), raw)
	if err != nil || id.Nonce != nonce {
		return auth.User{}, apperr.Wrap(apperr.Unauthorized, refused.Message, err)
	}
	var claims map[string]any
	if err := id.Claims(&claims); err != nil {
		return auth.User{}, apperr.Wrap(apperr.Unauthorized, refused.Message, err)
	}
	username, _ := claims[sso.claim].(string)
	u, err := s.deps.Store.UserByUsername(r.Context(), username)
	switch {
	case apperr.Is(err, apperr.NotFound):
		return u, apperr.New(apperr.Forbidden, "Tài khoản đăng nhập một lần chưa được cấp quyền trong hệ thống. Liên hệ quản trị viên.")
	case err != nil:
		return u, err
	case !u.Active || s.deps.Now().Before(u.LockedUntil):
		return u, apperr.New(apperr.Forbidden, "Tài khoản đã bị khoá. Liên hệ quản trị viên.")
	}
	return u, nil
}
