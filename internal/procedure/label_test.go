package procedure

import (
	"testing"

	"dunghan/internal/calendar"
)

func TestOnlineLabel(t *testing.T) {
	for u, want := range map[OnlineLevel]string{
		OnlineFull:    "Toàn trình",
		OnlinePartial: "Một phần",
		OnlineNone:    "Trực tiếp",
		"":            "Trực tiếp",
	} {
		if got := u.Label(); got != want {
			t.Errorf("%q.Label() = %q, want %q", u, got, want)
		}
	}
}

func TestDurationLabel(t *testing.T) {
	tests := []struct {
		legal *calendar.Duration
		want  string
	}{
		{nil, "Không quy định"},
		{dur(5, calendar.WorkingDays), "05 ngày làm việc"},
		{dur(110, calendar.WorkingDays), "110 ngày làm việc"},
		{dur(40, calendar.WorkingHours), "40 giờ làm việc"},
		{dur(8, calendar.WorkingHours), "08 giờ làm việc"},
		{dur(15, calendar.CalendarDays), "15 ngày"},
		{dur(0, calendar.SameDay), "Trong ngày"},
	}
	for _, tc := range tests {
		if got := DurationLabel(tc.legal); got != tc.want {
			t.Errorf("DurationLabel(%+v) = %q, want %q", tc.legal, got, tc.want)
		}
	}
}
