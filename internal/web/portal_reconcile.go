package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"dunghan/internal/auth"
	"dunghan/internal/store"
)

// portalReconcilePost compares the period's dossiers with the portal's
// copies now, within the request, and shows the run (POST /dong-bo/doi-soat).
func (s *Server) portalReconcilePost(w http.ResponseWriter, r *http.Request, u auth.User) {
	if err := portalManager(u); err != nil {
		s.fail(w, r, err)
		return
	}
	if s.deps.Portal == nil {
		s.fail(w, r, errPortalOff)
		return
	}
	form, err := readForm(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	from, to, err := syncPeriod(form.Get("tu"), form.Get("den"))
	if err != nil {
		s.portalRefused(w, r, u, "doi-soat", form, err)
		return
	}
	run, err := s.deps.Portal.Reconcile(r.Context(), u.AgencyID, from, to, nil)
	if err != nil {
		s.portalRefused(w, r, u, "doi-soat", form, err)
		return
	}
	s.deps.Log.Info("portal: reconciliation requested", "user", u.ID, "period", periodLabel(from, to), "checked", run.Checked, "matched", run.Matched)
	http.Redirect(w, r, "/dong-bo?tb=doi-soat&lan="+strconv.FormatInt(run.StartedAt.UnixMicro(), 10)+"#doi-soat", http.StatusSeeOther)
}

// runView is a reconciliation as the API returns it.
type runView struct {
	From        string    `json:"from"` // first day of the period, yyyy-mm-dd
	To          string    `json:"to"`   // last day (inclusive)
	StartedAt   time.Time `json:"started_at"`
	FinishedAt  time.Time `json:"finished_at"`
	Checked     int       `json:"checked"`
	Matched     int       `json:"matched"`
	Missing     int       `json:"missing"`
	Different   int       `json:"different"`
	Unreachable int       `json:"unreachable"`
	Ratio       float64   `json:"ratio"`  // matched/checked: the DOSSIER_SYNC ratio
	Report      []string  `json:"report"` // one line per difference
}

func runViewOf(run store.PortalRun) runView {
	v := runView{From: local(run.From).Format(time.DateOnly), To: local(run.To).AddDate(0, 0, -1).Format(time.DateOnly),
		StartedAt: local(run.StartedAt), FinishedAt: local(run.FinishedAt), Checked: run.Checked, Matched: run.Matched,
		Missing: run.Missing, Different: run.Different, Unreachable: run.Unreachable, Ratio: run.Ratio(), Report: []string{}}
	if run.Report != "" {
		v.Report = strings.Split(run.Report, "\n")
	}
	return v
}

// apiPortalReconcile compares the period's dossiers with the portal's
// copies, queues repairs and answers the run.
func (s *Server) apiPortalReconcile(w http.ResponseWriter, r *http.Request) {
	u, err := s.apiPortalManager(r)
	if err == nil && s.deps.Portal == nil {
		err = errPortalOff
	}
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
	run, err := s.deps.Portal.Reconcile(r.Context(), u.AgencyID, from, to, nil)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	s.deps.Log.Info("portal: reconciliation requested", "user", u.ID, "period", periodLabel(from, to), "checked", run.Checked, "matched", run.Matched)
	writeJSON(w, http.StatusOK, runViewOf(run))
}
