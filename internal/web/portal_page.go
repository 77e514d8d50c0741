package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"dunghan/internal/apperr"
	"dunghan/internal/auth"
	"dunghan/internal/calendar"
	"dunghan/internal/store"
)

// syncPage is the data of portal.html (GET /dong-bo): the synchronisation
// with the National Public Service Portal of the user's agency.
type syncPage struct {
	Title      string
	User       *auth.User
	Configured bool
	Notice     string
	Counts     []syncCount
	Failed     []store.PortalItem // the latest syncFailedShown
	Reasons    []store.FailureReason
	Pending    []store.PortalItem // the longest waiting first
	Runs       []runRow
	Inbound    []store.InboundRecord
	From, To   string // the dates of the period forms, as typed
	Refused    string // the period form that was refused: dong-bo-lai, doi-soat
	Error      string // why
}

// syncCount is the number of dossiers in one synchronisation state.
type syncCount struct {
	Status, Label, Tone string
	N                   int
}

// runRow is a reconciliation as the page shows it.
type runRow struct {
	store.PortalRun
	Period  string
	Percent string
	Lines   []string
	Latest  bool // the run just made from this page
}

func runRowOf(run store.PortalRun) runRow {
	row := runRow{PortalRun: run, Period: periodLabel(run.From, run.To), Percent: percent(run.Ratio())}
	if run.Report != "" {
		row.Lines = strings.Split(run.Report, "\n")
	}
	return row
}

// Listed limits of the page.
const (
	syncPendingShown = 50
	syncFailedShown  = 30
	syncRunsShown    = 10
	syncInboundShown = 30
)

// portalPage shows the synchronisation to administrators and leadership.
func (s *Server) portalPage(w http.ResponseWriter, r *http.Request, u auth.User) {
	if err := portalManager(u); err != nil {
		s.fail(w, r, err)
		return
	}
	today := s.deps.Now().In(calendar.Zone)
	first := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, calendar.Zone)
	s.renderPortal(w, r, u, http.StatusOK, &syncPage{From: first.Format(time.DateOnly), To: today.Format(time.DateOnly)})
}

// portalRefused shows the page again with err beside the period form slug.
func (s *Server) portalRefused(w http.ResponseWriter, r *http.Request, u auth.User, slug string, form url.Values, err error) {
	status := statusOf(apperr.CodeOf(err))
	if status >= 500 {
		s.fail(w, r, err)
		return
	}
	p := &syncPage{From: form.Get("tu"), To: form.Get("den"), Refused: slug, Error: apperr.Message(err)}
	s.renderPortal(w, r, u, status, p)
}

// renderPortal loads what the page lists and renders it.
func (s *Server) renderPortal(w http.ResponseWriter, r *http.Request, u auth.User, status int, p *syncPage) {
	ctx, st := r.Context(), s.deps.Store
	p.Title, p.User, p.Configured = "Đồng bộ Cổng DVC quốc gia", &u, s.deps.Portal != nil
	counts, err := st.PortalCounts(ctx, u.AgencyID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, x := range syncStatuses {
		p.Counts = append(p.Counts, syncCount{Status: x, Label: syncLabel(x), Tone: syncTone(x), N: counts[x]})
	}
	if p.Reasons, err = st.PortalFailureReasons(ctx, u.AgencyID, 20); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Failed, err = st.PortalList(ctx, u.AgencyID, store.SyncFailed, syncFailedShown); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Pending, err = st.PortalList(ctx, u.AgencyID, store.SyncPending, syncPendingShown); err != nil {
		s.fail(w, r, err)
		return
	}
	runs, err := st.PortalRuns(ctx, u.AgencyID, syncRunsShown)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, run := range runs {
		p.Runs = append(p.Runs, runRowOf(run))
	}
	if p.Inbound, err = st.RecentInbound(ctx, u.AgencyID, syncInboundShown); err != nil {
		s.fail(w, r, err)
		return
	}
	p.Notice = portalNotice(r.URL.Query(), p.Runs)
	s.render(w, r, status, "portal.html", p)
}

// portalNotice is the notice a redirect asks for (?tb=KEY with a count n,
// or lan, the start of the run just made, which it marks Latest); the text
// never comes from the URL.
func portalNotice(q url.Values, runs []runRow) string {
	n, _ := strconv.Atoi(q.Get("n"))
	switch q.Get("tb") {
	case "thu-lai":
		if n <= 0 {
			return "Không có hồ sơ lỗi đồng bộ nào để thử lại."
		}
		return fmt.Sprintf("Đã xếp lại %d hồ sơ lỗi vào hàng đợi đồng bộ.", n)
	case "dong-bo-lai":
		if n <= 0 {
			return "Không có hồ sơ nào tiếp nhận trong khoảng thời gian đã chọn cần đồng bộ lại."
		}
		return fmt.Sprintf("Đã xếp %d hồ sơ vào hàng đợi để gửi lại đầy đủ lên Cổng DVC quốc gia.", n)
	case "doi-soat":
		started, _ := strconv.ParseInt(q.Get("lan"), 10, 64)
		i := slices.IndexFunc(runs, func(x runRow) bool { return x.StartedAt.UnixMicro() == started })
		if i < 0 {
			return "Đã đối soát xong."
		}
		runs[i].Latest = true
		x := runs[i]
		return fmt.Sprintf("Đã đối soát xong khoảng %s: kiểm tra %d hồ sơ, khớp %d — tỷ lệ đồng bộ %s. Hồ sơ thiếu hoặc sai khác trên Cổng đã được xếp vào hàng đợi để gửi lại.",
			x.Period, x.Checked, x.Matched, x.Percent)
	}
	return ""
}

// syncListView is the API's answer of GET /api/v1/portal/sync.
type syncListView struct {
	Counts map[string]int `json:"counts"` // dossiers by state: pending, sending, synced, failed
	Items  []syncView     `json:"items"`
}

// apiPortalSync counts the agency's dossiers by synchronisation state and
// lists those in the state asked for (by default every state but synced),
// the longest waiting first.
func (s *Server) apiPortalSync(w http.ResponseWriter, r *http.Request) {
	u, err := s.apiPortalManager(r)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	q := r.URL.Query()
	status := q.Get("status")
	if status != "" && !slices.Contains(syncStatuses, status) {
		s.failJSON(w, r, apperr.New(apperr.Invalid, "Tham số status phải là failed, pending, sending hoặc synced."))
		return
	}
	limit := 100
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 500 {
			s.failJSON(w, r, apperr.New(apperr.Invalid, "Tham số limit phải từ 1 đến 500."))
			return
		}
	}
	counts, err := s.deps.Store.PortalCounts(r.Context(), u.AgencyID)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	items, err := s.deps.Store.PortalList(r.Context(), u.AgencyID, status, limit)
	if err != nil {
		s.failJSON(w, r, err)
		return
	}
	out := syncListView{Counts: map[string]int{}, Items: make([]syncView, 0, len(items))}
	for _, x := range syncStatuses {
		out.Counts[x] = counts[x]
	}
	for _, p := range items {
		out.Items = append(out.Items, syncViewOf(p))
	}
	writeJSON(w, http.StatusOK, out)
}
