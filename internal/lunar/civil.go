package lunar

// Proleptic Gregorian calendar arithmetic on day numbers counted from
// 1970-01-01 (day 0). Both directions work on a calendar whose year
// starts on 1 March, so that the leap day is the last day of the year;
// 400 Gregorian years are exactly 146097 days.

// floorDiv returns ⌊a/b⌋ for b > 0.
func floorDiv(a, b int) int {
	q := a / b
	if a%b < 0 {
		q--
	}
	return q
}

// daysFromCivil returns the day number of a valid Gregorian date.
func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
		m += 12
	}
	// Months are now 3..14 (March..February of the shifted year).
	era := floorDiv(y, 400)
	yoe := y - era*400                     // [0, 399]
	doy := (153*(m-3)+2)/5 + d - 1         // [0, 365]
	doe := yoe*365 + yoe/4 - yoe/100 + doy // [0, 146096]
	return era*146097 + doe - 719468       // 719468 = days from 0000-03-01 to 1970-01-01
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int) (y, m, d int) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097                                  // [0, 146096]
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // [0, 399]
	doy := doe - (365*yoe + yoe/4 - yoe/100)               // [0, 365]
	mp := (5*doy + 2) / 153                                // [0, 11], 0 = March
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	y = yoe + era*400
	if m <= 2 {
		y++
	}
	return y, m, d
}

// isGregorianLeap reports whether y is a Gregorian leap year.
func isGregorianLeap(y int) bool {
	return y%4 == 0 && (y%100 != 0 || y%400 == 0)
}

// daysInSolarMonth returns the number of days of month m (1..12) of year y.
func daysInSolarMonth(y, m int) int {
	switch m {
	case 2:
		if isGregorianLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	default:
		return 31
	}
}
