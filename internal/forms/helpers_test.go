package forms

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"dunghan/internal/agency"
	"dunghan/internal/auth"
	"dunghan/internal/calendar"
	"dunghan/internal/dossier"
	"dunghan/internal/procedure"
)

var testCal = sync.OnceValue(func() *calendar.Calendar {
	c, err := calendar.New(calendar.DefaultConfig())
	if err != nil {
		panic(err)
	}
	return c
})

// vn is an instant in Vietnam.
func vn(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, calendar.Zone)
}

var (
	testAgency = agency.Agency{ID: "ag", Code: "000.00.08.H44", Name: "Sở Giáo dục và Đào tạo", Province: "Hà Tĩnh"}
	testUnits  = map[string]string{"motcua": "Bộ phận Một cửa", "phong-trh": "Phòng Giáo dục Trung học", "ban-gd": "Ban Giám đốc Sở",
		"van-phong": "Văn phòng"}
	reception  = dossier.Actor{UserID: "u-rec", Name: "Lê Thị Hoa", UnitID: "motcua", Roles: []auth.Role{auth.Reception}}
	specialist = dossier.Actor{UserID: "u-spec", Name: "Vũ Thị Lan", UnitID: "phong-trh", Roles: []auth.Role{auth.Specialist}}
	head       = dossier.Actor{UserID: "u-head", Name: "Hoàng Văn Đức", UnitID: "phong-trh", Roles: []auth.Role{auth.DivisionHead}}
	leader     = dossier.Actor{UserID: "u-lead", Name: "Nguyễn Văn Hùng", UnitID: "ban-gd", Roles: []auth.Role{auth.Leadership}}
	clerk      = dossier.Actor{UserID: "u-clerk", Name: "Mai Thị Hạnh", UnitID: "van-phong", Roles: []auth.Role{auth.Clerk}}
	byRole     = map[auth.Role]dossier.Actor{auth.Reception: reception, auth.Specialist: specialist, auth.DivisionHead: head,
		auth.Leadership: leader, auth.Clerk: clerk}
	testUsers = map[string]string{}
	citizen   = dossier.Applicant{Kind: 1, Name: "Nguyễn Thị Ánh Tuyết", Phone: "0912345678", Email: "tuyet@example.vn",
		Address: "Số 12 đường Phan Đình Phùng, phường Thành Sen, tỉnh Hà Tĩnh"}
	documents = []dossier.Document{{Name: "Đơn đề nghị công nhận", Copies: 1, Original: true, Digitised: true},
		{Name: "Biên bản kiểm tra của Ủy ban nhân dân cấp xã", Copies: 2}}
)

func init() {
	for _, a := range byRole {
		testUsers[a.UserID] = a.Name
	}
}

// procRef is a procedure of 5 working days with the default plan.
func procRef() dossier.ProcedureRef {
	v := procedure.Version{Name: "Công nhận trường trung học đạt chuẩn quốc gia", Field: "Giáo dục trung học",
		Legal: &calendar.Duration{Value: 5, Unit: calendar.WorkingDays}}
	v.EnsurePlan(procedure.DefaultMinutesPerDay)
	return dossier.ProcedureRef{ID: "p5", Version: 1, Procedure: procedure.Procedure{Key: "edu-001", Code: "1.005095.000.00.00.H50", Version: v}}
}

// story drives one dossier through the domain, as the store would.
type story struct {
	t      testing.TB
	code   string
	s      dossier.State
	events []dossier.Event
}

func newStory(t testing.TB, code string) *story { return &story{t: t, code: code} }

func (s *story) do(cmd dossier.Command, a dossier.Actor, at time.Time) *story {
	s.t.Helper()
	env := dossier.Env{Now: at, Calendar: testCal(), Procedure: procRef(), Code: s.code, Secret: "K7Q2XZ4M"}
	evs, err := dossier.Decide(s.s, cmd, a, env)
	if err != nil {
		s.t.Fatalf("%s at %v: %v", cmd.Name(), at, err)
	}
	for _, e := range evs {
		if err := s.s.Apply(e); err != nil {
			s.t.Fatalf("%s: %v", cmd.Name(), err)
		}
	}
	s.events = append(s.events, evs...)
	return s
}

// receive accepts the dossier in person at at.
func (s *story) receive(at time.Time) *story {
	return s.do(dossier.Receive{Channel: dossier.InPerson, Applicant: citizen, Documents: documents}, reception, at)
}

// through hands the dossier on through every remaining step, one working
// hour apart from start, and returns the instant after the last hand-over.
func (s *story) through(start time.Time) time.Time {
	at := start
	for i := s.s.Step + 1; i < len(s.s.Procedure.Steps); i++ {
		step := s.s.Procedure.Steps[i]
		to := byRole[step.Role]
		cur := byRole[s.s.Procedure.Steps[s.s.Step].Role]
		s.do(dossier.Transfer{ToStep: i, ToUnit: to.UnitID, ToUser: to.UserID}, cur, at)
		at = testCal().AddWorkingMinutes(at, 60)
	}
	return at
}

// input is the form input of the story, printed at now.
func (s *story) input(now time.Time) Input {
	return Input{Agency: testAgency, State: s.s, Events: s.events, Units: testUnits, Users: testUsers, Calendar: testCal(),
		Now: now, PublicURL: "https://dunghan.sogd.example.gov.vn"}
}

// finished is a TT 03/2025 dossier received on Wednesday 03/12/2025 at
// 09:05, handed through every step and returned early.
func finished(t testing.TB) *story {
	s := newStory(t, "000.00.08.H44-251203-0007").receive(vn(2025, 12, 3, 9, 5))
	at := s.through(vn(2025, 12, 3, 10, 0))
	s.do(dossier.Resolve{Approved: true, Results: []string{"Quyết định công nhận"}}, leader, at)
	s.do(dossier.Return{To: citizen.Name, Method: "trực tiếp"}, reception, testCal().AddWorkingMinutes(at, 30))
	return s
}

// troubled is a TT 01/2018 dossier received on Monday 03/03/2025 at 09:00:
// a supplement round, an apology with a new date, then resolved.
func troubled(t testing.TB) *story {
	s := newStory(t, "000.00.08.H44-250303-0001").receive(vn(2025, 3, 3, 9, 0))
	s.do(dossier.Transfer{ToStep: 1, ToUnit: "phong-trh", ToUser: "u-spec"}, reception, vn(2025, 3, 3, 10, 0))
	s.do(dossier.RequestSupplement{Reason: "Thiếu báo cáo tự đánh giá có xác nhận của Ủy ban nhân dân xã",
		Missing: []dossier.Document{{Name: "Báo cáo tự đánh giá", Copies: 1, Original: true}}}, specialist, vn(2025, 3, 4, 14, 0))
	s.do(dossier.ReceiveSupplement{Documents: []dossier.Document{{Name: "Báo cáo tự đánh giá", Copies: 1, Original: true}}}, reception, vn(2025, 3, 6, 8, 0))
	s.do(dossier.Reschedule{Promised: vn(2025, 3, 20, 17, 0), Reason: "Cần xác minh thêm với cơ sở giáo dục"}, leader, vn(2025, 3, 10, 9, 0))
	at := s.through(vn(2025, 3, 12, 9, 0))
	s.do(dossier.Resolve{Approved: true, Results: []string{"Quyết định công nhận"}}, leader, at)
	return s
}

// stopped is a TT 03/2025 dossier stopped during appraisal.
func stopped(t testing.TB) *story {
	s := newStory(t, "000.00.08.H44-251006-0003").receive(vn(2025, 10, 6, 15, 30))
	s.do(dossier.Transfer{ToStep: 1, ToUnit: "phong-trh", ToUser: "u-spec"}, reception, vn(2025, 10, 7, 8, 0))
	s.do(dossier.Reschedule{Promised: vn(2025, 10, 24, 17, 0), Reason: "Chờ ý kiến của Sở Nội vụ"}, leader, vn(2025, 10, 9, 9, 0))
	s.do(dossier.Stop{Reason: "Cơ sở giáo dục đề nghị dừng để hoàn thiện cơ sở vật chất"}, leader, vn(2025, 10, 10, 10, 15))
	return s
}

// refused is a dossier refused at the desk on the given day.
func refused(t testing.TB, at time.Time) *story {
	return newStory(t, "").do(dossier.RefuseAtIntake{Channel: dossier.InPerson, Applicant: citizen,
		Reason: "Thủ tục không thuộc thẩm quyền giải quyết của Sở"}, reception, at)
}

// incomplete is a dossier sent back for completion at the desk.
func incomplete(t testing.TB, at time.Time) *story {
	return newStory(t, "").do(dossier.RequestCompletion{Channel: dossier.InPerson, Applicant: citizen,
		Missing: []dossier.Document{{Name: "Bản sao giấy khai sinh", Copies: 1}}, Reason: "Hồ sơ thiếu giấy khai sinh"}, reception, at)
}

// tool returns the path of a poppler or zbar program. Missing tools skip
// the test, except in CI (DUNGHAN_BROWSER set), where .ci/run installs them.
func tool(t testing.TB, name string) string {
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

// pdfText extracts a PDF's text in content order, whitespace collapsed.
func pdfText(t testing.TB, pdf []byte) string {
	t.Helper()
	cmd := exec.Command(tool(t, "pdftotext"), "-raw", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	out, err := cmd.Output()
	if err != nil || errb.Len() > 0 {
		t.Fatalf("pdftotext: %v %s", err, errb.String())
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// pdfInfo returns pdfinfo's fields.
func pdfInfo(t testing.TB, pdf []byte) map[string]string {
	t.Helper()
	cmd := exec.Command(tool(t, "pdfinfo"), "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v %s", err, out)
	}
	info := map[string]string{}
	for _, l := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok {
			info[k] = strings.TrimSpace(v)
		}
	}
	return info
}

// artifacts is where rendered pages go: $DUNGHAN_ARTIFACTS, or a temp folder.
func artifacts(t testing.TB) string {
	dir := os.Getenv("DUNGHAN_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "dunghan-artifacts")
	}
	dir = filepath.Join(dir, "forms")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// withIntake is a copy of s whose acceptance recorded other intake facts,
// as data imported from an older system might hold them (unchecked, not
// normalised).
func withIntake(s *story, a dossier.Applicant, docs []dossier.Document, procName string) *story {
	c := *s
	c.events = slices.Clone(s.events)
	for i, e := range c.events {
		if e.Type == dossier.EvReceived {
			in := *e.Intake
			in.Applicant, in.Documents = a, docs
			in.Procedure.Name = procName
			c.events[i].Intake = &in
		}
	}
	st, err := dossier.Replay(c.events)
	if err != nil {
		s.t.Fatal(err)
	}
	c.s = st
	return &c
}
