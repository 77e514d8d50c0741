package dossier

import (
	"sync"
	"testing"
	"time"

	"dunghan/internal/apperr"
	"dunghan/internal/auth"
	"dunghan/internal/calendar"
	"dunghan/internal/procedure"
)

var (
	calOnce sync.Once
	calVal  *calendar.Calendar
)

// testCal is the default agency calendar with the announced 2024–2026 schedules.
func testCal(t testing.TB) *calendar.Calendar {
	calOnce.Do(func() {
		c, err := calendar.New(calendar.DefaultConfig())
		if err != nil {
			panic(err)
		}
		calVal = c
	})
	return calVal
}

// vn is an instant in Vietnam.
func vn(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, calendar.Zone)
}

// procRef is a procedure with the default plan for legal (nil: no deadline).
// For 5 working days the budgets are 240, 1560, 240, 240, 120 minutes.
func procRef(id string, legal *calendar.Duration) ProcedureRef {
	v := procedure.Version{Name: "Công nhận trường trung học đạt chuẩn quốc gia", Field: "Giáo dục trung học", Legal: legal}
	v.EnsurePlan(procedure.DefaultMinutesPerDay)
	return ProcedureRef{ID: id, Version: 3, Procedure: procedure.Procedure{Key: "edu-" + id, Code: "1.005095.000.00.00.H50", Version: v}}
}

var (
	days5    = procRef("p5", &calendar.Duration{Value: 5, Unit: calendar.WorkingDays})
	noLegal  = procRef("p0", nil)
	hours16  = procRef("p16h", &calendar.Duration{Value: 16, Unit: calendar.WorkingHours})
	citizen  = Applicant{Kind: 1, Name: "Nguyễn Văn An", IDNumber: "001099012345", Phone: "0912345678", Address: "Hà Nội"}
	received = []Document{{Name: "Đơn đề nghị", Copies: 1, Original: true, Digitised: true}, {Name: "Biên bản kiểm tra", Copies: 2}}
	missing  = []Document{{Name: "Báo cáo tự đánh giá", Copies: 1, Original: true}}
)

// Actors. The specialist division is "phong-trh"; "phong-mn" is another one.
var (
	portal     = Actor{Name: "Cổng Dịch vụ công quốc gia"}
	reception  = Actor{UserID: "u-rec", Name: "Nguyễn Thị Lan", UnitID: "motcua", Roles: []auth.Role{auth.Reception}}
	specialist = Actor{UserID: "u-spec", Name: "Trần Văn Minh", UnitID: "phong-trh", Roles: []auth.Role{auth.Specialist}}
	specOther  = Actor{UserID: "u-spec2", Name: "Vũ Thị Thu", UnitID: "phong-mn", Roles: []auth.Role{auth.Specialist}}
	head       = Actor{UserID: "u-head", Name: "Lê Thị Hoa", UnitID: "phong-trh", Roles: []auth.Role{auth.DivisionHead}}
	headOther  = Actor{UserID: "u-head2", Name: "Hoàng Văn Nam", UnitID: "phong-mn", Roles: []auth.Role{auth.DivisionHead}}
	leader     = Actor{UserID: "u-lead", Name: "Phạm Văn Sơn", UnitID: "ban-gd", Roles: []auth.Role{auth.Leadership}}
	clerk      = Actor{UserID: "u-clerk", Name: "Đỗ Thị Mai", UnitID: "van-phong", Roles: []auth.Role{auth.Clerk}}
)

// harness drives one dossier through Decide and Apply.
type harness struct {
	t      testing.TB
	proc   ProcedureRef
	s      State
	events []Event
}

func newHarness(t testing.TB, proc ProcedureRef) *harness { return &harness{t: t, proc: proc} }

func (h *harness) env(now time.Time) Env {
	return Env{Now: now, Calendar: testCal(h.t), Procedure: h.proc, Code: "000.00.08.H44-250303-0001", Secret: "k7Q2xZ"}
}

// try decides cmd at now and applies its events on success.
func (h *harness) try(cmd Command, a Actor, now time.Time) ([]Event, error) {
	evs, err := Decide(h.s, cmd, a, h.env(now))
	if err != nil {
		return nil, err
	}
	for _, e := range evs {
		if err := h.s.Apply(e); err != nil {
			h.t.Fatalf("%s: apply: %v", cmd.Name(), err)
		}
	}
	h.events = append(h.events, evs...)
	return evs, nil
}

// do is try that must succeed; it returns the single event.
func (h *harness) do(cmd Command, a Actor, now time.Time) Event {
	h.t.Helper()
	evs, err := h.try(cmd, a, now)
	if err != nil {
		h.t.Fatalf("%s: %v", cmd.Name(), err)
	}
	if len(evs) != 1 {
		h.t.Fatalf("%s: %d events", cmd.Name(), len(evs))
	}
	return evs[0]
}

// refused asserts that cmd fails with code and leaves the state alone.
func (h *harness) refused(cmd Command, a Actor, now time.Time, code apperr.Code) string {
	h.t.Helper()
	before := h.s.Version
	_, err := h.try(cmd, a, now)
	if !apperr.Is(err, code) {
		h.t.Fatalf("%s: got %v, want %s", cmd.Name(), err, code)
	}
	if h.s.Version != before {
		h.t.Fatalf("%s: state changed on refusal", cmd.Name())
	}
	return apperr.Message(err)
}

// Standard dossiers: accepted in person on Monday 03/03/2025 09:00 (5 working
// days: due Monday 10/03/2025 17:00), then handed to the specialist at 10:00.
var (
	mon0303 = vn(2025, 3, 3, 9, 0)
	recv    = Receive{Channel: InPerson, Applicant: citizen, Documents: received}
	toSpec  = Transfer{ToStep: 1, ToUnit: "phong-trh", ToUser: "u-spec"}
	supp    = RequestSupplement{Reason: "Thiếu báo cáo tự đánh giá", Missing: missing}
	approve = Resolve{Approved: true, Results: []string{"Quyết định công nhận"}, EResult: true}
)

func accepted(t testing.TB, proc ProcedureRef) *harness {
	h := newHarness(t, proc)
	h.do(recv, reception, mon0303)
	return h
}

func processing(t testing.TB) *harness {
	h := accepted(t, days5)
	h.do(toSpec, reception, vn(2025, 3, 3, 10, 0))
	return h
}
