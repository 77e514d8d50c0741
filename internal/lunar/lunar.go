// Package lunar converts between the Gregorian calendar and the
// Vietnamese lunisolar calendar (âm lịch) for civil dates in Vietnam
// (UTC+7) from 1900-01-01 to 2100-12-31.
//
// The calendar is computed astronomically (J. Meeus, "Astronomical
// Algorithms"): a month begins on the UTC+7 civil date of a new moon;
// month 11 is the month containing the December solstice; when 13 months
// separate two such months, the first of them after month 11 that
// contains no major solar term (Sun's apparent longitude a multiple of
// 30°) is intercalary and repeats the number of the month before it.
// Because Vietnam reckons dates at UTC+7 rather than China's UTC+8, the
// two calendars differ in some years (e.g. Tết 1985, 2007, 2030, 2053).
//
// All functions are safe for concurrent use; the month table is built
// on first use.
package lunar

import (
	"errors"
	"fmt"
	"strconv"
)

// Sentinel errors; the errors returned by this package wrap one of them
// and can be tested with errors.Is.
var (
	// ErrOutOfRange reports a date outside the supported range: solar
	// dates 1900-01-01..2100-12-31 and the lunar dates equivalent to them.
	ErrOutOfRange = errors.New("outside supported range 1900-01-01..2100-12-31")
	// ErrNoSuchDate reports a date that does not exist in its calendar.
	ErrNoSuchDate = errors.New("no such date")
	// ErrSyntax reports text that Parse cannot read.
	ErrSyntax = errors.New("invalid syntax, want d/m/yyyy or d/mn/yyyy")
)

// Date is a date in the Vietnamese lunar calendar.
type Date struct {
	Year, Month, Day int  // Month 1..12, Day 1..30
	Leap             bool // Leap marks the intercalary month (tháng nhuận)
}

// String formats d as "d/m/yyyy", with "n" after the month of a leap
// month: "1/1/2025", "1/6n/2025". Parse reads it back.
func (d Date) String() string {
	b := make([]byte, 0, 16)
	b = strconv.AppendInt(b, int64(d.Day), 10)
	b = append(b, '/')
	b = strconv.AppendInt(b, int64(d.Month), 10)
	if d.Leap {
		b = append(b, 'n')
	}
	b = append(b, '/')
	b = strconv.AppendInt(b, int64(d.Year), 10)
	return string(b)
}

// FromSolar converts a Gregorian civil date in Vietnam to the lunar
// calendar. Invalid dates (e.g. 2025-02-31) give ErrNoSuchDate; dates
// outside 1900-01-01..2100-12-31 give ErrOutOfRange.
func FromSolar(year, month, day int) (Date, error) {
	if month < 1 || month > 12 || day < 1 || day > daysInSolarMonth(year, month) {
		return Date{}, fmt.Errorf("lunar: solar date %d-%02d-%02d: %w", year, month, day, ErrNoSuchDate)
	}
	if year < minSolarYear || year > maxSolarYear {
		return Date{}, fmt.Errorf("lunar: solar date %d-%02d-%02d: %w", year, month, day, ErrOutOfRange)
	}
	z := daysFromCivil(year, month, day)
	t := getTable()
	i := t.monthOf(z)
	mi := t.months[i]
	return Date{
		Year:  int(mi.year),
		Month: int(mi.num),
		Day:   z - int(t.starts[i]) + 1,
		Leap:  mi.leap,
	}, nil
}

// ToSolar converts a lunar date to the Gregorian civil date in Vietnam.
// Nonexistent lunar dates (month outside 1..12, day 30 of a 29-day
// month, a leap month the year lacks) give ErrNoSuchDate; dates whose
// solar equivalent is outside 1900-01-01..2100-12-31 give ErrOutOfRange.
func ToSolar(d Date) (year, month, day int, err error) {
	z, err := d.dayNumber()
	if err != nil {
		return 0, 0, 0, fmt.Errorf("lunar: %w", err)
	}
	year, month, day = civilFromDays(z)
	return year, month, day, nil
}

// dayNumber validates d and returns its day number since 1970-01-01.
// Errors name d but carry no "lunar:" prefix.
func (d Date) dayNumber() (int, error) {
	if d.Month < 1 || d.Month > 12 {
		return 0, fmt.Errorf("lunar date %v: month must be 1..12: %w", d, ErrNoSuchDate)
	}
	if d.Day < 1 || d.Day > 30 {
		return 0, fmt.Errorf("lunar date %v: day must be 1..30: %w", d, ErrNoSuchDate)
	}
	if d.Year < tableFirstYear || d.Year > tableLastYear {
		return 0, fmt.Errorf("lunar date %v: %w", d, ErrOutOfRange)
	}
	t := getTable()
	i := t.findMonth(d.Year, d.Month, d.Leap)
	if i < 0 {
		return 0, fmt.Errorf("lunar date %v: lunar year %d has no leap month %d: %w", d, d.Year, d.Month, ErrNoSuchDate)
	}
	start, next := int(t.starts[i]), int(t.starts[i+1])
	if d.Day > next-start {
		return 0, fmt.Errorf("lunar date %v: that month has only %d days: %w", d, next-start, ErrNoSuchDate)
	}
	z := start + d.Day - 1
	if z < minDay || z > maxDay {
		return 0, fmt.Errorf("lunar date %v: %w", d, ErrOutOfRange)
	}
	return z, nil
}

// LeapMonth returns the number of the leap month of lunar year `year`
// (the intercalary month repeats that number), or 0 if the year has
// none or is outside 1900..2100.
func LeapMonth(year int) int {
	if year < minSolarYear || year > maxSolarYear {
		return 0
	}
	return int(getTable().leapMonth[year-tableFirstYear])
}

// MonthLength returns the number of days (29 or 30) of lunar month
// `month` of lunar year `year`; leap selects the intercalary month. A
// month that does not exist gives ErrNoSuchDate; one with no day in
// 1900-01-01..2100-12-31 gives ErrOutOfRange.
func MonthLength(year, month int, leap bool) (int, error) {
	name := strconv.Itoa(month)
	if leap {
		name += "n"
	}
	if month < 1 || month > 12 {
		return 0, fmt.Errorf("lunar: month %s/%d: month must be 1..12: %w", name, year, ErrNoSuchDate)
	}
	if year < tableFirstYear || year > tableLastYear {
		return 0, fmt.Errorf("lunar: month %s/%d: %w", name, year, ErrOutOfRange)
	}
	t := getTable()
	i := t.findMonth(year, month, leap)
	if i < 0 {
		return 0, fmt.Errorf("lunar: month %s/%d: lunar year %d has no leap month %d: %w", name, year, year, month, ErrNoSuchDate)
	}
	start, next := int(t.starts[i]), int(t.starts[i+1])
	if next-1 < minDay || start > maxDay {
		return 0, fmt.Errorf("lunar: month %s/%d: %w", name, year, ErrOutOfRange)
	}
	return next - start, nil
}
