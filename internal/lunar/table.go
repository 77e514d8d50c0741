package lunar

import (
	"math"
	"sync"
)

// The calendar is precomputed once, lazily, as a table of lunar month
// starts covering whole lunar years tableFirstYear..tableLastYear, which
// include every lunar date whose solar equivalent lies in
// 1900-01-01..2100-12-31. After construction the table is read-only.

const (
	// Solar years whose winter solstices anchor the table: the month
	// containing the solstice of December firstSolsticeYear starts it and
	// the one containing the solstice of December lastSolsticeYear ends it.
	firstSolsticeYear = 1897
	lastSolsticeYear  = 2102

	// Lunar years wholly present in the table.
	tableFirstYear = firstSolsticeYear + 1
	tableLastYear  = lastSolsticeYear - 1

	// Supported solar range.
	minSolarYear = 1900
	maxSolarYear = 2100
)

var (
	minDay = daysFromCivil(minSolarYear, 1, 1)
	maxDay = daysFromCivil(maxSolarYear, 12, 31)
)

// monthInfo names one lunar month.
type monthInfo struct {
	year int16 // lunar year
	num  int8  // month number 1..12
	leap bool  // intercalary month
}

// table is the precomputed calendar.
type table struct {
	// starts[i] is the first day (days since 1970-01-01) of month i;
	// starts[len(months)] is the day after the last month.
	starts []int32
	months []monthInfo
	// yearStart[y-tableFirstYear] is the index in months of month 1 of
	// lunar year y; one extra entry marks the end of tableLastYear.
	yearStart []int32
	// leapMonth[y-tableFirstYear] is the leap month of lunar year y, 0 if none.
	leapMonth []int8
}

var getTable = sync.OnceValue(func() *table { return buildTable(perturbation{}) })

// perturbation shifts the astronomical inputs of buildTable; it is zero
// in production and lets tests measure how sensitive the calendar is to
// ephemeris errors.
type perturbation struct {
	moonDays float64 // added to every new moon instant, in days
	sunDeg   float64 // added to every solar longitude, in degrees
}

// lunationNear returns the lunation number k (k = 0: January 2000) of a
// new moon close to the decimal year y.
func lunationNear(y float64) int {
	return int(math.Floor((y - 2000) * 12.3685))
}

// newMoonDays returns the UTC+7 civil dates (days since 1970-01-01) of
// consecutive new moons from about August of year `from` to about March
// of year `to`+1.
func newMoonDays(from, to int, p perturbation) []int {
	k0 := lunationNear(float64(from) + 0.6)
	k1 := lunationNear(float64(to)+1.2) + 1
	days := make([]int, 0, k1-k0+1)
	for k := k0; k <= k1; k++ {
		days = append(days, localDay(ttToUT(newMoonJDE(k))+p.moonDays))
	}
	return days
}

// containsTerm reports whether the Sun crosses the start of sector j
// (longitude 30·j) in the half-open interval between the local
// midnights with sector indices a and b, where the interval is shorter
// than a year.
func containsTerm(a, b, j int) bool {
	span := (b - a + 12) % 12
	off := (j - a + 12) % 12
	return off > 0 && off <= span
}

func buildTable(p perturbation) *table {
	nm := newMoonDays(firstSolsticeYear, lastSolsticeYear, p)
	// Sun's sector at the start of each month.
	sector := make([]int, len(nm))
	for i, d := range nm {
		sector[i] = termIndex(d, p.sunDeg)
	}

	// Months containing the winter solstice (longitude 270°, sector 9):
	// each is month 11 of the lunar year named by the solstice's year.
	var m11 []int
	for i := 0; i+1 < len(nm); i++ {
		if containsTerm(sector[i], sector[i+1], 9) {
			m11 = append(m11, i)
		}
	}
	if len(m11) != lastSolsticeYear-firstSolsticeYear+1 {
		panic("lunar: internal error: wrong number of winter solstices")
	}

	t := &table{}
	for s := 0; s+1 < len(m11); s++ {
		a, b := m11[s], m11[s+1]
		year := firstSolsticeYear + s // lunar year of month 11 at index a
		leapAt := -1
		if b-a == 13 {
			// Leap year: the first month after month 11 without a major
			// solar term is intercalary (one must exist: 13 months share
			// 12 terms and month 11 has the solstice).
			for i := a + 1; i < b; i++ {
				if sector[i] == sector[i+1] {
					leapAt = i
					break
				}
			}
		} else if b-a != 12 {
			panic("lunar: internal error: solstice months not 12 or 13 apart")
		}
		num := 11
		for i := a; i < b; i++ {
			if i == leapAt {
				t.months = append(t.months, monthInfo{int16(year), int8(num), true})
				continue
			}
			if i != a {
				num++
				if num > 12 {
					num = 1
					year++
				}
			}
			t.months = append(t.months, monthInfo{int16(year), int8(num), false})
			if num == 1 {
				t.yearStart = append(t.yearStart, int32(len(t.months)-1))
			}
		}
	}
	first, last := m11[0], m11[len(m11)-1]
	t.starts = make([]int32, 0, last-first+1)
	for i := first; i <= last; i++ {
		t.starts = append(t.starts, int32(nm[i]))
	}

	// yearStart now holds month 1 of tableFirstYear..tableLastYear+1; the
	// last entry doubles as the end of tableLastYear.
	if len(t.yearStart) != tableLastYear-tableFirstYear+2 {
		panic("lunar: internal error: wrong number of lunar years")
	}
	t.leapMonth = make([]int8, tableLastYear-tableFirstYear+1)
	for y := range t.leapMonth {
		for i := t.yearStart[y]; i < t.yearStart[y+1]; i++ {
			if t.months[i].leap {
				t.leapMonth[y] = t.months[i].num
			}
		}
	}
	return t
}

// findMonth returns the index of lunar month (year, num, leap), or -1 if
// year is in the table but has no such month. year must be in
// tableFirstYear..tableLastYear.
func (t *table) findMonth(year, num int, leap bool) int {
	y := year - tableFirstYear
	for i := t.yearStart[y]; i < t.yearStart[y+1]; i++ {
		mi := t.months[i]
		if int(mi.num) == num && mi.leap == leap {
			return int(i)
		}
	}
	return -1
}

// monthOf returns the index of the month containing day, which must lie
// within the table.
func (t *table) monthOf(day int) int {
	// Binary search for the first start strictly after day, minus one.
	d := int32(day)
	lo, hi := 0, len(t.starts)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if t.starts[mid] > d {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo - 1
}
