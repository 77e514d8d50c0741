package calendar

import (
	"time"

	"dunghan/internal/apperr"
)

// The working-time line: pos maps an instant to the office-hours nanoseconds
// elapsed since 1900-01-01 00:00 (flat outside office hours); endAt and
// startAt map a position back to the earliest and the latest instant inside
// office hours that has it. Instants outside 1900–2100 are clamped.

// pos returns the position of the instant (day i, off nanoseconds after midnight).
func (c *Calendar) pos(i int, off int64) int64 {
	switch {
	case i < 0:
		return 0
	case i >= numDays:
		return c.total()
	}
	p := int64(c.cum[i]) * c.dayNs
	if c.days[i].working {
		for _, s := range c.spans {
			if off <= s.start {
				break
			}
			p += min(off, s.end) - s.start
		}
	}
	return p
}

func (c *Calendar) total() int64 { return int64(len(c.work)) * c.dayNs }

// endAt returns the earliest instant at position p: a position reached at the
// end of a span is that end (17:00), not the next opening.
func (c *Calendar) endAt(p int64) time.Time {
	p = min(max(p, 0), c.total())
	k, r := p/c.dayNs, p%c.dayNs
	if r == 0 && k > 0 {
		return c.dayEnd(int(c.work[k-1]))
	}
	var s span
	for _, s = range c.spans {
		if r <= s.before+s.end-s.start {
			break
		}
	}
	return instant(int(c.work[k]), s.start+r-s.before)
}

// startAt returns the latest instant at position p: a position reached at the
// start of a span is that start (13:00), not the end of the previous span.
// Past the last working day it returns the end of that day.
func (c *Calendar) startAt(p int64) time.Time {
	if p >= c.total() {
		return c.dayEnd(int(c.work[len(c.work)-1]))
	}
	p = max(p, 0)
	k, r := p/c.dayNs, p%c.dayNs
	var s span
	for _, s = range c.spans {
		if r < s.before+s.end-s.start {
			break
		}
	}
	return instant(int(c.work[k]), s.start+r-s.before)
}

// dayEnd returns the end of office hours on day i.
func (c *Calendar) dayEnd(i int) time.Time { return instant(i, c.spans[len(c.spans)-1].end) }

// nextWorking returns the index of the first working day after day i, or -1.
func (c *Calendar) nextWorking(i int) int {
	k := int(c.cum[min(max(i+1, 0), numDays)])
	if k >= len(c.work) {
		return -1
	}
	return int(c.work[k])
}

// MinutesPerDay returns the office-hours minutes of a working day (480 by default).
func (c *Calendar) MinutesPerDay() int { return int(c.dayNs / int64(time.Minute)) }

// WorkingMinutes returns the whole minutes of office hours on working days
// from from to to; it is 0 when to is not after from.
func (c *Calendar) WorkingMinutes(from, to time.Time) int {
	if !to.After(from) {
		return 0
	}
	return int((c.pos(split(to)) - c.pos(split(from))) / int64(time.Minute))
}

// AddWorkingMinutes moves t by m minutes of office hours: forward for m > 0,
// ending at the end of a span rather than at the next opening; backward for
// m < 0, ending at the start of a span rather than at the previous closing.
// A start outside office hours counts from the next opening (or, backward,
// from the previous closing). m = 0 returns t. Results are clamped to 1900–2100.
func (c *Calendar) AddWorkingMinutes(t time.Time, m int) time.Time {
	p, minute := c.pos(split(t)), int64(time.Minute)
	switch {
	case m > 0 && int64(m) > (c.total()-p)/minute:
		return c.endAt(c.total())
	case m > 0:
		return c.endAt(p + int64(m)*minute)
	case m < 0 && int64(m) < -(p/minute):
		return c.startAt(0)
	case m < 0:
		return c.startAt(p + int64(m)*minute)
	}
	return t
}

// NextOpening returns t if it is inside office hours on a working day, and
// otherwise the next start of office hours.
func (c *Calendar) NextOpening(t time.Time) time.Time { return c.startAt(c.pos(split(t))) }

// EndOfWorkingDay returns the end of office hours on the date of t if it is a
// working day, and otherwise on the next working day (clamped to 2100).
func (c *Calendar) EndOfWorkingDay(t time.Time) time.Time {
	i, _ := split(t)
	if i >= 0 && i < numDays && c.days[i].working {
		return c.dayEnd(i)
	}
	return c.dayEnd(c.clampDay(c.nextWorking(i)))
}

// NextWorkingDay returns midnight at the start of the first working day after
// the date of t (clamped to the last working day of 2100).
func (c *Calendar) NextWorkingDay(t time.Time) time.Time {
	i, _ := split(t)
	return instant(c.clampDay(c.nextWorking(i)), 0)
}

// clampDay maps "no working day" (-1) to the last working day.
func (c *Calendar) clampDay(i int) int {
	if i < 0 {
		return int(c.work[len(c.work)-1])
	}
	return i
}

// Due returns the due instant of a legal duration d counted from the acceptance instant (DESIGN §4).
func (c *Calendar) Due(acceptedAt time.Time, d Duration) (time.Time, error) {
	if err := d.Validate(); err != nil {
		return time.Time{}, err
	}
	i, off := split(acceptedAt)
	if i < 0 || i >= numDays {
		return time.Time{}, ErrOutOfRange
	}
	switch d.Unit {
	case WorkingDays:
		// The acceptance day is never counted (Civil Code art. 147).
		k := int(c.cum[i+1]) + d.Value - 1
		if k >= len(c.work) {
			return time.Time{}, ErrOutOfRange
		}
		return c.dayEnd(int(c.work[k])), nil
	case SameDay:
		cutoff := c.cutoff
		if d.Cutoff > 0 {
			cutoff = int64(d.Cutoff) * int64(time.Minute)
		}
		if c.days[i].working && off < cutoff {
			return c.dayEnd(i), nil
		}
		return c.dueDay(c.nextWorking(i))
	case WorkingHours:
		p := c.pos(i, off) + int64(d.Value)*int64(time.Hour)
		if p > c.total() {
			return time.Time{}, ErrOutOfRange
		}
		return c.endAt(p), nil
	case CalendarDays:
		j := i + d.Value
		if j < numDays && c.days[j].working {
			return c.dayEnd(j), nil
		}
		return c.dueDay(c.nextWorking(j))
	}
	return time.Time{}, apperr.Newf(apperr.Invalid, "đơn vị thời hạn không hợp lệ: %q", d.Unit)
}

// dueDay returns the end of office hours on day i, or ErrOutOfRange for -1.
func (c *Calendar) dueDay(i int) (time.Time, error) {
	if i < 0 {
		return time.Time{}, ErrOutOfRange
	}
	return c.dayEnd(i), nil
}
