package calendar

import (
	"strconv"
	"strings"
	"time"

	"dunghan/internal/apperr"
)

// Zone is Vietnam's time zone: UTC+7 with no daylight saving since 1975.
// All calendar arithmetic happens in it.
var Zone = time.FixedZone("ICT", 7*3600)

// The calendar covers the solar years MinYear..MaxYear.
const (
	MinYear = 1900
	MaxYear = 2100
)

// ErrOutOfRange is returned when a date or a result falls outside MinYear..MaxYear.
var ErrOutOfRange = apperr.New(apperr.Invalid, "ngày nằm ngoài phạm vi lịch hỗ trợ (1900–2100)")

const (
	secPerDay = 86400
	zoneSec   = 7 * 3600
	// epochUnix is the Unix time of 1900-01-01T00:00:00Z; day index 0 is that date.
	epochUnix = -2208988800
)

// numDays is the number of days from 1900-01-01 to 2100-12-31 inclusive.
var numDays = Date{MaxYear + 1, time.January, 1}.index()

// Date is a civil date in Vietnam.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of t in Vietnam.
func DateOf(t time.Time) Date {
	y, m, d := t.In(Zone).Date()
	return Date{y, m, d}
}

// Time returns midnight at the start of d in Vietnam.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, Zone) }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.Time().Weekday() }

// String formats d as YYYY-MM-DD.
func (d Date) String() string { return d.Time().Format(time.DateOnly) }

// MarshalText formats d as YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses d with ParseDate.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err == nil {
		*d = v
	}
	return err
}

// index is the number of days from 1900-01-01 to d (negative before it).
func (d Date) index() int {
	return int(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Unix()-epochUnix) / secPerDay
}

// valid reports whether d exists and lies within MinYear..MaxYear.
func (d Date) valid() bool {
	return d.Year >= MinYear && d.Year <= MaxYear && DateOf(d.Time()) == d
}

// dateAt is the inverse of index.
func dateAt(i int) Date {
	y, m, d := time.Unix(epochUnix+int64(i)*secPerDay, 0).UTC().Date()
	return Date{y, m, d}
}

// split returns the day index of t in Vietnam and the nanoseconds since that midnight.
func split(t time.Time) (day int, off int64) {
	s := t.Unix() + zoneSec - epochUnix
	day = int(s / secPerDay)
	rem := s % secPerDay
	if rem < 0 {
		day--
		rem += secPerDay
	}
	return day, rem*int64(time.Second) + int64(t.Nanosecond())
}

// instant is the inverse of split.
func instant(day int, off int64) time.Time {
	s := epochUnix + int64(day)*secPerDay - zoneSec
	return time.Unix(s+off/int64(time.Second), off%int64(time.Second)).In(Zone)
}

// ParseDate parses a date written YYYY-MM-DD or D/M/YYYY (day first, as in Vietnam).
func ParseDate(s string) (Date, error) {
	var y, m, d string
	if p := strings.Split(s, "-"); len(p) == 3 && len(p[0]) == 4 && len(p[1]) == 2 && len(p[2]) == 2 {
		y, m, d = p[0], p[1], p[2]
	} else if p := strings.Split(s, "/"); len(p) == 3 && len(p[0]) <= 2 && len(p[1]) <= 2 && len(p[2]) == 4 {
		d, m, y = p[0], p[1], p[2]
	}
	yy, ok1 := atoi(y)
	mm, ok2 := atoi(m)
	dd, ok3 := atoi(d)
	if !ok1 || !ok2 || !ok3 {
		return Date{}, apperr.Newf(apperr.Invalid, "ngày không hợp lệ %q: cần dạng YYYY-MM-DD hoặc DD/MM/YYYY", s)
	}
	if yy < MinYear || yy > MaxYear {
		return Date{}, ErrOutOfRange
	}
	date := Date{yy, time.Month(mm), dd}
	if !date.valid() {
		return Date{}, apperr.Newf(apperr.Invalid, "ngày không tồn tại: %q", s)
	}
	return date, nil
}

// ParseInstant parses an RFC 3339 instant. Without an offset
// (2006-01-02T15:04[:05], or with a space instead of T) it is taken as Vietnam time.
// The result is in Zone.
func ParseInstant(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02T15:04", "2006-01-02 15:04:05.999999999", "2006-01-02 15:04"} {
			if t, err = time.ParseInLocation(layout, s, Zone); err == nil {
				break
			}
		}
	}
	if err != nil {
		return time.Time{}, apperr.Newf(apperr.Invalid, "thời điểm không hợp lệ %q: cần dạng RFC 3339, ví dụ 2025-01-23T10:00:00+07:00", s)
	}
	t = t.In(Zone)
	if t.Year() < MinYear || t.Year() > MaxYear {
		return time.Time{}, ErrOutOfRange
	}
	return t, nil
}

// ParseClock parses a time of day HH:MM into minutes after midnight (0..1439).
func ParseClock(s string) (int, error) {
	h, m, ok := strings.Cut(s, ":")
	hh, ok1 := atoi(h)
	mm, ok2 := atoi(m)
	if !ok || !ok1 || !ok2 || len(m) != 2 || len(h) > 2 || hh > 23 || mm > 59 {
		return 0, apperr.Newf(apperr.Invalid, "giờ không hợp lệ %q: cần dạng HH:MM, ví dụ 15:00", s)
	}
	return hh*60 + mm, nil
}

// atoi parses a short run of ASCII digits (no sign, no spaces).
func atoi(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}
