package web_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"dunghan/internal/calendar"
	"dunghan/internal/demo"
	"dunghan/internal/dossier"
	"dunghan/internal/store"
	"dunghan/internal/store/storetest"
	"dunghan/internal/watch"
	"dunghan/internal/web"
)

// notifySite is a site whose store the test also drives: the watcher and
// the courier run on it.
type notifySite struct {
	*site
	st     *store.Store
	agency string
	cal    *calendar.Calendar
	actors map[string]dossier.Actor
}

func eachNotifySite(t *testing.T, fn func(t *testing.T, s *notifySite)) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			s := &site{t: t, now: &atomic.Pointer[time.Time]{}, procs: map[string]string{}, users: map[string]string{},
				logs: &bytes.Buffer{}, clients: map[string]*session{}}
			s.at("2025-03-03 09:00")
			clock := func() time.Time { return *s.now.Load() }
			st := storetest.Open(t, engine, store.Options{Now: clock, Channels: store.Channels{Email: true}})
			ctx := context.Background()
			sum, err := demo.Seed(ctx, st, rand.Reader, 480)
			if err != nil {
				t.Fatal(err)
			}
			procs, _ := st.Procedures(ctx, sum.Agency.ID)
			for _, p := range procs {
				s.procs[p.Key] = p.ID
			}
			ns := &notifySite{site: s, st: st, agency: sum.Agency.ID, actors: map[string]dossier.Actor{}}
			users, _ := st.Users(ctx, sum.Agency.ID)
			for _, u := range users {
				s.users[u.Username] = u.ID
				ns.actors[u.Username] = dossier.Actor{UserID: u.ID, Name: u.FullName, UnitID: u.UnitID, Roles: u.Roles}
			}
			ns.cal, _ = calendar.New(calendar.DefaultConfig())
			srv := httptest.NewServer(web.New(web.Deps{Store: st, Calendar: ns.cal, Log: slog.New(slog.NewTextHandler(s.logs, nil)), Now: clock,
				Secret: func() string { return "SECRET" }}))
			t.Cleanup(srv.Close)
			s.base = srv.URL
			fn(t, ns)
		})
	}
}

func (s *notifySite) exec(in store.Exec) store.Record {
	s.t.Helper()
	in.AgencyID = s.agency
	rec, err := s.st.Execute(context.Background(), in, s.cal, func() string { return "SECRET" })
	if err != nil {
		s.t.Fatal(err)
	}
	return rec
}

func (s *notifySite) sweep() {
	s.t.Helper()
	sw := watch.NewSweeper(watch.Options{Store: s.st, Calendar: func(string) *calendar.Calendar { return s.cal }, Now: func() time.Time { return *s.now.Load() },
		Log: slog.New(slog.NewTextHandler(s.logs, nil))})
	if _, err := sw.Sweep(context.Background()); err != nil {
		s.t.Fatal(err)
	}
}

type refusing struct{}

func (refusing) Send(context.Context, store.OutboxItem) error {
	return watch.Permanent(errors.New("address refused (SMTP 550 5.1.1)"))
}

var bellCount = regexp.MustCompile(`class="bell"[^>]*>.*?<span class="count">(\d+)</span>`)

func bell(body string) string {
	if m := bellCount.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

func TestNotificationPagesAndBell(t *testing.T) {
	eachNotifySite(t, func(t *testing.T, s *notifySite) {
		rec := s.exec(store.Exec{Actor: s.actors["motcua1"], ProcedureID: s.procs["edu-001"], Command: dossier.Receive{Channel: dossier.InPerson,
			Applicant: dossier.Applicant{Kind: 1, Name: "Nguyễn Thị Lan", Email: "lan@example.vn"}}})
		code := rec.State.Code
		s.at("2025-03-03 10:00")
		spec := s.actors["cv.trunghoc1"]
		s.exec(store.Exec{Code: code, Actor: s.actors["motcua1"], Command: dossier.Transfer{ToStep: 1, ToUnit: spec.UnitID, ToUser: spec.UserID}})

		// The 50 % rung: the specialist's bell shows 1 on every page.
		s.at("2025-03-04 16:40")
		s.sweep()
		for _, path := range []string{"/", "/ho-so/" + code, "/thong-bao", "/tiep-nhan"} {
			if p := s.get("cv.trunghoc1", path); bell(p.body) != "1" {
				s.t.Fatalf("%s: bell %q", path, bell(p.body))
			}
		}
		if p := s.get("tp.trunghoc", "/"); bell(p.body) != "" || !strings.Contains(p.body, `href="/thong-bao"`) {
			t.Fatalf("the head has nothing unread: bell %q", bell(p.body))
		}
		p := s.get("cv.trunghoc1", "/thong-bao")
		s.want(p, http.StatusOK, "Hồ sơ "+code+": bước «Chuyên viên thụ lý» đã dùng 50% thời gian", "Thời hạn bước", `class="k-step unread"`, "1 chưa đọc")
		if strings.Contains(p.body, "Hồ sơ cần xin lỗi") {
			t.Fatal("a specialist sees the apology list")
		}
		id := regexp.MustCompile(`name="id" value="([^"]+)"`).FindStringSubmatch(p.body)
		if id == nil {
			t.Fatal("no mark-read form")
		}
		// Marking read needs the owner: another user's request changes nothing.
		s.post("tp.trunghoc", "/thong-bao/da-doc", url.Values{"id": {id[1]}})
		if p := s.get("cv.trunghoc1", "/"); bell(p.body) != "1" {
			t.Fatal("another user marked the notification read")
		}
		p = s.post("cv.trunghoc1", "/thong-bao/da-doc", url.Values{"id": {id[1]}})
		if p.status != http.StatusSeeOther || p.location != "/thong-bao" {
			t.Fatalf("mark read: %d %s", p.status, p.location)
		}
		if p := s.get("cv.trunghoc1", "/thong-bao"); bell(p.body) != "" || !strings.Contains(p.body, "Đã đọc ") {
			t.Fatalf("after reading: bell %q", bell(p.body))
		}

		// Monday: the dossier cannot make it; the head is asked to apologise, the leadership sees it.
		s.at("2025-03-10 11:00")
		s.sweep()
		for _, user := range []string{"tp.trunghoc", "giamdoc"} {
			s.want(s.get(user, "/thong-bao"), http.StatusOK, "Hồ sơ cần xin lỗi và hẹn lại ngày trả kết quả", code, "17:00 07/03/2025 — đã quá hạn", "Vũ Thị Lan")
		}
		if p := s.get("tp.mamnon", "/thong-bao"); strings.Contains(p.body, code) {
			t.Fatal("another division's head sees the prompt")
		}
		p = s.post("tp.trunghoc", "/thong-bao/da-doc", url.Values{})
		if p.status != http.StatusSeeOther {
			t.Fatalf("mark all: %d", p.status)
		}
		if p := s.get("tp.trunghoc", "/"); bell(p.body) != "" {
			t.Fatal("mark all left unread ones")
		}

		// Delivery: a refused address becomes a dead letter, shown to the
		// leadership and the administrator, who can send it again.
		c := watch.NewCourier(watch.CourierOptions{Store: s.st, Calendar: func(string) *calendar.Calendar { return s.cal }, Now: func() time.Time { return *s.now.Load() },
			Mail: refusing{}, Log: slog.New(slog.NewTextHandler(s.logs, nil))})
		if r, err := c.Deliver(context.Background()); err != nil || r.Dead != 1 {
			t.Fatalf("deliver %+v %v", r, err)
		}
		s.want(s.get("cv.trunghoc1", "/thong-bao/gui"), http.StatusForbidden)
		p = s.get("giamdoc", "/thong-bao/gui")
		s.want(p, http.StatusOK, "Gửi lỗi", "lan@example.vn", "address refused (SMTP 550 5.1.1)", "Gửi lại", "Hồ sơ "+code+" đã được tiếp nhận")
		dead := regexp.MustCompile(`action="/thong-bao/gui/([^/]+)/gui-lai"`).FindStringSubmatch(p.body)
		if dead == nil {
			t.Fatal("no retry button")
		}
		s.want(s.post("cv.trunghoc1", "/thong-bao/gui/"+dead[1]+"/gui-lai", url.Values{}), http.StatusForbidden)
		p = s.post("giamdoc", "/thong-bao/gui/"+dead[1]+"/gui-lai", url.Values{})
		if p.status != http.StatusSeeOther || p.location != "/thong-bao/gui?tb=gui-lai" {
			t.Fatalf("retry: %d %s", p.status, p.location)
		}
		s.want(s.get("giamdoc", "/thong-bao/gui?tb=gui-lai"), http.StatusOK, "Đã đưa thông báo trở lại hàng đợi gửi.", "Không có thông báo nào gửi lỗi.")
		s.want(s.post("giamdoc", "/thong-bao/gui/"+dead[1]+"/gui-lai", url.Values{}), http.StatusNotFound, "có thể đã được gửi lại")

		// The warning ladder: the administrator edits it, others only see it.
		s.want(s.get("giamdoc", "/thong-bao/gui"), http.StatusOK, `value="50, 80, 100"`, "Chỉ quản trị hệ thống thay đổi được")
		s.want(s.post("giamdoc", "/thong-bao/moc-canh-bao", url.Values{"step_percents": {"30"}}), http.StatusForbidden)
		s.want(s.post("quantri", "/thong-bao/moc-canh-bao", url.Values{"step_percents": {"30, abc"}, "days_before": {"2"}}), http.StatusBadRequest, "không đọc được «abc»")
		s.want(s.post("quantri", "/thong-bao/moc-canh-bao", url.Values{"step_percents": {"30, 130"}, "days_before": {"2"}}), http.StatusBadRequest, "từ 1 đến 100")
		p = s.post("quantri", "/thong-bao/moc-canh-bao", url.Values{"step_percents": {"30 90"}, "days_before": {"3, 1"}, "overdue_daily": {"1"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("save ladder: %d %s", p.status, excerpt(p.body))
		}
		s.want(s.get("quantri", "/thong-bao/gui?tb=moc"), http.StatusOK, "Đã lưu các mốc cảnh báo.", `value="30, 90"`, `value="3, 1"`, "checked")
		if l, _ := s.st.Ladder(context.Background(), s.agency); len(l.StepPercents) != 2 || l.StepPercents[1] != 90 || !l.OverdueDaily {
			t.Fatalf("ladder %+v", l)
		}
	})
}
