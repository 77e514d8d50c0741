// Package calendar is the Vietnamese working calendar of an agency and the
// deadline arithmetic on it (DESIGN §4). It is pure: every input is injected.
//
// New classifies every day of 1900–2100 once and keeps, per day, the number
// of working days before it, plus the list of working days. Since every
// working day has the same office hours, any instant maps in O(1) to its
// position on the working-time line (nanoseconds of office hours since
// 1900-01-01), and back: Due, WorkingMinutes and AddWorkingMinutes are O(1).
// The tables take about 1 MB per Calendar and about 1 ms to build.
package calendar

import (
	"maps"
	"slices"
	"time"
)

// ReasonCode classifies why a day is working or not.
type ReasonCode string

// Reason codes.
const (
	ReasonWorking        ReasonCode = "working"         // an ordinary working day
	ReasonWeekend        ReasonCode = "weekend"         // a weekly rest day
	ReasonHoliday        ReasonCode = "holiday"         // a statutory holiday of a year without an announced schedule, or 24/11
	ReasonCompensatory   ReasonCode = "compensatory"    // nghỉ bù for a holiday on a rest day
	ReasonAnnounced      ReasonCode = "announced"       // a day off in the announced schedule
	ReasonMakeUpSaturday ReasonCode = "makeup_saturday" // an announced make-up Saturday (làm bù)
	ReasonOverride       ReasonCode = "override"        // the agency's own day off or working day
	ReasonOutOfRange     ReasonCode = "out_of_range"    // outside 1900–2100
)

// Reason says why a day is working or not.
type Reason struct {
	Code ReasonCode
	Name string // Vietnamese, e.g. "Tết Nguyên đán Bính Ngọ", "Thứ Bảy làm bù"
	// Provisional is true when the year has neither an announced schedule
	// nor an administrator's confirmation.
	Provisional bool
}

// DayInfo is a classified day.
type DayInfo struct {
	Date    Date
	Working bool
	Reason  Reason
}

// Calendar is an immutable, validated working calendar; it is safe for concurrent use.
type Calendar struct {
	spans       []span     // office hours in nanoseconds after midnight
	dayNs       int64      // office hours per working day
	cutoff      int64      // default same-day cut-off, nanoseconds after midnight
	rest        [7]bool    // weekly rest days
	days        []dayEntry // by day index
	cum         []int32    // cum[i]: working days with index < i; len numDays+1
	work        []int32    // indexes of the working days, ascending
	reasons     []Reason
	provisional [MaxYear - MinYear + 1]bool
}

type span struct{ start, end, before int64 } // before: office hours earlier that day

type dayEntry struct {
	working bool
	reason  uint32 // index into Calendar.reasons
}

// New validates cfg and builds its calendar.
func New(cfg Config) (*Calendar, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	c := &Calendar{cutoff: int64(cfg.SameDayCutoff) * int64(time.Minute)}
	for _, s := range cfg.OfficeHours {
		sp := span{int64(s.Start) * int64(time.Minute), int64(s.End) * int64(time.Minute), c.dayNs}
		c.spans = append(c.spans, sp)
		c.dayNs += sp.end - sp.start
	}
	for _, d := range cfg.RestDays {
		c.rest[d] = true
	}
	if err := c.classify(&cfg); err != nil {
		return nil, err
	}
	c.cum = make([]int32, numDays+1)
	for i, d := range c.days {
		c.cum[i+1] = c.cum[i]
		if d.working {
			c.cum[i+1]++
			c.work = append(c.work, int32(i))
		}
	}
	return c, nil
}

// classify fills c.days from cfg, each layer overriding the ones before it.
func (c *Calendar) classify(cfg *Config) error {
	index := map[Reason]uint32{}
	entry := func(working bool, code ReasonCode, name string) dayEntry {
		r := Reason{Code: code, Name: name}
		k, ok := index[r]
		if !ok {
			k = uint32(len(c.reasons))
			index[r] = k
			c.reasons = append(c.reasons, r)
		}
		return dayEntry{working, k}
	}
	set := func(i int, working bool, code ReasonCode, name string) { c.days[i] = entry(working, code, name) }
	var week [7]dayEntry
	for wd := range week {
		if c.rest[wd] {
			week[wd] = entry(false, ReasonWeekend, "Ngày nghỉ hằng tuần ("+WeekdayName(time.Weekday(wd))+")")
		} else {
			week[wd] = entry(true, ReasonWorking, "Ngày làm việc")
		}
	}
	c.days = make([]dayEntry, numDays)
	for i := range c.days {
		c.days[i] = week[weekday(i)]
	}
	years := slices.Sorted(maps.Keys(cfg.Schedules))
	for _, y := range years {
		for _, r := range cfg.Schedules[y].DaysOff {
			for i := max(r.From.index(), 0); i <= min(r.To.index(), numDays-1); i++ {
				set(i, false, ReasonAnnounced, r.Name)
			}
		}
	}
	for y := MinYear; y <= MaxYear; y++ {
		var hs []NamedDate
		if _, ok := cfg.Schedules[y]; !ok {
			c.provisional[y-MinYear] = !slices.Contains(cfg.Confirmed, y)
			var err error
			if hs, err = statutory(y); err != nil {
				return err
			}
		}
		if cfg.CultureDay && y >= cfg.CultureDayFrom {
			hs = append(hs, NamedDate{Date{y, time.November, 24}, nameCultureDay})
		}
		c.addHolidays(hs, set)
	}
	for _, y := range years {
		for _, d := range cfg.Schedules[y].WorkingSaturdays {
			if cfg.MakeUpSaturdaysWork {
				set(d.index(), true, ReasonMakeUpSaturday, "Thứ Bảy làm bù")
			} else {
				set(d.index(), false, ReasonWeekend, "Thứ Bảy làm bù (cơ quan không áp dụng làm bù)")
			}
		}
	}
	for _, d := range cfg.ExtraDaysOff {
		set(d.Date.index(), false, ReasonOverride, nameOr(d.Name, "Ngày nghỉ theo quyết định của cơ quan"))
	}
	for _, d := range cfg.ExtraWorkingDays {
		set(d.Date.index(), true, ReasonOverride, nameOr(d.Name, "Ngày làm việc theo quyết định của cơ quan"))
	}
	return nil
}

// addHolidays marks the holidays hs of one year as days off, except those
// inside an announced range, and gives their compensatory days.
func (c *Calendar) addHolidays(hs []NamedDate, set func(i int, working bool, code ReasonCode, name string)) {
	slices.SortFunc(hs, func(a, b NamedDate) int { return a.Date.index() - b.Date.index() })
	var placed []NamedDate
	for _, h := range hs {
		if i := h.Date.index(); c.reasons[c.days[i].reason].Code != ReasonAnnounced {
			set(i, false, ReasonHoliday, h.Name)
			placed = append(placed, h)
		}
	}
	// Labour Code art. 111(3): a holiday on a rest day gives a day off on the
	// next working day after the holiday block.
	for _, h := range placed {
		i := h.Date.index()
		if !c.rest[weekday(i)] {
			continue
		}
		for i < numDays && !c.days[i].working {
			i++
		}
		if i < numDays {
			set(i, false, ReasonCompensatory, prefixCompensatory+h.Name)
		}
	}
}

func nameOr(name, def string) string {
	if name == "" {
		return def
	}
	return name
}

// weekday returns the day of the week of a day index (1900-01-01 was a Monday).
func weekday(i int) time.Weekday { return time.Weekday((i%7 + 8) % 7) }

// WeekdayName returns the Vietnamese name of a day of the week ("Thứ Hai", "Chủ nhật").
func WeekdayName(d time.Weekday) string {
	return [...]string{"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}[d]
}

// Provisional reports whether year has neither an announced schedule nor an
// administrator's confirmation, so its days off are statutory defaults.
func (c *Calendar) Provisional(year int) bool {
	return year >= MinYear && year <= MaxYear && c.provisional[year-MinYear]
}

// IsWorkingDay classifies the date of t in Vietnam.
func (c *Calendar) IsWorkingDay(t time.Time) (bool, Reason) {
	i, _ := split(t)
	return c.info(i)
}

func (c *Calendar) info(i int) (bool, Reason) {
	if i < 0 || i >= numDays {
		return false, Reason{Code: ReasonOutOfRange, Name: "Ngoài phạm vi lịch (1900–2100)"}
	}
	d := c.days[i]
	r := c.reasons[d.reason]
	r.Provisional = c.Provisional(dateAt(i).Year)
	return d.working, r
}

// Year lists the days of year that break the weekly pattern: every day off
// that is not a rest day and every working rest day (make-up Saturdays).
func (c *Calendar) Year(year int) []DayInfo {
	if year < MinYear || year > MaxYear {
		return nil
	}
	var out []DayInfo
	for i := (Date{year, time.January, 1}).index(); i < (Date{year + 1, time.January, 1}).index(); i++ {
		if working, r := c.info(i); working == c.rest[weekday(i)] {
			out = append(out, DayInfo{dateAt(i), working, r})
		}
	}
	return out
}
