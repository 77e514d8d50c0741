package web_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"dunghan/internal/apperr"
	"dunghan/internal/calendar"
	"dunghan/internal/demo"
	"dunghan/internal/dossier"
	"dunghan/internal/store"
	"dunghan/internal/store/storetest"
	"dunghan/internal/web"
)

// fakePortal stands for the synchronisation worker: it counts kicks and
// records a reconciliation with fixed figures, as the worker would.
type fakePortal struct {
	st       *store.Store
	now      func() time.Time
	kicks    atomic.Int64
	mu       sync.Mutex
	from, to time.Time
	err      error
}

func (f *fakePortal) Kick() { f.kicks.Add(1) }

// fail makes the next reconciliations fail with err.
func (f *fakePortal) fail(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.err = err
}

// period is the last period reconciled.
func (f *fakePortal) period() (from, to time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.from, f.to
}

func (f *fakePortal) Reconcile(ctx context.Context, agencyID string, from, to time.Time, _ func(int)) (store.PortalRun, error) {
	f.mu.Lock()
	f.from, f.to = from, to
	err := f.err
	f.mu.Unlock()
	if err != nil {
		return store.PortalRun{}, err
	}
	run := store.PortalRun{From: from, To: to, StartedAt: f.now(), FinishedAt: f.now().Add(time.Second),
		Checked: 4, Matched: 3, Missing: 1, Report: "000.00.08.H44-250303-0001: Cổng chưa có hồ sơ"}
	return run, f.st.SavePortalRun(ctx, agencyID, run)
}

// portalSite is a site on the demo agency whose store the test drives
// into synchronisation states; portal is nil when synchronisation is off.
type portalSite struct {
	*site
	st     *store.Store
	agency string
	cal    *calendar.Calendar
	actors map[string]dossier.Actor
	portal *fakePortal
	api    *api
}

func eachPortalSite(t *testing.T, configured bool, fn func(t *testing.T, s *portalSite)) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			s := &site{t: t, now: &atomic.Pointer[time.Time]{}, procs: map[string]string{}, users: map[string]string{},
				logs: &bytes.Buffer{}, clients: map[string]*session{}}
			s.at("2025-03-03 09:00")
			clock := func() time.Time { return *s.now.Load() }
			st := storetest.Open(t, engine, store.Options{Now: clock})
			ctx := context.Background()
			sum, err := demo.Seed(ctx, st, rand.Reader, 480)
			if err != nil {
				t.Fatal(err)
			}
			procs, _ := st.Procedures(ctx, sum.Agency.ID)
			for _, p := range procs {
				s.procs[p.Key] = p.ID
			}
			ps := &portalSite{site: s, st: st, agency: sum.Agency.ID, actors: map[string]dossier.Actor{}}
			users, _ := st.Users(ctx, sum.Agency.ID)
			for _, u := range users {
				s.users[u.Username] = u.ID
				ps.actors[u.Username] = dossier.Actor{UserID: u.ID, Name: u.FullName, UnitID: u.UnitID, Roles: u.Roles}
			}
			ps.cal, _ = calendar.New(calendar.DefaultConfig())
			deps := web.Deps{Store: st, Calendar: ps.cal, Log: slog.New(slog.NewTextHandler(s.logs, nil)), Now: clock,
				Secret: func() string { return "SECRET" }}
			if configured {
				ps.portal = &fakePortal{st: st, now: clock}
				deps.Portal = ps.portal
			}
			srv := httptest.NewServer(web.New(deps))
			t.Cleanup(srv.Close)
			s.base = srv.URL
			ps.api = &api{t: t, base: srv.URL, now: s.now}
			fn(t, ps)
		})
	}
}

// receive accepts a dossier at the desk now and returns its code.
func (s *portalSite) receive() string {
	s.t.Helper()
	rec, err := s.st.Execute(context.Background(), store.Exec{AgencyID: s.agency, Actor: s.actors["motcua1"], ProcedureID: s.procs["edu-001"],
		Command: dossier.Receive{Channel: dossier.InPerson, Applicant: dossier.Applicant{Kind: 1, Name: "Nguyễn Thị Lan"}}}, s.cal, func() string { return "SECRET" })
	if err != nil {
		s.t.Fatal(err)
	}
	return rec.State.Code
}

// claim takes the only row due now, as a worker would.
func (s *portalSite) claim(code string) store.PortalItem {
	s.t.Helper()
	items, err := s.st.ClaimPortal(context.Background(), *s.now.Load(), 10, time.Minute)
	if err != nil || len(items) != 1 || items[0].Code != code {
		s.t.Fatalf("claim %s: %+v %v", code, items, err)
	}
	return items[0]
}

// states puts three dossiers into states: synced, failed for good, and
// pending after a failed attempt.
func (s *portalSite) states() (synced, failed, retrying string) {
	s.t.Helper()
	ctx := context.Background()
	synced = s.receive()
	p := s.claim(synced)
	if err := s.st.PortalDelivered(ctx, p, p.WantVersion, *s.now.Load()); err != nil {
		s.t.Fatal(err)
	}
	failed = s.receive()
	if err := s.st.PortalFailed(ctx, s.claim(failed), "Cổng từ chối: MaTTHC 1.000001 không tồn tại", *s.now.Load(), true); err != nil {
		s.t.Fatal(err)
	}
	retrying = s.receive()
	if err := s.st.PortalFailed(ctx, s.claim(retrying), "HTTP 502 Bad Gateway", vn("2025-03-03 09:10"), false); err != nil {
		s.t.Fatal(err)
	}
	return synced, failed, retrying
}

func TestPortalBlockOnDossierPage(t *testing.T) {
	eachPortalSite(t, true, func(t *testing.T, s *portalSite) {
		synced, failed, retrying := s.states()
		s.want(s.get("giamdoc", "/ho-so/"+synced), http.StatusOK, `id="dong-bo"`, "Đồng bộ Cổng DVC quốc gia", "Đã đồng bộ",
			"(lúc 09:00 03/03/2025)", "phiên bản 1/1", "Đồng bộ lại hồ sơ này", `action="/ho-so/`+synced+`/dong-bo-lai"`)
		s.want(s.get("motcua1", "/ho-so/"+failed), http.StatusOK, "Lỗi — cần xử lý", "Cổng từ chối: MaTTHC 1.000001 không tồn tại", "phiên bản 0/1")
		s.want(s.get("motcua1", "/ho-so/"+retrying), http.StatusOK, "Đang chờ đồng bộ", "lần thử 1, thử lại lúc 09:10 03/03/2025",
			"Lỗi gần nhất", "HTTP 502 Bad Gateway")
		for _, user := range []string{"motcua1", "quantri"} {
			p := s.get(user, "/ho-so/"+synced)
			if has := strings.Contains(p.body, "Đồng bộ lại hồ sơ này"); has != (user == "quantri") {
				t.Errorf("%s: resync button shown %v", user, has)
			}
		}
		if p := s.get("giamdoc", "/ho-so/"+synced); strings.Contains(p.body, "Chưa cấu hình kết nối") {
			t.Error("configured synchronisation said to be off")
		}

		// A dossier refused at the desk never reaches the portal.
		refused, err := s.st.Execute(context.Background(), store.Exec{AgencyID: s.agency, Actor: s.actors["motcua1"], ProcedureID: s.procs["edu-001"],
			Command: dossier.RefuseAtIntake{Channel: dossier.InPerson, Applicant: dossier.Applicant{Kind: 1, Name: "Phạm Văn Đông"}, Reason: "Không thuộc thẩm quyền"}},
			s.cal, func() string { return "SECRET" })
		if err != nil {
			t.Fatal(err)
		}
		s.want(s.get("giamdoc", "/ho-so/"+refused.ID), http.StatusOK, "Hồ sơ chưa tiếp nhận: không đồng bộ.")

		// Resynchronising: only administrators and leadership; the row is pending again and the worker is woken.
		s.want(s.post("motcua1", "/ho-so/"+synced+"/dong-bo-lai", url.Values{}), http.StatusForbidden, "Chỉ quản trị hệ thống và lãnh đạo")
		p := s.post("giamdoc", "/ho-so/"+synced+"/dong-bo-lai", url.Values{})
		if p.status != http.StatusSeeOther || p.location != "/ho-so/"+synced+"?ok=dong-bo-lai#dong-bo" {
			t.Fatalf("resync: %d → %q", p.status, p.location)
		}
		if s.portal.kicks.Load() != 1 {
			t.Errorf("kicks %d, want 1", s.portal.kicks.Load())
		}
		s.want(s.get("giamdoc", "/ho-so/"+synced+"?ok=dong-bo-lai"), http.StatusOK, "Đã xếp hồ sơ vào hàng đợi", "Đang chờ đồng bộ", "phiên bản 0/1")
		row, err := s.st.PortalSyncOf(context.Background(), s.agency, synced)
		if err != nil || row.Status != store.SyncPending || row.SyncedVersion != 0 {
			t.Fatalf("after resync: %+v %v", row, err)
		}
		s.want(s.post("giamdoc", "/ho-so/"+refused.ID+"/dong-bo-lai", url.Values{}), http.StatusNotFound, "không đồng bộ lên Cổng")
		// The action route of the dossier page still takes the other actions.
		s.want(s.post("giamdoc", "/ho-so/"+synced+"/khong-co", url.Values{}), http.StatusNotFound, "Không có thao tác này")
	})
}

func TestPortalSyncPage(t *testing.T) {
	eachPortalSite(t, true, func(t *testing.T, s *portalSite) {
		synced, failed, retrying := s.states()
		ctx := context.Background()
		if err := s.st.RecordInbound(ctx, s.agency, store.InboundRecord{PortalRef: "G22.99-250303-000042", Status: "rejected",
			Reason: "Thủ tục 9.999 không có trong danh mục của cơ quan", ReceivedAt: vn("2025-03-03 08:30")}); err != nil {
			t.Fatal(err)
		}
		if err := s.st.RecordInbound(ctx, s.agency, store.InboundRecord{PortalRef: "G22.99-250303-000041", DossierID: "nope", Status: "created",
			ReceivedAt: vn("2025-03-03 08:20")}); err != nil {
			t.Fatal(err)
		}

		s.want(s.get("cv.trunghoc1", "/dong-bo"), http.StatusForbidden, "Chỉ quản trị hệ thống và lãnh đạo cơ quan")
		s.want(s.get("tp.trunghoc", "/dong-bo"), http.StatusForbidden)
		if p := s.get("cv.trunghoc1", "/"); strings.Contains(p.body, `href="/dong-bo"`) {
			t.Error("a specialist sees the synchronisation link")
		}
		p := s.get("quantri", "/dong-bo")
		s.want(p, http.StatusOK, `href="/dong-bo">Đồng bộ DVCQG</a>`, "Đồng bộ Cổng DVC quốc gia",
			`<span class="num">1</span>Lỗi — cần xử lý`, `<span class="num">1</span>Đang chờ đồng bộ`, `<span class="num">0</span>Đang gửi`, `<span class="num">1</span>Đã đồng bộ`,
			`href="/ho-so/`+failed+`"`, "Cổng từ chối: MaTTHC 1.000001 không tồn tại", `href="/ho-so/`+retrying+`"`, "HTTP 502 Bad Gateway", "09:10 03/03/2025",
			"Thử lại các hồ sơ lỗi", "Đồng bộ lại theo khoảng thời gian", "Đối soát ngay", `value="2025-03-01"`, `value="2025-03-03"`,
			"Chưa có lần đối soát nào.", "G22.99-250303-000042", "Từ chối", "Thủ tục 9.999 không có trong danh mục", "Đã tạo hồ sơ", "Chờ tiếp nhận")
		if strings.Contains(p.body, `href="/ho-so/`+synced+`"`) || strings.Contains(p.body, "Chưa cấu hình") {
			t.Error("a synced dossier is listed, or synchronisation said to be off")
		}
		s.want(s.get("giamdoc", "/dong-bo"), http.StatusOK, "Hồ sơ lỗi đồng bộ")

		// Retry the failed ones.
		s.want(s.post("cv.trunghoc1", "/dong-bo/thu-lai", url.Values{}), http.StatusForbidden)
		p = s.post("giamdoc", "/dong-bo/thu-lai", url.Values{})
		if p.status != http.StatusSeeOther || p.location != "/dong-bo?tb=thu-lai&n=1" {
			t.Fatalf("retry: %d → %q", p.status, p.location)
		}
		s.want(s.get("giamdoc", p.location), http.StatusOK, "Đã xếp lại 1 hồ sơ lỗi vào hàng đợi đồng bộ.", "Không có hồ sơ lỗi đồng bộ.")
		s.want(s.get("giamdoc", "/dong-bo?tb=thu-lai&n=0"), http.StatusOK, "Không có hồ sơ lỗi đồng bộ nào để thử lại.")

		// Resynchronise a period, dates either way; the last day counts.
		p = s.post("quantri", "/dong-bo/dong-bo-lai", url.Values{"tu": {"01/03/2025"}, "den": {"2025-03-03"}})
		if p.status != http.StatusSeeOther || p.location != "/dong-bo?tb=dong-bo-lai&n=3" {
			t.Fatalf("resync period: %d → %q", p.status, p.location)
		}
		s.want(s.get("quantri", p.location), http.StatusOK, "Đã xếp 3 hồ sơ vào hàng đợi", `<span class="num">3</span>Đang chờ đồng bộ`)
		if p := s.post("quantri", "/dong-bo/dong-bo-lai", url.Values{"tu": {"2025-03-04"}, "den": {"2025-03-31"}}); p.location != "/dong-bo?tb=dong-bo-lai&n=0" {
			t.Fatalf("empty period: %q", p.location)
		}
		if s.portal.kicks.Load() != 3 {
			t.Errorf("kicks %d, want 3", s.portal.kicks.Load())
		}
		for _, c := range []struct{ from, to, want string }{
			{"", "2025-03-31", "Nhập đủ ngày bắt đầu và ngày kết thúc"},
			{"2025-03-31", "2025-03-01", "Ngày kết thúc phải từ ngày bắt đầu trở đi."},
			{"31-03-2025", "2025-04-01", "Ngày phải viết dạng ngày/tháng/năm"},
			{"30/02/2025", "2025-04-01", "Ngày phải viết dạng ngày/tháng/năm"},
			{"2024-01-01", "2025-01-01", "Khoảng thời gian dài tối đa 366 ngày."},
		} {
			for _, path := range []string{"/dong-bo/dong-bo-lai", "/dong-bo/doi-soat"} {
				p := s.post("quantri", path, url.Values{"tu": {c.from}, "den": {c.to}})
				s.want(p, http.StatusBadRequest, c.want, `value="`+c.from+`"`)
				if strings.Count(p.body, `class="error"`) != 1 {
					t.Errorf("%s %+v: the error is not beside one form", path, c)
				}
			}
		}
		// A leap year is 366 days: allowed.
		if p := s.post("quantri", "/dong-bo/dong-bo-lai", url.Values{"tu": {"2024-01-01"}, "den": {"31/12/2024"}}); p.status != http.StatusSeeOther {
			t.Fatalf("366 days: %d", p.status)
		}

		// Reconcile now: the worker gets [from, to+1 day) in Vietnam time; the run shows.
		s.want(s.post("cv.trunghoc1", "/dong-bo/doi-soat", url.Values{"tu": {"2025-03-01"}, "den": {"2025-03-31"}}), http.StatusForbidden)
		p = s.post("giamdoc", "/dong-bo/doi-soat", url.Values{"tu": {"2025-03-01"}, "den": {"2025-03-31"}})
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/dong-bo?tb=doi-soat&lan=") {
			t.Fatalf("reconcile: %d → %q", p.status, p.location)
		}
		if from, to := s.portal.period(); !from.Equal(vn("2025-03-01 00:00")) || !to.Equal(vn("2025-04-01 00:00")) {
			t.Errorf("reconciled [%v, %v)", from, to)
		}
		s.want(s.get("giamdoc", p.location), http.StatusOK,
			"Đã đối soát xong khoảng 01/03/2025–31/03/2025: kiểm tra 4 hồ sơ, khớp 3 — tỷ lệ đồng bộ 75,00 %",
			`<tr class="latest">`, "<details open>", "Chi tiết sai khác (1 dòng)", "000.00.08.H44-250303-0001: Cổng chưa có hồ sơ")
		if p := s.get("giamdoc", "/dong-bo"); strings.Contains(p.body, "<details open>") || !strings.Contains(p.body, "75,00 %") {
			t.Error("the run is not listed, or still marked as just made")
		}

		// A portal that cannot be reached.
		s.portal.fail(apperr.New(apperr.Unavailable, "Không kết nối được Cổng DVC quốc gia."))
		s.want(s.post("giamdoc", "/dong-bo/doi-soat", url.Values{"tu": {"2025-03-01"}, "den": {"2025-03-31"}}), http.StatusServiceUnavailable,
			"Không kết nối được Cổng DVC quốc gia.")
	})
}

func TestPortalPagesWhenSyncIsOff(t *testing.T) {
	eachPortalSite(t, false, func(t *testing.T, s *portalSite) {
		code := s.receive()
		const off = "Chưa cấu hình kết nối Cổng DVC quốc gia (biến DUNGHAN_PORTAL_URL)"
		s.want(s.get("giamdoc", "/ho-so/"+code), http.StatusOK, off, "Đang chờ đồng bộ")
		p := s.get("giamdoc", "/dong-bo")
		s.want(p, http.StatusOK, off, "Đối soát cần kết nối Cổng DVC quốc gia.")
		if strings.Contains(p.body, "Đối soát ngay") {
			t.Error("reconcile offered without a portal")
		}
		s.want(s.post("giamdoc", "/dong-bo/doi-soat", url.Values{"tu": {"2025-03-01"}, "den": {"2025-03-31"}}), http.StatusServiceUnavailable, off)
		// Queuing still works; the worker picks the rows up once configured.
		if p := s.post("giamdoc", "/ho-so/"+code+"/dong-bo-lai", url.Values{}); p.status != http.StatusSeeOther {
			t.Fatalf("resync without a portal: %d", p.status)
		}
		if p := s.post("giamdoc", "/dong-bo/dong-bo-lai", url.Values{"tu": {"2025-03-03"}, "den": {"2025-03-03"}}); p.location != "/dong-bo?tb=dong-bo-lai&n=1" {
			t.Fatalf("resync period without a portal: %d → %q", p.status, p.location)
		}
		a := s.api
		a.fails(http.StatusServiceUnavailable, "unavailable", "POST", "/api/v1/portal/reconcile", a.login("giamdoc"), `{"from":"2025-03-01","to":"2025-03-31"}`)
	})
}

func TestPortalAPI(t *testing.T) {
	eachPortalSite(t, true, func(t *testing.T, s *portalSite) {
		synced, failed, retrying := s.states()
		a := s.api
		boss, admin, desk, spec := a.login("giamdoc"), a.login("quantri"), a.login("motcua1"), a.login("cv.trunghoc1")

		// One dossier's state: whoever may see the dossier.
		v := a.ok("GET", "/api/v1/dossiers/"+synced+"/sync", desk, "")
		if v["status"] != "synced" || v["status_label"] != "Đã đồng bộ" || v["synced_version"] != float64(1) || v["want_version"] != float64(1) ||
			v["synced_at"] != "2025-03-03T09:00:00+07:00" || v["portal_key"] != synced || v["next_attempt_at"] != nil {
			t.Fatalf("synced: %v", v)
		}
		v = a.ok("GET", "/api/v1/dossiers/"+failed+"/sync", boss, "")
		if v["status"] != "failed" || v["last_error"] != "Cổng từ chối: MaTTHC 1.000001 không tồn tại" || v["attempts"] != float64(1) {
			t.Fatalf("failed: %v", v)
		}
		v = a.ok("GET", "/api/v1/dossiers/"+retrying+"/sync", boss, "")
		if v["status"] != "pending" || v["next_attempt_at"] != "2025-03-03T09:10:00+07:00" || v["synced_at"] != nil {
			t.Fatalf("retrying: %v", v)
		}
		a.fails(http.StatusForbidden, "forbidden", "GET", "/api/v1/dossiers/"+synced+"/sync", spec, "")
		a.fails(http.StatusNotFound, "not_found", "GET", "/api/v1/dossiers/000.00.08.H44-250303-0099/sync", boss, "")
		a.fails(http.StatusUnauthorized, "unauthorized", "GET", "/api/v1/dossiers/"+synced+"/sync", "", "")
		spec1 := s.actors["cv.trunghoc1"]
		if _, err := s.st.Execute(context.Background(), store.Exec{AgencyID: s.agency, Code: synced, Actor: s.actors["motcua1"],
			Command: dossier.Transfer{ToStep: 1, ToUnit: spec1.UnitID, ToUser: spec1.UserID}}, s.cal, nil); err != nil {
			t.Fatal(err)
		}
		if v := a.ok("GET", "/api/v1/dossiers/"+synced+"/sync", spec, ""); v["want_version"] != float64(2) || v["status"] != "pending" {
			t.Fatalf("after a transfer: %v", v)
		}

		// Counts and lists.
		list := a.ok("GET", "/api/v1/portal/sync", boss, "")
		counts := list["counts"].(map[string]any)
		if counts["pending"] != float64(2) || counts["failed"] != float64(1) || counts["synced"] != float64(0) || counts["sending"] != float64(0) ||
			len(list["items"].([]any)) != 3 {
			t.Fatalf("list: %v", list)
		}
		if l := a.ok("GET", "/api/v1/portal/sync?status=failed", boss, ""); len(l["items"].([]any)) != 1 ||
			l["items"].([]any)[0].(map[string]any)["code"] != failed {
			t.Fatalf("failed list: %v", l)
		}
		if l := a.ok("GET", "/api/v1/portal/sync?status=synced", boss, ""); len(l["items"].([]any)) != 0 {
			t.Fatalf("synced list: %v", l)
		}
		if l := a.ok("GET", "/api/v1/portal/sync?status=pending&limit=1", boss, ""); len(l["items"].([]any)) != 1 {
			t.Fatalf("limited list: %v", l)
		}
		a.fails(http.StatusBadRequest, "invalid", "GET", "/api/v1/portal/sync?status=done", boss, "")
		a.fails(http.StatusBadRequest, "invalid", "GET", "/api/v1/portal/sync?limit=0", boss, "")
		a.fails(http.StatusForbidden, "forbidden", "GET", "/api/v1/portal/sync", spec, "")

		// Retry the failed ones.
		a.fails(http.StatusForbidden, "forbidden", "POST", "/api/v1/portal/retry-failed", spec, "")
		if q := a.ok("POST", "/api/v1/portal/retry-failed", admin, ""); q["queued"] != float64(1) {
			t.Fatalf("retry: %v", q)
		}
		if q := a.ok("POST", "/api/v1/portal/retry-failed", admin, ""); q["queued"] != float64(0) {
			t.Fatalf("retry again: %v", q)
		}

		// Resynchronise one dossier: administrators and leadership only; it is due at once.
		a.fails(http.StatusForbidden, "forbidden", "POST", "/api/v1/dossiers/"+retrying+"/sync", spec, "")
		v = a.ok("POST", "/api/v1/dossiers/"+retrying+"/sync", admin, "")
		if v["status"] != "pending" || v["attempts"] != float64(0) || v["last_error"] != nil || v["next_attempt_at"] != "2025-03-03T09:00:00+07:00" {
			t.Fatalf("resync: %v", v)
		}
		if s.portal.kicks.Load() != 3 {
			t.Errorf("kicks %d, want 3", s.portal.kicks.Load())
		}

		// Resynchronise a period.
		if q := a.ok("POST", "/api/v1/portal/resync", boss, `{"from":"2025-03-01","to":"2025-03-03"}`); q["queued"] != float64(3) {
			t.Fatalf("resync period: %v", q)
		}
		if q := a.ok("POST", "/api/v1/portal/resync", boss, `{"from":"2025-03-04","to":"2025-03-31"}`); q["queued"] != float64(0) {
			t.Fatalf("empty period: %v", q)
		}
		a.fails(http.StatusBadRequest, "invalid", "POST", "/api/v1/portal/resync", boss, `{"from":"2025-03-31","to":"2025-03-01"}`)
		a.fails(http.StatusBadRequest, "invalid", "POST", "/api/v1/portal/resync", boss, `{"from":"2025-03-01"}`)
		a.fails(http.StatusBadRequest, "invalid", "POST", "/api/v1/portal/resync", boss, `{"from":"2025-03-01","to":"2025-03-31","x":1}`)
		a.fails(http.StatusForbidden, "forbidden", "POST", "/api/v1/portal/resync", spec, `{"from":"2025-03-01","to":"2025-03-31"}`)

		// Reconcile.
		run := a.ok("POST", "/api/v1/portal/reconcile", admin, `{"from":"2025-03-01","to":"2025-03-31"}`)
		if run["from"] != "2025-03-01" || run["to"] != "2025-03-31" || run["checked"] != float64(4) || run["matched"] != float64(3) ||
			run["missing"] != float64(1) || run["ratio"] != 0.75 || len(run["report"].([]any)) != 1 || run["started_at"] != "2025-03-03T09:00:00+07:00" {
			t.Fatalf("reconcile: %v", run)
		}
		a.fails(http.StatusBadRequest, "invalid", "POST", "/api/v1/portal/reconcile", admin, `{"from":"2024-01-01","to":"2025-03-31"}`)
		a.fails(http.StatusForbidden, "forbidden", "POST", "/api/v1/portal/reconcile", spec, `{"from":"2025-03-01","to":"2025-03-31"}`)
		a.fails(http.StatusUnauthorized, "unauthorized", "POST", "/api/v1/portal/reconcile", "", `{"from":"2025-03-01","to":"2025-03-31"}`)

		// The OpenAPI document lists the endpoints.
		paths := a.ok("GET", "/api/v1/openapi.json", "", "")["paths"].(map[string]any)
		for path, methods := range map[string][]string{"/api/v1/dossiers/{code}/sync": {"get", "post"}, "/api/v1/portal/sync": {"get"},
			"/api/v1/portal/resync": {"post"}, "/api/v1/portal/retry-failed": {"post"}, "/api/v1/portal/reconcile": {"post"}} {
			item, _ := paths[path].(map[string]any)
			for _, m := range methods {
				if item[m] == nil {
					t.Errorf("OpenAPI lacks %s %s", m, path)
				}
			}
		}
		if logs := s.logs.String(); strings.Contains(logs, "Nguyễn Thị Lan") {
			t.Error("personal data in the logs")
		}
	})
}
