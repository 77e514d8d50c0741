package web

import (
	"net/http"
	"net/url"

	"dunghan/internal/apperr"
	"dunghan/internal/auth"
	"dunghan/internal/store"
)

// portalBlock is the "Đồng bộ Cổng DVC quốc gia" block of the dossier page.
type portalBlock struct {
	Item       store.PortalItem
	Applicable bool // false: the portal is not to hold the dossier (never accepted)
	Configured bool // a synchronisation worker runs
	Label      string
	Tone       string
	CanResync  bool
	Notice     string // after a resynchronisation was asked for
}

// portalBlock reads the synchronisation row of the dossier id for its page.
func (s *Server) portalBlock(r *http.Request, u auth.User, id string) (*portalBlock, error) {
	b := &portalBlock{Configured: s.deps.Portal != nil}
	p, err := s.deps.Store.PortalSyncOf(r.Context(), u.AgencyID, id)
	if apperr.Is(err, apperr.NotFound) {
		return b, nil
	}
	if err != nil {
		return nil, err
	}
	b.Item, b.Applicable = p, true
	b.Label, b.Tone = syncLabel(p.Status), syncTone(p.Status)
	b.CanResync = portalManager(u) == nil && p.Status != store.SyncSending
	if r.URL.Query().Get("ok") == "dong-bo-lai" {
		b.Notice = "Đã xếp hồ sơ vào hàng đợi để gửi lại đầy đủ lên Cổng DVC quốc gia."
	}
	return b, nil
}

// dossierResyncPost queues the dossier to be pushed to the portal again in
// full and goes back to its page.
func (s *Server) dossierResyncPost(w http.ResponseWriter, r *http.Request, u auth.User) {
	if err := portalManager(u); err != nil {
		s.fail(w, r, err)
		return
	}
	key := r.PathValue("code")
	if err := s.deps.Store.PortalResync(r.Context(), u.AgencyID, key, s.deps.Now()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.deps.Log.Info("portal: dossier resync requested", "user", u.ID, "dossier", key)
	s.kick()
	http.Redirect(w, r, dossierLink(key, url.Values{"ok": {"dong-bo-lai"}})+"#dong-bo", http.StatusSeeOther)
}

// apiDossierSync answers a dossier's synchronisation state to anyone who
// may see the dossier.
func (s *Server) apiDossierSync(w http.ResponseWriter, r *http.Request) {
	u, err := s.bearer(r)
	if err == nil {
		err = s.apiMaySee(r, u)
	}
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	p, err := s.deps.Store.PortalSyncOf(r.Context(), u.AgencyID, r.PathValue("code"))
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, syncViewOf(p))
}

// apiDossierResync queues a dossier to be pushed again in full and answers
// its new state.
func (s *Server) apiDossierResync(w http.ResponseWriter, r *http.Request) {
	u, err := s.apiPortalManager(r)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	key := r.PathValue("code")
	if err := s.deps.Store.PortalResync(r.Context(), u.AgencyID, key, s.deps.Now()); err != nil {
		s.failJSON(w, r, err)
		return
	}
	s.deps.Log.Info("portal: dossier resync requested", "user", u.ID, "dossier", key)
	s.kick()
	p, err := s.deps.Store.PortalSyncOf(r.Context(), u.AgencyID, key)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, syncViewOf(p))
}

// apiMaySee refuses the dossier of the request's {code} to a user who may
// not see it, as the dossier endpoint does.
func (s *Server) apiMaySee(r *http.Request, u auth.User) error {
	rec, err := s.deps.Store.Dossier(r.Context(), u.AgencyID, r.PathValue("code"))
	if err == nil && !rec.State.VisibleTo(actorOf(u)) {
		err = apperr.New(apperr.Forbidden, "Hồ sơ này thuộc đơn vị khác; bạn không có quyền xem.")
	}
	return err
}
