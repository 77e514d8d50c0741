package web_test

import (
	"cmp"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"dunghan/internal/calendar"
	"dunghan/internal/demo"
	"dunghan/internal/dossier"
	"dunghan/internal/store"
	"dunghan/internal/store/storetest"
	"dunghan/internal/web"
)

// pubSite is a server on a demo agency whose clock the test moves, with
// direct access to its store for making dossiers and recounting.
type pubSite struct {
	t      *testing.T
	s      *store.Store
	base   string
	now    *atomic.Pointer[time.Time]
	agency string
	cal    *calendar.Calendar
	actors map[string]dossier.Actor
	procs  map[string]string // source key → procedure ID
	units  map[string]string // unit code → ID
	n      atomic.Int64
}

func eachPub(t *testing.T, start string, fn func(t *testing.T, p *pubSite)) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			p := &pubSite{t: t, now: &atomic.Pointer[time.Time]{}, actors: map[string]dossier.Actor{}, procs: map[string]string{}, units: map[string]string{}}
			p.at(start)
			clock := func() time.Time { return *p.now.Load() }
			p.s = storetest.Open(t, engine, store.Options{Now: clock})
			ctx := context.Background()
			sum, err := demo.Seed(ctx, p.s, rand.Reader, 480)
			if err != nil {
				t.Fatal(err)
			}
			p.agency = sum.Agency.ID
			users, _ := p.s.Users(ctx, p.agency)
			for _, u := range users {
				p.actors[u.Username] = dossier.Actor{UserID: u.ID, Name: u.FullName, UnitID: u.UnitID, Roles: u.Roles}
			}
			procs, _ := p.s.Procedures(ctx, p.agency)
			for _, x := range procs {
				p.procs[x.Key] = x.ID
			}
			units, _ := p.s.Units(ctx, p.agency)
			for _, u := range units {
				p.units[u.Code] = u.ID
			}
			p.cal, _ = calendar.New(calendar.DefaultConfig())
			srv := httptest.NewServer(web.New(web.Deps{Store: p.s, Calendar: p.cal, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clock,
				Secret: func() string { return fmt.Sprintf("WEB%05d", p.n.Add(1)) }}))
			t.Cleanup(srv.Close)
			p.base = srv.URL
			fn(t, p)
		})
	}
}

func (p *pubSite) at(s string) { t := vn(s); p.now.Store(&t) }

func (p *pubSite) must(in store.Exec) store.Record {
	p.t.Helper()
	in.AgencyID = p.agency
	rec, err := p.s.Execute(context.Background(), in, p.cal, func() string { return fmt.Sprintf("K%07d", p.n.Add(1)) })
	if err != nil {
		p.t.Fatalf("%s: %v", in.Command.Name(), err)
	}
	return rec
}

// receive accepts a dossier at the instant and, if officer is set, sends it
// to that officer for step 1.
func (p *pubSite) receive(at, key, officer string) dossier.State {
	p.t.Helper()
	p.at(at)
	rec := p.must(store.Exec{Actor: p.actors["motcua1"], ProcedureID: p.procs[key], Command: dossier.Receive{
		Channel: dossier.InPerson, Applicant: dossier.Applicant{Kind: 1, Name: "Nguyễn Thị Lan", IDNumber: "001190000123", Phone: "0912345678", Address: "12 Trần Phú"},
		Documents: []dossier.Document{{Name: "Đơn đề nghị", Copies: 1, Original: true}}}})
	if officer != "" {
		rec = p.must(store.Exec{Code: rec.State.Code, Actor: p.actors["motcua1"], Command: dossier.Transfer{ToStep: 1, ToUser: p.actors[officer].UserID}})
	}
	return rec.State
}

// finish resolves a dossier at the instant and returns the result.
func (p *pubSite) finish(at, code string) {
	p.t.Helper()
	p.at(at)
	p.must(store.Exec{Code: code, Actor: p.actors["giamdoc"], Command: dossier.Resolve{Approved: true, Results: []string{"Quyết định"}}})
	p.must(store.Exec{Code: code, Actor: p.actors["motcua1"], Command: dossier.Return{To: "Nguyễn Thị Lan", Method: "trực tiếp"}})
}

// client logs in through the form and keeps the session cookie.
func (p *pubSite) client(username, password string) *http.Client {
	p.t.Helper()
	c := browserClient()
	if status, _, _ := p.post(c, "/dang-nhap", url.Values{"username": {username}, "password": {password}}); status != http.StatusSeeOther {
		p.t.Fatalf("log-in of %s: %d", username, status)
	}
	return c
}

func (p *pubSite) get(c *http.Client, path string) (int, string) {
	p.t.Helper()
	resp, err := c.Get(p.base + path)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (p *pubSite) post(c *http.Client, path string, form url.Values) (status int, body, location string) {
	p.t.Helper()
	resp, err := c.PostForm(p.base+path, form)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

// pubSave writes a page to $DUNGHAN_PAGES/name.html, for looking at it.
func pubSave(name, body string) {
	if dir := os.Getenv("DUNGHAN_PAGES"); dir != "" {
		os.WriteFile(filepath.Join(dir, name+".html"), []byte(body), 0o644)
	}
}

func pubWant(t *testing.T, what string, status int, body string, wantStatus int, wants ...string) {
	t.Helper()
	if status != wantStatus {
		t.Fatalf("%s: status %d, want %d; body %.400q", what, status, wantStatus, body)
	}
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Fatalf("%s: body lacks %q", what, w)
		}
	}
}

var pubCell = regexp.MustCompile(`<td class="n[^"]*"[^>]*>(?:<a [^>]*>|<span class="ov-zero">)?(\d+)`)

// pubRow returns the six counts of the overview row with the id.
func pubRow(t *testing.T, body, id string) [6]int {
	t.Helper()
	m := regexp.MustCompile(`(?s)<tr id="` + regexp.QuoteMeta(id) + `">(.*?)</tr>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("overview lacks row %s", id)
	}
	var out [6]int
	cells := pubCell.FindAllStringSubmatch(m[1], -1)
	if len(cells) != 6 {
		t.Fatalf("row %s has %d counts", id, len(cells))
	}
	for i, c := range cells {
		out[i], _ = strconv.Atoi(c[1])
	}
	return out
}

func TestOverviewPage(t *testing.T) {
	eachPub(t, "2025-03-03 09:00", func(t *testing.T, p *pubSite) {
		// This month so far: one early, one late; both returned.
		early := p.receive("2025-03-03 09:00", "edu-001", "cv.trunghoc1")
		late := p.receive("2025-03-03 09:10", "edu-002", "cv.mamnon1") // 1 working day: due 04/03 17:00
		p.finish("2025-03-05 15:00", early.Code)
		p.finish("2025-03-05 15:10", late.Code)
		codes := []string{early.Code, late.Code}
		for _, d := range []struct{ at, key, officer string }{
			{"2025-03-10 09:00", "edu-002", "cv.trunghoc1"}, // overdue
			{"2025-03-10 09:30", "edu-001", "cv.trunghoc2"}, // due 17/03 17:00: within 1 day
			{"2025-03-12 09:00", "edu-001", "cv.mamnon1"},   // due 19/03 17:00: within 3 days
			{"2025-03-12 09:30", "edu-048", "cv.trunghoc1"}, // no legal deadline
			{"2025-03-12 10:00", "edu-003", "cv.trunghoc1"}, // paused below
			{"2025-03-14 09:00", "edu-003", ""},             // at the desk
			{"2025-03-14 09:30", "edu-002", "cv.khaothi1"},  // due 17/03 17:00
		} {
			codes = append(codes, p.receive(d.at, d.key, d.officer).Code)
		}
		p.at("2025-03-13 09:00")
		p.must(store.Exec{Code: codes[6], Actor: p.actors["cv.trunghoc1"], Command: dossier.RequestSupplement{
			Reason: "Thiếu bản sao", Missing: []dossier.Document{{Name: "Bản sao học bạ", Copies: 1}}}})

		p.at("2025-03-17 09:00")
		now := vn("2025-03-17 09:00")
		w1, w3 := p.cal.AddWorkingMinutes(now, 480), p.cal.AddWorkingMinutes(now, 3*480)
		// The direct recount, dossier by dossier, from the event-sourced state.
		byUnit, byUser := map[string]*[6]int{}, map[string]*[6]int{}
		for _, code := range codes {
			rec, err := p.s.Dossier(context.Background(), p.agency, code)
			if err != nil {
				t.Fatal(err)
			}
			st := rec.State
			if !st.Open() {
				continue
			}
			band := 3 // on track
			switch due := st.LegalDue; {
			case st.Paused:
				band = 4
			case due.IsZero():
			case due.Before(now):
				band = 0
			case due.Before(w1):
				band = 1
			case due.Before(w3):
				band = 2
			}
			for key, m := range map[string]map[string]*[6]int{"dv-" + st.StepUnit: byUnit, "cb-" + cmp.Or(st.Assignee, "chua-giao"): byUser} {
				if m[key] == nil {
					m[key] = &[6]int{}
				}
				m[key][band]++
				m[key][5]++
			}
		}
		boss := p.client("giamdoc", demo.Password)
		status, body := p.get(boss, "/tong-quan")
		pubSave("overview", body)
		pubWant(t, "overview", status, body, 200, "Phòng Giáo dục Trung học", "Vũ Thị Lan", "Chưa giao cho cán bộ nào", "<svg", "role=\"img\"",
			`href="/?don-vi=`+p.units["GDTrH"]+`"`, `href="/?can-bo=`+p.actors["cv.trunghoc1"].UserID+`"`)
		total := [6]int{}
		for id, want := range byUnit {
			if got := pubRow(t, body, id); got != *want {
				t.Errorf("%s: page %v, recount %v", id, got, *want)
			}
			for i := range total {
				total[i] += want[i]
			}
		}
		for id, want := range byUser {
			if got := pubRow(t, body, id); got != *want {
				t.Errorf("%s: page %v, recount %v", id, got, *want)
			}
		}
		if got := pubRow(t, body, "dv-tong"); got != total || total[5] != 7 {
			t.Errorf("totals: page %v, recount %v", got, total)
		}
		// A division with nothing open is listed with zeros.
		if got := pubRow(t, body, "dv-"+p.units["TCCB"]); got != [6]int{} {
			t.Errorf("empty division: %v", got)
		}
		for id, n := range map[string]int{"kq-truoc-han": 1, "kq-dung-han": 0, "kq-qua-han": 1} {
			if !strings.Contains(body, fmt.Sprintf(`<li id="%s"><svg`, id)) || !regexp.MustCompile(id+`">.*?<strong>`+strconv.Itoa(n)+`</strong>`).MatchString(body) {
				t.Errorf("month %s: want %d", id, n)
			}
		}
		if !strings.Contains(body, "50,0 %") {
			t.Error("on-time rate 50,0 % missing")
		}

		// A division head sees their division only.
		head := p.client("tp.trunghoc", demo.Password)
		status, body = p.get(head, "/tong-quan")
		pubSave("overview-head", body)
		pubWant(t, "division head", status, body, 200, "Tổng quan — Phòng Giáo dục Trung học")
		if got := pubRow(t, body, "dv-"+p.units["GDTrH"]); got != *byUnit["dv-"+p.units["GDTrH"]] {
			t.Errorf("division head's row %v", got)
		}
		for _, other := range []string{"GDMNTH", "KTQLCL", "MOTCUA"} {
			if strings.Contains(body, `id="dv-`+p.units[other]+`"`) {
				t.Errorf("division head sees %s", other)
			}
		}
		if strings.Contains(body, `id="cb-`+p.actors["cv.mamnon1"].UserID+`"`) {
			t.Error("division head sees another division's officer")
		}

		// Others are refused; strangers are sent to log in.
		status, body = p.get(p.client("cv.trunghoc1", demo.Password), "/tong-quan")
		pubWant(t, "specialist", status, body, 403, "chỉ dành cho lãnh đạo")
		status, _ = p.get(browserClient(), "/tong-quan")
		if status != http.StatusSeeOther {
			t.Fatalf("anonymous overview: %d", status)
		}
	})
}

func TestAdminPages(t *testing.T) {
	eachPub(t, "2025-03-03 09:00", func(t *testing.T, p *pubSite) {
		ctx := context.Background()
		admin := p.client("quantri", demo.Password)
		status, body := p.get(admin, "/quan-tri")
		pubSave("admin", body)
		pubWant(t, "admin page", status, body, 200, "cv.trunghoc1", "Vũ Thị Lan", "Chuyên viên thụ lý", "Ban Giám đốc Sở", "Bộ phận Một cửa", "Phòng chuyên môn")

		// Invalid: errors beside the fields, typed values kept, never the password.
		bad := url.Values{"username": {"Tên Sai"}, "full_name": {"Trương Thị Mới"}, "email": {"khong-phai-email"}, "unit": {"nope"}, "password": {"ngan-qua"}}
		status, body, _ = p.post(admin, "/quan-tri/nguoi-dung", bad)
		pubSave("admin-errors", body)
		pubWant(t, "invalid user", status, body, 400, "Tên đăng nhập gồm 3–64 ký tự", "Địa chỉ thư điện tử không hợp lệ", "Đơn vị được chọn không tồn tại",
			"Chọn ít nhất một vai trò", "Mật khẩu cần ít nhất 10 ký tự", `value="Trương Thị Mới"`, `value="khong-phai-email"`)
		if strings.Contains(body, "ngan-qua") {
			t.Fatal("the password was echoed")
		}
		good := url.Values{"username": {"CV.Moi"}, "full_name": {norm.NFD.String("Trương Thị Mới")}, "email": {"moi@so.gov.vn"},
			"unit": {p.units["GDTrH"]}, "roles": {"specialist"}, "password": {"mật khẩu ban đầu"}}
		status, _, loc := p.post(admin, "/quan-tri/nguoi-dung", good)
		if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/quan-tri?tb=tao-nguoi-dung") {
			t.Fatalf("create user: %d → %q", status, loc)
		}
		status, body = p.get(admin, loc)
		pubWant(t, "after create", status, body, 200, "Đã tạo tài khoản", "cv.moi")
		created, err := p.s.UserByUsername(ctx, "cv.moi")
		if err != nil || created.FullName != "Trương Thị Mới" || created.Email != "moi@so.gov.vn" {
			t.Fatalf("stored user %+v (want the name in NFC), %v", created, err)
		}
		status, body, _ = p.post(admin, "/quan-tri/nguoi-dung", good)
		pubWant(t, "duplicate username", status, body, 409, "cv.moi đã tồn tại", `value="cv.moi"`)

		// The new user logs in; a specialist gets no overview until promoted.
		newbie := p.client("cv.moi", "mật khẩu ban đầu")
		if status, _ := p.get(newbie, "/tong-quan"); status != 403 {
			t.Fatalf("specialist overview: %d", status)
		}
		userPath := "/quan-tri/nguoi-dung/" + created.ID
		status, body = p.get(admin, userPath)
		pubSave("admin-user", body)
		pubWant(t, "user page", status, body, 200, "Trương Thị Mới", "Vô hiệu hoá tài khoản", "Đặt lại mật khẩu")
		status, body, _ = p.post(admin, userPath, url.Values{"unit": {p.units["GDTrH"]}})
		pubWant(t, "no roles", status, body, 400, "Chọn ít nhất một vai trò")
		status, _, loc = p.post(admin, userPath, url.Values{"unit": {p.units["GDTrH"]}, "roles": {"division_head", "specialist"}})
		if status != http.StatusSeeOther || loc != userPath+"?tb=cap-nhat" {
			t.Fatalf("set roles: %d → %q", status, loc)
		}
		if status, _ := p.get(newbie, "/tong-quan"); status != 200 {
			t.Fatalf("promoted user's overview: %d", status)
		}

		// Deactivation ends the session and blocks log-in; reactivation restores it.
		status, _, loc = p.post(admin, userPath+"/trang-thai", url.Values{"active": {"0"}})
		if status != http.StatusSeeOther || !strings.HasSuffix(loc, "tb=vo-hieu-hoa") {
			t.Fatalf("deactivate: %d → %q", status, loc)
		}
		if status, _ := p.get(newbie, "/tong-quan"); status != http.StatusSeeOther {
			t.Fatalf("deactivated user's session still works: %d", status)
		}
		status, body, _ = p.post(browserClient(), "/dang-nhap", url.Values{"username": {"cv.moi"}, "password": {"mật khẩu ban đầu"}})
		pubWant(t, "deactivated log-in", status, body, 403, "Tài khoản đã bị khoá")
		status, body = p.get(admin, "/quan-tri")
		pubWant(t, "list shows deactivated", status, body, 200, "Đã vô hiệu hoá")
		if status, _, _ := p.post(admin, userPath+"/trang-thai", url.Values{"active": {"1"}}); status != http.StatusSeeOther {
			t.Fatalf("reactivate: %d", status)
		}

		// Password reset: at least 10 characters; the old one stops working.
		status, body, _ = p.post(admin, userPath+"/mat-khau", url.Values{"password": {"ngắn"}})
		pubWant(t, "short reset", status, body, 400, "Mật khẩu cần ít nhất 10 ký tự")
		if status, _, _ := p.post(admin, userPath+"/mat-khau", url.Values{"password": {"mật khẩu mới rất dài"}}); status != http.StatusSeeOther {
			t.Fatalf("reset: %d", status)
		}
		if status, _, _ := p.post(browserClient(), "/dang-nhap", url.Values{"username": {"cv.moi"}, "password": {"mật khẩu ban đầu"}}); status != 401 {
			t.Fatalf("old password: %d", status)
		}
		p.client("cv.moi", "mật khẩu mới rất dài")

		// An administrator cannot lock themselves out.
		self := "/quan-tri/nguoi-dung/" + p.actors["quantri"].UserID
		status, body, _ = p.post(admin, self+"/trang-thai", url.Values{"active": {"0"}})
		pubWant(t, "self deactivation", status, body, 400, "Không thể tự vô hiệu hoá")
		status, body, _ = p.post(admin, self, url.Values{"unit": {p.units["VP"]}, "roles": {"clerk"}})
		pubWant(t, "self demotion", status, body, 400, "Không thể tự bỏ vai trò quản trị")
		if status, _ := p.get(admin, "/quan-tri/nguoi-dung/nope"); status != 404 {
			t.Fatalf("unknown user: %d", status)
		}

		// Units: validated, unique code, shown in the tree.
		status, body, _ = p.post(admin, "/quan-tri/don-vi", url.Values{"code": {"GD TX"}, "name": {""}, "kind": {"team"}, "parent": {""}})
		pubWant(t, "invalid unit", status, body, 400, "Mã đơn vị gồm 1–32 ký tự", "Nhập tên đơn vị", "Chọn loại đơn vị", "Chọn đơn vị.", `value="GD TX"`)
		unit := url.Values{"code": {"GDTX"}, "name": {"Phòng Giáo dục thường xuyên"}, "kind": {"division"}, "parent": {p.units["SO"]}}
		if status, _, loc := p.post(admin, "/quan-tri/don-vi", unit); status != http.StatusSeeOther || !strings.HasPrefix(loc, "/quan-tri?tb=tao-don-vi") {
			t.Fatalf("create unit: %d → %q", status, loc)
		}
		status, body, _ = p.post(admin, "/quan-tri/don-vi", unit)
		pubWant(t, "duplicate unit", status, body, 409, "Mã đơn vị GDTX đã tồn tại", `value="Phòng Giáo dục thường xuyên"`)
		status, body = p.get(admin, "/quan-tri")
		pubWant(t, "tree", status, body, 200, "Phòng Giáo dục thường xuyên")

		// Everyone else is refused, and changes nothing.
		boss := p.client("giamdoc", demo.Password)
		for _, path := range []string{"/quan-tri", userPath} {
			if status, body := p.get(boss, path); status != 403 || !strings.Contains(body, "chỉ dành cho quản trị") {
				t.Fatalf("leader GET %s: %d", path, status)
			}
		}
		good.Set("username", "ke.gian")
		if status, _, _ := p.post(boss, "/quan-tri/nguoi-dung", good); status != 403 {
			t.Fatalf("leader creates a user: %d", status)
		}
		if status, _, _ := p.post(boss, userPath+"/trang-thai", url.Values{"active": {"0"}}); status != 403 {
			t.Fatalf("leader deactivates: %d", status)
		}
		if _, err := p.s.UserByUsername(ctx, "ke.gian"); err == nil {
			t.Fatal("a non-admin created a user")
		}
	})
}

func TestPublicLookupPage(t *testing.T) {
	eachPub(t, "2025-03-03 09:00", func(t *testing.T, p *pubSite) {
		open := p.receive("2025-03-03 09:00", "edu-001", "cv.trunghoc1")
		supp := p.receive("2025-03-03 09:30", "edu-003", "cv.trunghoc1")
		p.at("2025-03-04 09:00")
		p.must(store.Exec{Code: supp.Code, Actor: p.actors["cv.trunghoc1"], Command: dossier.RequestSupplement{
			Reason: "Bản sao chưa chứng thực", Missing: []dossier.Document{{Name: "Bản sao học bạ", Copies: 1}}}})
		done := p.receive("2025-03-03 10:00", "edu-001", "cv.trunghoc2")
		p.finish("2025-03-05 15:00", done.Code)
		p.at("2025-03-10 09:00")
		c := &http.Client{}
		lookup := func(code, secret string) (int, string) {
			status, body, _ := p.post(c, "/tra-cuu", url.Values{"ma": {code}, "k": {secret}})
			return status, body
		}

		status, body := p.get(c, "/tra-cuu")
		pubSave("lookup-form", body)
		pubWant(t, "form", status, body, 200, `action="/tra-cuu"`, "Mã tra cứu")

		status, body = lookup(open.Code, open.Secret)
		pubSave("lookup-processing", body)
		pubWant(t, "processing", status, body, 200, open.Code, "Đang xử lý", "Hồ sơ đang được xử lý.", open.Procedure.Name,
			"Sở Giáo dục và Đào tạo (đơn vị mẫu)", "Nguyễn T*** L***", "Phòng Giáo dục Trung học", "09:00 03/03/2025", "17:00 10/03/2025")
		for _, private := range []string{"Nguyễn Thị Lan", "001190000123", "0912345678", "Trần Phú", "/tra-cuu/danh-gia"} {
			if strings.Contains(body, private) {
				t.Fatalf("lookup page shows %q", private)
			}
		}
		if status, _ := p.get(c, "/tra-cuu?ma="+url.QueryEscape(strings.ToLower(open.Code))+"&k="+url.QueryEscape(" "+strings.ToLower(open.Secret))); status != 200 {
			t.Fatalf("QR link with lower case and spaces: %d", status)
		}

		// Wrong secret, another dossier's secret, unknown code: the same page, byte for byte.
		s1, b1 := lookup(open.Code, "SAIMA123")
		s2, b2 := lookup(open.Code, supp.Secret)
		s3, b3 := lookup(open.Code[:len(open.Code)-4]+"9999", open.Secret)
		s4, b4 := p.get(c, "/tra-cuu?ma=khong-co&k=x")
		pubSave("lookup-notfound", b1)
		pubWant(t, "wrong secret", s1, b1, 404, "Không tìm thấy hồ sơ với mã và mã tra cứu đã nhập.")
		if s2 != s1 || s3 != s1 || s4 != s1 || b2 != b1 || b3 != b1 || b4 != b1 {
			t.Fatalf("failures differ: %d %d %d %d", s1, s2, s3, s4)
		}
		if strings.Contains(b1, open.Code) {
			t.Fatal("the not-found page echoes the code")
		}
		status, body = lookup("", "")
		pubWant(t, "empty", status, body, 400, "Nhập mã hồ sơ", "Nhập mã tra cứu")

		status, body = lookup(supp.Code, supp.Secret)
		pubSave("lookup-supplement", body)
		pubWant(t, "supplement", status, body, 200, "Cơ quan đang chờ ông/bà bổ sung giấy tờ:", "Bản sao học bạ (1 bản sao)", "Bản sao chưa chứng thực",
			"Thời hạn giải quyết được tính lại từ đầu")

		// Rating: not before the result is returned, then once.
		rate := func(code, secret string, form url.Values) (int, string) {
			form.Set("ma", code)
			form.Set("k", secret)
			status, body, _ := p.post(c, "/tra-cuu/danh-gia", form)
			return status, body
		}
		status, body = rate(open.Code, open.Secret, url.Values{"muc": {"3"}})
		pubWant(t, "rating too early", status, body, 409, "sau khi đã nhận kết quả")
		p.at("2025-03-10 09:05") // the rate limit refills meanwhile
		status, body = lookup(done.Code, done.Secret)
		pubSave("lookup-returned", body)
		pubWant(t, "returned", status, body, 200, "Đã trả kết quả", `action="/tra-cuu/danh-gia"`, "Hài lòng", "Bình thường", "Không hài lòng")
		status, body = rate(done.Code, done.Secret, url.Values{"gop-y": {"Nhanh"}})
		pubWant(t, "no rating chosen", status, body, 400, "Vui lòng chọn một mức đánh giá", ">Nhanh</textarea>")
		long := strings.Repeat("ạ", 1001)
		status, body = rate(done.Code, done.Secret, url.Values{"muc": {"2"}, "gop-y": {long}})
		pubWant(t, "long comment", status, body, 400, "tối đa 1000 ký tự", long)
		status, body = rate(done.Code, "SAIMA123", url.Values{"muc": {"3"}})
		if status != 404 || body != b1 {
			t.Fatalf("rating with a wrong secret: %d, same page %v", status, body == b1)
		}
		status, body = rate(done.Code, strings.ToLower(done.Secret), url.Values{"muc": {"3"}, "gop-y": {norm.NFD.String("Cán bộ tận tình, đúng hẹn.")}})
		pubSave("lookup-thanks", body)
		pubWant(t, "rating", status, body, 200, "Cảm ơn ông/bà đã đánh giá: Hài lòng")
		status, body = rate(done.Code, done.Secret, url.Values{"muc": {"1"}})
		pubWant(t, "second rating", status, body, 409, "đã được đánh giá")
		status, body = lookup(done.Code, done.Secret)
		pubWant(t, "after rating", status, body, 200, "Ông/bà đã đánh giá hồ sơ này: Hài lòng")
		if strings.Contains(body, `action="/tra-cuu/danh-gia"`) {
			t.Fatal("rating form offered twice")
		}

		// The lookup is rate-limited per address.
		for range 40 {
			status, body = lookup(open.Code, "SAIMA123")
			if status == http.StatusTooManyRequests {
				pubWant(t, "rate limit", status, body, 429, "quá nhanh")
				return
			}
		}
		t.Fatal("no rate limit on the lookup")
	})
}
