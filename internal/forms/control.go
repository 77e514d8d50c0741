package forms

import (
	"fmt"
	"strings"

	"dunghan/internal/apperr"
	"dunghan/internal/dossier"
)

// handoverRow is one hand-over of the control slip: the dossier entering
// a step (or, last, the result going to the applicant).
type handoverRow struct {
	unit, give, take, at string
	mark                 string
	notes                []string
}

// ControlSlip prints the process control slip from the step log: one row
// per hand-over with the giver, the receiver, the time in the official
// long form and the step's mark (trước hạn, đúng hạn, quá hạn) as the
// dossier page computes it; the result handed to the applicant last.
func (r *Renderer) ControlSlip(in Input) ([]byte, error) {
	st := in.State
	if !allows(st, in.Events, Control) {
		return nil, r.notAllowed(in, Control)
	}
	if in.Calendar == nil {
		return nil, apperr.New(apperr.Internal, "Thiếu lịch làm việc để tính kết quả từng bước trên phiếu kiểm soát.")
	}
	t := r.texts.regime(RegimeOf(st)).Control
	v := r.vars(in)
	d := r.open(in, t.Number, t.Title, st.AcceptedAt)
	d.font("B", 11)
	d.text(d.p.left, d.width(), r.f(t.Code, v), "C", 2)
	d.font("I", 10.5)
	d.text(d.p.left, d.width(), r.f(t.Applicant, v), "C", nameLines)
	d.gap(1.5)
	d.font("", 10.5)
	for _, s := range []string{t.Request, t.Contact, t.Dates, t.Handling} {
		d.para(r.f(s, v), fieldLines)
	}
	d.gap(2)
	rows := r.handovers(in, t)
	cells := make([][]string, len(rows))
	for i, h := range rows {
		give := r.f(t.Give, map[string]string{"name": h.give})
		take := r.f(t.Take, map[string]string{"name": h.take})
		// The long form breaks after "phút," so that it never splits mid-date.
		at := strings.Replace(h.at, " phút, ", " phút,\n", 1)
		cells[i] = []string{h.unit, give + "\n" + take + "\n" + at, h.mark, "", strings.Join(h.notes, "\n")}
	}
	w := d.width()
	d.table([]column{
		{t.ColUnit, w * 0.22, "L"}, {t.ColHandover, w * 0.36, "L"}, {t.ColResult, w * 0.15, "C"},
		{t.ColSign, w * 0.11, "C"}, {t.ColNote, w * 0.16, "L"},
	}, cells, 8.5, 8)
	d.gap(2)
	d.font("B", 10.5)
	d.para(r.f(t.Outcome, map[string]string{"result": outcome(in, st)}), 2)
	return d.bytes()
}

// outcome is the dossier's result for the slip: its mark once resolved,
// else its status.
func outcome(in Input, st dossier.State) string {
	if st.Status == dossier.Resolved || st.Status == dossier.Returned {
		if c := dossier.Clock(st, in.Calendar, in.Now).Class; c != "" {
			return c.Label()
		}
	}
	return st.Status.Label()
}

// handovers walks the events: acceptance and each move to another step
// open a row, a reassignment inside a step is noted on its row, and the
// return of the result closes the slip. The marks come from dossier.Clock,
// one visit per row.
func (r *Renderer) handovers(in Input, t ControlText) []handoverRow {
	st := in.State
	cv := dossier.Clock(st, in.Calendar, in.Now)
	// The name recorded with an event is the one at the time; a receiver
	// is named from the directory, or by unit.
	name := func(recorded, userID, unit string) string {
		for _, n := range []string{recorded, in.Users[userID], in.Units[unit]} {
			if n != "" {
				return n
			}
		}
		return ""
	}
	var rows []handoverRow
	for _, e := range in.Events {
		switch {
		case e.Type == dossier.EvReceived:
			rows = append(rows, handoverRow{unit: r.stepLabel(in, t, 0, st.ReceivingUnit), give: st.Applicant.Name,
				take: name(e.ActorName, e.Actor, ""), at: handover(st.AcceptedAt)})
		case e.Type == dossier.EvTransferred && e.ToStep != e.Step:
			rows = append(rows, handoverRow{unit: r.stepLabel(in, t, e.ToStep, e.ToUnit), give: name(e.ActorName, e.Actor, ""),
				take: name("", e.ToUser, e.ToUnit), at: handover(e.At)})
		case e.Type == dossier.EvTransferred && len(rows) > 0:
			h := &rows[len(rows)-1]
			h.notes = append(h.notes, r.f(t.Reassigned, map[string]string{"name": name("", e.ToUser, e.ToUnit), "when": clock(e.At)}))
		}
	}
	for i := range rows {
		if i >= len(cv.Steps) {
			break
		}
		sv := cv.Steps[i]
		switch {
		case sv.Class != "":
			rows[i].mark = sv.Class.Label()
		case sv.End.IsZero() && st.Open():
			rows[i].mark = t.Open
		case sv.Budget <= 0:
			rows[i].mark = t.Untimed
		}
		if !sv.End.IsZero() {
			rows[i].notes = append([]string{r.f(t.Finished, map[string]string{"when": clock(sv.End)})}, rows[i].notes...)
		}
	}
	if i := last(in.Events, dossier.EvReturned); i >= 0 {
		e := in.Events[i]
		rows = append(rows, handoverRow{unit: t.ReturnRow + "\n" + in.Units[e.Unit], give: name(e.ActorName, e.Actor, ""),
			take: st.ReturnedTo, at: handover(e.At), mark: outcome(in, st)})
	}
	return rows
}

// stepLabel names step i of the plan and the unit that holds it.
func (r *Renderer) stepLabel(in Input, t ControlText, i int, unit string) string {
	steps := in.State.Procedure.Steps
	label := r.f(t.Step, map[string]string{"number": fmt.Sprint(i + 1)})
	if i >= 0 && i < len(steps) {
		if s := steps[i]; s.External && s.Actor != "" {
			label += ": " + s.Actor
		} else if !s.External {
			label += ": " + s.Role.Label()
		}
	}
	if n := in.Units[unit]; n != "" {
		label += "\n" + n
	}
	return label
}
