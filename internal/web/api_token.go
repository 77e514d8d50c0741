package web

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"time"

	"golang.org/x/text/unicode/norm"

	"dunghan/internal/auth"
)

// tokenTTL is how long an API token lives.
const tokenTTL = 12 * time.Hour

type tokenRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type tokenResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	User      userView  `json:"user"`
}

type userView struct {
	Username string      `json:"username"`
	FullName string      `json:"full_name"`
	Roles    []auth.Role `json:"roles"`
}

// apiToken exchanges a username and password for a bearer token.
func (s *Server) apiToken(w http.ResponseWriter, r *http.Request) {
	var req tokenRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.failJSON(w, r, err)
		return
	}
	u, err := auth.Authenticate(r.Context(), s.deps.Store, norm.NFC.String(req.Username), req.Password, s.deps.Now())
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	b := make([]byte, 32)
	rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	expires := s.deps.Now().Add(tokenTTL)
	if err := s.deps.Store.SaveToken(r.Context(), u, token, expires); err != nil {
		s.failJSON(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, tokenResponse{Token: token, ExpiresAt: expires.UTC(), User: userView{u.Username, u.FullName, u.Roles}})
}
