package calendar

import (
	"fmt"
	"strconv"
	"strings"

	"dunghan/internal/apperr"
)

// Unit is how a legal duration is counted.
type Unit string

// The duration units of DESIGN §4.
const (
	WorkingDays  Unit = "working_days"  // N working days after the acceptance day
	WorkingHours Unit = "working_hours" // N×60 working minutes inside office hours
	CalendarDays Unit = "calendar_days" // N calendar days, rolled to the next working day
	SameDay      Unit = "same_day"      // within the acceptance day, subject to a cut-off
)

// Valid reports whether u is one of the known units.
func (u Unit) Valid() bool {
	switch u {
	case WorkingDays, WorkingHours, CalendarDays, SameDay:
		return true
	}
	return false
}

// Duration is a legal duration (thời hạn giải quyết).
type Duration struct {
	Value int
	Unit  Unit
	// Cutoff is the same-day cut-off as minutes after midnight (default 15:00 = 900).
	// Zero means the calendar's default. Only SameDay uses it.
	Cutoff int
}

// MaxValue bounds Duration.Value (100 000 is far beyond the calendar's range
// in any unit and keeps the arithmetic far from overflow).
const MaxValue = 100_000

// Validate reports why d cannot be used to compute a due instant.
func (d Duration) Validate() error {
	switch {
	case !d.Unit.Valid():
		return apperr.Newf(apperr.Invalid, "đơn vị thời hạn không hợp lệ: %q", d.Unit)
	case d.Value < 0:
		return apperr.New(apperr.Invalid, "thời hạn không được âm")
	case d.Value > MaxValue:
		return apperr.Newf(apperr.Invalid, "thời hạn quá lớn (tối đa %d)", MaxValue)
	case d.Unit == SameDay && d.Value != 0:
		return apperr.New(apperr.Invalid, "thời hạn trong ngày phải có giá trị 0")
	case d.Unit == WorkingDays && d.Value == 0:
		return apperr.New(apperr.Invalid, "thời hạn 0 ngày làm việc: hãy dùng đơn vị trong ngày (same_day, cú pháp 0d)")
	case d.Unit == WorkingHours && d.Value == 0:
		return apperr.New(apperr.Invalid, "thời hạn theo giờ làm việc phải từ 1 giờ trở lên")
	case d.Cutoff < 0 || d.Cutoff >= 24*60:
		return apperr.New(apperr.Invalid, "giờ chốt nhận trong ngày không hợp lệ")
	}
	return nil
}

// String formats d in the syntax of ParseDuration (the cut-off is not shown).
func (d Duration) String() string {
	switch d.Unit {
	case WorkingDays, SameDay:
		return strconv.Itoa(d.Value) + "d"
	case WorkingHours:
		return strconv.Itoa(d.Value) + "h"
	case CalendarDays:
		return strconv.Itoa(d.Value) + "cd"
	}
	return fmt.Sprintf("%d %s", d.Value, d.Unit)
}

// ParseDuration parses the command-line syntax: "Nd" N working days
// ("0d" same day), "Nh" N working hours, "Ncd" N calendar days.
func ParseDuration(s string) (Duration, error) {
	var d Duration
	num, ok := strings.CutSuffix(s, "cd")
	if ok {
		d.Unit = CalendarDays
	} else if num, ok = strings.CutSuffix(s, "d"); ok {
		d.Unit = WorkingDays
	} else if num, ok = strings.CutSuffix(s, "h"); ok {
		d.Unit = WorkingHours
	}
	n, okNum := atoi(num)
	if !ok || !okNum {
		return Duration{}, apperr.Newf(apperr.Invalid, "thời hạn không hợp lệ %q: cần dạng 5d (ngày làm việc), 0d (trong ngày), 8h (giờ làm việc) hoặc 30cd (ngày lịch)", s)
	}
	d.Value = n
	if d.Unit == WorkingDays && n == 0 {
		d.Unit = SameDay
	}
	if err := d.Validate(); err != nil {
		return Duration{}, err
	}
	return d, nil
}
