package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"dunghan/internal/apperr"
	"dunghan/internal/auth"
	"dunghan/internal/calendar"
	"dunghan/internal/store"
)

// PortalControl is the running portal synchronisation (portal.Worker).
type PortalControl interface {
	// Kick asks for a delivery round now.
	Kick()
	// Reconcile compares the agency's dossiers received in [from, to) with
	// the portal's copies and queues repairs.
	Reconcile(ctx context.Context, agencyID string, from, to time.Time, progress func(done int)) (store.PortalRun, error)
}

// portalStore is what the portal synchronisation pages need of the store.
type portalStore interface {
	PortalSyncOf(ctx context.Context, agencyID, codeOrID string) (store.PortalItem, error)
	PortalCounts(ctx context.Context, agencyID string) (map[string]int, error)
	PortalFailureReasons(ctx context.Context, agencyID string, limit int) ([]store.FailureReason, error)
	PortalList(ctx context.Context, agencyID, status string, limit int) ([]store.PortalItem, error)
	PortalResync(ctx context.Context, agencyID, codeOrID string, now time.Time) error
	PortalResyncPeriod(ctx context.Context, agencyID string, from, to, now time.Time) (int, error)
	PortalRetryFailed(ctx context.Context, agencyID string, now time.Time) (int, error)
	RecentInbound(ctx context.Context, agencyID string, limit int) ([]store.InboundRecord, error)
	PortalRuns(ctx context.Context, agencyID string, limit int) ([]store.PortalRun, error)
}

// portalRoutes registers the portal synchronisation pages.
func (s *Server) portalRoutes() {
	s.mux.HandleFunc("GET /dong-bo", s.staff(s.portalPage))
	s.mux.HandleFunc("POST /dong-bo/thu-lai", s.staff(s.portalRetryPost))
	s.mux.HandleFunc("POST /dong-bo/dong-bo-lai", s.staff(s.portalResyncPost))
	s.mux.HandleFunc("POST /dong-bo/doi-soat", s.staff(s.portalReconcilePost))
	s.mux.HandleFunc("POST /ho-so/{code}/dong-bo-lai", s.staff(s.dossierResyncPost))
}

// portalAPIRoutes are the portal synchronisation endpoints of the JSON API.
func (s *Server) portalAPIRoutes() []apiRoute {
	return []apiRoute{
		{method: "GET", path: "/api/v1/dossiers/{code}/sync", summary: "Tình trạng đồng bộ hồ sơ lên Cổng DVC quốc gia",
			response: syncView{}, auth: true, handler: s.apiDossierSync},
		{method: "POST", path: "/api/v1/dossiers/{code}/sync", summary: "Đồng bộ lại hồ sơ lên Cổng DVC quốc gia (quản trị, lãnh đạo)",
			response: syncView{}, auth: true, handler: s.apiDossierResync},
		{method: "GET", path: "/api/v1/portal/sync", summary: "Số hồ sơ theo tình trạng đồng bộ và danh sách hồ sơ (quản trị, lãnh đạo)",
			query: []string{"status", "limit"}, response: syncListView{}, auth: true, handler: s.apiPortalSync},
		{method: "POST", path: "/api/v1/portal/resync", summary: "Đồng bộ lại mọi hồ sơ tiếp nhận trong khoảng thời gian (quản trị, lãnh đạo)",
			request: periodRequest{}, response: queuedView{}, auth: true, handler: s.apiPortalResync},
		{method: "POST", path: "/api/v1/portal/retry-failed", summary: "Thử lại mọi hồ sơ đồng bộ lỗi (quản trị, lãnh đạo)",
			response: queuedView{}, auth: true, handler: s.apiPortalRetry},
		{method: "POST", path: "/api/v1/portal/reconcile", summary: "Đối soát với Cổng DVC quốc gia các hồ sơ tiếp nhận trong khoảng thời gian (quản trị, lãnh đạo)",
			request: periodRequest{}, response: runView{}, auth: true, handler: s.apiPortalReconcile},
	}
}

// portalManager lets administrators and leadership manage the
// synchronisation; it is the only role check of the portal pages and API.
func portalManager(u auth.User) error {
	if u.Has(auth.Admin) || u.Has(auth.Leadership) {
		return nil
	}
	return apperr.New(apperr.Forbidden, "Chỉ quản trị hệ thống và lãnh đạo cơ quan được quản lý đồng bộ với Cổng DVC quốc gia.")
}

// apiPortalManager is the API caller, if an administrator or a leader.
func (s *Server) apiPortalManager(r *http.Request) (auth.User, error) {
	u, err := s.bearer(r)
	if err == nil {
		err = portalManager(u)
	}
	return u, err
}

// errPortalOff answers what needs the portal when synchronisation is off.
var errPortalOff = apperr.New(apperr.Unavailable, "Chưa cấu hình kết nối Cổng DVC quốc gia (biến DUNGHAN_PORTAL_URL).")

// kick asks the portal worker, if any, for a delivery round now: after a
// command, so that the portal shows it within seconds.
func (s *Server) kick() {
	if s.deps.Portal != nil {
		s.deps.Portal.Kick()
	}
}

// syncStatuses are the synchronisation states in the order pages list them.
var syncStatuses = []string{store.SyncFailed, store.SyncPending, store.SyncSending, store.SyncSynced}

// syncLabel names a synchronisation state in Vietnamese.
func syncLabel(status string) string {
	switch status {
	case store.SyncPending:
		return "Đang chờ đồng bộ"
	case store.SyncSending:
		return "Đang gửi"
	case store.SyncSynced:
		return "Đã đồng bộ"
	case store.SyncFailed:
		return "Lỗi — cần xử lý"
	}
	return status
}

// syncTone is the badge colour of a synchronisation state.
func syncTone(status string) string {
	switch status {
	case store.SyncSynced:
		return "ok"
	case store.SyncFailed:
		return "late"
	case store.SyncPending:
		return "soon"
	}
	return "info"
}

// maxSyncPeriod bounds a resynchronised or reconciled period.
const maxSyncPeriod = 366

// syncPeriod reads an inclusive range of days (dd/mm/yyyy or yyyy-mm-dd)
// as [from, to+1 day) in Vietnam time.
func syncPeriod(fromText, toText string) (from, to time.Time, err error) {
	fromText, toText = strings.TrimSpace(fromText), strings.TrimSpace(toText)
	if fromText == "" || toText == "" {
		return from, to, apperr.New(apperr.Invalid, "Nhập đủ ngày bắt đầu và ngày kết thúc của khoảng thời gian.")
	}
	first, err1 := calendar.ParseDate(fromText)
	last, err2 := calendar.ParseDate(toText)
	if err1 != nil || err2 != nil {
		return from, to, apperr.New(apperr.Invalid, "Ngày phải viết dạng ngày/tháng/năm (ví dụ 01/03/2026) hoặc năm-tháng-ngày (2026-03-01).")
	}
	from, to = first.Time(), last.Time().AddDate(0, 0, 1)
	switch {
	case !from.Before(to):
		return from, to, apperr.New(apperr.Invalid, "Ngày kết thúc phải từ ngày bắt đầu trở đi.")
	case to.After(from.AddDate(0, 0, maxSyncPeriod)):
		return from, to, apperr.Newf(apperr.Invalid, "Khoảng thời gian dài tối đa %d ngày.", maxSyncPeriod)
	}
	return from, to, nil
}

// periodLabel shows [from, to) as its first and last days: 01/01/2026–31/01/2026.
func periodLabel(from, to time.Time) string {
	return when(from, "02/01/2006") + "–" + when(to.AddDate(0, 0, -1), "02/01/2006")
}

// percent shows a ratio as a percentage with two decimals, Vietnamese style: 98,50 %.
func percent(ratio float64) string {
	return strings.Replace(fmt.Sprintf("%.2f %%", 100*ratio), ".", ",", 1)
}

// periodRequest is a period of the API: inclusive days, yyyy-mm-dd.
type periodRequest struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// queuedView answers how many dossiers were queued.
type queuedView struct {
	Queued int `json:"queued"`
}

// syncView is a dossier's synchronisation with the portal, as the API returns it.
type syncView struct {
	DossierID     string    `json:"dossier_id"`
	Code          string    `json:"code,omitempty"`
	PortalKey     string    `json:"portal_key"`
	Status        string    `json:"status"` // pending, sending, synced, failed
	StatusLabel   string    `json:"status_label"`
	WantVersion   int       `json:"want_version"`   // the version the portal should show
	SyncedVersion int       `json:"synced_version"` // the version it last showed in full
	StepsSynced   int       `json:"steps_synced"`
	Attempts      int       `json:"attempts"`
	LastError     string    `json:"last_error,omitempty"`
	NextAttemptAt time.Time `json:"next_attempt_at,omitzero"` // when pending
	SyncedAt      time.Time `json:"synced_at,omitzero"`
	ChangedAt     time.Time `json:"changed_at"`
}

func syncViewOf(p store.PortalItem) syncView {
	v := syncView{DossierID: p.DossierID, Code: p.Code, PortalKey: p.Key, Status: p.Status, StatusLabel: syncLabel(p.Status),
		WantVersion: p.WantVersion, SyncedVersion: p.SyncedVersion, StepsSynced: p.StepsSynced, Attempts: p.Attempts,
		LastError: p.LastError, SyncedAt: local(p.SyncedAt), ChangedAt: local(p.ChangedAt)}
	if p.Status == store.SyncPending {
		v.NextAttemptAt = local(p.NextAttemptAt)
	}
	return v
}
