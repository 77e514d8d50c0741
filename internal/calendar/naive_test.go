package calendar

import (
	"testing"
	"time"

	"pgregory.net/rapid"
)

// naive is the obvious reference implementation: it walks day by day or
// minute by minute and asks the calendar only whether a date is a working day.
type naive struct {
	c     *Calendar
	hours []Span
	cut   int // default same-day cut-off, minutes
}

func newNaive(c *Calendar, cfg Config) naive { return naive{c, cfg.OfficeHours, cfg.SameDayCutoff} }

func (n naive) working(t time.Time) bool { w, _ := n.c.IsWorkingDay(t); return w }

func midnight(t time.Time) time.Time {
	t = t.In(Zone)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, Zone)
}

func (n naive) end(date time.Time) time.Time {
	return midnight(date).Add(time.Duration(n.hours[len(n.hours)-1].End) * time.Minute)
}

// inHours reports whether the minute starting at t is working time.
func (n naive) inHours(t time.Time) bool {
	t = t.In(Zone)
	m := t.Hour()*60 + t.Minute()
	for _, s := range n.hours {
		if m >= s.Start && m < s.End {
			return n.working(t)
		}
	}
	return false
}

func (n naive) due(at time.Time, d Duration) time.Time {
	date := midnight(at)
	next := func() {
		for date = date.AddDate(0, 0, 1); !n.working(date); date = date.AddDate(0, 0, 1) {
		}
	}
	switch d.Unit {
	case WorkingDays:
		for range d.Value {
			next()
		}
	case SameDay:
		cut := n.cut
		if d.Cutoff > 0 {
			cut = d.Cutoff
		}
		if !n.working(date) || at.Sub(date) >= time.Duration(cut)*time.Minute {
			next()
		}
	case CalendarDays:
		date = date.AddDate(0, 0, d.Value)
		if !n.working(date) {
			next()
		}
	case WorkingHours:
		return n.add(at, d.Value*60)
	}
	return n.end(date)
}

// add steps minute by minute; t must be on a whole minute.
func (n naive) add(t time.Time, m int) time.Time {
	for ; m > 0; t = t.Add(time.Minute) {
		if n.inHours(t) {
			m--
		}
	}
	for m < 0 {
		if t = t.Add(-time.Minute); n.inHours(t) {
			m++
		}
	}
	return t.In(Zone)
}

// minutes walks day by day and adds the overlap of [from, to) with each span.
func (n naive) minutes(from, to time.Time) int {
	var total time.Duration
	for d := midnight(from); d.Before(to); d = d.AddDate(0, 0, 1) {
		if !n.working(d) {
			continue
		}
		for _, s := range n.hours {
			lo := maxTime(from, d.Add(time.Duration(s.Start)*time.Minute))
			hi := minTime(to, d.Add(time.Duration(s.End)*time.Minute))
			if hi.After(lo) {
				total += hi.Sub(lo)
			}
		}
	}
	return int(total / time.Minute)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// variants are the calendars the properties run on.
var variants = func() []Config {
	odd := DefaultConfig()
	odd.OfficeHours = []Span{{0, 30}, {8 * 60, 12 * 60}, {13*60 + 30, 17*60 + 30}, {23 * 60, 24 * 60}}
	odd.RestDays = []time.Weekday{time.Sunday}
	odd.SameDayCutoff = 11 * 60
	odd.CultureDay = true
	noMakeUp := DefaultConfig()
	noMakeUp.MakeUpSaturdaysWork = false
	noMakeUp.ExtraDaysOff = []NamedDate{{Date{2025, 6, 3}, "Nghỉ"}}
	noMakeUp.ExtraWorkingDays = []NamedDate{{Date{2025, 6, 7}, "Làm"}}
	return []Config{DefaultConfig(), odd, noMakeUp}
}()

type world struct {
	c *Calendar
	n naive
}

func worlds(t *testing.T) []world {
	var ws []world
	for _, cfg := range variants {
		c := mustNew(t, cfg)
		ws = append(ws, world{c, newNaive(c, cfg)})
	}
	return ws
}

const span150 = 150 * 24 * 60 // minutes in 150 days

// spread draws from lo..hi, half the time from its upper half (rapid favours small values).
func spread(lo, hi int) *rapid.Generator[int] {
	return rapid.OneOf(rapid.IntRange(lo, hi), rapid.IntRange(lo+(hi-lo)/2, hi))
}

// instantGen draws a whole minute in 2023–2027.
func instantGen() *rapid.Generator[time.Time] {
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, Zone)
	n := int(time.Date(2028, 1, 1, 0, 0, 0, 0, Zone).Sub(start) / time.Minute)
	return rapid.Custom(func(t *rapid.T) time.Time {
		return start.Add(time.Duration(rapid.IntRange(0, n-1).Draw(t, "minute")) * time.Minute)
	})
}

func durationGen() *rapid.Generator[Duration] {
	return rapid.Custom(func(t *rapid.T) Duration {
		switch rapid.IntRange(0, 3).Draw(t, "unit") {
		case 0:
			return Duration{Value: spread(1, 150).Draw(t, "days"), Unit: WorkingDays}
		case 1:
			return Duration{Unit: SameDay, Cutoff: rapid.SampledFrom([]int{0, 9 * 60, 15 * 60, 16*60 + 30}).Draw(t, "cutoff")}
		case 2:
			return Duration{Value: spread(1, 150*8).Draw(t, "hours"), Unit: WorkingHours}
		}
		return Duration{Value: spread(0, 150).Draw(t, "days"), Unit: CalendarDays}
	})
}

func TestDueMatchesNaive(t *testing.T) {
	ws := worlds(t)
	rapid.Check(t, func(t *rapid.T) {
		w := rapid.SampledFrom(ws).Draw(t, "calendar")
		at, d := instantGen().Draw(t, "at"), durationGen().Draw(t, "d")
		got, err := w.c.Due(at, d)
		if want := w.n.due(at, d); err != nil || !got.Equal(want) {
			t.Fatalf("Due(%s, %v) = %s, %v; naive %s", at, d, got, err, want)
		}
	})
}

func TestWorkingMinutesMatchesNaive(t *testing.T) {
	ws := worlds(t)
	rapid.Check(t, func(t *rapid.T) {
		w := rapid.SampledFrom(ws).Draw(t, "calendar")
		from := instantGen().Draw(t, "from")
		to := from.Add(time.Duration(spread(-60, span150).Draw(t, "length")) * time.Minute)
		got, want := w.c.WorkingMinutes(from, to), 0
		if to.After(from) {
			want = w.n.minutes(from, to)
		}
		if got != want {
			t.Fatalf("WorkingMinutes(%s, %s) = %d, naive %d", from, to, got, want)
		}
	})
}

func TestAddWorkingMinutesMatchesNaive(t *testing.T) {
	ws := worlds(t)
	rapid.Check(t, func(t *rapid.T) {
		w := rapid.SampledFrom(ws).Draw(t, "calendar")
		from := instantGen().Draw(t, "from")
		m := spread(0, 100*480).Draw(t, "minutes")
		if rapid.Bool().Draw(t, "backward") {
			m = -m
		}
		if got, want := w.c.AddWorkingMinutes(from, m), w.n.add(from, m); !got.Equal(want) {
			t.Fatalf("AddWorkingMinutes(%s, %d) = %s, naive %s", from, m, got, want)
		}
	})
}

// TestRoundTrips: with a at a whole minute in [start, end) of a span and u in
// (start, end], adding the working minutes between them to a lands on u, and
// subtracting them from u lands on a.
func TestRoundTrips(t *testing.T) {
	ws := worlds(t)
	rapid.Check(t, func(t *rapid.T) {
		w := rapid.SampledFrom(ws).Draw(t, "calendar")
		a := w.c.NextOpening(instantGen().Draw(t, "a"))
		gap := time.Duration(spread(0, span150).Draw(t, "gap")) * time.Minute
		u := w.c.NextOpening(a.Add(gap)).Add(time.Minute)
		m := w.c.WorkingMinutes(a, u)
		if got := w.c.AddWorkingMinutes(a, m); !got.Equal(u) {
			t.Fatalf("AddWorkingMinutes(%s, %d) = %s, want %s", a, m, got, u)
		}
		if got := w.c.AddWorkingMinutes(u, -m); !got.Equal(a) {
			t.Fatalf("AddWorkingMinutes(%s, -%d) = %s, want %s", u, m, got, a)
		}
	})
}

func TestMonotonic(t *testing.T) {
	ws := worlds(t)
	rapid.Check(t, func(t *rapid.T) {
		w := rapid.SampledFrom(ws).Draw(t, "calendar")
		a := instantGen().Draw(t, "a")
		b := a.Add(time.Duration(spread(0, span150).Draw(t, "gap")) * time.Minute)
		c := b.Add(time.Duration(spread(0, span150).Draw(t, "gap2")) * time.Minute)
		d := durationGen().Draw(t, "d")
		da, _ := w.c.Due(a, d)
		db, _ := w.c.Due(b, d)
		if db.Before(da) {
			t.Fatalf("Due not monotonic: %s → %s, %s → %s", a, da, b, db)
		}
		if ab, bc, ac := w.c.WorkingMinutes(a, b), w.c.WorkingMinutes(b, c), w.c.WorkingMinutes(a, c); ab+bc != ac {
			t.Fatalf("WorkingMinutes not additive: %d + %d vs %d", ab, bc, ac)
		}
		m1 := rapid.IntRange(-10000, 10000).Draw(t, "m1")
		m2 := rapid.IntRange(m1, 10000).Draw(t, "m2")
		if w.c.AddWorkingMinutes(a, m2).Before(w.c.AddWorkingMinutes(a, m1)) {
			t.Fatalf("AddWorkingMinutes not monotonic at %s: %d, %d", a, m1, m2)
		}
	})
}
