package web

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"dunghan/internal/apperr"
	"dunghan/internal/auth"
)

const (
	sessionCookie = "dunghan_session"
	sessionTTL    = 12 * time.Hour
)

// newToken returns 32 random bytes, URL-safe.
func newToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// sessionUser returns the logged-in user of a page request.
func (s *Server) sessionUser(r *http.Request) (auth.User, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return auth.User{}, false
	}
	u, err := s.deps.Store.SessionUser(r.Context(), c.Value, s.deps.Now())
	return u, err == nil
}

// staff wraps a page that needs a logged-in user; others go to the log-in page.
func (s *Server) staff(h func(w http.ResponseWriter, r *http.Request, u auth.User)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, ok := s.sessionUser(r)
		if !ok {
			http.Redirect(w, r, "/dang-nhap?tiep="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		h(w, r, u)
	}
}

// page returns the data every page template gets.
func page(title string, u *auth.User) map[string]any {
	return map[string]any{"Title": title, "User": u}
}

// localPath keeps a redirect target on this site.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\\\") {
		return "/"
	}
	return p
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	data := page("Đăng nhập", nil)
	data["Next"], data["SSO"] = localPath(r.URL.Query().Get("tiep")), s.deps.SSO != nil
	s.render(w, r, http.StatusOK, "login.html", data)
}

// login checks the password and opens a server-side session.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	username := strings.ToLower(strings.TrimSpace(norm.NFC.String(r.PostFormValue("username"))))
	next := localPath(r.PostFormValue("tiep"))
	u, err := auth.Authenticate(r.Context(), s.deps.Store, username, r.PostFormValue("password"), s.deps.Now())
	if err == nil {
		s.openSession(w, r, u, next)
		return
	}
	status := statusOf(apperr.CodeOf(err))
	if status >= 500 {
		s.deps.Log.Error("login", "err", err)
	}
	data := page("Đăng nhập", nil)
	data["Next"], data["Username"], data["Error"] = next, username, apperr.Message(err)
	s.render(w, r, status, "login.html", data)
}

// openSession creates the server-side session, sets its cookie and
// redirects to next.
func (s *Server) openSession(w http.ResponseWriter, r *http.Request, u auth.User, next string) {
	token := newToken()
	if err := s.deps.Store.CreateSession(r.Context(), u, token, s.deps.Now().Add(sessionTTL)); err != nil {
		s.fail(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteLaxMode, MaxAge: int(sessionTTL.Seconds())})
	s.deps.Log.Info("login", "user", u.ID)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// logout ends the session.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.deps.Store.DeleteSession(r.Context(), c.Value); err != nil {
			s.deps.Log.Error("logout", "err", err)
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, MaxAge: -1})
	http.Redirect(w, r, "/dang-nhap", http.StatusSeeOther)
}
