package watch_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"dunghan/internal/agency"
	"dunghan/internal/auth"
	"dunghan/internal/calendar"
	"dunghan/internal/demo"
	"dunghan/internal/dossier"
	"dunghan/internal/procedure"
	"dunghan/internal/store"
	"dunghan/internal/store/storetest"
	"dunghan/internal/watch"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func vn(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, calendar.Zone)
	if err != nil {
		panic(err)
	}
	return t
}

var (
	calOnce sync.Once
	calVal  *calendar.Calendar
)

func defaultCal() *calendar.Calendar {
	calOnce.Do(func() {
		c, err := calendar.New(calendar.DefaultConfig())
		if err != nil {
			panic(err)
		}
		calVal = c
	})
	return calVal
}

// world is an agency on a store whose clock the test moves: the leadership,
// one division (GDTrH) with its head and two specialists, the one-stop desk,
// every user with an e-mail address, and the demo procedure catalogue.
type world struct {
	s      *store.Store
	agency string
	cal    *calendar.Calendar
	clock  *atomic.Pointer[time.Time]
	users  map[string]auth.User // by username
	names  map[string]string    // user ID → username
	procs  map[string]string    // procedure key → ID
	n      atomic.Int64
}

type person struct {
	username, name, unit string
	role                 auth.Role
	email                string
}

var people = []person{
	{"giamdoc", "Nguyễn Văn Hùng", "SO", auth.Leadership, "giamdoc@sogd.example.gov.vn"},
	{"phogiamdoc", "Trần Thị Mai", "SO", auth.Leadership, "phogiamdoc@sogd.example.gov.vn"},
	{"motcua1", "Lê Thị Hoa", "MOTCUA", auth.Reception, "motcua1@sogd.example.gov.vn"},
	{"tp.trunghoc", "Hoàng Văn Đức", "GDTrH", auth.DivisionHead, "tp.trunghoc@sogd.example.gov.vn"},
	{"cv.trunghoc1", "Vũ Thị Lan", "GDTrH", auth.Specialist, "cv.trunghoc1@sogd.example.gov.vn"},
	{"cv.trunghoc2", "Đặng Quốc Bảo", "GDTrH", auth.Specialist, "cv.trunghoc2@sogd.example.gov.vn"},
	{"quantri", "Cao Văn Sơn", "SO", auth.Admin, ""},
}

// newWorld builds the agency on s with the clock at start.
func newWorld(t testing.TB, s *store.Store, clock *atomic.Pointer[time.Time], start time.Time) *world {
	t.Helper()
	ctx := context.Background()
	clock.Store(&start)
	w := &world{s: s, cal: defaultCal(), clock: clock, users: map[string]auth.User{}, names: map[string]string{}, procs: map[string]string{}}
	a, err := s.CreateAgency(ctx, agency.Agency{Code: demo.AgencyCode, Name: "Sở Giáo dục và Đào tạo tỉnh mẫu", Province: "Tỉnh mẫu"})
	if err != nil {
		t.Fatal(err)
	}
	w.agency = a.ID
	root, err := s.CreateUnit(ctx, a.ID, agency.Unit{Code: "SO", Name: "Ban Giám đốc Sở", Kind: agency.KindAgency})
	if err != nil {
		t.Fatal(err)
	}
	units := map[string]string{"SO": root.ID}
	for _, u := range []agency.Unit{{Code: "GDTrH", Name: "Phòng Giáo dục Trung học", Kind: agency.KindDivision},
		{Code: "MOTCUA", Name: "Bộ phận Một cửa", Kind: agency.KindOneStop}} {
		u.ParentID = root.ID
		created, err := s.CreateUnit(ctx, a.ID, u)
		if err != nil {
			t.Fatal(err)
		}
		units[u.Code] = created.ID
	}
	hash, err := auth.HashPassword(rand.Reader, "mat-khau-thu-nghiem")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		u, err := s.CreateUser(ctx, auth.User{AgencyID: a.ID, Username: p.username, FullName: p.name, Email: p.email, UnitID: units[p.unit],
			Roles: []auth.Role{p.role}, Active: true, PasswordHash: hash})
		if err != nil {
			t.Fatal(err)
		}
		w.users[p.username] = u
		w.names[u.ID] = p.username
	}
	procs, err := procedure.Import(demo.Procedures, 480)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportProcedures(ctx, a.ID, procs, 480); err != nil {
		t.Fatal(err)
	}
	entries, err := s.Procedures(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		w.procs[e.Key] = e.ID
	}
	return w
}

func (w *world) now() time.Time { return *w.clock.Load() }

func (w *world) set(t time.Time) { w.clock.Store(&t) }

func (w *world) calendarOf(string) *calendar.Calendar { return w.cal }

func (w *world) actor(username string) dossier.Actor {
	u := w.users[username]
	return dossier.Actor{UserID: u.ID, Name: u.FullName, UnitID: u.UnitID, Roles: u.Roles}
}

func (w *world) exec(t testing.TB, in store.Exec) store.Record {
	t.Helper()
	in.AgencyID = w.agency
	rec, err := w.s.Execute(context.Background(), in, w.cal, func() string { return fmt.Sprintf("K%05d", w.n.Add(1)) })
	if err != nil {
		t.Fatalf("%s at %s: %v", in.Command.Name(), w.now().In(calendar.Zone).Format("2006-01-02 15:04"), err)
	}
	return rec
}

// receive accepts a dossier of the procedure at the desk.
func (w *world) receive(t testing.TB, key, name, email string) store.Record {
	t.Helper()
	return w.exec(t, store.Exec{Actor: w.actor("motcua1"), ProcedureID: w.procs[key], Command: dossier.Receive{
		Channel: dossier.InPerson, Applicant: dossier.Applicant{Kind: 1, Name: name, Email: email, Phone: "0912345678"},
		Documents: []dossier.Document{{Name: "Đơn đề nghị", Copies: 1, Original: true, Digitised: true}}}})
}

// toSpecialist hands the dossier from the desk to a specialist of GDTrH.
func (w *world) toSpecialist(t testing.TB, code, username string) {
	t.Helper()
	u := w.users[username]
	w.exec(t, store.Exec{Code: code, Actor: w.actor("motcua1"), Command: dossier.Transfer{ToStep: 1, ToUnit: u.UnitID, ToUser: u.ID}})
}

// recipients maps each rung key of the dossier to the usernames notified.
func (w *world) recipients(t testing.TB, dossierID string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, p := range people {
		notes, err := w.s.Notifications(context.Background(), w.agency, w.users[p.username].ID, 500)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range notes {
			if n.DossierID == dossierID {
				out[n.RungKey] = append(out[n.RungKey], p.username)
			}
		}
	}
	return out
}

// mailServer is a real SMTP server on loopback (emersion/go-smtp) that
// keeps what it receives, stamped with the test clock.
type mailServer struct {
	addr  string
	port  int
	clock func() time.Time
	mu    sync.Mutex
	got   []received
	// refuse answers 550 to RCPT TO for these addresses.
	refuse map[string]bool
}

type received struct {
	From    string
	To      []string
	At      time.Time
	Subject string
	Kind    string
	MsgID   string
	Body    string
}

func startMailServer(t testing.TB, clock func() time.Time) *mailServer {
	t.Helper()
	m := &mailServer{clock: clock, refuse: map[string]bool{}}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{m: m}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.MaxMessageBytes = 1 << 20
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	m.addr = l.Addr().String()
	m.port = l.Addr().(*net.TCPAddr).Port
	return m
}

func (m *mailServer) mailer(now func() time.Time) *watch.Mailer {
	return watch.NewMailer(watch.SMTP{Host: "127.0.0.1", Port: m.port, From: "Sở GDĐT tỉnh mẫu <dunghan@sogd.example.gov.vn>", TLS: "none",
		Timeout: 5 * time.Second}, now)
}

func (m *mailServer) messages() []received {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]received(nil), m.got...)
}

type mailSession struct {
	m    *mailServer
	from string
	to   []string
}

func (s *mailSession) Reset()        { s.from, s.to = "", nil }
func (s *mailSession) Logout() error { return nil }
func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.m.mu.Lock()
	refused := s.m.refuse[to]
	s.m.mu.Unlock()
	if refused {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user here"}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *mailSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(msg.Header.Get("Subject"))
	var body []byte
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body, err = io.ReadAll(quotedprintable.NewReader(msg.Body))
	} else {
		body, err = io.ReadAll(msg.Body)
	}
	if err != nil {
		return err
	}
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	s.m.got = append(s.m.got, received{From: s.from, To: s.to, At: s.m.clock(), Subject: subject, Kind: msg.Header.Get("X-Dunghan-Kind"),
		MsgID: msg.Header.Get("Message-Id"), Body: string(body)})
	return nil
}

// open returns a fresh store on the engine whose clock is clock.
func open(t testing.TB, engine store.Engine, clock *atomic.Pointer[time.Time], chans store.Channels) *store.Store {
	return storetest.Open(t, engine, store.Options{Now: func() time.Time { return *clock.Load() }, Log: quiet, Channels: chans})
}
