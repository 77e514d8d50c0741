package calendar

import (
	"fmt"
	"time"

	"dunghan/internal/apperr"
)

// Span is a run of office hours, [Start, End) in minutes after midnight.
type Span struct{ Start, End int }

// NamedDate is a date with the name shown as its reason.
type NamedDate struct {
	Date Date
	Name string
}

// Config is an agency's working calendar.
type Config struct {
	OfficeHours []Span         // ordered, non-overlapping; default 07:30–11:30, 13:00–17:00
	RestDays    []time.Weekday // weekly rest days; default Saturday and Sunday
	// MakeUpSaturdaysWork makes the announced make-up Saturdays working days
	// (whether they count for TTHC deadlines is unconfirmed, hence the switch).
	MakeUpSaturdaysWork bool
	// CultureDay makes 24/11 (Ngày Văn hóa Việt Nam) a holiday, with the
	// compensatory-day rule, in every year from CultureDayFrom on.
	CultureDay     bool
	CultureDayFrom int
	SameDayCutoff  int // minutes after midnight; default 15:00
	// Schedules are the announced schedules by year (default: Announced()).
	// Setting a year replaces its schedule; such a year is not provisional.
	Schedules map[int]YearSchedule
	// Confirmed lists years whose provisional statutory defaults an
	// administrator has confirmed as they are.
	Confirmed        []int
	ExtraDaysOff     []NamedDate // agency days off; they win over everything but ExtraWorkingDays
	ExtraWorkingDays []NamedDate // agency working days; they win over everything
}

// DefaultConfig returns the calendar of a typical agency.
func DefaultConfig() Config {
	return Config{
		OfficeHours:         []Span{{7*60 + 30, 11*60 + 30}, {13 * 60, 17 * 60}},
		RestDays:            []time.Weekday{time.Saturday, time.Sunday},
		MakeUpSaturdaysWork: true,
		CultureDayFrom:      2026,
		SameDayCutoff:       15 * 60,
		Schedules:           Announced(),
	}
}

func (cfg *Config) validate() error {
	invalid := func(format string, args ...any) error {
		return apperr.Newf(apperr.Invalid, "cấu hình lịch: "+format, args...)
	}
	if len(cfg.OfficeHours) == 0 {
		return invalid("chưa có giờ làm việc")
	}
	prev := 0
	for _, s := range cfg.OfficeHours {
		switch {
		case s.Start < 0 || s.End > 24*60 || s.Start >= s.End:
			return invalid("khoảng giờ làm việc %s–%s không hợp lệ", clock(s.Start), clock(s.End))
		case s.Start < prev:
			return invalid("các khoảng giờ làm việc phải theo thứ tự và không chồng lấn (%s–%s)", clock(s.Start), clock(s.End))
		}
		prev = s.End
	}
	rest := 0
	for _, d := range cfg.RestDays {
		if d < time.Sunday || d > time.Saturday {
			return invalid("ngày nghỉ hằng tuần không hợp lệ: %d", d)
		}
		rest |= 1 << d
	}
	if rest == 1<<7-1 {
		return invalid("không có ngày làm việc nào trong tuần")
	}
	if cfg.SameDayCutoff < 0 || cfg.SameDayCutoff >= 24*60 {
		return invalid("giờ chốt nhận trong ngày không hợp lệ")
	}
	if cfg.CultureDay && (cfg.CultureDayFrom < MinYear || cfg.CultureDayFrom > MaxYear) {
		return invalid("năm bắt đầu Ngày Văn hóa Việt Nam không hợp lệ: %d", cfg.CultureDayFrom)
	}
	for _, y := range cfg.Confirmed {
		if y < MinYear || y > MaxYear {
			return invalid("năm xác nhận %d nằm ngoài phạm vi 1900–2100", y)
		}
	}
	off := map[Date]bool{}
	for _, d := range cfg.ExtraDaysOff {
		if !d.Date.valid() {
			return invalid("ngày nghỉ bổ sung không hợp lệ: %v", d.Date)
		}
		off[d.Date] = true
	}
	for _, d := range cfg.ExtraWorkingDays {
		if !d.Date.valid() {
			return invalid("ngày làm việc bổ sung không hợp lệ: %v", d.Date)
		}
		if off[d.Date] {
			return invalid("ngày %s vừa là ngày nghỉ vừa là ngày làm việc bổ sung", d.Date)
		}
	}
	return validateSchedules(cfg.Schedules)
}

// clock formats minutes after midnight as HH:MM.
func clock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }
