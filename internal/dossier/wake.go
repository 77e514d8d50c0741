package dossier

import (
	"fmt"
	"time"

	"dunghan/internal/calendar"
)

// Ladder is the set of warning rungs a watcher fires for an open dossier.
type Ladder struct {
	// StepPercents are rungs at these percentages of the current step's
	// budget (100 is the step's due instant).
	StepPercents []int `json:"step_percents"`
	// DaysBefore are rungs at these numbers of working days before the
	// legal due instant (0 is the due instant itself).
	DaysBefore []int `json:"days_before"`
	// OverdueDaily adds a rung at the opening of every working day while
	// the dossier is past its legal due.
	OverdueDaily bool `json:"overdue_daily"`
}

// DefaultLadder: the step at 50 %, 80 % and 100 % of its budget; the
// dossier 2 and 1 working days before its legal due, at it, and every
// working day while overdue.
var DefaultLadder = Ladder{StepPercents: []int{50, 80, 100}, DaysBefore: []int{2, 1, 0}, OverdueDaily: true}

// Rung is one warning: a stable key (unique per dossier, so each rung fires
// once) and its instant.
type Rung struct {
	Key string    `json:"key"`
	At  time.Time `json:"at"`
}

// Next returns the earliest rung strictly after now. There is none for a
// dossier that is closed, paused, or has no deadline.
func (l Ladder) Next(s State, cal *calendar.Calendar, now time.Time) (Rung, bool) {
	if !s.Open() || s.Paused || s.LegalDue.IsZero() {
		return Rung{}, false
	}
	var best Rung
	consider := func(key string, at time.Time) {
		if at.After(now) && (best.At.IsZero() || at.Before(best.At)) {
			best = Rung{key, at}
		}
	}
	if budget := s.Procedure.Steps[s.Step].Budget; budget > 0 {
		paused := s.pausedWithin(cal, s.StepStart, s.LastAt, s.LastAt)
		for _, p := range l.StepPercents {
			if m := budget * p / 100; m > 0 {
				consider(fmt.Sprintf("step%d-%d%%", len(s.Visits), p), cal.AddWorkingMinutes(s.StepStart, m+paused))
			}
		}
	}
	due := s.LegalDue.In(calendar.Zone).Format("0601021504")
	for _, n := range l.DaysBefore {
		consider(fmt.Sprintf("due%s-%dd", due, n), cal.AddWorkingMinutes(s.LegalDue, -n*cal.MinutesPerDay()))
	}
	if l.OverdueDaily {
		from := later(now, s.LegalDue)
		open := cal.NextOpening(calendar.DateOf(from).Time())
		if !open.After(from) {
			open = cal.NextOpening(cal.NextWorkingDay(from))
		}
		consider("overdue"+calendar.DateOf(open).String(), open)
	}
	return best, !best.At.IsZero()
}

// NextWake is the next instant after now at which a rung of the
// DefaultLadder could fire; false for closed or paused dossiers and for
// those with no deadline.
func NextWake(s State, cal *calendar.Calendar, now time.Time) (time.Time, bool) {
	r, ok := DefaultLadder.Next(s, cal, now)
	return r.At, ok
}
