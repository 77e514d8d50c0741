package web_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"dunghan/internal/calendar"
	"dunghan/internal/demo"
	"dunghan/internal/procedure"
	"dunghan/internal/store"
	"dunghan/internal/store/storetest"
	"dunghan/internal/web"
)

// site is the web server on a demo store, with a browser per user.
type site struct {
	t       *testing.T
	base    string
	now     *atomic.Pointer[time.Time]
	procs   map[string]string // source key → ID
	users   map[string]string // username → ID
	logs    *bytes.Buffer
	clients map[string]*session
}

type session struct {
	c  *http.Client
	at time.Time
}

// page is one answer of the server.
type page struct {
	status   int
	body     string
	location string
}

func (s *site) at(v string) { t := vn(v); s.now.Store(&t) }

// as returns a browser logged in as user; it logs in again when the
// simulated clock has moved past the session's lifetime.
func (s *site) as(user string) *http.Client {
	s.t.Helper()
	now := *s.now.Load()
	if x := s.clients[user]; x != nil && now.Sub(x.at) < 11*time.Hour && !now.Before(x.at) {
		return x.c
	}
	c := browserClient()
	p := s.send(c, "POST", "/dang-nhap", url.Values{"username": {user}, "password": {demo.Password}, "tiep": {"/"}})
	if p.status != http.StatusSeeOther || p.location != "/" {
		s.t.Fatalf("log-in %s: %d %s", user, p.status, p.location)
	}
	s.clients[user] = &session{c, now}
	return c
}

func (s *site) send(c *http.Client, method, path string, form url.Values) page {
	s.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, s.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return page{resp.StatusCode, string(b), resp.Header.Get("Location")}
}

func (s *site) get(user, path string) page { return s.send(s.as(user), "GET", path, nil) }

func (s *site) post(user, path string, form url.Values) page {
	return s.send(s.as(user), "POST", path, form)
}

// want fails unless the page has the status and contains every string.
func (s *site) want(p page, status int, contains ...string) {
	s.t.Helper()
	if p.status != status {
		s.t.Fatalf("status %d (→ %s), want %d; body:\n%s", p.status, p.location, status, excerpt(p.body))
	}
	for _, c := range contains {
		if !strings.Contains(p.body, c) {
			s.t.Fatalf("page lacks %q:\n%s", c, excerpt(p.body))
		}
	}
}

// excerpt is the page's main content, for failure messages.
func excerpt(body string) string {
	if i := strings.Index(body, "<main>"); i >= 0 {
		body = body[i:]
	}
	if len(body) > 6000 {
		body = body[:6000] + "…"
	}
	return body
}

// eachSite runs fn on every engine against a server on the demo agency,
// plus a procedure that lists its required documents.
func eachSite(t *testing.T, fn func(t *testing.T, s *site)) {
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
			base, err := st.ProcedureVersion(ctx, sum.Agency.ID, mustProc(t, st, sum.Agency.ID, "edu-001"), 0)
			if err != nil {
				t.Fatal(err)
			}
			docs := base.Procedure
			docs.Key, docs.Code, docs.Name = "test-docs", "", "Cấp bản sao văn bằng từ sổ gốc (thử nghiệm)"
			docs.RequiredDocuments = []string{"Đơn đề nghị cấp bản sao", "Bản sao căn cước công dân"}
			if _, err := st.ImportProcedures(ctx, sum.Agency.ID, []procedure.Procedure{docs}, 480); err != nil {
				t.Fatal(err)
			}
			procs, _ := st.Procedures(ctx, sum.Agency.ID)
			for _, p := range procs {
				s.procs[p.Key] = p.ID
			}
			users, _ := st.Users(ctx, sum.Agency.ID)
			for _, u := range users {
				s.users[u.Username] = u.ID
			}
			cal, _ := calendar.New(calendar.DefaultConfig())
			var n atomic.Int64
			srv := httptest.NewServer(web.New(web.Deps{Store: st, Calendar: cal, Log: slog.New(slog.NewTextHandler(s.logs, nil)), Now: clock,
				Secret: func() string { return fmt.Sprintf("SECRET%02d", n.Add(1)) }}))
			t.Cleanup(srv.Close)
			s.base = srv.URL
			fn(t, s)
		})
	}
}

func mustProc(t *testing.T, st *store.Store, agencyID, key string) string {
	procs, err := st.Procedures(context.Background(), agencyID)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range procs {
		if p.Key == key {
			return p.ID
		}
	}
	t.Fatalf("no procedure %s", key)
	return ""
}

// applicant is a valid reception form for procedure key.
func (s *site) applicant(key, action string) url.Values {
	return url.Values{"procedure": {s.procs[key]}, "kind": {"1"}, "channel": {"1"}, "name": {"Nguyễn Thị Lan"},
		"id_number": {"001190000123"}, "phone": {"0912 345 678"}, "address": {"Số 5 Lê Lợi, phường Thạch Thang"}, "action": {action}}
}

func TestStaffPagesNeedLogIn(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		for _, path := range []string{"/", "/tiep-nhan", "/ho-so/000.00.08.H44-250303-0001", "/?q=lan"} {
			p := s.send(browserClient(), "GET", path, nil)
			if p.status != http.StatusSeeOther || p.location != "/dang-nhap?tiep="+url.QueryEscape(path) {
				t.Errorf("GET %s without log-in: %d → %q", path, p.status, p.location)
			}
		}
		p := s.send(browserClient(), "POST", "/ho-so/x/chuyen-buoc", url.Values{"version": {"1"}})
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/dang-nhap") {
			t.Errorf("POST without log-in: %d → %q", p.status, p.location)
		}
		s.want(s.get("cv.trunghoc1", "/"), 200, "Hồ sơ cần xử lý", "Đơn vị hiện không có hồ sơ nào cần xử lý")
		s.want(s.get("cv.trunghoc1", "/tiep-nhan"), 403, "Chỉ cán bộ Bộ phận Một cửa")
		s.want(s.post("cv.trunghoc1", "/tiep-nhan", s.applicant("edu-003", "tiep-nhan")), 403)
		s.want(s.get("cv.trunghoc1", "/?pham-vi=co-quan"), 403, "đơn vị mình")
		s.want(s.get("motcua1", "/?pham-vi=co-quan"), 200, "Toàn cơ quan")
		s.want(s.get("motcua1", "/?trang-thai=khong-co"), 400)
		s.want(s.get("motcua1", "/ho-so/000.00.08.H44-250303-0099"), 404)
		s.want(s.post("motcua1", "/ho-so/000.00.08.H44-250303-0099/khong-co", url.Values{}), 404)
	})
}

func TestReceptionForm(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		s.want(s.get("motcua1", "/tiep-nhan"), 200, "Tiếp nhận hồ sơ", "— Chọn thủ tục —", "Chọn thủ tục để tính ngày hẹn trả")
		// The list can be narrowed by name without diacritics or by code.
		p := s.post("motcua1", "/tiep-nhan", url.Values{"q": {"sao van bang"}, "action": {"loc"}, "name": {"Trần Văn A"}})
		s.want(p, 200, "(2/89 thủ tục)", "Cấp bản sao văn bằng từ sổ gốc", `value="Trần Văn A"`)
		// Preview: the promised date of 15 working days, everything typed kept.
		form := s.applicant("edu-003", "xem")
		form.Set("email", "lan@example.vn")
		s.want(s.post("motcua1", "/tiep-nhan", form), 200, "17:00 24/03/2025", "Thứ Hai", "15 ngày làm việc",
			`value="Nguyễn Thị Lan"`, `value="lan@example.vn"`, `value="0912 345 678"`)
		s.want(s.post("motcua1", "/tiep-nhan", s.applicant("edu-048", "xem")), 200, "Không quy định thời hạn")
		s.want(s.post("motcua1", "/tiep-nhan", url.Values{"action": {"xem"}}), 200, "Hãy chọn thủ tục hành chính để xem ngày hẹn trả")
		// Form errors are shown beside their fields; what was typed stays.
		bad := s.applicant("edu-003", "tiep-nhan")
		bad.Set("name", "  ")
		bad.Set("phone", "09xx")
		bad.Set("email", "lan@")
		bad.Set("kind", "2")
		p = s.post("motcua1", "/tiep-nhan", bad)
		s.want(p, 400, "Hồ sơ chưa được ghi nhận", "Cần nhập họ tên người nộp hồ sơ.", "Số điện thoại không hợp lệ",
			"Địa chỉ email không hợp lệ", "Cần nhập tên tổ chức, doanh nghiệp.", `value="09xx"`, `value="Số 5 Lê Lợi, phường Thạch Thang"`,
			`name="kind" value="2" checked`)
		// The required documents of the procedure: ticked ones are received, the others are missing.
		form = s.applicant("test-docs", "xem")
		form["doc"] = []string{"Bản sao căn cước công dân"}
		form["digitised"] = []string{"Bản sao căn cước công dân"}
		s.want(s.post("motcua1", "/tiep-nhan", form), 200, `value="Đơn đề nghị cấp bản sao">`, `value="Bản sao căn cước công dân" checked>`)
		// Refused at the desk: a reason is needed; the record has no code and is linked by ID.
		refuse := s.applicant("edu-003", "tu-choi")
		s.want(s.post("motcua1", "/tiep-nhan", refuse), 400, "Cần nêu lý do từ chối tiếp nhận hồ sơ.")
		refuse.Set("reason", "Không thuộc thẩm quyền giải quyết của Sở")
		p = s.post("motcua1", "/tiep-nhan", refuse)
		s.want(p, 200, "Đã từ chối tiếp nhận hồ sơ", "Không thuộc thẩm quyền giải quyết của Sở")
		i := strings.Index(p.body, `href="/ho-so/`)
		link := p.body[i+6 : i+6+strings.Index(p.body[i+6:], `"`)]
		s.want(s.get("motcua1", link), 200, "Hồ sơ chưa có mã", "Không được tiếp nhận", "Từ chối tiếp nhận", "Không thuộc thẩm quyền")
		s.want(s.get("cv.trunghoc1", link), 403)
		// Guided to complete: the unticked required documents are the missing ones.
		guide := s.applicant("test-docs", "huong-dan")
		guide["doc"] = []string{"Bản sao căn cước công dân"}
		s.want(s.post("motcua1", "/tiep-nhan", guide), 400, "Cần ghi nội dung hướng dẫn")
		guide.Set("reason", "Thiếu đơn đề nghị")
		guide.Set("missing_extra", "Ảnh 3x4")
		guide.Set("idem", "web-test-guide") // as the form carries it
		p = s.post("motcua1", "/tiep-nhan", guide)
		s.want(p, 200, "Đã hướng dẫn bổ sung, hoàn thiện hồ sơ", "<li>Đơn đề nghị cấp bản sao</li>", "<li>Ảnh 3x4</li>")
		// Resubmitting the same form (a browser refresh) records nothing twice.
		s.want(s.post("motcua1", "/tiep-nhan", guide), 200)
		i = strings.Index(p.body, `href="/ho-so/`)
		link = p.body[i+6 : i+6+strings.Index(p.body[i+6:], `"`)]
		// It is then received from its page, and gets its code.
		s.at("2025-03-04 08:00")
		p = s.get("motcua1", link)
		s.want(p, 200, "Đã hướng dẫn bổ sung, hoàn thiện hồ sơ", "Ảnh 3x4", link+"/tiep-nhan")
		p = s.post("motcua1", link+"/tiep-nhan", url.Values{"version": {"1"}, "documents": {"Đơn đề nghị cấp bản sao\nẢnh 3x4"}})
		if p.status != http.StatusSeeOther || p.location != "/ho-so/000.00.08.H44-250304-0001?ok=tiep-nhan" {
			t.Fatalf("accept after completion: %d → %s %s", p.status, p.location, excerpt(p.body))
		}
		list := s.get("motcua1", "/?trang-thai=tat-ca")
		s.want(list, 200, "000.00.08.H44-250304-0001", "Chưa có mã")
		if strings.Count(list.body, "Chưa có mã") != 1 {
			t.Fatalf("the refused record once, the guided one received: %s", excerpt(list.body))
		}
		// Only the open ones by default.
		if p := s.get("motcua1", "/"); strings.Contains(p.body, "Chưa có mã") {
			t.Fatal("a refused record in the default worklist")
		}
	})
}

func TestDossierJourneyThroughForms(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		desk, spec, head, boss, other := "motcua1", "cv.trunghoc1", "tp.trunghoc", "giamdoc", "cv.mamnon1"
		form := s.applicant("edu-003", "tiep-nhan")
		form.Set("name", norm.NFD.String("Nguyễn Thị Lan")) // decomposed diacritics are stored composed
		form["doc"] = nil
		form.Set("extra_docs", "Đơn đề nghị\nBản sao bằng tốt nghiệp")
		form.Set("extra_digitised", "1")
		p := s.post(desk, "/tiep-nhan", form)
		code := "000.00.08.H44-250303-0001"
		if p.status != http.StatusSeeOther || p.location != "/ho-so/"+code+"?ok=tiep-nhan" {
			t.Fatalf("receive: %d → %q %s", p.status, p.location, excerpt(p.body))
		}
		path := "/ho-so/" + code
		p = s.get(desk, p.location)
		s.want(p, 200, "Đã tiếp nhận hồ sơ.", "hẹn trả kết quả lúc 17:00 ngày 24/03/2025", "Nguyễn Thị Lan", "Bản sao bằng tốt nghiệp (đã số hoá)",
			"Mã tra cứu", "SECRET01", "Bước 1: Bộ phận Một cửa", path+"/chuyen-buoc", "Tiếp nhận hồ sơ")
		if strings.Contains(p.body, path+"/tra-ket-qua") || strings.Contains(p.body, path+"/giai-quyet") {
			t.Fatal("return and resolve are offered to the desk before the dossier is resolved")
		}
		// Search without diacritics, by phone and by ID number.
		for _, q := range []string{"nguyen thi lan", "NGUYEN", "0912345678", "001190000123", code} {
			s.want(s.get(desk, "/?q="+url.QueryEscape(q)), 200, path, "Nguyễn Thị Lan", "Đúng tiến độ")
		}
		s.want(s.get(desk, "/?q=tran+van"), 200, "Không tìm thấy hồ sơ nào khớp")
		// Transfer to the specialist through the form.
		s.at("2025-03-03 10:00")
		p = s.post(desk, path+"/chuyen-buoc", url.Values{"version": {"1"}, "to_step": {"1"}, "to_user": {s.users[spec]}, "note": {"Chuyển thụ lý"}})
		if p.status != http.StatusSeeOther || p.location != path+"?ok=chuyen-buoc" {
			t.Fatalf("transfer: %d → %q %s", p.status, p.location, excerpt(p.body))
		}
		s.want(s.get(spec, p.location), 200, "Đã chuyển bước xử lý.", "Vũ Thị Lan", "Phòng Giáo dục Trung học", "Ghi chú: Chuyển thụ lý")
		s.want(s.get(spec, "/?pham-vi=cua-toi"), 200, path)
		// A stale form (version 1) gets the conflict message, keeps what was typed, and carries the new version.
		p = s.post(spec, path+"/yeu-cau-bo-sung", url.Values{"version": {"1"}, "reason": {"Thiếu bản sao hợp lệ"}, "missing": {"Bản sao văn bằng"}})
		s.want(p, 409, "Hồ sơ đã được người khác cập nhật", ">Thiếu bản sao hợp lệ</textarea>", `name="version" value="2"`)
		// Another division's specialist is refused the page and the forms; the attempt is logged without personal data.
		s.want(s.get(other, path), 403, "đơn vị khác")
		s.want(s.post(other, path+"/dung-xu-ly", url.Values{"version": {"2"}, "reason": {"x"}}), 403)
		if logs := s.logs.String(); !strings.Contains(logs, "dossier access refused") || !strings.Contains(logs, s.users[other]) ||
			!strings.Contains(logs, code) || strings.Contains(logs, "Lan") || strings.Contains(logs, "0912") {
			t.Fatalf("access log: %s", logs)
		}
		if p := s.get(other, "/?q=lan"); strings.Contains(p.body, code) {
			t.Fatal("another division's specialist finds the dossier in the worklist")
		}
		// The supplement request, then a second one refused with the rule shown beside its form.
		s.at("2025-03-04 09:00")
		p = s.post(spec, path+"/yeu-cau-bo-sung", url.Values{"version": {"2"}, "reason": {"Thiếu bản sao hợp lệ"}, "missing": {"Bản sao văn bằng\nẢnh 3x4"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("supplement: %d %s", p.status, excerpt(p.body))
		}
		s.want(s.get(spec, p.location), 200, "Đã yêu cầu bổ sung hồ sơ.", "Yêu cầu bổ sung giấy tờ", "Tạm dừng", "Chờ bổ sung hồ sơ", "Ảnh 3x4")
		s.want(s.get(spec, "/"), 200, "Tạm dừng: chờ bổ sung")
		// Back from the applicant: the clock restarts from zero.
		s.at("2025-03-10 09:00")
		p = s.post(desk, path+"/nhan-bo-sung", url.Values{"version": {"3"}, "documents": {"Bản sao văn bằng"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("receive supplement: %d %s", p.status, excerpt(p.body))
		}
		s.want(s.get(spec, p.location), 200, "Thời hạn giải quyết được tính lại từ đầu", "17:00 31/03/2025", "Hạn khi tiếp nhận", "17:00 24/03/2025")
		// A second request is refused with the rule, shown beside its form with what was typed.
		p = s.post(head, path+"/yeu-cau-bo-sung", url.Values{"version": {"4"}, "reason": {"Lần hai"}, "missing": {"Giấy khai sinh"}})
		s.want(p, 409, "Hồ sơ đã được yêu cầu bổ sung một lần.", ">Giấy khai sinh</textarea>", `<details class="act" open><summary>Yêu cầu bổ sung hồ sơ`)
		// A leader is offered the override.
		s.want(s.get(boss, path), 200, "Cho phép yêu cầu bổ sung lần hai")
		// Resolve: a choice is needed, and what was typed stays.
		s.at("2025-03-12 10:00")
		p = s.post(boss, path+"/giai-quyet", url.Values{"version": {"4"}, "results": {"Quyết định công nhận"}})
		s.want(p, 400, "Chọn kết quả: giải quyết hoặc từ chối giải quyết.", ">Quyết định công nhận</textarea>")
		p = s.post(boss, path+"/giai-quyet", url.Values{"version": {"4"}, "approved": {"1"}, "results": {"Quyết định công nhận"}, "e_result": {"1"}})
		if p.status != http.StatusSeeOther || p.location != path+"?ok=giai-quyet" {
			t.Fatalf("resolve: %d %s", p.status, excerpt(p.body))
		}
		p = s.get(desk, path)
		s.want(p, 200, "Đã xử lý xong", "Quyết định công nhận", path+"/tra-ket-qua", "chờ trả kết quả cho người nộp")
		if strings.Contains(p.body, path+"/chuyen-buoc") || strings.Contains(p.body, path+"/yeu-cau-bo-sung") {
			t.Fatal("a resolved dossier still offers transfer or supplement")
		}
		s.want(s.get(desk, "/"), 200, path, "Chờ trả kết quả")
		// Return.
		s.at("2025-03-13 08:00")
		p = s.post(desk, path+"/tra-ket-qua", url.Values{"version": {"5"}, "to": {"Nguyễn Thị Lan"}, "method": {"trực tiếp"}})
		if p.status != http.StatusSeeOther || p.location != path+"?ok=tra-ket-qua" {
			t.Fatalf("return: %d %s", p.status, excerpt(p.body))
		}
		p = s.get(desk, p.location)
		s.want(p, 200, "Đã trả kết quả.", "Trả kết quả", "Người nhận: Nguyễn Thị Lan", "Bạn không có thao tác nào", "Trước hạn")
		if strings.Count(p.body, "<tr><td>") != 6 {
			t.Fatalf("history rows: %d, want 6", strings.Count(p.body, "<tr><td>"))
		}
		// Finished dossiers leave the worklist, and come back when the status filter asks.
		if p := s.get(desk, "/"); strings.Contains(p.body, path) {
			t.Fatal("a returned dossier is still in the worklist")
		}
		s.want(s.get(desk, "/?trang-thai=da-ket-thuc&pham-vi=co-quan"), 200, path, "Đã xong – Trước hạn")
		s.want(s.get(desk, "/?trang-thai=returned&pham-vi=co-quan&q=lan"), 200, path)
	})
}

func TestDossierPauseRescheduleAndStop(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		desk, spec, head, boss := "motcua1", "cv.trunghoc1", "tp.trunghoc", "giamdoc"
		code := "000.00.08.H44-250303-0001"
		path := "/ho-so/" + code
		s.want(s.post(desk, "/tiep-nhan", s.applicant("edu-003", "tiep-nhan")), http.StatusSeeOther)
		s.want(s.post(desk, path+"/chuyen-buoc", url.Values{"version": {"1"}, "to_step": {"1"}, "to_user": {s.users[spec]}}), http.StatusSeeOther)
		// Payment: the amount is checked by the form, then the clock pauses.
		p := s.post(spec, path+"/yeu-cau-nop-phi", url.Values{"version": {"2"}, "amount": {"mười nghìn"}, "reason": {"Lệ phí"}})
		s.want(p, 400, "Số tiền phải là số đồng lớn hơn 0", `value="mười nghìn"`)
		s.want(s.post(spec, path+"/yeu-cau-nop-phi", url.Values{"version": {"2"}, "amount": {"150.000"}, "reason": {"Lệ phí"}}), http.StatusSeeOther)
		s.want(s.get(spec, path), 200, "Số tiền: 150.000 đồng", "Chờ thực hiện nghĩa vụ tài chính", path+"/xac-nhan-nop-phi")
		s.want(s.get(spec, "/"), 200, "Tạm dừng: chờ nghĩa vụ tài chính")
		s.at("2025-03-04 09:00")
		s.want(s.post(desk, path+"/xac-nhan-nop-phi", url.Values{"version": {"3"}, "paid_online": {"1"}}), http.StatusSeeOther)
		s.want(s.get(desk, path), 200, "Đã thanh toán trực tuyến", "Hạn giải quyết dời đến")
		// Sent back to the desk, then forward again to a specialist of the division.
		s.want(s.post(head, path+"/giao-lai", url.Values{"version": {"4"}, "to_step": {"0"}, "to_unit": {""}, "to_user": {s.users["motcua2"]}, "note": {"Kiểm tra lại thành phần"}}), http.StatusSeeOther)
		s.want(s.get(desk, path), 200, "Trả về bước trước", "Phạm Văn Nam", "Kiểm tra lại thành phần")
		s.want(s.post("motcua2", path+"/chuyen-buoc", url.Values{"version": {"5"}, "to_step": {"1"}, "to_user": {s.users["cv.trunghoc2"]}}), http.StatusSeeOther)
		// Reschedule: the date is checked by the form; the legal due never moves.
		s.at("2025-03-20 09:00")
		p = s.post(head, path+"/hen-lai", url.Values{"version": {"6"}, "date": {"31/02/2025"}, "time": {"17:00"}, "reason": {"Cần xác minh"}})
		s.want(p, 400, "Ngày phải viết dạng ngày/tháng/năm", `value="31/02/2025"`, ">Cần xác minh</textarea>")
		p = s.post(head, path+"/hen-lai", url.Values{"version": {"6"}, "date": {"04/04/2025"}, "time": {"25:00"}, "reason": {"Cần xác minh"}})
		s.want(p, 400, "Giờ phải viết dạng giờ:phút")
		p = s.post(head, path+"/hen-lai", url.Values{"version": {"6"}, "date": {"04/04/2025"}, "time": {"17:00"}, "reason": {"Cần xác minh với trường cấp bằng"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("reschedule: %d %s", p.status, excerpt(p.body))
		}
		p = s.get(head, path)
		s.want(p, 200, "Ngày hẹn trả mới: 17:00 04/04/2025", "đã hẹn lại", "Hẹn trả ban đầu")
		if strings.Contains(p.body, path+"/hen-lai") {
			t.Fatal("a second reschedule is offered")
		}
		// Stop: a reason is required by the rules; the message is shown beside the form.
		s.want(s.post(boss, path+"/dung-xu-ly", url.Values{"version": {"7"}}), 400, "Cần nêu lý do dừng xử lý hồ sơ.")
		s.want(s.post(boss, path+"/dung-xu-ly", url.Values{"version": {"7"}, "reason": {"Cơ quan phối hợp đề nghị dừng"}}), http.StatusSeeOther)
		s.want(s.get(boss, path), 200, "Dừng xử lý", "Cơ quan phối hợp đề nghị dừng")
		s.want(s.post(boss, path+"/giai-quyet", url.Values{"version": {"8"}, "approved": {"1"}, "results": {"x"}}), 409, "Hồ sơ đã kết thúc")
		// Withdrawn at the applicant's request.
		s.want(s.post(desk, "/tiep-nhan", s.applicant("edu-001", "tiep-nhan")), http.StatusSeeOther)
		s.want(s.post(desk, "/ho-so/000.00.08.H44-250320-0001/rut-ho-so", url.Values{"version": {"1"}, "reason": {"Người nộp xin rút"}}), http.StatusSeeOther)
		s.want(s.get(desk, "/ho-so/000.00.08.H44-250320-0001"), 200, "Công dân yêu cầu rút hồ sơ", "Người nộp xin rút")
	})
}

func TestWorklistPagesAndBadges(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		desk := "motcua1"
		for i := range 3 {
			form := s.applicant("edu-001", "tiep-nhan")
			form.Set("name", fmt.Sprintf("Người nộp số %d", i+1))
			s.want(s.post(desk, "/tiep-nhan", form), http.StatusSeeOther)
		}
		// Five working days: on track now, then due soon, the step overdue, the dossier overdue.
		s.want(s.get(desk, "/"), 200, "Đúng tiến độ", "Hồ sơ: 5 ngày 6 giờ")
		s.at("2025-03-03 11:00") // two hours left of the four-hour reception step
		p := s.get(desk, "/")
		s.want(p, 200, "Sắp đến hạn", "Bước: 2 giờ")
		s.at("2025-03-10 09:00")
		s.want(s.get(desk, "/"), 200, "Quá hạn bước", "Hồ sơ: 6 giờ 30 phút")
		s.at("2025-03-11 09:00")
		s.want(s.get(desk, "/"), 200, "Quá hạn", "Hồ sơ: −1 giờ 30 phút")
		s.want(s.get(desk, "/?trang-thai=qua-han"), 200, "Người nộp số 3")
		// Pages of 50: more dossiers than a page, then "Trang sau".
		s.at("2025-03-12 09:00")
		for i := range 50 {
			form := s.applicant("edu-003", "tiep-nhan")
			form.Set("name", fmt.Sprintf("Người nộp thêm %d", i+1))
			s.want(s.post(desk, "/tiep-nhan", form), http.StatusSeeOther)
		}
		p = s.get(desk, "/")
		s.want(p, 200, "Trang sau")
		i := strings.Index(p.body, `<a href="/?`)
		next := strings.ReplaceAll(p.body[i+9:i+9+strings.Index(p.body[i+9:], `"`)], "&amp;", "&")
		p = s.get(desk, next)
		s.want(p, 200, "Trang đầu")
		if strings.Count(p.body, `<a class="code"`) != 3 || strings.Contains(p.body, "Trang sau") {
			t.Fatalf("second page: %d rows", strings.Count(p.body, `<a class="code"`))
		}
	})
}
