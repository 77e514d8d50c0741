package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"dunghan/internal/calendar"
	"dunghan/internal/demo"
	"dunghan/internal/dossier"
	"dunghan/internal/forms"
	"dunghan/internal/store"
	"dunghan/internal/store/storetest"
	"dunghan/internal/watch"
)

// formsDB is a SQLite database with the demo agency and a few dossiers:
// one received in person on 03/12/2025, one refused at the desk, one
// received on 10/09/2025 (Circular 01/2018).
type formsDB struct {
	url               string
	code, old, refuse string
}

func newFormsDB(t *testing.T) formsDB {
	t.Helper()
	ctx := context.Background()
	db := formsDB{url: "sqlite:" + filepath.Join(t.TempDir(), "forms.db")}
	st, err := store.Open(ctx, db.url, store.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	sum, err := demo.Seed(ctx, st, rand.Reader, 480)
	if err != nil {
		t.Fatal(err)
	}
	desk, _ := st.UserByUsername(ctx, "motcua1")
	actor := dossier.Actor{UserID: desk.ID, Name: desk.FullName, UnitID: desk.UnitID, Roles: desk.Roles}
	procs, _ := st.Procedures(ctx, sum.Agency.ID)
	cal := defaultCalendar()
	exec := func(at string, cmd dossier.Command) store.Record {
		t.Helper()
		rec, err := st.Execute(ctx, store.Exec{AgencyID: sum.Agency.ID, ProcedureID: procs[0].ID, At: vnTime(at), Actor: actor, Command: cmd}, cal,
			func() string { return "CLI12345" })
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	applicant := dossier.Applicant{Name: "Phạm Thị Thu Hương", Phone: "0911222333", Address: "Xã Cẩm Xuyên"}
	db.code = exec("2025-12-03 09:05", dossier.Receive{Channel: dossier.InPerson, Applicant: applicant}).State.Code
	db.old = exec("2025-09-10 09:00", dossier.Receive{Channel: dossier.InPerson, Applicant: applicant}).State.Code
	db.refuse = exec("2025-12-03 10:00", dossier.RefuseAtIntake{Channel: dossier.InPerson, Applicant: applicant, Reason: "Không thuộc thẩm quyền"}).ID
	return db
}

func vnTime(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, calendar.Zone)
	if err != nil {
		panic(err)
	}
	return t
}

// pdfText extracts a PDF's text with pdftotext, or skips outside CI.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	p, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("DUNGHAN_BROWSER") != "" {
			t.Fatal("pdftotext is missing; .ci/run installs poppler-utils")
		}
		t.Skip("pdftotext not installed (Debian: apt-get install poppler-utils)")
	}
	cmd := exec.Command(p, "-raw", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

func TestFormsCommand(t *testing.T) {
	db := newFormsDB(t)
	dir := t.TempDir()
	vars := []string{"DUNGHAN_DATABASE_URL=" + db.url}
	withURL := append(vars, "DUNGHAN_PUBLIC_URL=https://dunghan.sogd.example.gov.vn/")

	if code, out, _ := run(t, nil, "", "forms", "texts"); code != 0 || !bytes.Equal([]byte(out), forms.DefaultTextsJSON()) || !json.Valid([]byte(out)) {
		t.Fatalf("forms texts: %d", code)
	}
	code, out, errs := run(t, vars, "", "forms", "list", "-dossier", db.code)
	if code != 0 || !strings.Contains(out, "tiep-nhan  Mẫu số 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả") ||
		!strings.Contains(out, "kiem-soat  Mẫu số 06: Phiếu kiểm soát quá trình giải quyết hồ sơ") {
		t.Fatalf("forms list: %d %q %q", code, out, errs)
	}
	if _, out, _ := run(t, vars, "", "forms", "list", "-dossier", db.old); !strings.Contains(out, "kiem-soat  Mẫu số 05") {
		t.Errorf("TT 01/2018 dossier: %q", out)
	}

	// The receipt, with the QR code of the configured public address.
	file := filepath.Join(dir, "receipt.pdf")
	code, out, errs = run(t, withURL, "", "forms", "render", "--dossier", db.code, "--form", "tiep-nhan.pdf", "-o", file)
	if code != 0 || !strings.HasPrefix(out, file+" (") || errs != "" {
		t.Fatalf("render: %d %q %q", code, out, errs)
	}
	pdf, _ := os.ReadFile(file)
	text := pdfText(t, pdf)
	for _, w := range []string{"Mã hồ sơ: " + db.code, "Tên tổ chức, cá nhân: Phạm Thị Thu Hương", "4. Thời gian nhận hồ sơ: 09 giờ 05 phút, ngày 03 tháng 12 năm 2025",
		"https://dunghan.sogd.example.gov.vn/tra-cuu", "Mã tra cứu: CLI12345"} {
		if !strings.Contains(text, w) {
			t.Errorf("receipt lacks %q\n%s", w, text)
		}
	}
	// Without a public address: no QR code, and a warning.
	code, out, errs = run(t, vars, "", "forms", "render", "-dossier", db.code, "-form", "tiep-nhan", "-o", "-")
	if code != 0 || !strings.HasPrefix(out, "%PDF-") || !strings.Contains(errs, "DUNGHAN_PUBLIC_URL") {
		t.Fatalf("render to stdout: %d %.20q %q", code, out, errs)
	}
	// The default file name, in the working directory.
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	code, _, _ = run(t, vars, "", "forms", "render", "-dossier", db.refuse, "-form", "tu-choi")
	os.Chdir(wd)
	if _, err := os.Stat(filepath.Join(dir, "tu-choi-"+db.refuse+".pdf")); code != 0 || err != nil {
		t.Errorf("refusal to the default file: %d %v", code, err)
	}

	// The register.
	file = filepath.Join(dir, "register.pdf")
	if code, out, errs := run(t, vars, "", "forms", "register", "-unit", "MOTCUA", "-from", "01/12/2025", "-to", "2025-12-31", "-o", file); code != 0 {
		t.Fatalf("register: %d %q %q", code, out, errs)
	}
	pdf, _ = os.ReadFile(file)
	// The dossier of 10/09/2025 is the year's first.
	if text := pdfText(t, pdf); !strings.Contains(text, "02 "+db.code) || !strings.Contains(text, "Từ ngày 01/12/2025 đến ngày 31/12/2025") {
		t.Errorf("register:\n%s", text)
	}

	// Bad input: one line, exit 2.
	for _, args := range [][]string{
		{"forms", "render", "-dossier", db.code, "-form", "phieu-la"},
		{"forms", "render", "-dossier", "000.00.08.H44-991231-0001", "-form", "kiem-soat"},
		{"forms", "render", "-dossier", db.refuse, "-form", "tiep-nhan"},
		{"forms", "render", "-dossier", db.old, "-form", "dung"},
		{"forms", "register", "-unit", "NOPE", "-from", "2025-12-01", "-to", "2025-12-31"},
		{"forms", "register", "-unit", "MOTCUA", "-from", "31/02/2025", "-to", "2025-12-31"},
		{"forms", "register", "-unit", "MOTCUA", "-from", "2025-09-01", "-to", "2025-09-30"},
		{"forms", "register", "-unit", "MOTCUA", "-from", "2025-12-31", "-to", "2025-12-01"},
	} {
		code, _, errs := run(t, vars, "", args...)
		if code != 2 || strings.Count(errs, "\n") != 1 || !strings.HasPrefix(errs, "dunghan forms ") {
			t.Errorf("%v: %d %q", args[1:], code, errs)
		}
	}
	for _, args := range [][]string{{"forms"}, {"forms", "nope"}, {"forms", "render"}, {"forms", "render", "-dossier", "x"}, {"forms", "texts", "x"},
		{"forms", "register", "-unit", "MOTCUA"}} {
		if code, _, errs := run(t, vars, "", args...); code != 2 || !strings.Contains(errs, "Usage") {
			t.Errorf("%v: %d %q", args, code, errs)
		}
	}

	// An agency's override file: its wording and enquiry phone print; a bad one is refused with the key named.
	texts := filepath.Join(dir, "texts.json")
	os.WriteFile(texts, []byte(`{"agencies": {"`+demo.AgencyCode+`": {"phone": "0239.3855.123"}}}`), 0o644)
	file = filepath.Join(dir, "receipt2.pdf")
	if code, _, errs := run(t, append(vars, "DUNGHAN_FORM_TEXTS="+texts), "", "forms", "render", "-dossier", db.code, "-form", "tiep-nhan", "-o", file); code != 0 {
		t.Fatalf("with texts: %d %q", code, errs)
	}
	pdf, _ = os.ReadFile(file)
	if text := pdfText(t, pdf); !strings.Contains(text, "Điện thoại liên hệ: 0239.3855.123") {
		t.Errorf("override phone missing:\n%s", text)
	}
	os.WriteFile(texts, []byte(`{"tt03_2025": {"tiep_nhan": {"tittle": "X"}}}`), 0o644)
	code, _, errs = run(t, append(vars, "DUNGHAN_FORM_TEXTS="+texts), "", "forms", "render", "-dossier", db.code, "-form", "tiep-nhan", "-o", file)
	if code != 2 || !strings.Contains(errs, "tt03_2025.tiep_nhan.tittle: unknown key") || strings.Count(errs, "\n") != 1 {
		t.Errorf("bad texts: %d %q", code, errs)
	}
	code, _, errs = run(t, append(vars, "DUNGHAN_FORM_TEXTS="+filepath.Join(dir, "missing.json")), "", "serve")
	if code != 2 || !strings.Contains(errs, "DUNGHAN_FORM_TEXTS") {
		t.Errorf("serve with a missing texts file: %d %q", code, errs)
	}
}

// mailbox is an SMTP server that keeps every message it receives.
type mailbox struct {
	mu   sync.Mutex
	msgs [][]byte
	port int
}

func startMailbox(t *testing.T) *mailbox {
	m := &mailbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailboxSession{m: m}, nil }))
	srv.Domain = "localhost"
	srv.MaxMessageBytes = 4 << 20
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	m.port = l.Addr().(*net.TCPAddr).Port
	return m
}

type mailboxSession struct{ m *mailbox }

func (s *mailboxSession) Reset()                               {}
func (s *mailboxSession) Logout() error                        { return nil }
func (s *mailboxSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailboxSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *mailboxSession) Data(r io.Reader) error               { b, err := io.ReadAll(r); s.m.add(b); return err }
func (m *mailbox) add(b []byte)                                { m.mu.Lock(); m.msgs = append(m.msgs, b); m.mu.Unlock() }
func (m *mailbox) all() [][]byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([][]byte(nil), m.msgs...)
}

// attachments lists a message's subject and its attached files by name.
func attachments(t *testing.T, raw []byte) (string, map[string][]byte) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	files := map[string][]byte{}
	media, params, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if !strings.HasPrefix(media, "multipart/") {
		return subject, files
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if name := p.FileName(); name != "" {
			b, _ := io.ReadAll(p) // multipart decodes the quoted-printable; base64 is decoded below
			if p.Header.Get("Content-Transfer-Encoding") == "base64" {
				b = decodeBase64(t, b)
			}
			files[name] = b
		}
	}
	return subject, files
}

func decodeBase64(t *testing.T, b []byte) []byte {
	t.Helper()
	out, err := base64.StdEncoding.DecodeString(string(b)) // line breaks are skipped
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFormsMailedToOnlineApplicants sends the citizen e-mails of an online
// and a paper dossier through a real SMTP server: the online applicant gets
// the receipt and then the supplement request as PDF attachments, the
// paper one (who has them from the desk) gets none.
func TestFormsMailedToOnlineApplicants(t *testing.T) {
	ctx := context.Background()
	now := &atomic.Pointer[time.Time]{}
	set := func(s string) { v := vnTime(s); now.Store(&v) }
	clock := func() time.Time { return *now.Load() }
	set("2025-12-03 09:05")
	st := storetest.Open(t, store.SQLite, store.Options{Now: clock, Channels: store.Channels{Email: true}})
	sum, err := demo.Seed(ctx, st, rand.Reader, 480)
	if err != nil {
		t.Fatal(err)
	}
	cal := defaultCalendar()
	users, _ := st.Users(ctx, sum.Agency.ID)
	actors := map[string]dossier.Actor{}
	for _, u := range users {
		actors[u.Username] = dossier.Actor{UserID: u.ID, Name: u.FullName, UnitID: u.UnitID, Roles: u.Roles}
	}
	procs, _ := st.Procedures(ctx, sum.Agency.ID)
	must := func(in store.Exec) store.Record {
		t.Helper()
		in.AgencyID = sum.Agency.ID
		rec, err := st.Execute(ctx, in, cal, func() string { return "MAIL1234" })
		if err != nil {
			t.Fatalf("%s: %v", in.Command.Name(), err)
		}
		return rec
	}
	online := dossier.Applicant{Name: "Đỗ Minh Khôi", Email: "khoi@example.vn"}
	paper := dossier.Applicant{Name: "Lê Văn Tám", Email: "tam@example.vn"}
	sub := must(store.Exec{ProcedureID: procs[0].ID, Actor: dossier.Actor{Name: "Cổng DVC"}, Command: dossier.Submit{Applicant: online, Unit: actors["motcua1"].UnitID}})
	web := must(store.Exec{Code: sub.ID, Actor: actors["motcua1"], Command: dossier.Receive{Channel: dossier.Online}})
	desk := must(store.Exec{ProcedureID: procs[0].ID, Actor: actors["motcua1"], Command: dossier.Receive{Channel: dossier.InPerson, Applicant: paper}})
	set("2025-12-03 10:00")
	must(store.Exec{Code: web.State.Code, Actor: actors["motcua1"], Command: dossier.Transfer{ToStep: 1, ToUser: actors["cv.khaothi1"].UserID}})
	set("2025-12-04 09:00")
	must(store.Exec{Code: web.State.Code, Actor: actors["cv.khaothi1"], Command: dossier.RequestSupplement{Reason: "Thiếu bản sao văn bằng",
		Missing: []dossier.Document{{Name: "Bản sao văn bằng", Copies: 1}}}})
	set("2025-12-04 09:30")

	box := startMailbox(t)
	mailer := watch.NewMailer(watch.SMTP{Host: "127.0.0.1", Port: box.port, From: "Sở GDĐT <dunghan@sogd.example.gov.vn>", TLS: "none", Timeout: 5 * time.Second}, clock).
		WithAttachments(formAttacher(st, forms.NewRenderer(nil), cal, "https://dunghan.sogd.example.gov.vn", clock))
	courier := watch.NewCourier(watch.CourierOptions{Store: st, Now: clock, Mail: mailer})
	r, err := courier.Deliver(ctx)
	if err != nil || r.Sent != 3 || r.Retried+r.Dead != 0 {
		t.Fatalf("delivery: %+v %v", r, err)
	}
	got := map[string]map[string][]byte{}
	for _, raw := range box.all() {
		subject, files := attachments(t, raw)
		got[subject] = files
	}
	want := map[string]string{
		"Hồ sơ " + web.State.Code + " đã được tiếp nhận":   "tiep-nhan-" + web.State.Code + ".pdf",
		"Hồ sơ " + web.State.Code + " cần bổ sung giấy tờ": "bo-sung-" + web.State.Code + ".pdf",
		"Hồ sơ " + desk.State.Code + " đã được tiếp nhận":  "",
	}
	for subject, name := range want {
		files, ok := got[subject]
		if !ok {
			t.Fatalf("no e-mail %q among %v", subject, keysOf(got))
		}
		if name == "" {
			if len(files) != 0 {
				t.Errorf("%s: the paper dossier's e-mail carries %v", subject, keysOf(files))
			}
			continue
		}
		pdf := files[name]
		if len(files) != 1 || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Fatalf("%s: attachments %v, want %s", subject, keysOf(files), name)
		}
		text := pdfText(t, pdf)
		if !strings.Contains(text, "Mã hồ sơ: "+web.State.Code) || !strings.Contains(text, online.Name) {
			t.Errorf("%s: %s", name, text)
		}
		if strings.HasPrefix(name, "tiep-nhan") && !strings.Contains(text, "Mã tra cứu: MAIL1234") {
			t.Errorf("the mailed receipt lacks the lookup secret: %s", text)
		}
		if strings.HasPrefix(name, "bo-sung") && !strings.Contains(text, "Lý do: Thiếu bản sao văn bằng") {
			t.Errorf("the mailed supplement request: %s", text)
		}
	}
}

func keysOf[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
