package procedure

import (
	"math"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"dunghan/internal/auth"
	"dunghan/internal/calendar"
)

func dur(v int, u calendar.Unit) *calendar.Duration {
	return &calendar.Duration{Value: v, Unit: u}
}

func TestCapacity(t *testing.T) {
	tests := []struct {
		legal calendar.Duration
		mpd   int
		want  int
	}{
		{*dur(10, calendar.WorkingDays), 480, 4800},
		{*dur(10, calendar.WorkingDays), 420, 4200},
		{*dur(10, calendar.WorkingDays), 0, 4800}, // 0: the default day
		{*dur(80, calendar.WorkingHours), 480, 4800},
		{*dur(80, calendar.WorkingHours), 420, 4800}, // hours do not depend on the day
		{*dur(0, calendar.SameDay), 480, 480},
		{*dur(0, calendar.SameDay), 420, 420},
		{*dur(15, calendar.CalendarDays), 480, 10 * 480}, // ⌊75/7⌋ = 10
		{*dur(7, calendar.CalendarDays), 480, 5 * 480},
		{*dur(1, calendar.CalendarDays), 480, 0},
		{*dur(2, calendar.CalendarDays), 480, 480},
		{*dur(730, calendar.CalendarDays), 480, 521 * 480},
		{*dur(-3, calendar.WorkingDays), 480, 0},
		{calendar.Duration{Value: 3, Unit: "weeks"}, 480, 0},
		{*dur(math.MaxInt, calendar.WorkingDays), 480, math.MaxInt},
		{*dur(math.MaxInt, calendar.CalendarDays), 480, math.MaxInt},
	}
	for _, tc := range tests {
		if got := Capacity(tc.legal, tc.mpd); got != tc.want {
			t.Errorf("Capacity(%+v, %d) = %d, want %d", tc.legal, tc.mpd, got, tc.want)
		}
	}
	// ⌊N×5/7⌋ for every valid N.
	for n := 1; n <= MaxCalendarDays; n++ {
		if got, want := Capacity(*dur(n, calendar.CalendarDays), 1), n*5/7; got != want {
			t.Fatalf("%d calendar days: %d working days, want %d", n, got, want)
		}
	}
}

func budgets(steps []Step) []int {
	out := make([]int, len(steps))
	for i, s := range steps {
		out[i] = s.Budget
	}
	return out
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

var defaultRoles = []auth.Role{auth.Reception, auth.Specialist, auth.DivisionHead, auth.Leadership, auth.Clerk}

func TestDefaultPlan(t *testing.T) {
	tests := []struct {
		name  string
		legal *calendar.Duration
		mpd   int
		want  []int // Reception, Specialist, DivisionHead, Leadership, Clerk
	}{
		{"no legal duration", nil, 480, []int{0, 0, 0, 0, 0}},
		{"5 working days", dur(5, calendar.WorkingDays), 480, []int{240, 1560, 240, 240, 120}},
		{"20 working days", dur(20, calendar.WorkingDays), 480, []int{240, 8760, 240, 240, 120}},
		{"40 working hours", dur(40, calendar.WorkingHours), 480, []int{240, 1560, 240, 240, 120}},
		{"15 calendar days", dur(15, calendar.CalendarDays), 480, []int{240, 3960, 240, 240, 120}},
		{"exactly 22 h: no scaling yet", dur(22, calendar.WorkingHours), 480, []int{240, 480, 240, 240, 120}},
		{"3 days of 440 min = 22 h", dur(3, calendar.WorkingDays), 440, []int{240, 480, 240, 240, 120}},
		// Below 22 h the five budgets are scaled 4:8:4:4:2.
		{"21 h", dur(21, calendar.WorkingHours), 480, []int{229, 459, 229, 229, 114}},
		{"2 working days", dur(2, calendar.WorkingDays), 480, []int{174, 351, 174, 174, 87}},
		{"1 working day", dur(1, calendar.WorkingDays), 480, []int{87, 176, 87, 87, 43}},
		{"same day", dur(0, calendar.SameDay), 480, []int{87, 176, 87, 87, 43}},
		{"same day, 7 h day", dur(0, calendar.SameDay), 420, []int{76, 154, 76, 76, 38}},
		{"1 working hour", dur(1, calendar.WorkingHours), 480, []int{10, 25, 10, 10, 5}},
		{"1 calendar day: no working day", dur(1, calendar.CalendarDays), 480, []int{0, 0, 0, 0, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			plan := DefaultPlan(tc.legal, tc.mpd)
			if got := budgets(plan); !equalInts(got, tc.want) {
				t.Errorf("budgets %v, want %v", got, tc.want)
			}
			for i, s := range plan {
				if s.Role != defaultRoles[i] || s.External || s.Actor != "" {
					t.Errorf("step %d = %+v, want role %s", i+1, s, defaultRoles[i])
				}
			}
			v := Version{Name: tc.name, Legal: tc.legal, Steps: plan}
			if err := v.CheckPlan(tc.mpd); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestDefaultPlanSumsToCapacity(t *testing.T) {
	for _, mpd := range []int{60, 240, 420, 440, 480, 510, 540} {
		for _, u := range []calendar.Unit{calendar.WorkingDays, calendar.WorkingHours, calendar.CalendarDays, calendar.SameDay} {
			lo, hi, _ := legalRange(u)
			for n := lo; n <= hi; n++ {
				legal := dur(n, u)
				c := Capacity(*legal, mpd)
				plan := DefaultPlan(legal, mpd)
				sum := 0
				for _, b := range budgets(plan) {
					if b < 0 {
						t.Fatalf("%d %s, %d min/day: negative budget in %v", n, u, mpd, budgets(plan))
					}
					sum += b
				}
				if sum != c {
					t.Fatalf("%d %s, %d min/day: plan %v sums to %d, capacity %d", n, u, mpd, budgets(plan), sum, c)
				}
			}
		}
	}
}

func TestDefaultPlanProperties(t *testing.T) {
	units := []calendar.Unit{calendar.WorkingDays, calendar.WorkingHours, calendar.CalendarDays, calendar.SameDay}
	rapid.Check(t, func(t *rapid.T) {
		mpd := rapid.IntRange(1, 24*60).Draw(t, "minutesPerDay")
		var legal *calendar.Duration
		if !rapid.Bool().Draw(t, "none") {
			u := rapid.SampledFrom(units).Draw(t, "unit")
			lo, hi, _ := legalRange(u)
			legal = dur(rapid.IntRange(lo, hi).Draw(t, "value"), u)
		}
		plan := DefaultPlan(legal, mpd)
		if len(plan) != len(defaultRoles) {
			t.Fatalf("%d steps", len(plan))
		}
		sum := 0
		for i, s := range plan {
			if s.Role != defaultRoles[i] {
				t.Fatalf("step %d has role %s", i+1, s.Role)
			}
			if s.Budget < 0 {
				t.Fatalf("step %d has budget %d", i+1, s.Budget)
			}
			if legal == nil && s.Budget != 0 {
				t.Fatalf("no legal duration but step %d has budget %d", i+1, s.Budget)
			}
			sum += s.Budget
		}
		if legal != nil {
			if c := Capacity(*legal, mpd); c > 0 && sum != c {
				t.Fatalf("sum %d, capacity %d", sum, c)
			}
		}
		v := Version{Name: "x", Legal: legal, Steps: plan}
		if err := v.CheckPlan(mpd); err != nil {
			t.Fatal(err)
		}
		// Through EnsurePlan too.
		w := Version{Name: "x", Legal: legal}
		if !w.EnsurePlan(mpd) || !w.StepsGenerated || w.CheckPlan(mpd) != nil {
			t.Fatalf("EnsurePlan: %+v", w)
		}
	})
}

func TestEnsurePlan(t *testing.T) {
	v := Version{Name: "x", Legal: dur(5, calendar.WorkingDays)}
	if !v.EnsurePlan(480) {
		t.Fatal("EnsurePlan did nothing on an empty plan")
	}
	if !v.StepsGenerated || len(v.Steps) != 5 || v.PlanMinutes() != 2400 {
		t.Errorf("after EnsurePlan: %+v", v)
	}
	published := []Step{{Role: auth.Specialist, Budget: 60}}
	w := Version{Name: "y", Legal: dur(5, calendar.WorkingDays), Steps: published}
	if w.EnsurePlan(480) || w.StepsGenerated || len(w.Steps) != 1 {
		t.Errorf("EnsurePlan changed a published plan: %+v", w)
	}
}

func TestCheckPlan(t *testing.T) {
	name := "Xét, cấp học bổng chính sách"
	hours := func(role auth.Role, h int) Step { return Step{Role: role, Budget: h * 60} }
	tests := []struct {
		name  string
		legal *calendar.Duration
		steps []Step
		want  string // "" for no error
	}{
		{"fits", dur(10, calendar.WorkingDays), []Step{hours(auth.Specialist, 70), hours(auth.Clerk, 10)}, ""},
		{"over", dur(10, calendar.WorkingDays), []Step{{Role: auth.Specialist, Budget: 5000}, {Role: auth.Clerk, Budget: 200}},
			`procedure "Xét, cấp học bổng chính sách": the step plan needs 5200 working minutes (86h40) but the legal duration 10 working days allows 4800`},
		{"external steps count", dur(2, calendar.WorkingHours), []Step{hours(auth.Reception, 1), {External: true, Actor: "UBND tỉnh", Budget: 61}},
			`procedure "Xét, cấp học bổng chính sách": the step plan needs 121 working minutes (2h01) but the legal duration 2 working hours allows 120`},
		{"same day", dur(0, calendar.SameDay), []Step{hours(auth.Reception, 9)},
			`procedure "Xét, cấp học bổng chính sách": the step plan needs 540 working minutes (9h) but the legal duration same day allows 480`},
		{"one calendar day", dur(1, calendar.CalendarDays), []Step{{Role: auth.Reception, Budget: 1}},
			`procedure "Xét, cấp học bổng chính sách": the step plan needs 1 working minutes (0h01) but the legal duration 1 calendar day allows 0`},
		{"untimed steps fit anything", dur(1, calendar.CalendarDays), []Step{{Role: auth.Reception}, {External: true}}, ""},
		{"no legal duration", nil, []Step{hours(auth.Specialist, 10000)}, ""},
		{"no steps", dur(1, calendar.WorkingDays), nil, ""},
		{"negative budget", dur(10, calendar.WorkingDays), []Step{hours(auth.Reception, 1), {Role: auth.Specialist, Budget: -5}},
			`procedure "Xét, cấp học bổng chính sách": step 2 (specialist) has a negative budget -5`},
		{"negative budget, no legal duration", nil, []Step{{External: true, Actor: "UBND tỉnh", Budget: -1}},
			`procedure "Xét, cấp học bổng chính sách": step 1 (external: UBND tỉnh) has a negative budget -1`},
		{"external with a role", nil, []Step{{External: true, Role: auth.Leadership}},
			`procedure "Xét, cấp học bổng chính sách": step 1 is external but has the role "leadership"`},
		{"internal without a role", nil, []Step{{Budget: 5}},
			`procedure "Xét, cấp học bổng chính sách": step 1 has no valid role ("")`},
		{"admin is not a step role", nil, []Step{{Role: auth.Admin}},
			`procedure "Xét, cấp học bổng chính sách": step 1 has no valid role ("admin")`},
		{"invalid legal duration", dur(0, calendar.WorkingDays), nil,
			`procedure "Xét, cấp học bổng chính sách": duration value 0 must be between 1 and 365 for unit "working_days"`},
		{"unknown unit", dur(3, "weeks"), nil,
			`procedure "Xét, cấp học bổng chính sách": unknown duration unit "weeks"`},
		{"overflowing budgets", dur(10, calendar.WorkingDays), []Step{{Role: auth.Specialist, Budget: math.MaxInt}, {Role: auth.Clerk, Budget: math.MaxInt}},
			"…needs " + itoa(math.MaxInt) + " working minutes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := Version{Name: name, Legal: tc.legal, Steps: tc.steps}
			err := v.CheckPlan(480)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tc.want == "":
			case err == nil:
				t.Errorf("no error, want %s", tc.want)
			case strings.HasPrefix(tc.want, "…"):
				if !strings.Contains(err.Error(), strings.TrimPrefix(tc.want, "…")) {
					t.Errorf("error %q does not contain %q", err, tc.want)
				}
			case err.Error() != tc.want:
				t.Errorf("error\n  %v\nwant\n  %s", err, tc.want)
			}
		})
	}
}

func itoa(n int) string {
	const digits = "0123456789"
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{digits[n%10]}, b...)
	}
	return string(b)
}

func TestValidateLegal(t *testing.T) {
	good := []calendar.Duration{
		*dur(1, calendar.WorkingDays), *dur(365, calendar.WorkingDays),
		*dur(1, calendar.WorkingHours), *dur(2920, calendar.WorkingHours),
		*dur(1, calendar.CalendarDays), *dur(730, calendar.CalendarDays),
		*dur(0, calendar.SameDay), {Unit: calendar.SameDay, Cutoff: 900},
	}
	for _, d := range good {
		if err := ValidateLegal(d); err != nil {
			t.Errorf("%+v: %v", d, err)
		}
	}
	bad := []calendar.Duration{
		*dur(0, calendar.WorkingDays), *dur(366, calendar.WorkingDays),
		*dur(0, calendar.WorkingHours), *dur(2921, calendar.WorkingHours),
		*dur(0, calendar.CalendarDays), *dur(731, calendar.CalendarDays),
		*dur(1, calendar.SameDay), *dur(-1, calendar.SameDay), *dur(5, ""),
		{Unit: calendar.SameDay, Cutoff: -1}, {Unit: calendar.SameDay, Cutoff: 1440},
	}
	for _, d := range bad {
		if err := ValidateLegal(d); err == nil {
			t.Errorf("%+v: no error", d)
		}
	}
}
