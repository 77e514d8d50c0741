package dossier

import (
	"fmt"
	"time"

	"dunghan/internal/calendar"
)

// RungKind is the family a rung belongs to.
type RungKind string

// Rung families. Inside a family a later rung supersedes an earlier one.
const (
	RungStep    RungKind = "step"    // a percentage of the current step's budget
	RungDue     RungKind = "due"     // working days before the legal due instant
	RungOverdue RungKind = "overdue" // the opening of a working day while overdue
	RungApology RungKind = "apology" // the dossier needs the apology and a new date
)

// RungInfo is a rung with what it measures.
type RungInfo struct {
	Rung
	Kind       RungKind `json:"kind"`
	Percent    int      `json:"percent,omitempty"`     // RungStep
	DaysBefore int      `json:"days_before,omitempty"` // RungDue
}

// Rungs lists the rungs of the ladder that belong to the dossier as it is
// now, past and future, in no particular order, with the same keys as Next:
// the current step's percentages; the days before the legal due; while the
// dossier is overdue (or could become so), the opening of the latest working
// day in (legal due, now] and of the next one after now. A day rung that
// falls before the clock (re)started warns of nothing and is left out.
// There are none for a dossier that is closed, paused, or has no deadline.
func (l Ladder) Rungs(s State, cal *calendar.Calendar, now time.Time) []RungInfo {
	if !s.Open() || s.Paused || s.LegalDue.IsZero() {
		return nil
	}
	var out []RungInfo
	if budget := s.Procedure.Steps[s.Step].Budget; budget > 0 {
		paused := s.pausedWithin(cal, s.StepStart, s.LastAt, s.LastAt)
		for _, p := range l.StepPercents {
			if m := budget * p / 100; m > 0 {
				at := cal.AddWorkingMinutes(s.StepStart, m+paused)
				out = append(out, RungInfo{Rung{fmt.Sprintf("step%d-%d%%", len(s.Visits), p), at}, RungStep, p, 0})
			}
		}
	}
	due := dueKey(s)
	for _, n := range l.DaysBefore {
		at := cal.AddWorkingMinutes(s.LegalDue, -n*cal.MinutesPerDay())
		if at.Before(s.ClockStart) {
			continue
		}
		out = append(out, RungInfo{Rung{fmt.Sprintf("due%s-%dd", due, n), at}, RungDue, 0, n})
	}
	if l.OverdueDaily {
		// The latest opening at or before now, if it is past the legal due.
		open := cal.NextOpening(calendar.DateOf(now).Time())
		if open.After(now) {
			open = cal.NextOpening(calendar.DateOf(cal.AddWorkingMinutes(open, -1)).Time())
		}
		if open.After(s.LegalDue) && !open.After(now) {
			out = append(out, RungInfo{Rung{"overdue" + calendar.DateOf(open).String(), open}, RungOverdue, 0, 0})
		}
		// The next one, exactly as Next computes it.
		from := later(now, s.LegalDue)
		next := cal.NextOpening(calendar.DateOf(from).Time())
		if !next.After(from) {
			next = cal.NextOpening(cal.NextWorkingDay(from))
		}
		out = append(out, RungInfo{Rung{"overdue" + calendar.DateOf(next).String(), next}, RungOverdue, 0, 0})
	}
	return out
}

// dueKey names the legal due instant inside rung keys.
func dueKey(s State) string { return s.LegalDue.In(calendar.Zone).Format("0601021504") }

// Apology is the rung at which the dossier can no longer be finished on time
// without the apology and a new date (Decree 61 art. 19(9)): the earlier of
// the instant its remaining working time falls to the remaining budget of
// its open steps (the current step's remainder and every later step), and
// one working day before the legal due. Its key is unique per legal due.
// False for a dossier that is closed, paused, already rescheduled (the
// date moves only once) or without a deadline.
func Apology(s State, cal *calendar.Calendar) (RungInfo, bool) {
	if !s.Open() || s.Paused || s.Rescheduled || s.LegalDue.IsZero() {
		return RungInfo{}, false
	}
	later := 0
	for _, st := range s.Procedure.Steps[s.Step+1:] {
		later += st.Budget
	}
	// From the end of the current step on, the work left is the later
	// budgets; before it, the slack stays what it was when the step began.
	short := cal.AddWorkingMinutes(s.LegalDue, -later)
	if stepDue, ok := s.StepDue(cal); ok && stepDue.After(short) {
		short = s.StepStart
	}
	at := earlier(short, cal.AddWorkingMinutes(s.LegalDue, -cal.MinutesPerDay()))
	return RungInfo{Rung{"apology" + dueKey(s), at}, RungApology, 0, 0}, true
}

// RescheduleDeadline is the last instant to issue the apology and a new
// date: the end of the last working day before the legal due day.
func RescheduleDeadline(s State, cal *calendar.Calendar) time.Time {
	day := calendar.DateOf(s.LegalDue).Time()
	return cal.EndOfWorkingDay(cal.AddWorkingMinutes(day, -1)).UTC()
}

// RemainingBudget is the working minutes the open steps still need: what is
// left of the current step's budget and the budgets of the later steps.
func RemainingBudget(s State, cal *calendar.Calendar, now time.Time) int {
	if !s.Open() {
		return 0
	}
	m := 0
	if due, ok := s.StepDue(cal); ok {
		m = cal.WorkingMinutes(now, due)
	}
	for _, st := range s.Procedure.Steps[s.Step+1:] {
		m += st.Budget
	}
	return m
}
