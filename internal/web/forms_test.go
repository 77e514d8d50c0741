package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"dunghan/internal/calendar"
	"dunghan/internal/demo"
	"dunghan/internal/dossier"
	"dunghan/internal/forms"
	"dunghan/internal/store"
	"dunghan/internal/store/storetest"
)

// formsTool returns the path of a poppler or zbar program. Missing tools
// skip the test, except in CI (DUNGHAN_BROWSER set), where .ci/run installs them.
func formsTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("DUNGHAN_BROWSER") != "" {
			t.Fatalf("%s is missing; .ci/run installs poppler-utils and zbar-tools", name)
		}
		t.Skipf("%s not installed (Debian: apt-get install poppler-utils zbar-tools)", name)
	}
	return p
}

// formsSite is the demo year plus dossiers that reach the rarer forms:
// refusals, a completion request, a stop, and one under Circular 01/2018.
type formsSite struct {
	*demoSite
	users map[string]dossier.Actor
	extra map[string]string // name → code, or ID before acceptance
}

func newFormsSite(t *testing.T, engine store.Engine) *formsSite {
	d := newDemoSite(t, engine)
	f := &formsSite{demoSite: d, users: map[string]dossier.Actor{}, extra: map[string]string{}}
	ctx := context.Background()
	users, err := d.st.Users(ctx, d.agency)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		f.users[u.Username] = dossier.Actor{UserID: u.ID, Name: u.FullName, UnitID: u.UnitID, Roles: u.Roles}
	}
	procs, err := d.st.Procedures(ctx, d.agency)
	if err != nil {
		t.Fatal(err)
	}
	var edu001 string
	for _, p := range procs {
		if p.Key == "edu-001" {
			edu001 = p.ID
		}
	}
	n := 0
	run := func(name, at, user string, in store.Exec) {
		t.Helper()
		in.AgencyID, in.Actor = d.agency, f.users[user]
		if at != "" {
			in.At = vn(at)
		}
		if code := f.extra[name]; code != "" {
			in.Code = code
		} else {
			in.ProcedureID = edu001
		}
		rec, err := d.st.Execute(ctx, in, d.cal, func() string { n++; return fmt.Sprintf("FORMS%03d", n) })
		if err != nil {
			t.Fatalf("%s: %s: %v", name, in.Command.Name(), err)
		}
		f.extra[name] = rec.State.Code
		if rec.State.Code == "" {
			f.extra[name] = rec.ID
		}
	}
	citizen := dossier.Applicant{Kind: 1, Name: "Trần Thị Bích Ngọc", Phone: "0987654321", Address: "Thôn Yên Phú, xã Yên Thành"}
	received := dossier.Receive{Channel: dossier.InPerson, Applicant: citizen, Documents: []dossier.Document{{Name: "Đơn đề nghị chỉnh sửa văn bằng", Copies: 1, Original: true}}}
	// Under Circular 01/2018: a supplement round, an apology, then a stop (no stop notice then).
	run("tt01", "2025-09-10 09:00", "motcua1", store.Exec{Command: received})
	run("tt01", "2025-09-10 10:00", "motcua1", store.Exec{Command: dossier.Transfer{ToStep: 1, ToUser: f.users["cv.khaothi1"].UserID}})
	run("tt01", "2025-09-11 10:00", "cv.khaothi1", store.Exec{Command: dossier.RequestSupplement{Reason: "Thiếu bản sao giấy khai sinh",
		Missing: []dossier.Document{{Name: "Bản sao giấy khai sinh", Copies: 1}}}})
	run("tt01", "2025-09-12 09:00", "motcua1", store.Exec{Command: dossier.ReceiveSupplement{}})
	run("tt01", "2025-09-16 09:00", "giamdoc", store.Exec{Command: dossier.Reschedule{Promised: vn("2025-09-26 17:00"), Reason: "Cần đối chiếu sổ gốc"}})
	run("tt01", "2025-09-17 10:00", "giamdoc", store.Exec{Command: dossier.Stop{Reason: "Người nộp đề nghị dừng"}})
	run("refused-tt01", "2025-09-12 14:00", "motcua1", store.Exec{Command: dossier.RefuseAtIntake{Channel: dossier.InPerson, Applicant: citizen,
		Reason: "Không thuộc thẩm quyền của Sở"}})
	run("refused", "", "motcua1", store.Exec{Command: dossier.RefuseAtIntake{Channel: dossier.Post, Applicant: citizen, Reason: "Hồ sơ gửi nhầm cơ quan"}})
	run("completion", "", "motcua2", store.Exec{Command: dossier.RequestCompletion{Channel: dossier.InPerson, Applicant: citizen,
		Missing: []dossier.Document{{Name: "Bản chính văn bằng", Copies: 1, Original: true}}, Reason: "Cần bản chính để đối chiếu"}})
	run("stopped", "2026-11-18 09:00", "motcua1", store.Exec{Command: received})
	run("stopped", "2026-11-18 10:00", "motcua1", store.Exec{Command: dossier.Transfer{ToStep: 1, ToUser: f.users["cv.khaothi1"].UserID}})
	run("stopped", "2026-11-19 15:00", "giamdoc", store.Exec{Command: dossier.Stop{Reason: "Cơ quan có thẩm quyền đang thanh tra"}})
	return f
}

// expected is a form to fetch and what its text must hold.
type expected struct {
	key   string
	form  forms.Form
	wants []string
}

// expectations lists every form a dossier's history allows, with the
// strings each must print exactly: the annex number and circular, the
// code, the applicant, the issue date, and the form's own dates.
func expectations(rec store.Record) []expected {
	st := rec.State
	key := st.Code
	if key == "" {
		key = rec.ID
	}
	reg := forms.RegimeOf(st)
	circular := map[forms.Regime]string{forms.TT01: "(Thông tư số 01/2018/TT-VPCP)", forms.TT03: "(Thông tư số 03/2025/TT-VPCP)"}[reg]
	var out []expected
	for _, info := range forms.NewRenderer(nil).Describe(reg, forms.Available(st, rec.Events)) {
		e := expected{key: key, form: info.Form, wants: []string{info.Number + " " + circular, strings.ToUpper(info.Name), st.Applicant.Name}}
		switch {
		case st.Code == "":
		case info.Form == forms.Apology || info.Form == forms.Stop:
			e.wants = append(e.wants, "mã số hồ sơ "+st.Code+".")
		default:
			e.wants = append(e.wants, "Mã hồ sơ: "+st.Code)
		}
		lastOf := func(types ...dossier.EventType) dossier.Event {
			var found dossier.Event
			for _, ev := range rec.Events {
				for _, t := range types {
					if ev.Type == t {
						found = ev
					}
				}
			}
			return found
		}
		switch info.Form {
		case forms.Receipt:
			issued := lastOf(dossier.EvReceived, dossier.EvSupplementReceived)
			e.wants = append(e.wants, dateLine(issued.At), "4. Thời gian nhận hồ sơ: "+longTime(st.AcceptedAt), "Mã tra cứu: "+st.Secret)
		case forms.Supplement:
			ev := lastOf(dossier.EvSupplementRequested, dossier.EvCompletionRequested)
			e.wants = append(e.wants, dateLine(ev.At), "Lý do: "+ev.Reason, ev.Documents[0].Name)
		case forms.Refusal:
			ev := lastOf(dossier.EvRefusedAtIntake)
			e.wants = append(e.wants, dateLine(ev.At), ev.Reason)
		case forms.Apology:
			ev := lastOf(dossier.EvRescheduled)
			e.wants = append(e.wants, dateLine(ev.At), "vào ngày "+ev.Promised.In(calendar.Zone).Format("02/01/2006")+".",
				"Ngày "+st.AcceptedAt.In(calendar.Zone).Format("02/01/2006")+",", ev.Reason)
		case forms.Stop:
			ev := lastOf(dossier.EvStopped)
			e.wants = append(e.wants, dateLine(ev.At), "kể từ ngày "+ev.At.In(calendar.Zone).Format("02/01/2006")+", lý do: "+ev.Reason)
		case forms.Control:
			e.wants = append(e.wants, "Ngày nhận hồ sơ: "+st.AcceptedAt.In(calendar.Zone).Format("02/01/2006"))
			for _, ev := range rec.Events {
				if ev.Type == dossier.EvTransferred && ev.ToStep != ev.Step {
					e.wants = append(e.wants, "Giao: "+ev.ActorName+" Nhận: ", longTime(ev.At))
				}
			}
			if !st.ReturnedAt.IsZero() {
				e.wants = append(e.wants, "Trả kết quả", longTime(st.ReturnedAt))
			}
		}
		out = append(out, e)
	}
	return out
}

func dateLine(t time.Time) string {
	t = t.In(calendar.Zone)
	return fmt.Sprintf("Tỉnh mẫu, ngày %02d tháng %02d năm %d", t.Day(), int(t.Month()), t.Year())
}

func longTime(t time.Time) string {
	t = t.In(calendar.Zone)
	return fmt.Sprintf("%02d giờ %02d phút, ngày %02d tháng %02d năm %d", t.Hour(), t.Minute(), t.Day(), int(t.Month()), t.Year())
}

var pdfPage = regexp.MustCompile(`/Type /Page\b[^s]`)

// texts fetches every expected form as the reception officer, in
// parallel, and extracts the text of all of them with one pdftotext per
// batch (pdfunite joins them; pages map back by each PDF's page count).
func (f *formsSite) texts(t *testing.T, jobs []expected) []string {
	unite, totext := formsTool(t, "pdfunite"), formsTool(t, "pdftotext")
	dir := t.TempDir()
	c := f.as("motcua1")
	pages := make([]int, len(jobs))
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range 2 * runtime.NumCPU() {
		wg.Go(func() {
			for i := range next {
				j := jobs[i]
				resp, err := c.Get(f.base + "/ho-so/" + url.PathEscape(j.key) + "/bieu-mau/" + string(j.form) + ".pdf")
				if err != nil {
					errs[i] = err
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(b, []byte("%PDF-")) {
					errs[i] = fmt.Errorf("%s %s: %d %s %.300s", j.key, j.form, resp.StatusCode, resp.Header.Get("Content-Type"), b)
					continue
				}
				pages[i] = len(pdfPage.FindAll(b, -1))
				errs[i] = os.WriteFile(filepath.Join(dir, fmt.Sprintf("%06d.pdf", i)), b, 0o644)
			}
		})
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	out := make([]string, len(jobs))
	const batch = 100
	var starts []int
	for start := 0; start < len(jobs); start += batch {
		starts = append(starts, start)
	}
	batchErrs := make([]error, len(starts))
	sem := make(chan struct{}, runtime.NumCPU())
	for b, start := range starts {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			batchErrs[b] = extract(unite, totext, dir, jobs, pages, out, start, min(start+batch, len(jobs)))
		})
	}
	wg.Wait()
	for _, err := range batchErrs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// extract joins the PDFs of jobs [start, end) and reads their text into out.
func extract(unite, totext, dir string, jobs []expected, pages []int, out []string, start, end int) error {
	var args []string
	for i := start; i < end; i++ {
		args = append(args, filepath.Join(dir, fmt.Sprintf("%06d.pdf", i)))
	}
	joined := filepath.Join(dir, fmt.Sprintf("joined-%06d.pdf", start))
	if b, err := exec.Command(unite, append(args, joined)...).CombinedOutput(); err != nil {
		return fmt.Errorf("pdfunite: %v %s", err, b)
	}
	raw, err := exec.Command(totext, "-raw", "-enc", "UTF-8", joined, "-").Output()
	if err != nil {
		return fmt.Errorf("pdftotext: %v", err)
	}
	all := strings.Split(string(raw), "\f")
	p := 0
	for i := start; i < end; i++ {
		if pages[i] < 1 || p+pages[i] > len(all) {
			return fmt.Errorf("%s %s: %d pages, %d left in the batch", jobs[i].key, jobs[i].form, pages[i], len(all)-p)
		}
		out[i] = strings.Join(strings.Fields(strings.Join(all[p:p+pages[i]], " ")), " ")
		p += pages[i]
	}
	return nil
}

// TestForms runs the form checks on every engine, on one demo year each.
func TestForms(t *testing.T) {
	for i, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			f := newFormsSite(t, engine)
			t.Run("every demo dossier", func(t *testing.T) { f.everyDossier(t, i == 0 && !testing.Short()) })
			t.Run("pages and permissions", f.pagesAndPermissions)
			t.Run("register", f.register)
		})
	}
}

// everyDossier prints every form every demo dossier's history allows
// (all: on the first engine unless -short; else a sample, the store path
// being the same), through the web server, and checks the text pdftotext
// extracts.
// It then reads a receipt's QR code back and follows it to the public
// lookup page.
func (f *formsSite) everyDossier(t *testing.T, all bool) {
	f.t = t
	ctx := context.Background()
	entries, err := f.st.Register(ctx, f.agency, f.units["MOTCUA"], vn("2025-01-01 00:00"), vn("2027-01-01 00:00"))
	if err != nil {
		t.Fatal(err)
	}
	var recs []store.Record
	for k, e := range entries {
		if all || k%25 == 0 || e.State.Code == f.extra["tt01"] || e.State.Code == f.extra["stopped"] {
			recs = append(recs, e.Record)
		}
	}
	for _, name := range []string{"refused-tt01", "refused", "completion"} {
		rec, err := f.st.Dossier(ctx, f.agency, f.extra[name])
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	var jobs []expected
	count := map[forms.Form]int{}
	for _, rec := range recs {
		for _, e := range expectations(rec) {
			jobs = append(jobs, e)
			count[e.form]++
		}
	}
	start := time.Now()
	texts := f.texts(t, jobs)
	t.Logf("%d dossiers, %d forms %v, printed and read in %v", len(recs), len(jobs), count, time.Since(start).Round(time.Millisecond))
	for _, want := range []forms.Form{forms.Receipt, forms.Supplement, forms.Refusal, forms.Apology, forms.Stop, forms.Control} {
		if count[want] == 0 {
			t.Errorf("no demo dossier has a %s form", want)
		}
	}
	failures := 0
	for k, j := range jobs {
		for _, w := range j.wants {
			if !strings.Contains(texts[k], w) && failures < 10 {
				failures++
				t.Errorf("%s %s lacks %q\n%s", j.key, j.form, w, texts[k])
			}
		}
	}
	f.receiptQROpensTheLookup(t, jobs[0].key)
}

// receiptQROpensTheLookup renders the receipt to PNG, decodes its QR code
// and follows it, logged out, to the public lookup of that dossier.
func (f *formsSite) receiptQROpensTheLookup(t *testing.T, code string) {
	status, _, pdf := f.download("motcua1", "/ho-so/"+url.PathEscape(code)+"/bieu-mau/tiep-nhan.pdf")
	if status != 200 {
		t.Fatalf("receipt: %d", status)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "r.pdf"), pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command(formsTool(t, "pdftoppm"), "-r", "200", "-png", "-singlefile", filepath.Join(dir, "r.pdf"), filepath.Join(dir, "r")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, b)
	}
	raw, err := exec.Command(formsTool(t, "zbarimg"), "--raw", "-q", filepath.Join(dir, "r.png")).Output()
	if err != nil {
		t.Fatalf("zbarimg read no QR code: %v", err)
	}
	link := strings.TrimSpace(string(raw))
	u, err := url.Parse(link)
	if err != nil || u.Scheme+"://"+u.Host != f.base || u.Path != "/tra-cuu" || u.Query().Get("ma") != code || u.Query().Get("k") == "" {
		t.Fatalf("QR code reads %q (base %s, code %s)", link, f.base, code)
	}
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), code) || strings.Contains(string(body), "Không tìm thấy hồ sơ") {
		t.Fatalf("the lookup the QR code opens: %d\n%s", resp.StatusCode, excerpt(string(body)))
	}
}

// pagesAndPermissions checks the print buttons of the dossier page and
// who may print what.
func (f *formsSite) pagesAndPermissions(t *testing.T) {
	f.t = t
	code := f.extra["tt01"]
	// The dossier page offers the forms its history allows.
	p := f.get("motcua1", "/ho-so/"+code)
	f.want(p, 200, "In biểu mẫu", "In Mẫu số 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "In Mẫu số 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
		"In Mẫu số 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả", "In Mẫu số 05: Phiếu kiểm soát quá trình giải quyết hồ sơ",
		"/ho-so/"+code+"/bieu-mau/tiep-nhan.pdf", `href="/so-theo-doi"`)
	if strings.Contains(p.body, "Thông báo dừng") {
		t.Error("a TT 01/2018 dossier offers the stop notice")
	}
	// A specialist of the handling division sees the slips but not the receipt, which holds the lookup secret.
	p = f.get("cv.khaothi1", "/ho-so/"+code)
	f.want(p, 200, "In Mẫu số 05: Phiếu kiểm soát quá trình giải quyết hồ sơ")
	if strings.Contains(p.body, "tiep-nhan.pdf") || strings.Contains(p.body, `href="/so-theo-doi"`) {
		t.Error("the specialist is offered the receipt or the register")
	}
	for _, c := range []struct {
		user, path string
		status     int
	}{
		{"cv.khaothi1", "/ho-so/" + code + "/bieu-mau/kiem-soat.pdf", 200},
		{"cv.khaothi1", "/ho-so/" + code + "/bieu-mau/tiep-nhan.pdf", 403},
		{"cv.trunghoc1", "/ho-so/" + code + "/bieu-mau/kiem-soat.pdf", 403}, // another division's dossier
		{"motcua1", "/ho-so/" + code + "/bieu-mau/dung.pdf", 404},           // no stop notice under TT 01/2018
		{"motcua1", "/ho-so/" + code + "/bieu-mau/tu-choi.pdf", 404},
		{"motcua1", "/ho-so/" + code + "/bieu-mau/phieu-la.pdf", 404},
		{"motcua1", "/ho-so/" + code + "/bieu-mau/so-theo-doi.pdf", 400},
		{"motcua1", "/ho-so/000.00.08.H44-991231-9999/bieu-mau/kiem-soat.pdf", 404},
		{"motcua1", "/ho-so/" + f.extra["stopped"] + "/bieu-mau/dung.pdf", 200},
		{"motcua1", "/ho-so/" + f.extra["refused"] + "/bieu-mau/tu-choi.pdf", 200},
	} {
		status, ctype, body := f.download(c.user, c.path)
		if status != c.status {
			t.Errorf("%s %s: %d, want %d: %.300s", c.user, c.path, status, c.status, body)
		}
		if status == 200 && ctype != "application/pdf" {
			t.Errorf("%s: %s", c.path, ctype)
		}
	}
	// Logged out: to the log-in page.
	resp, err := noRedirect().Get(f.base + "/ho-so/" + code + "/bieu-mau/kiem-soat.pdf")
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logged out: %v %v", resp, err)
	}
	resp.Body.Close()
}

func noRedirect() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// register prints the dossier register from its page and through the
// API, and the API's other form endpoints.
func (f *formsSite) register(t *testing.T) {
	f.t = t
	ctx := context.Background()
	desk := f.units["MOTCUA"]
	f.want(f.get("motcua1", "/so-theo-doi"), 200, "Sổ theo dõi hồ sơ", `<option value="`+desk+`" selected>Bộ phận Một cửa</option>`, "01/11/2026", "20/11/2026")
	f.want(f.get("cv.trunghoc1", "/so-theo-doi"), 403)
	// February 2026: its numbers continue January's.
	jan, err := f.st.Register(ctx, f.agency, desk, vn("2026-01-01 00:00"), vn("2026-02-01 00:00"))
	if err != nil {
		t.Fatal(err)
	}
	feb, err := f.st.Register(ctx, f.agency, desk, vn("2026-02-01 00:00"), vn("2026-03-01 00:00"))
	if err != nil || len(jan) == 0 || len(feb) == 0 || feb[0].No != len(jan)+1 {
		t.Fatalf("register: %d in January, February starts at %v (%v)", len(jan), feb, err)
	}
	status, ctype, pdf := f.download("giamdoc", "/so-theo-doi.pdf?"+url.Values{"don-vi": {desk}, "tu": {"01/02/2026"}, "den": {"28/02/2026"}}.Encode())
	if status != 200 || ctype != "application/pdf" {
		t.Fatalf("register: %d %s %.300s", status, ctype, pdf)
	}
	text := pdfTextOf(t, pdf)
	first, last := feb[0], feb[len(feb)-1]
	for _, w := range []string{"Mẫu số 07 (Thông tư số 03/2025/TT-VPCP)", "SỔ THEO DÕI HỒ SƠ", "Từ ngày 01/02/2026 đến ngày 28/02/2026",
		fmt.Sprintf("%02d %s", first.No, first.State.Code), fmt.Sprintf("%02d %s", last.No, last.State.Code), "Trang 1/"} {
		if !strings.Contains(text, w) {
			t.Errorf("register lacks %q\n%.3000s", w, text)
		}
	}
	// Bad input comes back on the form, in Vietnamese.
	p := f.get("motcua1", "/so-theo-doi.pdf?don-vi=nope&tu=31/02/2026&den=")
	f.want(p, 400, "Chọn một đơn vị có trong danh mục.", "Nhập ngày bắt đầu", "Nhập ngày kết thúc")
	p = f.get("motcua1", "/so-theo-doi.pdf?"+url.Values{"don-vi": {desk}, "tu": {"01/09/2025"}, "den": {"30/09/2025"}}.Encode())
	f.want(p, 400, "15/09/2025")
	p = f.get("motcua1", "/so-theo-doi.pdf?"+url.Values{"don-vi": {desk}, "tu": {"10/02/2026"}, "den": {"01/02/2026"}}.Encode())
	f.want(p, 400, "Ngày kết thúc phải từ ngày bắt đầu trở đi.")

	// The JSON API.
	token := f.apiLogin(t, "motcua1")
	var list struct {
		Items []struct{ Form, Number, Name, URL string }
	}
	f.apiJSON(t, token, "/api/v1/dossiers/"+f.extra["tt01"]+"/forms", 200, &list)
	if len(list.Items) != 4 || list.Items[0].Form != "tiep-nhan" || list.Items[0].Number != "Mẫu số 01" || list.Items[3].URL != "/api/v1/dossiers/"+f.extra["tt01"]+"/forms/kiem-soat.pdf" {
		t.Errorf("form list: %+v", list.Items)
	}
	for _, path := range []string{list.Items[0].URL, list.Items[3].URL, "/api/v1/units/MOTCUA/register?from=2026-02-01&to=2026-02-28"} {
		resp := f.apiGet(t, token, path)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(b, []byte("%PDF-")) {
			t.Errorf("%s: %d %s", path, resp.StatusCode, b)
		}
	}
	var apiErr struct {
		Error struct{ Code, Message string }
	}
	f.apiJSON(t, token, "/api/v1/dossiers/"+f.extra["tt01"]+"/forms/dung.pdf", 404, &apiErr)
	f.apiJSON(t, token, "/api/v1/units/MOTCUA/register?from=2026-02-30&to=2026-03-01", 400, &apiErr)
	if apiErr.Error.Code != "invalid" || !strings.Contains(apiErr.Error.Message, "from:") {
		t.Errorf("bad register request: %+v", apiErr)
	}
	spec := f.apiLogin(t, "cv.khaothi1")
	f.apiJSON(t, spec, "/api/v1/dossiers/"+f.extra["tt01"]+"/forms/tiep-nhan.pdf", 403, &apiErr)
	f.apiJSON(t, spec, "/api/v1/dossiers/"+f.extra["tt01"]+"/forms", 200, &list)
	if len(list.Items) != 3 || list.Items[0].Form != "bo-sung" {
		t.Errorf("the specialist's form list: %+v", list.Items)
	}
	f.apiJSON(t, spec, "/api/v1/units/MOTCUA/register?from=2026-02-01&to=2026-02-28", 403, &apiErr)
}

// TestReceiptRightAfterReception receives a dossier at the desk and finds
// the receipt's print button first and highlighted on the page it lands on.
func TestReceiptRightAfterReception(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		s.at("2025-12-03 09:05")
		p := s.post("motcua1", "/tiep-nhan", s.applicant("edu-001", "tiep-nhan"))
		if p.status != http.StatusSeeOther || !strings.Contains(p.location, "ok=tiep-nhan") {
			t.Fatalf("reception: %d %s", p.status, p.location)
		}
		page := s.get("motcua1", p.location)
		s.want(page, 200, `class="button" href="/ho-so/000.00.08.H44-251203-0001/bieu-mau/tiep-nhan.pdf"`,
			"In Mẫu số 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả", `class="button secondary" href="/ho-so/000.00.08.H44-251203-0001/bieu-mau/kiem-soat.pdf"`)
		resp, err := s.as("motcua1").Get(s.base + "/ho-so/000.00.08.H44-251203-0001/bieu-mau/tiep-nhan.pdf")
		if err != nil {
			t.Fatal(err)
		}
		pdf, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.Header.Get("Cache-Control") != "no-store" || !strings.Contains(resp.Header.Get("Content-Disposition"), "tiep-nhan-000.00.08.H44-251203-0001.pdf") {
			t.Errorf("headers: %v", resp.Header)
		}
		text := pdfTextOf(t, pdf)
		for _, w := range []string{"Mã hồ sơ: 000.00.08.H44-251203-0001", "4. Thời gian nhận hồ sơ: 09 giờ 05 phút, ngày 03 tháng 12 năm 2025",
			"Tỉnh mẫu, ngày 03 tháng 12 năm 2025"} {
			if !strings.Contains(text, w) {
				t.Errorf("receipt lacks %q\n%s", w, text)
			}
		}
	})
}

// pdfTextOf extracts a PDF's text, whitespace collapsed.
func pdfTextOf(t *testing.T, pdf []byte) string {
	t.Helper()
	cmd := exec.Command(formsTool(t, "pdftotext"), "-raw", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

func (f *formsSite) apiLogin(t *testing.T, user string) string {
	t.Helper()
	resp, err := http.Post(f.base+"/api/v1/auth/token", "application/json", strings.NewReader(fmt.Sprintf(`{"username":%q,"password":%q}`, user, demo.Password)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Token == "" {
		t.Fatalf("API log-in %s: %d %v", user, resp.StatusCode, err)
	}
	return out.Token
}

func (f *formsSite) apiGet(t *testing.T, token, path string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", f.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func (f *formsSite) apiJSON(t *testing.T, token, path string, status int, v any) {
	t.Helper()
	resp := f.apiGet(t, token, path)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		t.Fatalf("%s: %d, want %d: %s", path, resp.StatusCode, status, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v: %s", path, err, b)
	}
}
