package procedure

import (
	"fmt"

	"dunghan/internal/calendar"
)

// Label is the online level's Vietnamese name. An empty level reads as
// OnlineNone (submission in person).
func (u OnlineLevel) Label() string {
	switch u {
	case OnlineFull:
		return "Toàn trình"
	case OnlinePartial:
		return "Một phần"
	case OnlineNone, "":
		return "Trực tiếp"
	}
	return string(u)
}

// DurationLabel writes a legal duration the way Vietnamese procedure sheets
// do: "05 ngày làm việc", "40 giờ làm việc", "15 ngày", "Trong ngày", and
// "Không quy định" when there is none (nil).
func DurationLabel(legal *calendar.Duration) string {
	if legal == nil {
		return "Không quy định"
	}
	switch legal.Unit {
	case calendar.WorkingDays:
		return fmt.Sprintf("%02d ngày làm việc", legal.Value)
	case calendar.WorkingHours:
		return fmt.Sprintf("%02d giờ làm việc", legal.Value)
	case calendar.CalendarDays:
		return fmt.Sprintf("%02d ngày", legal.Value)
	case calendar.SameDay:
		return "Trong ngày"
	}
	return fmt.Sprintf("%d %s", legal.Value, string(legal.Unit))
}
