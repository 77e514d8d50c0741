package lunar

import (
	"errors"
	"strings"
	"testing"
)

// Tết (1/1) dates for Vietnam (UTC+7).
func TestTet(t *testing.T) {
	cases := []struct{ year, m, d int }{
		// Years where Vietnam and China (UTC+8) differ.
		{1968, 1, 29}, // Tết Mậu Thân: new moon 29 Jan 23:29 at UTC+7 (China: 30 Jan)
		{1985, 1, 21}, // China: 20 Feb
		{2007, 2, 17}, // China: 18 Feb
		{2030, 2, 2},  // China: 3 Feb
		{2053, 2, 18}, // China: 19 Feb
		// Years where they agree.
		{1984, 2, 2},
		{1986, 2, 9},
		{2020, 1, 25},
		{2023, 1, 22},
		{2024, 2, 10},
		{2025, 1, 29},
		{2026, 2, 17},
	}
	for _, c := range cases {
		y, m, d, err := ToSolar(Date{Year: c.year, Month: 1, Day: 1})
		if err != nil || y != c.year || m != c.m || d != c.d {
			t.Errorf("Tết %d = %d-%02d-%02d (%v), want %d-%02d-%02d", c.year, y, m, d, err, c.year, c.m, c.d)
		}
		got, err := FromSolar(c.year, c.m, c.d)
		if want := (Date{Year: c.year, Month: 1, Day: 1}); err != nil || got != want {
			t.Errorf("FromSolar(%d-%02d-%02d) = %v (%v), want %v", c.year, c.m, c.d, got, err, want)
		}
	}
}

func TestKnownDates(t *testing.T) {
	cases := []struct {
		lunar   Date
		y, m, d int
	}{
		{Date{Year: 2025, Month: 1, Day: 1}, 2025, 1, 29},
		{Date{Year: 2024, Month: 3, Day: 10}, 2024, 4, 18},            // Giỗ Tổ Hùng Vương 2024
		{Date{Year: 2025, Month: 3, Day: 10}, 2025, 4, 7},             // Giỗ Tổ 2025
		{Date{Year: 2026, Month: 3, Day: 10}, 2026, 4, 26},            // Giỗ Tổ 2026 (a Sunday)
		{Date{Year: 2025, Month: 6, Day: 1, Leap: true}, 2025, 7, 25}, // first day of leap month 6
		{Date{Year: 2025, Month: 7, Day: 1}, 2025, 8, 23},             // month after it
		{Date{Year: 2020, Month: 4, Day: 1, Leap: true}, 2020, 5, 23}, // leap 4 of 2020
		{Date{Year: 2023, Month: 2, Day: 1, Leap: true}, 2023, 3, 22}, // leap 2 of 2023
	}
	for _, c := range cases {
		y, m, d, err := ToSolar(c.lunar)
		if err != nil || y != c.y || m != c.m || d != c.d {
			t.Errorf("ToSolar(%v) = %d-%02d-%02d (%v), want %d-%02d-%02d", c.lunar, y, m, d, err, c.y, c.m, c.d)
		}
		got, err := FromSolar(c.y, c.m, c.d)
		if err != nil || got != c.lunar {
			t.Errorf("FromSolar(%d-%02d-%02d) = %v (%v), want %v", c.y, c.m, c.d, got, err, c.lunar)
		}
	}
}

func TestLeapMonth(t *testing.T) {
	cases := []struct{ year, leap int }{
		{2012, 4},
		{2014, 9},
		{2017, 6},
		{2020, 4},
		{2023, 2},
		{2025, 6},
		{2028, 5},
		{2033, 11}, // the "2033 problem": leap 11, not leap 7
		// 1984 has no leap month in Vietnam: Tết 1984 (2 Feb 1984) and
		// Tết 1985 (21 Jan 1985) are 12 lunations apart, while 1985 runs
		// 13 lunations to Tết 1986 (9 Feb 1986). China's 1984 leap 10
		// becomes Vietnam's 1985 leap 2: the solstice of 21 Dec 1984
		// fell at 23:23 UTC+7 but 00:23 UTC+8 on the new-moon day.
		{1984, 0},
		{1985, 2},
		{2024, 0},
		{2026, 0},
	}
	for _, c := range cases {
		if got := LeapMonth(c.year); got != c.leap {
			t.Errorf("LeapMonth(%d) = %d, want %d", c.year, got, c.leap)
		}
	}
	for _, y := range []int{-1, 0, 1899, 2101, 1 << 40} {
		if got := LeapMonth(y); got != 0 {
			t.Errorf("LeapMonth(%d) = %d, want 0 outside 1900..2100", y, got)
		}
	}
}

func TestMonthLength(t *testing.T) {
	if n, err := MonthLength(2025, 6, true); err != nil || n != 29 {
		t.Errorf("MonthLength(2025, 6, leap) = %d, %v; want 29", n, err)
	}
	errCases := []struct {
		year, month int
		leap        bool
		want        error
	}{
		{2025, 0, false, ErrNoSuchDate},
		{2025, 13, false, ErrNoSuchDate},
		{2024, 6, true, ErrNoSuchDate},
		{1800, 1, false, ErrOutOfRange},
		{1899, 1, false, ErrOutOfRange}, // wholly before 1900-01-01
		{2101, 12, false, ErrOutOfRange},
		{3000, 1, false, ErrOutOfRange},
	}
	for _, c := range errCases {
		if _, err := MonthLength(c.year, c.month, c.leap); !errors.Is(err, c.want) {
			t.Errorf("MonthLength(%d, %d, %v) error = %v, want %v", c.year, c.month, c.leap, err, c.want)
		}
	}
	// The lunar month containing 1900-01-01 starts in 1899 but is supported.
	first, err := FromSolar(1900, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := MonthLength(first.Year, first.Month, first.Leap); err != nil {
		t.Errorf("MonthLength of %v (month of 1900-01-01): %v", first, err)
	}
}

func TestErrors(t *testing.T) {
	solar := []struct {
		y, m, d int
		want    error
	}{
		{2025, 2, 29, ErrNoSuchDate},
		{2025, 2, 31, ErrNoSuchDate},
		{2024, 4, 31, ErrNoSuchDate},
		{2025, 0, 1, ErrNoSuchDate},
		{2025, 13, 1, ErrNoSuchDate},
		{2025, 1, 0, ErrNoSuchDate},
		{2025, 1, -5, ErrNoSuchDate},
		{1899, 12, 31, ErrOutOfRange},
		{2101, 1, 1, ErrOutOfRange},
		{-1 << 62, 1, 1, ErrOutOfRange},
		{1 << 62, 1, 1, ErrOutOfRange},
	}
	for _, c := range solar {
		_, err := FromSolar(c.y, c.m, c.d)
		if !errors.Is(err, c.want) {
			t.Errorf("FromSolar(%d, %d, %d) error = %v, want %v", c.y, c.m, c.d, err, c.want)
		}
	}
	if _, err := FromSolar(2024, 2, 29); err != nil {
		t.Errorf("FromSolar(2024-02-29): %v", err)
	}

	// A 29-day month of 2025, for the "day 30" case.
	short := 0
	for m := 1; m <= 12 && short == 0; m++ {
		if n, _ := MonthLength(2025, m, false); n == 29 {
			short = m
		}
	}
	lunar := []struct {
		d    Date
		want error
	}{
		{Date{Year: 2025, Month: short, Day: 30}, ErrNoSuchDate},
		{Date{Year: 2025, Month: 13, Day: 1}, ErrNoSuchDate},
		{Date{Year: 2025, Month: 0, Day: 1}, ErrNoSuchDate},
		{Date{Year: 2025, Month: 2, Day: 31}, ErrNoSuchDate},
		{Date{Year: 2025, Month: 1, Day: 0}, ErrNoSuchDate},
		{Date{Year: 2024, Month: 6, Day: 1, Leap: true}, ErrNoSuchDate},
		{Date{Year: 2025, Month: 5, Day: 1, Leap: true}, ErrNoSuchDate},
		{Date{Year: 1899, Month: 1, Day: 1}, ErrOutOfRange},
		{Date{Year: 1800, Month: 1, Day: 1}, ErrOutOfRange},
		{Date{Year: 2101, Month: 1, Day: 1}, ErrOutOfRange},
		{Date{Year: 2101, Month: 12, Day: 1}, ErrOutOfRange},
		{Date{Year: -1 << 62, Month: 1, Day: 1}, ErrOutOfRange},
		{Date{}, ErrNoSuchDate},
	}
	for _, c := range lunar {
		_, _, _, err := ToSolar(c.d)
		if !errors.Is(err, c.want) {
			t.Errorf("ToSolar(%v) error = %v, want %v", c.d, err, c.want)
		}
		if err != nil && (strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), c.d.String())) {
			t.Errorf("ToSolar(%v) error %q should be one line naming the input", c.d, err)
		}
	}
}

func TestRangeEnds(t *testing.T) {
	for _, c := range [][3]int{{1900, 1, 1}, {2100, 12, 31}} {
		d, err := FromSolar(c[0], c[1], c[2])
		if err != nil {
			t.Fatalf("FromSolar(%v): %v", c, err)
		}
		y, m, dd, err := ToSolar(d)
		if err != nil || y != c[0] || m != c[1] || dd != c[2] {
			t.Errorf("ToSolar(%v) = %d-%d-%d (%v), want %v", d, y, m, dd, err, c)
		}
		// The neighbouring lunar day is outside the solar range.
		next := d
		if c[0] == 1900 {
			next.Day--
		} else {
			next.Day++
		}
		if _, _, _, err := ToSolar(next); !errors.Is(err, ErrOutOfRange) && !errors.Is(err, ErrNoSuchDate) {
			t.Errorf("ToSolar(%v) error = %v, want out of range", next, err)
		}
	}
}

func TestParseString(t *testing.T) {
	good := []struct {
		in   string
		want Date
		str  string
	}{
		{"10/3/2026", Date{Year: 2026, Month: 3, Day: 10}, "10/3/2026"},
		{"1/6n/2025", Date{Year: 2025, Month: 6, Day: 1, Leap: true}, "1/6n/2025"},
		{" 1/6N/2025\t", Date{Year: 2025, Month: 6, Day: 1, Leap: true}, "1/6n/2025"},
		{"01/01/2025", Date{Year: 2025, Month: 1, Day: 1}, "1/1/2025"},
		{" 1 / 1 / 2025 ", Date{Year: 2025, Month: 1, Day: 1}, "1/1/2025"},
		{"1/11n/2033", Date{Year: 2033, Month: 11, Day: 1, Leap: true}, "1/11n/2033"},
	}
	for _, c := range good {
		d, err := Parse(c.in)
		if err != nil || d != c.want {
			t.Errorf("Parse(%q) = %v, %v; want %v", c.in, d, err, c.want)
			continue
		}
		if s := d.String(); s != c.str {
			t.Errorf("%#v.String() = %q, want %q", d, s, c.str)
		}
	}
	bad := []struct {
		in   string
		want error
	}{
		{"", ErrSyntax},
		{"1/1", ErrSyntax},
		{"1/1/2025/1", ErrSyntax},
		{"a/b/c", ErrSyntax},
		{"-1/1/2025", ErrSyntax},
		{"+1/1/2025", ErrSyntax},
		{"1/n/2025", ErrSyntax},
		{"1/6nn/2025", ErrSyntax},
		{"1/6 n/2025", ErrSyntax},
		{"1/1/2025n", ErrSyntax},
		{"1/1/99999999999999999999", ErrSyntax},
		{"1/13/2025", ErrNoSuchDate},
		{"0/1/2025", ErrNoSuchDate},
		{"31/2/2025", ErrNoSuchDate},
		{"1/3n/2024", ErrNoSuchDate},
		{"1/1/1800", ErrOutOfRange},
		{"1/1/2101", ErrOutOfRange},
	}
	for _, c := range bad {
		d, err := Parse(c.in)
		if !errors.Is(err, c.want) {
			t.Errorf("Parse(%q) = %v, %v; want error %v", c.in, d, err, c.want)
		}
		if err != nil && !strings.Contains(err.Error(), c.in) {
			t.Errorf("Parse(%q) error %q does not name the input", c.in, err)
		}
	}
}

func BenchmarkFromSolar(b *testing.B) {
	b.ReportAllocs()
	getTable()
	n := maxDay - minDay + 1
	dates := make([][3]int, 1024)
	for i := range dates {
		y, m, d := civilFromDays(minDay + (i*7919)%n)
		dates[i] = [3]int{y, m, d}
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		c := dates[i&1023]
		if _, err := FromSolar(c[0], c[1], c[2]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkToSolar(b *testing.B) {
	b.ReportAllocs()
	n := maxDay - minDay + 1
	dates := make([]Date, 1024)
	for i := range dates {
		y, m, d := civilFromDays(minDay + (i*7919)%n)
		var err error
		if dates[i], err = FromSolar(y, m, d); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, _, _, err := ToSolar(dates[i&1023]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildTable measures the one-time cost of the first call.
func BenchmarkBuildTable(b *testing.B) {
	for b.Loop() {
		buildTable(perturbation{})
	}
}
