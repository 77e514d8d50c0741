package forms

import (
	"fmt"
	"strings"
	"time"

	"dunghan/internal/agency"
	"dunghan/internal/apperr"
	"dunghan/internal/calendar"
	"dunghan/internal/dossier"
)

// RegisterEntry is one line of the dossier register: a dossier and its
// number, continuous from 1 over the calendar year of its acceptance.
type RegisterEntry struct {
	No     int
	State  dossier.State
	Events []dossier.Event
}

// RegisterInput is the register of one receiving unit over whole days.
type RegisterInput struct {
	Agency   agency.Agency
	Unit     agency.Unit   // the receiving unit
	From, To calendar.Date // first and last day, inclusive
	Entries  []RegisterEntry
	Units    map[string]string // unit ID → name
	Now      time.Time
}

// Register prints the dossier register (sổ theo dõi hồ sơ, Mẫu 06 of
// Circular 01/2018 or Mẫu 07 of 03/2025), A4 landscape, one row per
// dossier with its yearly number. A range straddling 15/09/2025 would mix
// two form sets and is refused.
func (r *Renderer) Register(in RegisterInput) ([]byte, error) {
	if in.To.Time().Before(in.From.Time()) {
		return nil, apperr.New(apperr.Invalid, "Ngày kết thúc phải sau ngày bắt đầu.")
	}
	reg := RegimeAt(in.From.Time())
	if RegimeAt(in.To.Time()) != reg {
		return nil, apperr.New(apperr.Invalid, "Khoảng ngày vượt qua ngày 15/09/2025, khi Thông tư 03/2025/TT-VPCP thay đổi mẫu sổ: hãy in riêng phần trước và phần từ ngày 15/09/2025.")
	}
	rt := r.texts.regime(reg)
	t := rt.Register
	v := map[string]string{"unit": in.Unit.Name, "agency": in.Agency.Name, "from": date(in.From.Time()), "to": date(in.To.Time())}
	d := newDoc(r.texts, a4Landscape, in.Now, sentence(t.Title)+" "+in.Unit.Name)
	d.heading(in.Agency.Name, in.Unit.Name, t.Number, rt.Circular, "")
	d.font("B", 14)
	d.text(d.p.left, d.width(), t.Title, "C", 2)
	d.font("", 11)
	d.text(d.p.left, d.width(), r.f(t.Unit, v), "C", 2)
	d.font("I", 11)
	d.text(d.p.left, d.width(), r.f(t.Period, v), "C", 1)
	d.gap(3)
	widths := []float64{9, 37, 37, 11, 25, 28, 24, 16, 16, 16, 16, 16, 0}
	cols := make([]column, registerColumns)
	used := 0.0
	for i, w := range widths {
		used += w
		cols[i] = column{head: t.Columns[i], w: w, align: "L"}
	}
	cols[len(cols)-1].w = d.width() - used
	cols[0].align, cols[3].align = "C", "C"
	rows := make([][]string, 0, len(in.Entries))
	for _, e := range in.Entries {
		rows = append(rows, r.registerRow(in, e))
	}
	d.table(cols, rows, 7.5, 8)
	if len(rows) == 0 {
		d.gap(2)
		d.font("I", 11)
		d.para(t.Empty, 2)
	}
	d.pageNumbers()
	return d.bytes()
}

// registerRow is the register's line of one dossier. Its appointment is
// the one of the receipt (see Receipt); a reschedule is noted beside.
func (r *Renderer) registerRow(in RegisterInput, e RegisterEntry) []string {
	st := e.State
	contact := strings.Join(nonEmpty(st.Applicant.Address, st.Applicant.Phone), "; ")
	handling := Input{State: st, Units: in.Units}
	var sent time.Time
	for _, ev := range e.Events {
		if ev.Type == dossier.EvTransferred && ev.ToStep != ev.Step {
			sent = ev.At
			break
		}
	}
	var resultIn time.Time
	if st.Status == dossier.Resolved || st.Status == dossier.Returned {
		resultIn = st.FinishedAt
	}
	note := st.Status.Label()
	if st.Rescheduled {
		note += "; " + r.f(r.texts.regime(RegimeAt(st.AcceptedAt)).Register.Rescheduled, map[string]string{"new_promised": date(st.Promised)})
	}
	if st.Closed() && !st.FinishedAt.IsZero() && (st.Status == dossier.Resolved || st.Status == dossier.Returned) {
		note += "; " + dossier.Classify(st.FinishedAt, st.LegalDue).Label()
	}
	promised := st.PromisedAtAcceptance
	if receipt, _, err := issued(e.Events); err == nil {
		promised = receipt.Promised
	}
	return []string{
		fmt.Sprintf("%02d", e.No), st.Code, st.Procedure.Name, "01", applicant(st.Applicant), contact,
		handlingUnits(handling), clock(st.AcceptedAt), clock(promised), clock(sent), clock(resultIn),
		clock(st.ReturnedAt), note,
	}
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
