package forms

import (
	"fmt"
	"time"

	"dunghan/internal/calendar"
)

// Dates and times print in Vietnam time. A zero time prints as "" (the
// texts' blank then stands in).

// date is dd/mm/yyyy.
func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(calendar.Zone).Format("02/01/2006")
}

// clock is "15:04 dd/mm/yyyy", for the register's cells.
func clock(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(calendar.Zone).Format("15:04 02/01/2006")
}

// handover is the official long form of an instant:
// "09 giờ 05 phút, ngày 03 tháng 12 năm 2025".
func handover(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(calendar.Zone)
	return fmt.Sprintf("%02d giờ %02d phút, ngày %02d tháng %02d năm %d", t.Hour(), t.Minute(), t.Day(), int(t.Month()), t.Year())
}

// dateVars are the placeholders of the date line for t.
func dateVars(t time.Time, town string) map[string]string {
	if t.IsZero() {
		return map[string]string{"town": town}
	}
	t = t.In(calendar.Zone)
	return map[string]string{"town": town, "day": fmt.Sprintf("%02d", t.Day()), "month": fmt.Sprintf("%02d", int(t.Month())),
		"year": fmt.Sprint(t.Year())}
}
