package procedure

import (
	"fmt"
	"math"

	"dunghan/internal/auth"
	"dunghan/internal/calendar"
)

// DefaultMinutesPerDay is the length of a working day under the default office
// hours of DESIGN §4 (07:30–11:30 and 13:00–17:00). Every function of this
// package that takes minutesPerDay uses it when given a value below 1.
const DefaultMinutesPerDay = 480

// Upper bounds of a legal duration, per unit. Nothing in the catalogue comes
// near them; a larger value is a typing error.
const (
	MaxWorkingDays  = 365
	MaxWorkingHours = 2920 // 365 days of 8 hours
	MaxCalendarDays = 730
)

// Budgets of the default plan, in working minutes.
const (
	defaultReception    = 4 * 60
	defaultDivisionHead = 4 * 60
	defaultLeadership   = 4 * 60
	defaultClerk        = 2 * 60
	defaultFixed        = defaultReception + defaultDivisionHead + defaultLeadership + defaultClerk // 14 h
	minSpecialist       = 8 * 60                                                                    // the specialist gets at least 8 h
)

func dayMinutes(minutesPerDay int) int {
	if minutesPerDay < 1 {
		return DefaultMinutesPerDay
	}
	return minutesPerDay
}

// ValidateLegal reports whether d is a legal duration the system accepts: a
// known unit, 0 for the same day and only for it, and no more than the
// per-unit maximum (MaxWorkingDays, MaxWorkingHours, MaxCalendarDays).
func ValidateLegal(d calendar.Duration) error {
	lo, hi, ok := legalRange(d.Unit)
	if !ok {
		return fmt.Errorf("unknown duration unit %q", string(d.Unit))
	}
	if d.Value < lo || d.Value > hi {
		return fmt.Errorf("duration value %d must be between %d and %d for unit %q", d.Value, lo, hi, string(d.Unit))
	}
	if d.Cutoff < 0 || d.Cutoff >= 24*60 {
		return fmt.Errorf("same-day cut-off %d must be between 0 and 1439 minutes after midnight", d.Cutoff)
	}
	return nil
}

// legalRange is the accepted range of a legal duration's value for unit u.
func legalRange(u calendar.Unit) (lo, hi int, ok bool) {
	switch u {
	case calendar.WorkingDays:
		return 1, MaxWorkingDays, true
	case calendar.WorkingHours:
		return 1, MaxWorkingHours, true
	case calendar.CalendarDays:
		return 1, MaxCalendarDays, true
	case calendar.SameDay:
		return 0, 0, true
	}
	return 0, 0, false
}

// Capacity is the number of working minutes that the legal duration allows
// the internal steps:
//
//   - N working days: N × minutesPerDay;
//   - N working hours: N × 60;
//   - the same day: one working day (minutesPerDay);
//   - N calendar days: ⌊N × 5/7⌋ working days × minutesPerDay.
//
// For calendar days the figure is an estimate of the working days in N
// calendar days (five in every seven, rounded down). It ignores holidays and
// where the weekend falls, so a real period can hold fewer working days; it is
// used only to check and size step plans, never to compute a deadline (the
// calendar package does that). A negative value or an unknown unit has no
// capacity (0). The result saturates at math.MaxInt instead of overflowing.
func Capacity(legal calendar.Duration, minutesPerDay int) int {
	m := dayMinutes(minutesPerDay)
	if legal.Value < 0 {
		return 0
	}
	switch legal.Unit {
	case calendar.WorkingDays:
		return mulSat(legal.Value, m)
	case calendar.WorkingHours:
		return mulSat(legal.Value, 60)
	case calendar.SameDay:
		return m
	case calendar.CalendarDays:
		days := legal.Value/7*5 + legal.Value%7*5/7 // ⌊N×5/7⌋ without overflow
		return mulSat(days, m)
	}
	return 0
}

// mulSat multiplies two non-negative ints, saturating at math.MaxInt.
func mulSat(a, b int) int {
	if a != 0 && b > math.MaxInt/a {
		return math.MaxInt
	}
	return a * b
}

// DefaultPlan is the internal plan given to a procedure that has no published
// one: Reception 4 h, Specialist the rest, DivisionHead 4 h, Leadership 4 h and
// Clerk 2 h, in that order, sized to Capacity(*legal, minutesPerDay).
//
// When the capacity leaves the specialist less than one working day (8 h),
// all five budgets are scaled to the capacity with the weights 4:8:4:4:2, in
// whole minutes; the specialist takes the rounding remainder, so the budgets
// add up to the capacity exactly. With no legal duration (legal == nil) every
// budget is 0 (untimed). The steps carry no Actor. The caller marks the
// version StepsGenerated (EnsurePlan does).
func DefaultPlan(legal *calendar.Duration, minutesPerDay int) []Step {
	plan := []Step{
		{Role: auth.Reception},
		{Role: auth.Specialist},
		{Role: auth.DivisionHead},
		{Role: auth.Leadership},
		{Role: auth.Clerk},
	}
	if legal == nil {
		return plan
	}
	c := Capacity(*legal, minutesPerDay)
	if c-defaultFixed >= minSpecialist {
		plan[0].Budget = defaultReception
		plan[1].Budget = c - defaultFixed
		plan[2].Budget = defaultDivisionHead
		plan[3].Budget = defaultLeadership
		plan[4].Budget = defaultClerk
		return plan
	}
	// c < 22 h here, so c×4 cannot overflow.
	quarter := c * 4 / 22
	clerk := c * 2 / 22
	plan[0].Budget = quarter
	plan[2].Budget = quarter
	plan[3].Budget = quarter
	plan[4].Budget = clerk
	plan[1].Budget = c - 3*quarter - clerk
	return plan
}

// EnsurePlan gives v the default plan when it has no steps, and marks it
// StepsGenerated. It reports whether it did so; a published plan is left as it is.
func (v *Version) EnsurePlan(minutesPerDay int) bool {
	if len(v.Steps) > 0 {
		return false
	}
	v.Steps = DefaultPlan(v.Legal, minutesPerDay)
	v.StepsGenerated = true
	return true
}

// PlanMinutes is the sum of the step budgets, external steps included. It
// saturates at math.MaxInt; negative budgets count as they are.
func (v Version) PlanMinutes() int {
	sum := 0
	for _, s := range v.Steps {
		if s.Budget > 0 && sum > math.MaxInt-s.Budget {
			return math.MaxInt
		}
		sum += s.Budget
	}
	return sum
}

// CheckPlan reports whether v's step plan is consistent: every step has a
// budget ≥ 0; an internal step has a working role (not Admin) and an external
// one has none; and, when v has a legal duration, the legal duration is valid
// and the budgets (external steps included) add up to no more than its
// Capacity. Without a legal duration any plan with valid steps passes.
func (v Version) CheckPlan(minutesPerDay int) error {
	for i, s := range v.Steps {
		if s.Budget < 0 {
			return fmt.Errorf("procedure %q: step %d (%s) has a negative budget %d", v.Name, i+1, stepWho(s), s.Budget)
		}
		switch {
		case s.External && s.Role != "":
			return fmt.Errorf("procedure %q: step %d is external but has the role %q", v.Name, i+1, string(s.Role))
		case !s.External && (!s.Role.Valid() || s.Role == auth.Admin):
			return fmt.Errorf("procedure %q: step %d has no valid role (%q)", v.Name, i+1, string(s.Role))
		}
	}
	if v.Legal == nil {
		return nil
	}
	if err := ValidateLegal(*v.Legal); err != nil {
		return fmt.Errorf("procedure %q: %v", v.Name, err)
	}
	need := v.PlanMinutes()
	allow := Capacity(*v.Legal, minutesPerDay)
	if need > allow {
		return fmt.Errorf("procedure %q: the step plan needs %d working minutes (%s) but the legal duration %s allows %d",
			v.Name, need, hoursMinutes(need), legalEnglish(*v.Legal), allow)
	}
	return nil
}

func stepWho(s Step) string {
	if s.External {
		if s.Actor != "" {
			return "external: " + s.Actor
		}
		return "external"
	}
	return string(s.Role)
}

// hoursMinutes writes working minutes as "86h40" or "80h".
func hoursMinutes(m int) string {
	if m%60 == 0 {
		return fmt.Sprintf("%dh", m/60)
	}
	return fmt.Sprintf("%dh%02d", m/60, m%60)
}

// legalEnglish describes a legal duration in English for error messages.
func legalEnglish(d calendar.Duration) string {
	switch d.Unit {
	case calendar.WorkingDays:
		return plural(d.Value, "working day")
	case calendar.WorkingHours:
		return plural(d.Value, "working hour")
	case calendar.CalendarDays:
		return plural(d.Value, "calendar day")
	case calendar.SameDay:
		return "same day"
	}
	return fmt.Sprintf("%d %s", d.Value, string(d.Unit))
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
