package calendar

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestDue(t *testing.T) {
	noMakeUp := DefaultConfig()
	noMakeUp.MakeUpSaturdaysWork = false
	cNoMakeUp := mustNew(t, noMakeUp)
	wd := func(n int) Duration { return Duration{Value: n, Unit: WorkingDays} }
	wh := func(n int) Duration { return Duration{Value: n, Unit: WorkingHours} }
	cd := func(n int) Duration { return Duration{Value: n, Unit: CalendarDays} }
	same := Duration{Unit: SameDay}
	for _, tc := range []struct {
		name string
		c    *Calendar
		at   string
		d    Duration
		want string
	}{
		{"across Tết Ất Tỵ", nil, "2025-01-23T10:00:00+07:00", wd(5), "2025-02-06T17:00:00+07:00"},
		{"same instant in UTC", nil, "2025-01-23T03:00:00Z", wd(5), "2025-02-06T17:00:00+07:00"},
		{"Friday 16:59", nil, "2025-03-07T16:59:00+07:00", wd(1), "2025-03-10T17:00:00+07:00"},
		{"before opening, day not counted", nil, "2025-03-05T06:00:00+07:00", wd(1), "2025-03-06T17:00:00+07:00"},
		{"accepted on a Sunday", nil, "2025-03-09T10:00:00+07:00", wd(1), "2025-03-10T17:00:00+07:00"},
		{"accepted during Tết", nil, "2025-01-29T10:00:00+07:00", wd(2), "2025-02-04T17:00:00+07:00"},
		{"across Tết Bính Ngọ", nil, "2026-02-12T10:00:00+07:00", wd(3), "2026-02-24T17:00:00+07:00"},
		{"compensatory Monday 27/4/2026", nil, "2026-04-24T09:00:00+07:00", wd(1), "2026-04-28T17:00:00+07:00"},
		{"Giỗ Tổ then 30/4–3/5", nil, "2026-04-24T09:00:00+07:00", wd(3), "2026-05-04T17:00:00+07:00"},
		{"2024 swap, make-up Saturday", nil, "2024-04-26T10:00:00+07:00", wd(3), "2024-05-04T17:00:00+07:00"},
		{"make-up Saturday counts", nil, "2026-01-09T10:00:00+07:00", wd(1), "2026-01-10T17:00:00+07:00"},
		{"make-up Saturday switched off", cNoMakeUp, "2026-01-09T10:00:00+07:00", wd(1), "2026-01-12T17:00:00+07:00"},
		{"provisional Tết 2027", nil, "2027-02-04T10:00:00+07:00", wd(1), "2027-02-12T17:00:00+07:00"},
		{"same day before cut-off", nil, "2025-04-29T14:59:00+07:00", same, "2025-04-29T17:00:00+07:00"},
		{"same day after cut-off before 30/4", nil, "2025-04-29T15:30:00+07:00", same, "2025-05-05T17:00:00+07:00"},
		{"same day at the cut-off", nil, "2025-04-29T15:00:00+07:00", same, "2025-05-05T17:00:00+07:00"},
		{"same day, procedure cut-off 16:00", nil, "2025-04-29T15:30:00+07:00", Duration{Unit: SameDay, Cutoff: 16 * 60}, "2025-04-29T17:00:00+07:00"},
		{"same day on a Saturday morning", nil, "2025-03-08T08:00:00+07:00", same, "2025-03-10T17:00:00+07:00"},
		{"hours across lunch", nil, "2025-03-05T10:30:00+07:00", wh(2), "2025-03-05T14:00:00+07:00"},
		{"hours across a weekend", nil, "2025-03-07T16:00:00+07:00", wh(4), "2025-03-10T10:30:00+07:00"},
		{"hours ending at closing", nil, "2025-03-05T13:00:00+07:00", wh(4), "2025-03-05T17:00:00+07:00"},
		{"hours ending at lunch", nil, "2025-03-05T07:30:00+07:00", wh(4), "2025-03-05T11:30:00+07:00"},
		{"hours from lunch break", nil, "2025-03-05T12:00:00+07:00", wh(1), "2025-03-05T14:00:00+07:00"},
		{"hours from a Saturday", nil, "2025-03-08T09:00:00+07:00", wh(1), "2025-03-10T08:30:00+07:00"},
		{"hours from Friday closing", nil, "2025-03-07T17:00:00+07:00", wh(1), "2025-03-10T08:30:00+07:00"},
		{"hours keep seconds", nil, "2025-03-05T10:00:30+07:00", wh(1), "2025-03-05T11:00:30+07:00"},
		{"calendar days ending on a Sunday", nil, "2025-03-05T10:00:00+07:00", cd(4), "2025-03-10T17:00:00+07:00"},
		{"calendar days ending on a Friday", nil, "2025-03-05T10:00:00+07:00", cd(2), "2025-03-07T17:00:00+07:00"},
		{"calendar days ending in Tết", nil, "2026-02-10T10:00:00+07:00", cd(5), "2026-02-23T17:00:00+07:00"},
		{"zero calendar days on a Sunday", nil, "2025-03-09T10:00:00+07:00", cd(0), "2025-03-10T17:00:00+07:00"},
	} {
		c := tc.c
		if c == nil {
			c = def(t)
		}
		got, err := c.Due(at(t, tc.at), tc.d)
		if err != nil || got.Format(time.RFC3339) != tc.want {
			t.Errorf("%s: Due(%s, %v) = %s, %v; want %s", tc.name, tc.at, tc.d, got.Format(time.RFC3339), err, tc.want)
		}
	}
}

func TestDueErrors(t *testing.T) {
	c := def(t)
	ok := at(t, "2025-03-05T10:00:00+07:00")
	for _, tc := range []struct {
		at   time.Time
		d    Duration
		want string // a part of the message
	}{
		{ok, Duration{Value: -1, Unit: WorkingDays}, "âm"},
		{ok, Duration{Value: 1, Unit: "weeks"}, "đơn vị"},
		{ok, Duration{Value: 1, Unit: SameDay}, "giá trị 0"},
		{ok, Duration{Value: 0, Unit: WorkingDays}, "same_day"},
		{ok, Duration{Value: 0, Unit: WorkingHours}, "1 giờ"},
		{ok, Duration{Value: MaxValue + 1, Unit: CalendarDays}, "quá lớn"},
		{ok, Duration{Unit: SameDay, Cutoff: -5}, "chốt"},
		{time.Date(1899, 12, 31, 10, 0, 0, 0, Zone), Duration{Value: 1, Unit: WorkingDays}, "phạm vi"},
		{time.Date(2101, 1, 1, 10, 0, 0, 0, Zone), Duration{Value: 1, Unit: WorkingDays}, "phạm vi"},
		{time.Date(2100, 12, 29, 10, 0, 0, 0, Zone), Duration{Value: 5, Unit: WorkingDays}, "phạm vi"},
		{time.Date(2100, 12, 29, 10, 0, 0, 0, Zone), Duration{Value: 40, Unit: WorkingHours}, "phạm vi"},
		{time.Date(2100, 12, 29, 10, 0, 0, 0, Zone), Duration{Value: 5, Unit: CalendarDays}, "phạm vi"},
		{time.Date(2100, 12, 31, 16, 0, 0, 0, Zone), Duration{Unit: SameDay}, "phạm vi"},
	} {
		if got, err := c.Due(tc.at, tc.d); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Due(%s, %+v) = %s, %v; want an error with %q", tc.at, tc.d, got, err, tc.want)
		}
	}
}

func TestHelpers(t *testing.T) {
	c := def(t)
	eq := func(name string, got time.Time, want string) {
		t.Helper()
		if got.Format(time.RFC3339) != want {
			t.Errorf("%s = %s, want %s", name, got.Format(time.RFC3339), want)
		}
	}
	eq("NextOpening(Saturday)", c.NextOpening(at(t, "2025-03-08T09:00:00+07:00")), "2025-03-10T07:30:00+07:00")
	eq("NextOpening(lunch)", c.NextOpening(at(t, "2025-03-05T12:00:00+07:00")), "2025-03-05T13:00:00+07:00")
	eq("NextOpening(inside)", c.NextOpening(at(t, "2025-03-05T10:00:00+07:00")), "2025-03-05T10:00:00+07:00")
	eq("NextOpening(opening)", c.NextOpening(at(t, "2025-03-05T07:30:00+07:00")), "2025-03-05T07:30:00+07:00")
	eq("NextOpening(closing)", c.NextOpening(at(t, "2025-03-07T17:00:00+07:00")), "2025-03-10T07:30:00+07:00")
	eq("EndOfWorkingDay(Wednesday)", c.EndOfWorkingDay(day(t, "2025-03-05")), "2025-03-05T17:00:00+07:00")
	eq("EndOfWorkingDay(Sunday)", c.EndOfWorkingDay(day(t, "2025-03-09")), "2025-03-10T17:00:00+07:00")
	eq("NextWorkingDay(before Tết)", c.NextWorkingDay(day(t, "2026-02-13")), "2026-02-23T00:00:00+07:00")
	eq("NextWorkingDay(Wednesday)", c.NextWorkingDay(at(t, "2025-03-05T18:00:00+07:00")), "2025-03-06T00:00:00+07:00")
	eq("NextWorkingDay(end of range)", c.NextWorkingDay(day(t, "2100-12-31")), "2100-12-31T00:00:00+07:00") // clamped
	eq("add 240 from opening", c.AddWorkingMinutes(at(t, "2025-03-10T07:30:00+07:00"), 240), "2025-03-10T11:30:00+07:00")
	eq("subtract 120 over a weekend", c.AddWorkingMinutes(at(t, "2025-03-10T08:30:00+07:00"), -120), "2025-03-07T16:00:00+07:00")
	eq("subtract to an opening", c.AddWorkingMinutes(at(t, "2025-03-10T13:00:00+07:00"), -240), "2025-03-10T07:30:00+07:00")
	eq("subtract to after lunch", c.AddWorkingMinutes(at(t, "2025-03-10T14:00:00+07:00"), -60), "2025-03-10T13:00:00+07:00")
	eq("add zero", c.AddWorkingMinutes(at(t, "2025-03-08T09:00:00+07:00"), 0), "2025-03-08T09:00:00+07:00")
	eq("add past the range", c.AddWorkingMinutes(at(t, "2025-03-08T09:00:00+07:00"), 1<<62), "2100-12-31T17:00:00+07:00")
	eq("subtract past the range", c.AddWorkingMinutes(at(t, "2025-03-08T09:00:00+07:00"), -1<<62), "1900-01-02T07:30:00+07:00") // 1/1/1900 is a holiday
	allDay := DefaultConfig()
	allDay.OfficeHours, allDay.RestDays = []Span{{0, 1440}}, nil
	c24 := mustNew(t, allDay)
	eq("add MaxInt, 24 h a day", c24.AddWorkingMinutes(day(t, "2025-03-05"), math.MaxInt), "2101-01-01T00:00:00+07:00")
	eq("add MinInt, 24 h a day", c24.AddWorkingMinutes(day(t, "2025-03-05"), math.MinInt), "1900-01-02T00:00:00+07:00")
	for _, tc := range []struct {
		from, to string
		want     int
	}{
		{"2025-03-07T16:00:00+07:00", "2025-03-10T08:30:00+07:00", 120},
		{"2025-03-10T08:30:00+07:00", "2025-03-07T16:00:00+07:00", 0},
		{"2025-03-05T11:00:00+07:00", "2025-03-05T13:30:00+07:00", 60},
		{"2025-03-05T10:00:00+07:00", "2025-03-05T10:00:59+07:00", 0},
		{"2026-02-13T07:30:00+07:00", "2026-02-23T17:00:00+07:00", 960},
		{"2025-01-01T00:00:00+07:00", "2026-01-01T00:00:00+07:00", 480 * 250}, // 261 weekdays − 12 days off + 1 make-up Saturday
	} {
		if got := c.WorkingMinutes(at(t, tc.from), at(t, tc.to)); got != tc.want {
			t.Errorf("WorkingMinutes(%s, %s) = %d, want %d", tc.from, tc.to, got, tc.want)
		}
	}
	if got := c.WorkingMinutes(time.Date(1800, 1, 1, 0, 0, 0, 0, Zone), at(t, "1900-01-02T17:00:00+07:00")); got != 480 {
		t.Errorf("WorkingMinutes from 1800 = %d, want 480 (clamped)", got)
	}
}
