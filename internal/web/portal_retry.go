package web

import (
	"net/http"
	"strconv"

	"dunghan/internal/auth"
)

// portalRetryPost makes every failed dossier due again (POST /dong-bo/thu-lai).
func (s *Server) portalRetryPost(w http.ResponseWriter, r *http.Request, u auth.User) {
	if err := portalManager(u); err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := s.deps.Store.PortalRetryFailed(r.Context(), u.AgencyID, s.deps.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.deps.Log.Info("portal: failed dossiers retried", "user", u.ID, "queued", n)
	s.kick()
	http.Redirect(w, r, "/dong-bo?tb=thu-lai&n="+strconv.Itoa(n), http.StatusSeeOther)
}

// apiPortalRetry makes every failed dossier due again.
func (s *Server) apiPortalRetry(w http.ResponseWriter, r *http.Request) {
	u, err := s.apiPortalManager(r)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	n, err := s.deps.Store.PortalRetryFailed(r.Context(), u.AgencyID, s.deps.Now())
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	s.deps.Log.Info("portal: failed dossiers retried", "user", u.ID, "queued", n)
	s.kick()
	writeJSON(w, http.StatusOK, queuedView{Queued: n})
}
