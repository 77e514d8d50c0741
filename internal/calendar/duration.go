package calendar

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
