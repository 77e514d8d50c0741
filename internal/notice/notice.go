// Package notice decides, without I/O, what the deadline watcher says and
// to whom: which rungs of a dossier fire at an instant and the Vietnamese
// text and audience of each, the citizens' status messages, the e-mail
// digest, the webhook payload, and when a message may go out.
package notice

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"dunghan/internal/calendar"
	"dunghan/internal/dossier"
)

// Audience is a set of recipient groups.
type Audience uint8

// Recipient groups. Who they are is resolved against the agency's staff.
const (
	// Holder is the assignee of the current step, or (none assigned) the
	// users with the step's role in the step's unit.
	Holder Audience = 1 << iota
	// DivisionHead is the head of the division holding the dossier.
	DivisionHead
	// Leadership is the agency's leadership.
	Leadership
)

// Has reports whether a includes g.
func (a Audience) Has(g Audience) bool { return a&g != 0 }

// Alert is a rung that fires now.
type Alert struct {
	dossier.RungInfo
	// Merged are earlier rungs of the same family, due too but not fired
	// yet (the watcher was behind): this alert stands for them.
	Merged   []dossier.RungInfo
	Audience Audience
	Title    string
	Body     string
	Deadline time.Time // RungApology: issue the apology by then
}

// Fired tells whether a rung key has been fired (or merged) already.
type Fired func(key string) bool

// all lists every rung of the dossier now, the apology rung included.
func all(s dossier.State, cal *calendar.Calendar, l dossier.Ladder, now time.Time) []dossier.RungInfo {
	rs := l.Rungs(s, cal, now)
	if a, ok := dossier.Apology(s, cal); ok {
		rs = append(rs, a)
	}
	return rs
}

// Plan returns the alerts due at now: the rungs at or before now that have
// not fired. Inside a family only the latest fires; it stands for the
// earlier ones (a dossier never gets "50 %" after "80 %"). It also returns
// the next wake: the earliest rung after now (zero: none).
func Plan(s dossier.State, cal *calendar.Calendar, l dossier.Ladder, fired Fired, now time.Time) ([]Alert, time.Time) {
	byKind := map[dossier.RungKind][]dossier.RungInfo{}
	var next time.Time
	for _, r := range all(s, cal, l, now) {
		switch {
		case r.At.After(now):
			if next.IsZero() || r.At.Before(next) {
				next = r.At
			}
		case !fired(r.Key):
			byKind[r.Kind] = append(byKind[r.Kind], r)
		}
	}
	var out []Alert
	for _, kind := range []dossier.RungKind{dossier.RungStep, dossier.RungDue, dossier.RungOverdue, dossier.RungApology} {
		rs := byKind[kind]
		if len(rs) == 0 {
			continue
		}
		// By instant, then by severity: the latest of the family is last.
		slices.SortFunc(rs, func(a, b dossier.RungInfo) int {
			if c := a.At.Compare(b.At); c != 0 {
				return c
			}
			return (a.Percent - a.DaysBefore) - (b.Percent - b.DaysBefore)
		})
		a := describe(s, cal, rs[len(rs)-1], now)
		a.Merged = rs[:len(rs)-1]
		out = append(out, a)
	}
	slices.SortStableFunc(out, func(a, b Alert) int { return a.At.Compare(b.At) })
	return out, next
}

// Wake is the next instant the watcher must look at the dossier: its
// earliest rung not fired yet, which is in the past when a rung is due but
// has not been swept. False when nothing is left to fire.
func Wake(s dossier.State, cal *calendar.Calendar, l dossier.Ladder, fired Fired, now time.Time) (time.Time, bool) {
	var at time.Time
	for _, r := range all(s, cal, l, now) {
		if fired(r.Key) && !r.At.After(now) {
			continue
		}
		if at.IsZero() || r.At.Before(at) {
			at = r.At
		}
	}
	return at, !at.IsZero()
}

// audience is who a rung goes to: the holder always; the division head from
// the 80 % step rung and from one working day before the legal due; the
// leadership when the dossier is overdue; the apology to the division head
// (asked to act) and the leadership (who sees it).
func audience(r dossier.RungInfo) Audience {
	switch r.Kind {
	case dossier.RungStep:
		if r.Percent >= 80 {
			return Holder | DivisionHead
		}
		return Holder
	case dossier.RungDue:
		if r.DaysBefore <= 1 {
			return Holder | DivisionHead
		}
		return Holder
	case dossier.RungOverdue:
		return Holder | DivisionHead | Leadership
	case dossier.RungApology:
		return DivisionHead | Leadership
	}
	return Holder
}

// describe gives an alert its audience and its text.
func describe(s dossier.State, cal *calendar.Calendar, r dossier.RungInfo, now time.Time) Alert {
	a := Alert{RungInfo: r, Audience: audience(r)}
	code, due := s.Code, When(s.LegalDue)
	step := s.Procedure.Steps[s.Step]
	name := step.Role.Label()
	if step.Actor != "" {
		name = step.Actor
	}
	switch r.Kind {
	case dossier.RungStep:
		stepDue, _ := s.StepDue(cal)
		if r.Percent >= 100 {
			a.Title = fmt.Sprintf("Hồ sơ %s: bước «%s» đã hết thời gian", code, name)
			a.Body = fmt.Sprintf("Hạn của bước: %s. Hạn giải quyết hồ sơ: %s (%s).", When(stepDue), due, Left(cal, now, s.LegalDue))
		} else {
			a.Title = fmt.Sprintf("Hồ sơ %s: bước «%s» đã dùng %d%% thời gian", code, name, r.Percent)
			a.Body = fmt.Sprintf("Hạn của bước: %s (%s). Hạn giải quyết hồ sơ: %s.", When(stepDue), Left(cal, now, stepDue), due)
		}
	case dossier.RungDue:
		if r.DaysBefore > 0 {
			a.Title = fmt.Sprintf("Hồ sơ %s còn %d ngày làm việc đến hạn giải quyết", code, r.DaysBefore)
			a.Body = fmt.Sprintf("Hạn giải quyết: %s (%s).", due, Left(cal, now, s.LegalDue))
		} else {
			a.Title = fmt.Sprintf("Hồ sơ %s đến hạn giải quyết", code)
			a.Body = fmt.Sprintf("Hạn giải quyết: %s. Hồ sơ chưa được giải quyết xong; sau thời điểm này hồ sơ bị tính là quá hạn.", due)
		}
	case dossier.RungOverdue:
		a.Title = fmt.Sprintf("Hồ sơ %s đã quá hạn giải quyết", code)
		a.Body = fmt.Sprintf("Hạn giải quyết: %s.", due)
		if late := cal.WorkingMinutes(s.LegalDue, now); late > 0 {
			a.Body = fmt.Sprintf("Đã quá hạn %s làm việc (hạn %s).", WorkTime(cal, late), due)
		}
		a.Body += fmt.Sprintf(" Đang ở bước «%s».", name)
		if s.Rescheduled {
			a.Body += " Đã hẹn lại ngày trả kết quả: " + When(s.Promised) + "."
		}
	case dossier.RungApology:
		a.Deadline = dossier.RescheduleDeadline(s, cal)
		a.Title = fmt.Sprintf("Hồ sơ %s cần xin lỗi và hẹn lại ngày trả kết quả", code)
		need := dossier.RemainingBudget(s, cal, now)
		a.Body = fmt.Sprintf("Hồ sơ không thể giải quyết đúng hạn: hạn giải quyết %s (%s), các bước còn lại cần %s. "+
			"Lãnh đạo phòng cần ban hành văn bản xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04) chậm nhất %s.",
			due, Left(cal, now, s.LegalDue), WorkTime(cal, need), When(a.Deadline))
		if now.After(a.Deadline) {
			a.Body += " Đã quá thời hạn này: vẫn cần gửi văn bản xin lỗi và đánh dấu là thông báo muộn."
		}
	}
	if p := s.Procedure.Name; p != "" {
		a.Body += " Thủ tục: " + p + "."
	}
	return a
}

// Left shows the working time from now to due: "còn 1 ngày 2 giờ làm
// việc", "đã đến hạn" or "đã quá hạn 3 giờ làm việc".
func Left(cal *calendar.Calendar, now, due time.Time) string {
	if m := cal.WorkingMinutes(now, due); m > 0 {
		return "còn " + WorkTime(cal, m) + " làm việc"
	}
	if m := cal.WorkingMinutes(due, now); m > 0 {
		return "đã quá hạn " + WorkTime(cal, m) + " làm việc"
	}
	return "đã đến hạn"
}

// When shows an instant in Vietnam time, e.g. "17:00 10/03/2025".
func When(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(calendar.Zone).Format("15:04 02/01/2006")
}

// WorkTime shows working minutes as working days, hours and minutes, e.g.
// "2 ngày 3 giờ 15 phút".
func WorkTime(cal *calendar.Calendar, minutes int) string {
	if minutes < 0 {
		minutes = -minutes
	}
	day := cal.MinutesPerDay()
	d, h, m := minutes/day, minutes%day/60, minutes%60
	var parts []string
	if d > 0 {
		parts = append(parts, fmt.Sprintf("%d ngày", d))
	}
	if h > 0 {
		parts = append(parts, fmt.Sprintf("%d giờ", h))
	}
	if m > 0 || len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("%d phút", m))
	}
	return strings.Join(parts, " ")
}

// SendAt is when a message made at now may go out: at once if it is urgent
// or now is inside office hours on a working day; otherwise at the next
// opening (no mail at night, at weekends or during Tết).
func SendAt(cal *calendar.Calendar, now time.Time, urgent bool) time.Time {
	if urgent {
		return now
	}
	return later(now, cal.NextOpening(now))
}

// InOfficeHours reports whether t is inside office hours on a working day.
func InOfficeHours(cal *calendar.Calendar, t time.Time) bool { return !cal.NextOpening(t).After(t) }

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
