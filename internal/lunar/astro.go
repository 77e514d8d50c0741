package lunar

import "math"

// Astronomy after J. Meeus, "Astronomical Algorithms" (2nd ed.):
// true new moons from chapter 49 and the Sun's apparent longitude from
// the lower-accuracy method of chapter 25. Instants are Julian Days;
// "JDE" means Terrestrial Time (TT), "JD" means Universal Time (UT).

const (
	// jdUnixEpoch is the Julian Day of 1970-01-01 00:00 UT.
	jdUnixEpoch = 2440587.5
	// jdJ2000 is the Julian Day of 2000-01-01 12:00 TT (epoch J2000.0).
	jdJ2000 = 2451545.0
	// tzOffsetDays is the offset of Vietnam's civil time (UTC+7) in days.
	tzOffsetDays = 7.0 / 24.0
	// secondsPerDay converts ΔT seconds to days.
	secondsPerDay = 86400.0
)

func sinDeg(x float64) float64 { return math.Sin(x * math.Pi / 180) }

// normDeg reduces an angle in degrees to [0, 360).
func normDeg(x float64) float64 {
	x = math.Mod(x, 360)
	if x < 0 {
		x += 360
	}
	if x >= 360 { // x was a tiny negative number
		x = 0
	}
	return x
}

// newMoonJDE returns the instant (JDE, TT) of the true new moon of
// lunation k, where k = 0 is the new moon of 2000-01-06 and k counts
// whole lunations from it (Meeus ch. 49).
func newMoonJDE(k int) float64 {
	kf := float64(k)
	t := kf / 1236.85
	t2 := t * t
	t3 := t2 * t
	t4 := t3 * t

	// Mean phase.
	jde := 2451550.09766 + 29.530588861*kf + 0.00015437*t2 -
		0.000000150*t3 + 0.00000000073*t4

	// Eccentricity of the Earth's orbit (for terms involving M).
	e := 1 - 0.002516*t - 0.0000074*t2
	// Sun's mean anomaly.
	m := 2.5534 + 29.10535670*kf - 0.0000014*t2 - 0.00000011*t3
	// Moon's mean anomaly.
	mp := 201.5643 + 385.81693528*kf + 0.0107582*t2 + 0.00001238*t3 -
		0.000000058*t4
	// Moon's argument of latitude.
	f := 160.7108 + 390.67050284*kf - 0.0016118*t2 - 0.00000227*t3 +
		0.000000011*t4
	// Longitude of the ascending node of the lunar orbit.
	om := 124.7746 - 1.56375588*kf + 0.0020672*t2 + 0.00000215*t3

	// Periodic terms for the new moon.
	corr := -0.40720*sinDeg(mp) +
		0.17241*e*sinDeg(m) +
		0.01608*sinDeg(2*mp) +
		0.01039*sinDeg(2*f) +
		0.00739*e*sinDeg(mp-m) -
		0.00514*e*sinDeg(mp+m) +
		0.00208*e*e*sinDeg(2*m) -
		0.00111*sinDeg(mp-2*f) -
		0.00057*sinDeg(mp+2*f) +
		0.00056*e*sinDeg(2*mp+m) -
		0.00042*sinDeg(3*mp) +
		0.00042*e*sinDeg(m+2*f) +
		0.00038*e*sinDeg(m-2*f) -
		0.00024*e*sinDeg(2*mp-m) -
		0.00017*sinDeg(om) -
		0.00007*sinDeg(mp+2*m) +
		0.00004*sinDeg(2*mp-2*f) +
		0.00004*sinDeg(3*m) +
		0.00003*sinDeg(mp+m-2*f) +
		0.00003*sinDeg(2*mp+2*f) -
		0.00003*sinDeg(mp+m+2*f) +
		0.00003*sinDeg(mp-m+2*f) -
		0.00002*sinDeg(mp-m-2*f) -
		0.00002*sinDeg(3*mp+m) +
		0.00002*sinDeg(4*mp)

	// Additional corrections (planetary arguments A1..A14).
	add := 0.000325*sinDeg(299.77+0.107408*kf-0.009173*t2) +
		0.000165*sinDeg(251.88+0.016321*kf) +
		0.000164*sinDeg(251.83+26.651886*kf) +
		0.000126*sinDeg(349.42+36.412478*kf) +
		0.000110*sinDeg(84.66+18.206239*kf) +
		0.000062*sinDeg(141.74+53.303771*kf) +
		0.000060*sinDeg(207.14+2.453732*kf) +
		0.000056*sinDeg(154.84+7.306860*kf) +
		0.000047*sinDeg(34.52+27.261239*kf) +
		0.000042*sinDeg(207.19+0.121824*kf) +
		0.000040*sinDeg(291.34+1.844379*kf) +
		0.000037*sinDeg(161.72+24.198154*kf) +
		0.000035*sinDeg(239.56+25.513099*kf) +
		0.000023*sinDeg(331.55+3.592518*kf)

	return jde + corr + add
}

// deltaT returns ΔT = TT − UT in seconds for a decimal year, using
// piecewise polynomial fits of the observed (and, after the present,
// extrapolated) values. Valid roughly for 1860–2150; outside 1900–2100
// only the years next to the range are ever asked for.
func deltaT(y float64) float64 {
	switch {
	case y < 1900:
		t := y - 1860
		return 7.62 + 0.5737*t - 0.251754*t*t + 0.01680668*t*t*t -
			0.0004473624*t*t*t*t + t*t*t*t*t/233174
	case y < 1920:
		t := y - 1900
		return -2.79 + 1.494119*t - 0.0598939*t*t + 0.0061966*t*t*t -
			0.000197*t*t*t*t
	case y < 1941:
		t := y - 1920
		return 21.20 + 0.84493*t - 0.076100*t*t + 0.0020936*t*t*t
	case y < 1961:
		t := y - 1950
		return 29.07 + 0.407*t - t*t/233 + t*t*t/2547
	case y < 1986:
		t := y - 1975
		return 45.45 + 1.067*t - t*t/260 - t*t*t/718
	case y < 2005:
		t := y - 2000
		return 63.86 + 0.3345*t - 0.060374*t*t + 0.0017275*t*t*t +
			0.000651814*t*t*t*t + 0.00002373599*t*t*t*t*t
	case y < 2050:
		t := y - 2000
		return 62.92 + 0.32217*t + 0.005589*t*t
	default:
		u := (y - 1820) / 100
		return -20 + 32*u*u - 0.5628*(2150-y)
	}
}

// decimalYear returns the approximate decimal year of a Julian Day.
func decimalYear(jd float64) float64 { return 2000 + (jd-jdJ2000)/365.25 }

// ttToUT converts a JDE (TT) to a JD (UT).
func ttToUT(jde float64) float64 { return jde - deltaT(decimalYear(jde))/secondsPerDay }

// utToTT converts a JD (UT) to a JDE (TT).
func utToTT(jd float64) float64 { return jd + deltaT(decimalYear(jd))/secondsPerDay }

// sunLongitude returns the Sun's apparent geocentric longitude in
// degrees, in [0, 360), for a JDE (TT), referred to the true equinox of
// the date (Meeus ch. 25, lower accuracy, about 0.01°).
func sunLongitude(jde float64) float64 {
	t := (jde - jdJ2000) / 36525
	t2 := t * t
	l0 := 280.46646 + 36000.76983*t + 0.0003032*t2 // geometric mean longitude
	m := 357.52911 + 35999.05029*t - 0.0001537*t2  // mean anomaly
	c := (1.914602-0.004817*t-0.000014*t2)*sinDeg(m) +
		(0.019993-0.000101*t)*sinDeg(2*m) +
		0.000289*sinDeg(3*m) // equation of the centre
	om := 125.04 - 1934.136*t
	// True longitude, corrected for nutation and aberration.
	return normDeg(l0 + c - 0.00569 - 0.00478*sinDeg(om))
}

// localDay returns the civil date at UTC+7 of the instant jd (UT), as a
// day number counted from 1970-01-01.
func localDay(jd float64) int {
	return int(math.Floor(jd + tzOffsetDays - jdUnixEpoch))
}

// localMidnight returns the instant (JD, UT) at which the civil day
// `day` (counted from 1970-01-01) begins at UTC+7.
func localMidnight(day int) float64 {
	return float64(day) + jdUnixEpoch - tzOffsetDays
}

// termIndex returns which 30° sector of ecliptic longitude the Sun is in
// (0..11, sector i starting at longitude 30·i) at the start of the civil
// day `day` at UTC+7; shift (degrees, 0 in production) is added to the
// longitude.
func termIndex(day int, shift float64) int {
	return int(normDeg(sunLongitude(utToTT(localMidnight(day)))+shift) / 30)
}
