package portalsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"dunghan/internal/calendar"
	"dunghan/internal/portal"
)

// clock is a settable clock for session expiry.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// harness is a simulator behind a real HTTP server, with a live session.
type harness struct {
	t       *testing.T
	sim     *Sim
	srv     *httptest.Server
	clock   *clock
	client  *http.Client
	session string
}

func newHarness(t *testing.T, log *slog.Logger) *harness {
	t.Helper()
	c := &clock{t: time.Date(2025, 3, 10, 8, 0, 0, 0, calendar.Zone)}
	sim := New(Options{Now: c.Now, SessionTTL: 10 * time.Minute, Log: log})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	h := &harness{t: t, sim: sim, srv: srv, clock: c, client: srv.Client()}
	h.session = h.login(DefaultUsername, DefaultPassword).Session
	if h.session == "" {
		t.Fatal("no session")
	}
	return h
}

// post sends body to path and returns the status and the answer's bytes.
func (h *harness) post(path string, body []byte) (int, []byte) {
	h.t.Helper()
	resp, err := h.client.Post(h.srv.URL+path, "application/json", bytes.NewReader(body))
	if err != nil {
		h.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp.StatusCode, b
}

func (h *harness) login(user, password string) portal.SessionAnswer {
	h.t.Helper()
	status, body := h.post("/session", mustJSON(portal.SessionRequest{Username: user, Password: password}))
	var a portal.SessionAnswer
	if err := json.Unmarshal(body, &a); err != nil || status != http.StatusOK {
		h.t.Fatalf("session: %d %s", status, body)
	}
	return a
}

// call makes one service call with h's session; data is encoded as JSON.
func (h *harness) call(service string, updating bool, data any) (int, portal.Answer) {
	h.t.Helper()
	return h.callAs(h.session, service, updating, data)
}

func (h *harness) callAs(session, service string, updating bool, data any) (int, portal.Answer) {
	h.t.Helper()
	status, body := h.post("/service", mustJSON(portal.Request{Session: session, Service: service, IsUpdating: updating, Data: mustJSON(data)}))
	var a portal.Answer
	if err := json.Unmarshal(body, &a); err != nil {
		h.t.Fatalf("%s: %d, not JSON: %q", service, status, body)
	}
	return status, a
}

// want fails unless the call answered HTTP 200 with code.
func (h *harness) want(code int, service string, updating bool, data any) portal.Answer {
	h.t.Helper()
	status, a := h.call(service, updating, data)
	if status != http.StatusOK || a.ErrorCode != code {
		h.t.Fatalf("%s: HTTP %d, error_code %d (%s); want 200, %d", service, status, a.ErrorCode, a.Message, code)
	}
	return a
}

func dossier(code string) portal.Dossier {
	return portal.Dossier{
		MaHoSo: code, MaTTHC: "1.001234.000.00.00.H22", TenTTHC: "Cấp bản sao văn bằng", MaLinhVuc: "G03-GD10",
		KenhThucHien: 1, ChuHoSo: "Nguyễn Thị Hoa", LoaiDoiTuong: 1, SoGiayToChuHoSo: "001190012345",
		Email: "hoa@example.vn", SoDienThoai: "0912345678", NgayNopHoSo: "20250310080000",
		NgayTiepNhan: "20250310081500", NgayHenTra: "20250317170000", TrangThaiHoSo: 2,
	}
}

func step(code string, stt, status int) portal.Step {
	return portal.Step{MaHoSo: code, STT: stt, NguoiXuLy: "Trần Văn Bình", NoiDungXuLy: "Tiếp nhận hồ sơ",
		ThoiDiemXuLy: "20250310081500", TrangThai: status}
}

func TestSimSession(t *testing.T) {
	h := newHarness(t, nil)
	for _, tc := range []struct {
		name, user, password string
		code                 int
	}{
		{"right", DefaultUsername, DefaultPassword, portal.CodeOK},
		{"wrong password", DefaultUsername, "sai", CodePermanent},
		{"wrong user", "khach", DefaultPassword, CodePermanent},
		{"empty", "", "", CodePermanent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := h.login(tc.user, tc.password)
			if a.ErrorCode != tc.code {
				t.Fatalf("error_code %d, want %d", a.ErrorCode, tc.code)
			}
			if tc.code == portal.CodeOK && (len(a.Session) < 20 || a.ExpiresIn != 600) {
				t.Errorf("session %q expires in %d", a.Session, a.ExpiresIn)
			}
			if tc.code != portal.CodeOK && (a.Session != "" || !strings.Contains(a.Message, "mật khẩu không đúng")) {
				t.Errorf("rejected login: %+v", a)
			}
		})
	}
	if status, body := h.post("/session", []byte(`{"username":`)); status != http.StatusBadRequest || !strings.Contains(string(body), `"error_code":2`) {
		t.Errorf("malformed session body: %d %s", status, body)
	}

	lookup := portal.LookupQuery{MaHoSo: "X"}
	h.want(portal.CodeNotFound, portal.ServiceLookup, false, lookup)
	h.clock.Advance(10*time.Minute - time.Second)
	h.want(portal.CodeNotFound, portal.ServiceLookup, false, lookup)
	h.clock.Advance(time.Second)
	h.want(portal.CodeSessionExpired, portal.ServiceLookup, false, lookup)
	for _, session := range []string{"", "khong-co"} {
		if _, a := h.callAs(session, portal.ServiceLookup, false, lookup); a.ErrorCode != portal.CodeSessionExpired {
			t.Errorf("session %q: %+v", session, a)
		}
	}
	h.session = h.login(DefaultUsername, DefaultPassword).Session
	h.want(portal.CodeNotFound, portal.ServiceLookup, false, lookup)
	snap := h.sim.Snapshot()
	if snap.Stats.SessionsIssued != 3 || snap.Sessions != 1 {
		t.Errorf("sessions issued %d, live %d; want 3, 1", snap.Stats.SessionsIssued, snap.Sessions)
	}
}

func TestSimPushDossier(t *testing.T) {
	h := newHarness(t, nil)
	d := dossier("H22.15-250310-0001")
	h.want(portal.CodeOK, portal.ServicePushDossier, false, []portal.Dossier{d})
	a := h.want(portal.CodeExists, portal.ServicePushDossier, false, []portal.Dossier{d})
	if !strings.Contains(a.Message, "đã tồn tại") {
		t.Errorf("exists message %q", a.Message)
	}
	if r, _ := h.sim.Lookup(d.MaHoSo); r.Revision != 1 || r.History != 1 {
		t.Errorf("after a refused create: revision %d, history %d", r.Revision, r.History)
	}

	h.clock.Advance(5 * time.Minute)
	upd := d
	upd.TrangThaiHoSo, upd.Email = 4, ""
	h.want(portal.CodeOK, portal.ServicePushDossier, true, []portal.Dossier{upd})
	r, ok := h.sim.Lookup(d.MaHoSo)
	if !ok || r.Revision != 2 || r.Dossier.TrangThaiHoSo != 4 || r.Dossier.Email != "" || !r.Updated.Equal(h.clock.Now()) {
		t.Errorf("after update: %+v", r)
	}

	h.want(portal.CodeNotFound, portal.ServicePushDossier, true, []portal.Dossier{dossier("KHONG-CO")})
	// A batch is all or nothing.
	h.want(portal.CodeExists, portal.ServicePushDossier, false, []portal.Dossier{dossier("MOI-1"), d})
	h.want(portal.CodeExists, portal.ServicePushDossier, false, []portal.Dossier{dossier("MOI-2"), dossier("MOI-2")})
	h.want(portal.CodeNotFound, portal.ServicePushDossier, true, []portal.Dossier{upd, dossier("MOI-3")})
	if r, _ := h.sim.Lookup(d.MaHoSo); r.Revision != 2 {
		t.Errorf("a refused batch changed the dossier: revision %d", r.Revision)
	}

	online := dossier("H22.15-250310-0002")
	online.MaHoSoQG, online.KenhThucHien = "DVCQG-000001", 2
	h.want(portal.CodeOK, portal.ServicePushDossier, false, []portal.Dossier{online})
	if _, ok := h.sim.Lookup("DVCQG-000001"); !ok {
		t.Error("an online dossier is not filed under MaHoSoQG")
	}
	snap := h.sim.Snapshot()
	if len(snap.Dossiers) != 2 || snap.Dossiers[0].Key != "DVCQG-000001" || snap.Dossiers[1].Key != d.MaHoSo {
		t.Errorf("snapshot dossiers: %+v", snap.Dossiers)
	}
	if snap.Stats.Calls[portal.ServicePushDossier] != 8 || snap.Stats.Rejected != 5 {
		t.Errorf("stats %+v", snap.Stats)
	}
}

func TestSimInvalidPayloads(t *testing.T) {
	h := newHarness(t, nil)
	h.want(portal.CodeOK, portal.ServicePushDossier, false, []portal.Dossier{dossier("CO")})
	d := func(change func(*portal.Dossier)) []portal.Dossier {
		x := dossier("MOI")
		change(&x)
		return []portal.Dossier{x}
	}
	st := func(change func(*portal.Step)) []portal.Step {
		x := step("CO", 1, 2)
		change(&x)
		return []portal.Step{x}
	}
	for _, tc := range []struct {
		name, service, field string
		data                 any
	}{
		{"no MaHoSo", portal.ServicePushDossier, "MaHoSo", d(func(x *portal.Dossier) { x.MaHoSo = "" })},
		{"no MaTTHC", portal.ServicePushDossier, "MaTTHC", d(func(x *portal.Dossier) { x.MaTTHC = "" })},
		{"status 0", portal.ServicePushDossier, "TrangThaiHoSo", d(func(x *portal.Dossier) { x.TrangThaiHoSo = 0 })},
		{"status 11", portal.ServicePushDossier, "TrangThaiHoSo", d(func(x *portal.Dossier) { x.TrangThaiHoSo = 11 })},
		{"channel 0", portal.ServicePushDossier, "KenhThucHien", d(func(x *portal.Dossier) { x.KenhThucHien = 0 })},
		{"channel 4", portal.ServicePushDossier, "KenhThucHien", d(func(x *portal.Dossier) { x.KenhThucHien = 4 })},
		{"NgayNopHoSo", portal.ServicePushDossier, "NgayNopHoSo", d(func(x *portal.Dossier) { x.NgayNopHoSo = "2025-03-10" })},
		{"NgayTiepNhan", portal.ServicePushDossier, "NgayTiepNhan", d(func(x *portal.Dossier) { x.NgayTiepNhan = "20251310081500" })},
		{"NgayHenTra", portal.ServicePushDossier, "NgayHenTra", d(func(x *portal.Dossier) { x.NgayHenTra = "2025031717000" })},
		{"NgayKetThucXuLy", portal.ServicePushDossier, "NgayKetThucXuLy", d(func(x *portal.Dossier) { x.NgayKetThucXuLy = "x" })},
		{"NgayTra", portal.ServicePushDossier, "NgayTra", d(func(x *portal.Dossier) { x.NgayTra = "20250230100000" })},
		{"NgayTuChoi", portal.ServicePushDossier, "NgayTuChoi", d(func(x *portal.Dossier) { x.NgayTuChoi = "202503101000001" })},
		{"supplement date", portal.ServicePushDossier, "DanhSachHoSoBoSung[1].NgayHenTraMoi", d(func(x *portal.Dossier) {
			x.DanhSachHoSoBoSung = []portal.Supplement{{NgayBoSung: "20250311090000"}, {NgayHenTraMoi: "20250320"}}
		})},
		{"wrong type", portal.ServicePushDossier, "TrangThaiHoSo", json.RawMessage(`[{"MaHoSo":"MOI","TrangThaiHoSo":"2"}]`)},
		{"not an array", portal.ServicePushDossier, "data", dossier("MOI")},
		{"empty batch", portal.ServicePushDossier, "data", []portal.Dossier{}},
		{"no data", portal.ServicePushDossier, "data", nil},
		{"step MaHoSo", portal.ServicePushSteps, "MaHoSo", st(func(x *portal.Step) { x.MaHoSo = "" })},
		{"step STT", portal.ServicePushSteps, "STT", st(func(x *portal.Step) { x.STT = 0 })},
		{"step status", portal.ServicePushSteps, "TrangThai", st(func(x *portal.Step) { x.TrangThai = 12 })},
		{"step time", portal.ServicePushSteps, "ThoiDiemXuLy", st(func(x *portal.Step) { x.ThoiDiemXuLy = "hôm nay" })},
		{"step start", portal.ServicePushSteps, "NgayBatDau", st(func(x *portal.Step) { x.NgayBatDau = "1" })},
		{"step end", portal.ServicePushSteps, "NgayKetThucTheoQuyDinh", st(func(x *portal.Step) { x.NgayKetThucTheoQuyDinh = "1" })},
		{"steps empty", portal.ServicePushSteps, "data", []portal.Step{}},
		{"lookup no code", portal.ServiceLookup, "MaHoSo", portal.LookupQuery{}},
		{"lookup not an object", portal.ServiceLookup, "data", []string{"CO"}},
		{"inbound no agency", portal.ServiceInbound, "MaDonVi", portal.InboundQuery{}},
		{"inbound bad cursor", portal.ServiceInbound, "Cursor", portal.InboundQuery{MaDonVi: "000.00.15.H22", Cursor: "abc"}},
		{"inbound cursor past the end", portal.ServiceInbound, "Cursor", portal.InboundQuery{MaDonVi: "000.00.15.H22", Cursor: "1"}},
		{"inbound negative limit", portal.ServiceInbound, "Limit", portal.InboundQuery{MaDonVi: "000.00.15.H22", Limit: -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := h.want(CodeInvalid, tc.service, false, tc.data)
			if !strings.Contains(a.Message, tc.field) {
				t.Errorf("message %q does not name %s", a.Message, tc.field)
			}
		})
	}
	// A valid dossier next to an invalid one is not stored either.
	bad := dossier("MOI-2")
	bad.KenhThucHien = 9
	a := h.want(CodeInvalid, portal.ServicePushDossier, false, []portal.Dossier{dossier("MOI-1"), bad})
	if !strings.Contains(a.Message, "Hồ sơ thứ 2 (MOI-2)") {
		t.Errorf("message %q does not point at the second dossier", a.Message)
	}
	if snap := h.sim.Snapshot(); len(snap.Dossiers) != 1 || len(snap.Dossiers[0].Steps) != 0 {
		t.Errorf("invalid calls stored something: %+v", snap.Dossiers)
	}
}

func TestSimSteps(t *testing.T) {
	h := newHarness(t, nil)
	const code = "H22.15-250310-0001"
	h.want(portal.CodeOK, portal.ServicePushDossier, false, []portal.Dossier{dossier(code)})
	h.want(portal.CodeOK, portal.ServicePushSteps, false, []portal.Step{step(code, 2, 4), step(code, 1, 2)})
	// One unknown dossier refuses the whole call.
	a := h.want(portal.CodeNotFound, portal.ServicePushSteps, false, []portal.Step{step(code, 3, 5), step("KHONG-CO", 1, 2)})
	if !strings.Contains(a.Message, "KHONG-CO") {
		t.Errorf("not-found message %q", a.Message)
	}
	again := step(code, 2, 4)
	again.NoiDungXuLy = "Chuyển phòng chuyên môn"
	h.want(portal.CodeOK, portal.ServicePushSteps, false, []portal.Step{again, step(code, 3, 9)})

	r, _ := h.sim.Lookup(code)
	if len(r.Steps) != 3 || r.Steps[0].STT != 1 || r.Steps[1].NoiDungXuLy != again.NoiDungXuLy || r.Steps[2].TrangThai != 9 {
		t.Errorf("steps %+v", r.Steps)
	}
	if r.Revision != 1 || r.History != 5 {
		t.Errorf("revision %d, history %d; want 1, 5", r.Revision, r.History)
	}
	if n := h.sim.Snapshot().Stats.DuplicateSteps; n != 1 {
		t.Errorf("duplicate steps %d, want 1", n)
	}

	a = h.want(portal.CodeOK, portal.ServiceLookup, false, portal.LookupQuery{MaHoSo: code})
	var res portal.LookupResult
	if err := json.Unmarshal(a.Result, &res); err != nil {
		t.Fatal(err)
	}
	if res.HoSo.MaHoSo != code || res.HoSo.ChuHoSo != "Nguyễn Thị Hoa" || len(res.TienDo) != 3 ||
		res.TienDo[0].STT != 1 || res.TienDo[1].STT != 2 || res.TienDo[2].STT != 3 {
		t.Errorf("lookup %+v", res)
	}
	h.want(portal.CodeNotFound, portal.ServiceLookup, false, portal.LookupQuery{MaHoSo: "KHONG-CO"})
}

func TestSimInbound(t *testing.T) {
	h := newHarness(t, nil)
	const agency, other = "000.00.15.H22", "000.00.16.H22"
	page := func(cursor string, limit int) portal.InboundPage {
		t.Helper()
		a := h.want(portal.CodeOK, portal.ServiceInbound, false, portal.InboundQuery{MaDonVi: agency, Cursor: cursor, Limit: limit})
		var p portal.InboundPage
		if err := json.Unmarshal(a.Result, &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ids := func(p portal.InboundPage) string {
		var s []string
		for _, d := range p.HoSo {
			s = append(s, d.MaHoSoQG)
		}
		return strings.Join(s, ",")
	}

	if p := page("", 0); len(p.HoSo) != 0 || p.Cursor != "" {
		t.Errorf("empty queue: %+v", p)
	}
	for i := range 5 {
		h.sim.AddInbound(portal.Inbound{MaTTHC: "2.000815", MaDonVi: agency, ChuHoSo: fmt.Sprintf("Công dân %d", i), NgayNopHoSo: "20250310200000"})
		h.sim.AddInbound(portal.Inbound{MaTTHC: "2.000815", MaDonVi: other})
	}
	if id := h.sim.AddInbound(portal.Inbound{MaHoSoQG: "G-RIENG", MaDonVi: other}); id != "G-RIENG" {
		t.Errorf("a given MaHoSoQG was replaced by %q", id)
	}
	p := page("", 2)
	if ids(p) != "DVCQG-000001,DVCQG-000003" || p.Cursor != "3" || p.HoSo[1].ChuHoSo != "Công dân 1" {
		t.Fatalf("page 1: %s cursor %s", ids(p), p.Cursor)
	}
	p = page(p.Cursor, 2)
	if ids(p) != "DVCQG-000005,DVCQG-000007" || p.Cursor != "7" {
		t.Fatalf("page 2: %s cursor %s", ids(p), p.Cursor)
	}
	p = page(p.Cursor, 0)
	if ids(p) != "DVCQG-000009" || p.Cursor != "9" {
		t.Fatalf("page 3: %s cursor %s", ids(p), p.Cursor)
	}
	if q := page(p.Cursor, 0); len(q.HoSo) != 0 || q.Cursor != "9" {
		t.Fatalf("nothing new: %s cursor %q, want cursor 9", ids(q), q.Cursor)
	}

	status, body := h.post("/sim/inbound", []byte(`[{"MaTTHC":"2.000815","MaDonVi":"`+agency+`","ChuHoSo":"Lê Văn Cường"}]`))
	if status != http.StatusOK || !strings.Contains(string(body), "DVCQG-000012") {
		t.Fatalf("POST /sim/inbound: %d %s", status, body)
	}
	if q := page(p.Cursor, 0); ids(q) != "DVCQG-000012" || q.Cursor != "12" {
		t.Errorf("after a new one: %s cursor %q", ids(q), q.Cursor)
	}
	for _, body := range []string{`{}`, `[{"MaDonVi":1}]`, `[{"Bogus":1}]`, `[] []`} {
		if status, _ := h.post("/sim/inbound", []byte(body)); status != http.StatusBadRequest {
			t.Errorf("POST /sim/inbound %s: %d, want 400", body, status)
		}
	}

	for range 600 {
		h.sim.AddInbound(portal.Inbound{MaDonVi: other})
	}
	more := h.want(portal.CodeOK, portal.ServiceInbound, false, portal.InboundQuery{MaDonVi: other, Limit: 0})
	big := h.want(portal.CodeOK, portal.ServiceInbound, false, portal.InboundQuery{MaDonVi: other, Limit: 10000})
	var p50, p500 portal.InboundPage
	json.Unmarshal(more.Result, &p50)
	json.Unmarshal(big.Result, &p500)
	if len(p50.HoSo) != 50 || len(p500.HoSo) != 500 {
		t.Errorf("default and maximum page: %d, %d; want 50, 500", len(p50.HoSo), len(p500.HoSo))
	}
}

func TestSimBadRequests(t *testing.T) {
	h := newHarness(t, nil)
	a := h.want(CodePermanent, "LayThuTuc", false, map[string]string{"MaTTHC": "1"})
	if !strings.Contains(a.Message, "LayThuTuc") {
		t.Errorf("unknown service message %q", a.Message)
	}
	for _, body := range []string{``, `{`, `not json`, `{"session":1}`, `{"session":"x"} {}`} {
		status, b := h.post("/service", []byte(body))
		var a portal.Answer
		if err := json.Unmarshal(b, &a); err != nil || status != http.StatusBadRequest || a.ErrorCode != CodeInvalid {
			t.Errorf("body %q: %d %s", body, status, b)
		}
	}
	big := append([]byte(`{"session":"`+h.session+`","service":"DongBoHoSoMC","data":"`), bytes.Repeat([]byte("a"), MaxBody)...)
	big = append(big, `"}`...)
	status, b := h.post("/service", big)
	if status != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), `"error_code":2`) {
		t.Errorf("oversized body: %d %.200s", status, b)
	}
	resp, err := h.client.Get(h.srv.URL + "/service")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /service: %d", resp.StatusCode)
	}
	snap := h.sim.Snapshot()
	if snap.Stats.Calls["unknown"] != 1 || snap.Stats.Rejected != 7 {
		t.Errorf("stats %+v", snap.Stats)
	}
}

func TestSimFaults(t *testing.T) {
	const code = "H22.15-250310-0001"
	for _, tc := range []struct {
		name   string
		faults Faults
		check  func(t *testing.T, status int, body []byte) // one faulty answer to a create
		stored bool                                        // whether the faulty call stored the dossier
	}{
		{"Fail500", Faults{Fail500: 2}, func(t *testing.T, status int, body []byte) {
			if status != http.StatusInternalServerError || !bytes.Contains(body, []byte("<html>")) {
				t.Errorf("%d %s", status, body)
			}
		}, false},
		{"Unexpected", Faults{Unexpected: 2}, func(t *testing.T, status int, body []byte) {
			if status != http.StatusOK || !bytes.Contains(body, []byte(`"error_code":99`)) {
				t.Errorf("%d %s", status, body)
			}
		}, false},
		{"Busy", Faults{Busy: 2}, func(t *testing.T, status int, body []byte) {
			if status != http.StatusOK || !bytes.Contains(body, []byte(`"error_code":5,`)) {
				t.Errorf("%d %s", status, body)
			}
		}, false},
		{"Malformed", Faults{Malformed: 2}, func(t *testing.T, status int, body []byte) {
			if status != http.StatusOK || json.Valid(body) || !bytes.HasPrefix(body, []byte(`{"error_code":`)) {
				t.Errorf("%d %s", status, body)
			}
		}, true},
		{"Drop", Faults{Drop: 2}, func(t *testing.T, status int, body []byte) {
			if status != http.StatusOK || !bytes.Contains(body, []byte(`"error_code":0`)) {
				t.Errorf("%d %s", status, body)
			}
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, nil)
			h.sim.SetFaults(tc.faults)
			create := mustJSON(portal.Request{Session: h.session, Service: portal.ServicePushDossier, Data: mustJSON([]portal.Dossier{dossier(code)})})
			for i := range 2 {
				status, body := h.post("/service", create)
				tc.check(t, status, body)
				if _, ok := h.sim.Lookup(code); ok != tc.stored {
					t.Fatalf("call %d: stored %v, want %v", i+1, ok, tc.stored)
				}
			}
			if f := h.sim.Faults(); f != (Faults{}) {
				t.Errorf("faults left: %+v", f)
			}
			want := portal.CodeOK
			if tc.stored {
				want = portal.CodeExists
			}
			h.want(want, portal.ServicePushDossier, false, []portal.Dossier{dossier(code)})
			if n := h.sim.Snapshot().Stats.Faulted; n != 2 {
				t.Errorf("faulted %d, want 2", n)
			}
		})
	}

	t.Run("Drop steps", func(t *testing.T) {
		h := newHarness(t, nil)
		h.want(portal.CodeOK, portal.ServicePushDossier, false, []portal.Dossier{dossier(code)})
		h.sim.SetFaults(Faults{Drop: 1})
		h.want(CodeInvalid, portal.ServicePushSteps, false, []portal.Step{step(code, 0, 2)}) // invalid calls do not take it
		h.want(portal.CodeOK, portal.ServicePushSteps, false, []portal.Step{step(code, 1, 2)})
		h.want(portal.CodeOK, portal.ServicePushSteps, false, []portal.Step{step(code, 2, 4)})
		if r, _ := h.sim.Lookup(code); len(r.Steps) != 1 || r.Steps[0].STT != 2 {
			t.Errorf("steps %+v; want only STT 2", r.Steps)
		}
	})

	t.Run("one fault per call", func(t *testing.T) {
		h := newHarness(t, nil)
		h.sim.SetFaults(Faults{Fail500: 1, Unexpected: 1, Busy: 1})
		var got []int
		lookup := mustJSON(portal.Request{Session: h.session, Service: portal.ServiceLookup, Data: mustJSON(portal.LookupQuery{MaHoSo: code})})
		for range 4 {
			status, body := h.post("/service", lookup)
			var a portal.Answer
			if json.Unmarshal(body, &a) != nil {
				got = append(got, status)
				continue
			}
			got = append(got, a.ErrorCode)
		}
		if fmt.Sprint(got) != fmt.Sprint([]int{500, CodeUnexpected, portal.CodeBusy, portal.CodeNotFound}) {
			t.Errorf("answers %v", got)
		}
	})

	t.Run("Down", func(t *testing.T) {
		h := newHarness(t, nil)
		h.sim.SetFaults(Faults{Down: true})
		for _, path := range []string{"/session", "/service"} {
			status, body := h.post(path, mustJSON(portal.SessionRequest{Username: DefaultUsername, Password: DefaultPassword}))
			if status != http.StatusServiceUnavailable || !bytes.Contains(body, []byte("503 Service Temporarily Unavailable")) {
				t.Errorf("%s while down: %d %s", path, status, body)
			}
		}
		if status, _ := h.post("/sim/expire-sessions", nil); status != http.StatusOK {
			t.Errorf("/sim/* is affected by Down: %d", status)
		}
		h.sim.SetFaults(Faults{})
		h.session = h.login(DefaultUsername, DefaultPassword).Session
		h.want(portal.CodeOK, portal.ServicePushDossier, false, []portal.Dossier{dossier(code)})
	})

	t.Run("Delay", func(t *testing.T) {
		h := newHarness(t, nil)
		h.sim.SetFaults(Faults{Delay: 30 * time.Second})
		client := &http.Client{Timeout: 100 * time.Millisecond}
		body := mustJSON(portal.Request{Session: h.session, Service: portal.ServicePushDossier, Data: mustJSON([]portal.Dossier{dossier(code)})})
		start := time.Now()
		_, err := client.Post(h.srv.URL+"/service", "application/json", bytes.NewReader(body))
		if err == nil {
			t.Fatal("a delayed call answered before the client's timeout")
		}
		if ne, ok := errors.AsType[*url.Error](err); !ok || !ne.Timeout() {
			t.Errorf("error %v is not a timeout", err)
		}
		// The server abandons the call: closing it does not wait 30 s.
		h.srv.Close()
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("the delayed call held the server %v", d)
		}
		if _, ok := h.sim.Lookup(code); ok {
			t.Error("an abandoned call was carried out")
		}

		h2 := newHarness(t, nil)
		h2.sim.SetFaults(Faults{Delay: 50 * time.Millisecond})
		start = time.Now()
		h2.want(portal.CodeOK, portal.ServicePushDossier, false, []portal.Dossier{dossier(code)})
		if d := time.Since(start); d < 50*time.Millisecond {
			t.Errorf("answered after %v, want ≥ 50ms", d)
		}
	})

	t.Run("ExpireSessions", func(t *testing.T) {
		h := newHarness(t, nil)
		second := h.login(DefaultUsername, DefaultPassword).Session
		if n := h.sim.ExpireSessions(); n != 2 {
			t.Errorf("expired %d, want 2", n)
		}
		for _, s := range []string{h.session, second} {
			if _, a := h.callAs(s, portal.ServiceLookup, false, portal.LookupQuery{MaHoSo: code}); a.ErrorCode != portal.CodeSessionExpired {
				t.Errorf("after ExpireSessions: %+v", a)
			}
		}
		h.session = h.login(DefaultUsername, DefaultPassword).Session
		h.want(portal.CodeNotFound, portal.ServiceLookup, false, portal.LookupQuery{MaHoSo: code})
		status, body := h.post("/sim/expire-sessions", nil)
		if status != http.StatusOK || string(body) != "{\"expired\":1}\n" {
			t.Errorf("POST /sim/expire-sessions: %d %s", status, body)
		}
		h.want(portal.CodeSessionExpired, portal.ServiceLookup, false, portal.LookupQuery{MaHoSo: code})
	})
}

func TestSimConcurrentCountdown(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults Faults
		faulty func(status int, a portal.Answer) bool
	}{
		{"Fail500", Faults{Fail500: 10}, func(status int, _ portal.Answer) bool { return status == http.StatusInternalServerError }},
		{"Busy", Faults{Busy: 10}, func(_ int, a portal.Answer) bool { return a.ErrorCode == portal.CodeBusy }},
		{"Unexpected", Faults{Unexpected: 10}, func(_ int, a portal.Answer) bool { return a.ErrorCode == CodeUnexpected }},
		{"Malformed", Faults{Malformed: 10}, func(status int, _ portal.Answer) bool { return status == -1 }},
		{"Drop", Faults{Drop: 10}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, nil)
			h.sim.SetFaults(tc.faults)
			var mu sync.Mutex
			faulty := 0
			var wg sync.WaitGroup
			for i := range 50 {
				wg.Go(func() {
					body := mustJSON(portal.Request{Session: h.session, Service: portal.ServicePushDossier,
						Data: mustJSON([]portal.Dossier{dossier(fmt.Sprintf("HS-%02d", i))})})
					resp, err := h.client.Post(h.srv.URL+"/service", "application/json", bytes.NewReader(body))
					if err != nil {
						t.Error(err)
						return
					}
					defer resp.Body.Close()
					b, _ := io.ReadAll(resp.Body)
					status := resp.StatusCode
					var a portal.Answer
					if json.Unmarshal(b, &a) != nil && status == http.StatusOK {
						status = -1
					}
					if tc.faulty != nil && tc.faulty(status, a) {
						mu.Lock()
						faulty++
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			snap := h.sim.Snapshot()
			if tc.faulty != nil && faulty != 10 {
				t.Errorf("%d faulty answers, want 10", faulty)
			}
			stored := 40
			if tc.name == "Malformed" {
				stored = 50
			}
			if len(snap.Dossiers) != stored || snap.Stats.Faulted != 10 || snap.Faults != (Faults{}) {
				t.Errorf("stored %d (want %d), faulted %d, faults left %+v", len(snap.Dossiers), stored, snap.Stats.Faulted, snap.Faults)
			}
		})
	}
}

func TestSimFaultsOverHTTP(t *testing.T) {
	h := newHarness(t, nil)
	status, body := h.post("/sim/faults", []byte(`{"delay":"1.5s","fail500":3,"drop":1}`))
	if status != http.StatusOK {
		t.Fatalf("POST /sim/faults: %d %s", status, body)
	}
	if f := h.sim.Faults(); f != (Faults{Delay: 1500 * time.Millisecond, Fail500: 3, Drop: 1}) {
		t.Errorf("faults %+v", f)
	}
	h.sim.SetFaults(Faults{Down: true, Busy: 2})
	resp, err := h.client.Get(h.srv.URL + "/sim/faults")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want := `{"down":true,"delay":"0s","malformed":0,"fail500":0,"unexpected":0,"busy":2,"drop":0}` + "\n"
	if string(got) != want {
		t.Errorf("GET /sim/faults: %s, want %s", got, want)
	}
	for _, body := range []string{`{"fail50":1}`, `{"busy":-1}`, `{"delay":"soon"}`, `{"delay":"-1s"}`, `{"down":"yes"}`, `[]`} {
		if status, b := h.post("/sim/faults", []byte(body)); status != http.StatusBadRequest || !bytes.Contains(b, []byte(`"error"`)) {
			t.Errorf("POST /sim/faults %s: %d %s", body, status, b)
		}
	}
	if f := h.sim.Faults(); f != (Faults{Down: true, Busy: 2}) {
		t.Errorf("a refused POST changed the faults: %+v", f)
	}
	if status, _ := h.post("/sim/faults", []byte(`{}`)); status != http.StatusOK || h.sim.Faults() != (Faults{}) {
		t.Errorf("clearing the faults: %d %+v", status, h.sim.Faults())
	}
}

func TestSimState(t *testing.T) {
	h := newHarness(t, nil)
	const code = "H22.15-250310-0001"
	h.want(portal.CodeOK, portal.ServicePushDossier, false, []portal.Dossier{dossier(code)})
	h.want(portal.CodeOK, portal.ServicePushSteps, false, []portal.Step{step(code, 1, 2)})
	h.sim.AddInbound(portal.Inbound{MaDonVi: "000.00.15.H22"})
	h.sim.SetFaults(Faults{Busy: 1})
	resp, err := h.client.Get(h.srv.URL + "/sim/state")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var snap Snapshot
	if err := json.Unmarshal(got, &snap); err != nil {
		t.Fatal(err)
	}
	if want := mustJSON(h.sim.Snapshot()); !bytes.Equal(mustJSON(snap), want) {
		t.Errorf("GET /sim/state:\n%s\nwant\n%s", got, want)
	}
	if len(snap.Dossiers) != 1 || len(snap.Dossiers[0].Steps) != 1 || len(snap.Inbound) != 1 || snap.Faults.Busy != 1 ||
		snap.Stats.Calls[portal.ServicePushSteps] != 1 || snap.Sessions != 1 {
		t.Errorf("snapshot %s", got)
	}
}

func TestSimLogHasNoPersonalData(t *testing.T) {
	var buf bytes.Buffer
	h := newHarness(t, slog.New(slog.NewTextHandler(&buf, nil)))
	d := dossier("H22.15-250310-0001")
	h.want(portal.CodeOK, portal.ServicePushDossier, false, []portal.Dossier{d, dossier("H22.15-250310-0002")})
	h.want(portal.CodeExists, portal.ServicePushDossier, false, []portal.Dossier{d})
	h.want(portal.CodeOK, portal.ServiceLookup, false, portal.LookupQuery{MaHoSo: d.MaHoSo})
	h.sim.SetFaults(Faults{Fail500: 1})
	h.post("/service", mustJSON(portal.Request{Session: h.session, Service: portal.ServiceLookup}))
	log := buf.String()
	if n := strings.Count(log, "portal-sim call"); n != 5 {
		t.Errorf("%d call lines, want 5 (a session and four calls):\n%s", n, log)
	}
	for _, want := range []string{"service=DongBoHoSoMC records=1 error_code=3", "records=2", "fault=fail500"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	for _, secret := range []string{d.ChuHoSo, d.SoGiayToChuHoSo, d.SoDienThoai, d.Email, DefaultPassword, h.session} {
		if strings.Contains(log, secret) {
			t.Errorf("log holds %q:\n%s", secret, log)
		}
	}
}

// FuzzService feeds arbitrary bodies to POST /service; "$SESSION" in a body
// becomes a live session. With no fault set the answer is always JSON: 200,
// or 400 with error_code 2, and the stored state stays consistent.
func FuzzService(f *testing.F) {
	d := mustJSON([]portal.Dossier{dossier("HS-1")})
	for _, seed := range []string{
		`{"session":"$SESSION","service":"DongBoHoSoMC","isUpdating":false,"data":` + string(d) + `}`,
		`{"session":"$SESSION","service":"DongBoHoSoMC","isUpdating":true,"data":` + string(d) + `}`,
		`{"session":"$SESSION","service":"DongBoHoSoMC","data":[{"MaHoSo":"A","MaTTHC":"1","TrangThaiHoSo":2,"KenhThucHien":2,"NgayHenTra":"20250231000000"}]}`,
		`{"session":"$SESSION","service":"CapNhatTienDoHoSoMC","data":[{"MaHoSo":"HS-0","STT":1,"TrangThai":2},{"MaHoSo":"HS-0","STT":1,"TrangThai":4}]}`,
		`{"session":"$SESSION","service":"CapNhatTienDoHoSoMC","data":[{"MaHoSo":"HS-0","STT":-1}]}`,
		`{"session":"$SESSION","service":"TraCuuHoSo","data":{"MaHoSo":"HS-0"}}`,
		`{"session":"$SESSION","service":"LayDanhSachHoSoMoi","data":{"MaDonVi":"DV","Cursor":"1","Limit":1}}`,
		`{"session":"$SESSION","service":"LayDanhSachHoSoMoi","data":{"MaDonVi":"DV","Cursor":"-1"}}`,
		`{"session":"$SESSION","service":"LayThuTuc","data":null}`,
		`{"session":"het-han","service":"TraCuuHoSo","data":{}}`,
		`{"session":"$SESSION","service":"DongBoHoSoMC","data":"x"}`,
		`{"session":"$SESSION","service":"DongBoHoSoMC","data":[{"MaHoSo":1}]}`,
		`{"session":"$SESSION"`,
		`[]`,
		``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		sim := New(Options{})
		sim.AddInbound(portal.Inbound{MaDonVi: "DV"})
		sim.AddInbound(portal.Inbound{MaDonVi: "DV"})
		session := fuzzLogin(t, sim)
		serve := func(body []byte) (int, portal.Answer) {
			rec := httptest.NewRecorder()
			sim.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/service", bytes.NewReader(body)))
			var a portal.Answer
			if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil {
				t.Fatalf("answer %d is not JSON: %q", rec.Code, rec.Body.Bytes())
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Fatalf("content type %q", ct)
			}
			return rec.Code, a
		}
		if _, a := serve(mustJSON(portal.Request{Session: session, Service: portal.ServicePushDossier, Data: mustJSON([]portal.Dossier{dossier("HS-0")})})); a.ErrorCode != 0 {
			t.Fatalf("seeding: %+v", a)
		}
		status, a := serve(bytes.ReplaceAll(body, []byte("$SESSION"), []byte(session)))
		switch {
		case status == http.StatusBadRequest && a.ErrorCode == CodeInvalid:
		case status == http.StatusOK:
			switch a.ErrorCode {
			case portal.CodeOK, CodePermanent, CodeInvalid, portal.CodeExists, portal.CodeNotFound, portal.CodeSessionExpired:
			default:
				t.Fatalf("error_code %d", a.ErrorCode)
			}
			if a.ErrorCode != portal.CodeOK && a.Message == "" {
				t.Fatalf("error_code %d without a message", a.ErrorCode)
			}
		default:
			t.Fatalf("HTTP %d: %+v", status, a)
		}
		for _, r := range sim.Snapshot().Dossiers {
			if r.Key != r.Dossier.Key() || r.Revision < 1 || checkDossier(r.Dossier) != "" {
				t.Fatalf("stored %+v", r)
			}
			for _, st := range r.Steps {
				if st.MaHoSo != r.Key || checkStep(st) != "" {
					t.Fatalf("stored step %+v under %s", st, r.Key)
				}
			}
		}
	})
}

func fuzzLogin(t *testing.T, sim *Sim) string {
	rec := httptest.NewRecorder()
	sim.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/session", strings.NewReader(`{"username":"dunghan","password":"dunghan-sim"}`)))
	var a portal.SessionAnswer
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil || a.Session == "" {
		t.Fatalf("session: %s", rec.Body.Bytes())
	}
	return a.Session
}
