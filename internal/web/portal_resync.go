package web

import (
	"net/http"
	"strconv"

	"dunghan/internal/auth"
)

// portalResyncPost queues every dossier received in the period to be
// pushed again in full (POST /dong-bo/dong-bo-lai).
func (s *Server) portalResyncPost(w http.ResponseWriter, r *http.Request, u auth.User) {
	if err := portalManager(u); err != nil {
		s.fail(w, r, err)
		return
	}
	form, err := readForm(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	from, to, err := syncPeriod(form.Get("tu"), form.Get("den"))
	if err != nil {
		s.portalRefused(w, r, u, "dong-bo-lai", form, err)
		return
	}
	n, err := s.deps.Store.PortalResyncPeriod(r.Context(), u.AgencyID, from, to, s.deps.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.deps.Log.Info("portal: period resync requested", "user", u.ID, "period", periodLabel(from, to), "queued", n)
	s.kick()
	http.Redirect(w, r, "/dong-bo?tb=dong-bo-lai&n="+strconv.Itoa(n), http.StatusSeeOther)
}

// apiPortalResync queues every dossier received in the period to be pushed
// again in full.
func (s *Server) apiPortalResync(w http.ResponseWriter, r *http.Request) {
	u, err := s.apiPortalManager(r)
	var in periodRequest
	if err == nil {
		err = decodeJSON(w, r, &in)
	}
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	from, to, err := syncPeriod(in.From, in.To)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	n, err := s.deps.Store.PortalResyncPeriod(r.Context(), u.AgencyID, from, to, s.deps.Now())
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	s.deps.Log.Info("portal: period resync requested", "user", u.ID, "period", periodLabel(from, to), "queued", n)
	s.kick()
	writeJSON(w, http.StatusOK, queuedView{Queued: n})
}
