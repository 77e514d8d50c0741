package dossier

import (
	"time"

	"dunghan/internal/auth"
	"dunghan/internal/calendar"
)

// Classification is the TT 01/2018 art. 13 mark of a finished dossier or step.
type Classification string

// Marks and their points: early 2, on time 1, late 0.
const (
	Early  Classification = "early"   // trước hạn
	OnTime Classification = "on_time" // đúng hạn
	Late   Classification = "late"    // quá hạn
)

// Points is the art. 13 score of the mark: 2, 1 or 0.
func (c Classification) Points() int {
	switch c {
	case Early:
		return 2
	case OnTime:
		return 1
	}
	return 0
}

// Label is the Vietnamese name of the mark.
func (c Classification) Label() string {
	switch c {
	case Early:
		return "Trước hạn"
	case OnTime:
		return "Đúng hạn"
	case Late:
		return "Quá hạn"
	}
	return ""
}

// Classify marks a finish against a due instant: late iff finish is after
// due; early iff finish falls on an earlier calendar date (Asia/Ho_Chi_Minh)
// than due; otherwise on time. A zero due (no deadline) is never late: on time.
func Classify(finish, due time.Time) Classification {
	switch {
	case due.IsZero():
		return OnTime
	case finish.After(due):
		return Late
	case calendar.DateOf(finish) != calendar.DateOf(due):
		return Early
	}
	return OnTime
}

// ClockView is the deadline picture of a dossier at an instant. Minutes are
// working minutes on the agency's calendar; instants are in Vietnam time.
type ClockView struct {
	At                   time.Time `json:"at"`
	Status               Status    `json:"status"`
	StatusLabel          string    `json:"status_label"`
	PortalCode           int       `json:"portal_code"` // DVCQG TrangThaiHoSo
	NoDeadline           bool      `json:"no_deadline"` // the procedure has no legal duration
	AcceptedAt           time.Time `json:"accepted_at,omitzero"`
	ClockStart           time.Time `json:"clock_start,omitzero"` // acceptance or the last supplement receipt
	LegalDue             time.Time `json:"legal_due,omitzero"`
	OriginalLegalDue     time.Time `json:"original_legal_due,omitzero"`
	Promised             time.Time `json:"promised,omitzero"`
	PromisedAtAcceptance time.Time `json:"promised_at_acceptance,omitzero"`
	ConsumedMinutes      int       `json:"consumed_minutes"`  // since ClockStart, pauses excluded
	RemainingMinutes     int       `json:"remaining_minutes"` // to LegalDue; negative when overdue
	PausedMinutes        int       `json:"paused_minutes"`    // all pauses
	Paused               bool      `json:"paused"`
	Overdue              bool      `json:"overdue"` // past the legal due (for a finished dossier: finished late)
	Rescheduled          bool      `json:"rescheduled"`
	CountsOverdue        bool      `json:"counts_overdue"`
	FinishedAt           time.Time `json:"finished_at,omitzero"`
	// Class is the art. 13 mark of a finished, accepted dossier: against
	// the legal due, never the rescheduled promise.
	Class     Classification `json:"class,omitempty"`
	OnTime766 bool           `json:"on_time_766"` // the Decision 766 view, judged at At (see OnTime766)
	Pauses    []PauseView    `json:"pauses,omitempty"`
	Steps     []StepView     `json:"steps,omitempty"`
}

// PauseView is one pause with its length.
type PauseView struct {
	Kind    PauseKind `json:"kind"`
	From    time.Time `json:"from"`
	To      time.Time `json:"to,omitzero"`
	Open    bool      `json:"open"`
	Minutes int       `json:"minutes"`
	Reason  string    `json:"reason,omitempty"`
}

// StepView is one visit to a step: its budget, due instant and mark.
type StepView struct {
	Step           int            `json:"step"` // index in the plan
	Role           auth.Role      `json:"role,omitempty"`
	External       bool           `json:"external,omitempty"`
	Unit           string         `json:"unit"`
	Assignee       string         `json:"assignee,omitempty"`
	Start          time.Time      `json:"start"`
	End            time.Time      `json:"end,omitzero"`
	Budget         int            `json:"budget"` // 0: untimed
	PausedMinutes  int            `json:"paused_minutes"`
	Due            time.Time      `json:"due,omitzero"` // AddWorkingMinutes(Start, Budget+PausedMinutes)
	UsedMinutes    int            `json:"used_minutes"`
	OverrunMinutes int            `json:"overrun_minutes"`
	Class          Classification `json:"class,omitempty"` // finished and timed steps
}

// Clock derives the deadline picture of s at now. For a finished dossier the
// figures stop at its finish; for a paused one the remaining time is frozen
// at the start of the pause.
func Clock(s State, cal *calendar.Calendar, now time.Time) ClockView {
	v := ClockView{
		At: local(now), Status: s.Status, StatusLabel: s.Status.Label(), PortalCode: s.Status.PortalCode(),
		AcceptedAt: local(s.AcceptedAt), ClockStart: local(s.ClockStart), LegalDue: local(s.LegalDue),
		OriginalLegalDue: local(s.OriginalLegalDue), Promised: local(s.Promised),
		PromisedAtAcceptance: local(s.PromisedAtAcceptance), Paused: s.Paused,
		Rescheduled: s.Rescheduled, CountsOverdue: s.CountsOverdue, FinishedAt: local(s.FinishedAt),
	}
	if s.AcceptedAt.IsZero() {
		return v
	}
	v.NoDeadline = s.LegalDue.IsZero()
	end := s.until(now)
	for _, p := range s.Pauses {
		to := p.To
		if to.IsZero() {
			to = end
		}
		m := cal.WorkingMinutes(p.From, to)
		v.PausedMinutes += m
		v.Pauses = append(v.Pauses, PauseView{p.Kind, local(p.From), local(p.To), p.To.IsZero() && s.Paused, m, p.Reason})
	}
	v.ConsumedMinutes = cal.WorkingMinutes(s.ClockStart, end) - s.pausedWithin(cal, s.ClockStart, end, end)
	judged := s.judged(end)
	if !v.NoDeadline {
		v.RemainingMinutes = cal.WorkingMinutes(judged, s.LegalDue) - cal.WorkingMinutes(s.LegalDue, judged)
		v.Overdue = judged.After(s.LegalDue)
	}
	if s.Closed() {
		v.Class = Classify(judged, s.LegalDue)
	}
	v.OnTime766 = OnTime766(s, cal, now)
	for _, vis := range s.Visits {
		v.Steps = append(v.Steps, s.stepView(cal, vis, end))
	}
	return v
}

// local shows t in Vietnam time; a zero t stays zero.
func local(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(calendar.Zone)
}

// until is the instant the dossier's clocks stop: its finish, or now.
func (s State) until(now time.Time) time.Time {
	if s.Closed() && !s.FinishedAt.IsZero() {
		return s.FinishedAt
	}
	return now
}

// judged is the instant the legal clock last ran before end: the start of
// an open or unresumed pause, else end.
func (s State) judged(end time.Time) time.Time {
	if n := len(s.Pauses); n > 0 && s.Pauses[n-1].To.IsZero() && s.Pauses[n-1].From.Before(end) {
		return s.Pauses[n-1].From
	}
	return end
}

// pausedWithin sums the working minutes of the pauses inside [from, to]; a
// pause still open counts up to open.
func (s State) pausedWithin(cal *calendar.Calendar, from, to, open time.Time) int {
	m := 0
	for _, p := range s.Pauses {
		pe := p.To
		if pe.IsZero() {
			pe = open
		}
		lo, hi := later(p.From, from), earlier(pe, to)
		m += cal.WorkingMinutes(lo, hi)
	}
	return m
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// stepView computes a visit, with its clock running until the visit's end or end.
func (s State) stepView(cal *calendar.Calendar, vis Visit, end time.Time) StepView {
	st := s.Procedure.Steps[vis.Step]
	v := StepView{Step: vis.Step, Role: st.Role, External: st.External, Unit: vis.Unit, Assignee: vis.Assignee,
		Start: local(vis.Start), End: local(vis.End), Budget: st.Budget}
	stop := vis.End
	if stop.IsZero() {
		stop = end
	}
	v.PausedMinutes = s.pausedWithin(cal, vis.Start, stop, end)
	v.UsedMinutes = max(cal.WorkingMinutes(vis.Start, stop)-v.PausedMinutes, 0)
	if st.Budget <= 0 {
		return v
	}
	v.Due = cal.AddWorkingMinutes(vis.Start, st.Budget+v.PausedMinutes)
	v.OverrunMinutes = cal.WorkingMinutes(v.Due, stop)
	if !vis.End.IsZero() {
		v.Class = Classify(vis.End, v.Due)
	}
	return v
}

// StepDue is the due instant of the current step: its start plus its budget
// plus the working minutes paused inside it. False when the dossier is not
// open, is paused, or the step is untimed.
func (s State) StepDue(cal *calendar.Calendar) (time.Time, bool) {
	if !s.Open() || s.Paused || len(s.Visits) == 0 {
		return time.Time{}, false
	}
	budget := s.Procedure.Steps[s.Step].Budget
	if budget <= 0 {
		return time.Time{}, false
	}
	paused := s.pausedWithin(cal, s.StepStart, s.LastAt, s.LastAt)
	return cal.AddWorkingMinutes(s.StepStart, budget+paused), true
}

// OnTime766 is the Decision 766 "Progress" view of an accepted dossier,
// judged at at (the end of the period for an open dossier):
//
//   - more than one supplement request (or a leader's override) ⇒ overdue;
//   - end is the finish (first terminal instant), or at for an open dossier;
//   - the waiting time of every pause (supplement and, by our choice,
//     payment) is subtracted from end, in working minutes like every other
//     figure here (the portal's own unit is unconfirmed); a pause still
//     open or never resumed runs to end, so a dossier waiting for the
//     citizen is judged at the time of its request;
//   - on time iff end − waiting ≤ the promised date at acceptance: no
//     restart, and a reschedule does not help; no deadline ⇒ on time.
//
// A dossier never accepted is not counted by the index and reports false.
func OnTime766(s State, cal *calendar.Calendar, at time.Time) bool {
	switch {
	case s.AcceptedAt.IsZero():
		return false
	case s.CountsOverdue || s.SupplementRequests > 1:
		return false
	case s.PromisedAtAcceptance.IsZero():
		return true
	}
	end := s.until(at)
	waited := s.pausedWithin(cal, s.AcceptedAt, end, end)
	return !cal.AddWorkingMinutes(end, -waited).After(s.PromisedAtAcceptance)
}
