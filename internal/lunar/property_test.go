package lunar

import (
	"errors"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// nextMonthOK reports whether lunar month b may directly follow month a.
func nextMonthOK(a, b Date) bool {
	if b.Leap {
		return !a.Leap && b.Month == a.Month && b.Year == a.Year
	}
	if a.Month == 12 {
		return b.Month == 1 && b.Year == a.Year+1
	}
	return b.Month == a.Month+1 && b.Year == a.Year
}

// TestEveryDay converts every solar day of the supported range both ways
// and checks that lunar days and months follow each other correctly.
func TestEveryDay(t *testing.T) {
	start := time.Now()
	var prev Date
	days := 0
	for z := minDay; z <= maxDay; z++ {
		y, m, d := civilFromDays(z)
		ld, err := FromSolar(y, m, d)
		if err != nil {
			t.Fatalf("FromSolar(%d-%02d-%02d): %v", y, m, d, err)
		}
		y2, m2, d2, err := ToSolar(ld)
		if err != nil || y2 != y || m2 != m || d2 != d {
			t.Fatalf("ToSolar(FromSolar(%d-%02d-%02d) = %v) = %d-%02d-%02d, %v", y, m, d, ld, y2, m2, d2, err)
		}
		if z > minDay {
			sameMonth := ld.Year == prev.Year && ld.Month == prev.Month && ld.Leap == prev.Leap
			switch {
			case sameMonth && ld.Day == prev.Day+1:
			case ld.Day == 1 && (prev.Day == 29 || prev.Day == 30) && nextMonthOK(prev, ld):
				if n, err := MonthLength(prev.Year, prev.Month, prev.Leap); err != nil || n != prev.Day {
					t.Fatalf("MonthLength(%v) = %d, %v; but it ended on day %d", prev, n, err, prev.Day)
				}
			default:
				t.Fatalf("%d-%02d-%02d is %v, the day before was %v", y, m, d, ld, prev)
			}
		}
		prev = ld
		days++
	}
	t.Logf("%d days round-tripped in %v", days, time.Since(start))
}

// TestYears checks the structure of every lunar year 1900..2100.
func TestYears(t *testing.T) {
	tb := getTable()
	for y := minSolarYear; y <= maxSolarYear; y++ {
		i0, i1 := tb.yearStart[y-tableFirstYear], tb.yearStart[y-tableFirstYear+1]
		n := int(i1 - i0)
		leaps := 0
		for i := i0; i < i1; i++ {
			if tb.months[i].leap {
				leaps++
			}
		}
		days := int(tb.starts[i1] - tb.starts[i0])
		lm := LeapMonth(y)
		switch {
		case n == 12 && leaps == 0 && lm == 0 && days >= 353 && days <= 355:
		case n == 13 && leaps == 1 && lm >= 1 && lm <= 12 && days >= 383 && days <= 385:
		default:
			t.Errorf("lunar year %d: %d months, %d leap, LeapMonth %d, %d days", y, n, leaps, lm, days)
		}
		for m := 1; m <= 12; m++ {
			_, errN := MonthLength(y, m, false)
			_, errL := MonthLength(y, m, true)
			if errN != nil && !(y == maxSolarYear && errors.Is(errN, ErrOutOfRange)) {
				t.Errorf("MonthLength(%d, %d, false): %v", y, m, errN)
			}
			if hasLeap := errL == nil || errors.Is(errL, ErrOutOfRange); hasLeap != (m == lm) {
				t.Errorf("MonthLength(%d, %d, true) = %v, but LeapMonth(%d) = %d", y, m, errL, y, lm)
			}
		}
		// Tết falls between 21 January and 20 February.
		ty, tm, td, err := ToSolar(Date{Year: y, Month: 1, Day: 1})
		if err != nil || ty != y || tm == 1 && td < 21 || tm == 2 && td > 20 || tm > 2 {
			t.Errorf("Tết %d on %d-%02d-%02d (%v)", y, ty, tm, td, err)
		}
	}
}

// TestSolarTermRules checks the month table against solar terms found by
// a separate iterative search: month 11 contains the December solstice,
// every leap month contains no major solar term, and in a leap year every
// month from month 11 up to the leap month does contain one.
func TestSolarTermRules(t *testing.T) {
	tb := getTable()
	monthOfInstant := func(jd float64) int { return tb.monthOf(localDay(jd)) }

	for y := minSolarYear - 1; y <= maxSolarYear; y++ {
		guess := jdOf(time.Date(y, 12, 21, 0, 0, 0, 0, time.UTC))
		i := monthOfInstant(solarTermUT(270, guess))
		if mi := tb.months[i]; mi.num != 11 || mi.leap || int(mi.year) != y {
			t.Errorf("December %d solstice falls in month %+v, want 11 of %d", y, mi, y)
		}
	}

	// Number of major terms per month, over the whole table.
	terms := make([]int, len(tb.months))
	for y := firstSolsticeYear; y <= lastSolsticeYear; y++ {
		for j := 0; j < 12; j++ {
			lon := float64(j * 30)
			// Approximate date of the term: the Sun is at 0° near 20 March.
			guess := jdOf(time.Date(y, 3, 20, 0, 0, 0, 0, time.UTC)) + float64(j)*365.2422/12
			day := localDay(solarTermUT(lon, guess))
			if day >= int(tb.starts[0]) && day < int(tb.starts[len(tb.starts)-1]) {
				terms[tb.monthOf(day)]++
			}
		}
	}
	for y := minSolarYear; y <= maxSolarYear; y++ {
		lm := LeapMonth(y)
		if lm == 0 {
			continue
		}
		li := tb.findMonth(y, lm, true)
		if terms[li] != 0 {
			t.Errorf("leap month %d of %d contains %d major terms", lm, y, terms[li])
		}
		// Walk back to the month 11 that opens this leap span.
		i := li - 1
		for ; tb.months[i].num != 11 || tb.months[i].leap; i-- {
		}
		for ; i < li; i++ {
			if terms[i] == 0 {
				t.Errorf("month %+v has no major term but precedes leap month %d of %d", tb.months[i], lm, y)
			}
		}
	}
}

func TestRapidSolarRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		z := rapid.IntRange(minDay, maxDay).Draw(t, "day")
		y, m, d := civilFromDays(z)
		ld, err := FromSolar(y, m, d)
		if err != nil {
			t.Fatalf("FromSolar(%d-%02d-%02d): %v", y, m, d, err)
		}
		y2, m2, d2, err := ToSolar(ld)
		if err != nil || y2 != y || m2 != m || d2 != d {
			t.Fatalf("round trip %d-%02d-%02d -> %v -> %d-%02d-%02d (%v)", y, m, d, ld, y2, m2, d2, err)
		}
		if p, err := Parse(ld.String()); err != nil || p != ld {
			t.Fatalf("Parse(%q) = %v, %v", ld.String(), p, err)
		}
	})
}

func TestRapidLunarInputs(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := Date{
			Year:  rapid.IntRange(1890, 2110).Draw(t, "year"),
			Month: rapid.IntRange(-1, 14).Draw(t, "month"),
			Day:   rapid.IntRange(-1, 32).Draw(t, "day"),
			Leap:  rapid.Bool().Draw(t, "leap"),
		}
		y, m, dd, err := ToSolar(d)
		if err != nil {
			if !errors.Is(err, ErrNoSuchDate) && !errors.Is(err, ErrOutOfRange) {
				t.Fatalf("ToSolar(%v): unexpected error %v", d, err)
			}
			if d.Month >= 1 && d.Month <= 12 && d.Day >= 1 && d.Day <= 29 && !d.Leap &&
				d.Year > minSolarYear && d.Year < maxSolarYear {
				t.Fatalf("ToSolar(%v) failed: %v", d, err)
			}
			if _, perr := Parse(d.String()); perr == nil {
				t.Fatalf("Parse(%q) accepted a date ToSolar rejects", d.String())
			}
			return
		}
		back, err := FromSolar(y, m, dd)
		if err != nil || back != d {
			t.Fatalf("FromSolar(ToSolar(%v)) = %v, %v", d, back, err)
		}
	})
}

func TestRapidParse(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.StringMatching(`[ 0-9/nN]{0,14}`).Draw(t, "s")
		checkParse(t, s)
	})
}

// checkParse verifies the Parse contract on one input.
func checkParse(t interface{ Fatalf(string, ...any) }, s string) {
	d, err := Parse(s)
	if err != nil {
		if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrNoSuchDate) && !errors.Is(err, ErrOutOfRange) {
			t.Fatalf("Parse(%q): error %v wraps no sentinel", s, err)
		}
		return
	}
	d2, err := Parse(d.String())
	if err != nil || d2 != d {
		t.Fatalf("Parse(%q) = %v, but Parse(%q) = %v, %v", s, d, d.String(), d2, err)
	}
	if _, _, _, err := ToSolar(d); err != nil {
		t.Fatalf("Parse(%q) = %v, which ToSolar rejects: %v", s, d, err)
	}
}
