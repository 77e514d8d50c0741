package dossier

import (
	"time"

	"testing"

	"dunghan/internal/apperr"
	"dunghan/internal/calendar"
)

func workingDays(n int) *calendar.Duration {
	return &calendar.Duration{Value: n, Unit: calendar.WorkingDays}
}

// Legal due instants on the announced 2025/2026 calendars (the acceptance
// day is never counted; a period ends at 17:00 of its last working day).
func TestCaseLegalDue(t *testing.T) {
	tests := []struct {
		name     string
		days     int
		accepted string
		due      string
	}{
		// (a) Thursday 23/01/2025; Friday 24/01 is day 1, Tết Ất Tỵ 25/01–02/02, then 03–06/02.
		{"a/Tết Ất Tỵ", 5, "2025-01-23T10:00", "2025-02-06T17:00"},
		{"Giỗ Tổ 07/04/2025", 3, "2025-04-04T10:00", "2025-04-10T17:00"},
		{"make-up Saturday 26/04/2025", 2, "2025-04-25T10:00", "2025-04-28T17:00"},
		{"30/4–4/5/2025", 5, "2025-04-28T10:00", "2025-05-08T17:00"},
		{"Tết Dương lịch 2026", 3, "2025-12-31T10:00", "2026-01-07T17:00"},
		{"make-up Saturday 10/01/2026", 2, "2026-01-08T10:00", "2026-01-10T17:00"},
		{"Tết Bính Ngọ 2026", 5, "2026-02-12T10:00", "2026-02-26T17:00"},
		{"Giỗ Tổ 2026 with nghỉ bù", 1, "2026-04-24T16:00", "2026-04-28T17:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, procRef("p", workingDays(tc.days)))
			h.do(Receive{Channel: InPerson, Applicant: citizen}, reception, instant(t, tc.accepted))
			eqTime(t, h.s.LegalDue, instant(t, tc.due))
			eqTime(t, h.s.Promised, instant(t, tc.due))
		})
	}
}

func instant(t testing.TB, s string) time.Time {
	v, err := calendar.ParseInstant(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// (a) continued: the apology must come by the end of the working day before
// the legal due day, which across Tết is weeks earlier.
func TestCaseRescheduleWindowAcrossTet(t *testing.T) {
	h := newHarness(t, days5)
	h.do(recv, reception, vn(2025, 1, 23, 10, 0))
	h.do(toSpec, reception, vn(2025, 1, 23, 11, 0))
	h.refused(Reschedule{Promised: vn(2025, 2, 10, 17, 0), Reason: "Chờ ý kiến"}, head, vn(2025, 2, 6, 8, 0), apperr.Conflict)
	h.do(Reschedule{Promised: vn(2025, 2, 10, 17, 0), Reason: "Chờ ý kiến"}, head, vn(2025, 2, 5, 17, 0))

	h = newHarness(t, procRef("p3", workingDays(3)))
	h.do(recv, reception, vn(2025, 1, 22, 10, 0)) // due Monday 03/02/2025 17:00
	eqTime(t, h.s.LegalDue, vn(2025, 2, 3, 17, 0))
	msg := h.refused(Reschedule{Promised: vn(2025, 2, 5, 17, 0), Reason: "x"}, leader, vn(2025, 1, 31, 9, 0), apperr.Conflict)
	contains(t, msg, "17:00 ngày 24/01/2025")
}

// (b) A supplement round: the law restarts the clock, the 766 view
// subtracts the waiting time from the original promise.
func TestCaseSupplementRound(t *testing.T) {
	cal := testCal(t)
	h := processing(t) // accepted 03/03/2025 09:00, due 10/03 17:00
	h.do(supp, specialist, vn(2025, 3, 4, 10, 0))

	waiting := Clock(h.s, cal, vn(2025, 3, 6, 10, 0))
	eq(t, waiting.Paused, true)
	eq(t, waiting.PortalCode, 5)
	eq(t, waiting.RemainingMinutes, 330+4*480) // frozen at the request
	eq(t, waiting.ConsumedMinutes, 390+150)    // 03/03 09:00–17:00, 04/03 07:30–10:00
	eq(t, waiting.OnTime766, true)
	if _, ok := NextWake(h.s, cal, vn(2025, 3, 6, 10, 0)); ok {
		t.Error("a paused dossier has no wake-up")
	}
	// Still waiting long after the promise: the 766 view judges it at its request.
	eq(t, OnTime766(h.s, cal, vn(2025, 3, 31, 17, 0)), true)

	h.do(ReceiveSupplement{Documents: missing}, reception, vn(2025, 3, 7, 14, 0))
	eqTime(t, h.s.LegalDue, vn(2025, 3, 14, 17, 0))
	eqTime(t, h.s.Promised, vn(2025, 3, 14, 17, 0))
	eqTime(t, h.s.OriginalLegalDue, vn(2025, 3, 10, 17, 0))
	eqTime(t, h.s.PromisedAtAcceptance, vn(2025, 3, 10, 17, 0))
	eqTime(t, h.s.ClockStart, vn(2025, 3, 7, 14, 0))
	eq(t, len(h.s.Pauses), 1)
	eqTime(t, h.s.Pauses[0].To, vn(2025, 3, 7, 14, 0))

	early := *h
	early.do(approve, leader, vn(2025, 3, 13, 10, 0))
	c := Clock(early.s, cal, vn(2025, 3, 20, 9, 0))
	eq(t, c.Class, Early)
	eq(t, c.PausedMinutes, 330+480+480+300)
	eq(t, c.ConsumedMinutes, 180+3*480+150) // since the restart
	eq(t, c.OnTime766, true)                // 13/03 10:00 less 1590 minutes is 10/03 07:30

	// Finished on the restarted due day: on time for the law, late for 766.
	late := *h
	late.do(approve, leader, vn(2025, 3, 14, 16, 0))
	c = Clock(late.s, cal, vn(2025, 3, 20, 9, 0))
	eq(t, c.Class, OnTime)
	eq(t, c.OnTime766, false) // 14/03 16:00 less 1590 minutes is 11/03 13:00
}

// (c) A pause for fees moves the legal due and the promise by the paused
// working minutes; the clock does not restart.
func TestCasePaymentPause(t *testing.T) {
	cal := testCal(t)
	h := processing(t)
	h.do(RequestPayment{Amount: 150000, Reason: "Lệ phí thẩm định"}, specialist, vn(2025, 3, 5, 10, 0))
	h.do(ConfirmPayment{PaidOnline: true}, reception, vn(2025, 3, 6, 15, 0))
	// 05/03 10:00–17:00 is 330 minutes, 06/03 07:30–15:00 is 360: 690 in all;
	// 10/03 17:00 + 690 = 11/03 17:00 + 210 = 12/03 11:00.
	eqTime(t, h.s.LegalDue, vn(2025, 3, 12, 11, 0))
	eqTime(t, h.s.Promised, vn(2025, 3, 12, 11, 0))
	eqTime(t, h.s.OriginalLegalDue, vn(2025, 3, 10, 17, 0))
	eqTime(t, h.s.ClockStart, vn(2025, 3, 3, 9, 0))
	due, ok := h.s.StepDue(cal) // 03/03 10:00 + 1560 + 690 working minutes
	eq(t, ok, true)
	eqTime(t, due, vn(2025, 3, 7, 17, 0))

	h.do(approve, leader, vn(2025, 3, 12, 10, 30))
	c := Clock(h.s, cal, vn(2025, 3, 12, 10, 30))
	eq(t, c.PausedMinutes, 690)
	eq(t, c.Class, OnTime)
	eq(t, c.RemainingMinutes, 30)
	eq(t, c.OnTime766, true)
}

// (d) A reschedule moves the promise, never the legal due: finishing after
// the legal due is still late, even before the new promise.
func TestCaseRescheduleStillLate(t *testing.T) {
	cal := testCal(t)
	h := processing(t)
	e := h.do(Reschedule{Promised: vn(2025, 3, 14, 17, 0), Reason: "Cần xác minh thực tế tại trường"}, head, vn(2025, 3, 7, 16, 0))
	eq(t, e.LateNotice, false)
	eqTime(t, h.s.Promised, vn(2025, 3, 14, 17, 0))
	eqTime(t, h.s.LegalDue, vn(2025, 3, 10, 17, 0))
	msg := h.refused(Reschedule{Promised: vn(2025, 3, 20, 17, 0), Reason: "Lần nữa"}, leader, vn(2025, 3, 7, 16, 30), apperr.Conflict)
	contains(t, msg, "không quá một lần")

	h.do(approve, leader, vn(2025, 3, 12, 10, 0))
	c := Clock(h.s, cal, vn(2025, 3, 12, 10, 0))
	eq(t, c.Class, Late)
	eq(t, c.Overdue, true)
	eq(t, c.RemainingMinutes, -(480 + 150))
	eq(t, c.OnTime766, false)
}

// (e) A step that overran its budget while the dossier as a whole stayed
// early: the delay is attributed to the step's unit and officer.
func TestCaseStepLateDossierEarly(t *testing.T) {
	h := processing(t) // specialist step from 03/03 10:00, budget 1560: due 06/03 13:30
	due, _ := h.s.StepDue(testCal(t))
	eqTime(t, due, vn(2025, 3, 6, 13, 30))
	h.do(Transfer{ToStep: 2, ToUnit: "phong-trh", ToUser: "u-head"}, specialist, vn(2025, 3, 7, 9, 0))
	h.do(Transfer{ToStep: 3, ToUnit: "ban-gd", ToUser: "u-lead"}, head, vn(2025, 3, 7, 10, 0))
	h.do(approve, leader, vn(2025, 3, 7, 11, 0))

	c := Clock(h.s, testCal(t), vn(2025, 3, 7, 11, 0))
	eq(t, c.Class, Early)
	eq(t, len(c.Steps), 4)
	want := []Classification{OnTime, Late, OnTime, OnTime}
	for i, st := range c.Steps {
		eq(t, st.Class, want[i])
	}
	spec := c.Steps[1]
	eq(t, spec.Unit, "phong-trh")
	eq(t, spec.Assignee, "u-spec")
	eq(t, spec.OverrunMinutes, 210+90)
	eq(t, spec.UsedMinutes, 1560+300)
	eqTime(t, c.Steps[2].Due, vn(2025, 3, 7, 14, 30))
}

// (f) The 15:00 rule for paper dossiers (Decree 61 art. 18(2)).
func TestCaseThreePMRule(t *testing.T) {
	tests := []struct {
		name      string
		channel   Channel
		accepted  string
		at        string
		effective string
	}{
		{"in person after 15:00", InPerson, "2025-03-03T15:30", "2025-03-03T15:45", "2025-03-04T07:30"},
		{"post at 15:00 sharp", Post, "2025-03-03T14:00", "2025-03-03T15:00", "2025-03-04T07:30"},
		{"in person before 15:00", InPerson, "2025-03-03T14:00", "2025-03-03T14:59", "2025-03-03T14:59"},
		{"online after 15:00", Online, "2025-03-03T15:30", "2025-03-03T15:45", "2025-03-03T15:45"},
		{"Friday to the make-up Saturday", InPerson, "2025-04-25T15:50", "2025-04-25T16:00", "2025-04-26T07:30"},
		{"last day of Tết Bính Ngọ", Post, "2026-02-22T09:00", "2026-02-22T10:00", "2026-02-23T07:30"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, days5)
			h.do(Receive{Channel: tc.channel, Applicant: citizen}, reception, instant(t, tc.accepted))
			e := h.do(toSpec, reception, instant(t, tc.at))
			eqTime(t, e.EffectiveAt, instant(t, tc.effective))
			eqTime(t, h.s.StepStart, instant(t, tc.effective))
			eqTime(t, h.s.Visits[0].End, instant(t, tc.at))
		})
	}
	// The deferred step's budget counts from the next opening: 04/03 07:30 + 1560.
	h := newHarness(t, days5)
	h.do(recv, reception, vn(2025, 3, 3, 15, 30))
	h.do(toSpec, reception, vn(2025, 3, 3, 15, 45))
	due, _ := h.s.StepDue(testCal(t))
	eqTime(t, due, vn(2025, 3, 7, 9, 30))
	// Only the transfer out of reception is deferred.
	e := h.do(Transfer{ToStep: 2, ToUnit: "phong-trh"}, specialist, vn(2025, 3, 4, 16, 0))
	eqTime(t, e.EffectiveAt, vn(2025, 3, 4, 16, 0))
}

// (g) A second supplement request is refused; a leader's override with a
// reason allows it and the dossier counts as overdue on the 766 index,
// while the legal mark still follows the (restarted) legal due.
func TestCaseSecondSupplementOverride(t *testing.T) {
	cal := testCal(t)
	h := processing(t)
	h.do(supp, specialist, vn(2025, 3, 4, 10, 0))
	h.do(ReceiveSupplement{}, reception, vn(2025, 3, 5, 9, 0))
	msg := h.refused(supp, specialist, vn(2025, 3, 5, 10, 0), apperr.Conflict)
	contains(t, msg, "lãnh đạo có thể cho phép")
	h.refused(RequestSupplement{Reason: "x", Missing: missing, Override: true}, head, vn(2025, 3, 5, 10, 0), apperr.Forbidden)
	h.refused(RequestSupplement{Missing: missing, Override: true}, leader, vn(2025, 3, 5, 10, 0), apperr.Invalid)
	e := h.do(RequestSupplement{Reason: "Phát hiện sai lệch số liệu", Missing: missing, Override: true}, leader, vn(2025, 3, 5, 10, 0))
	eq(t, e.Override, true)
	eq(t, e.CountsOverdue, true)
	eq(t, e.OutsideWindow, false)
	eq(t, h.s.CountsOverdue, true)
	h.do(ReceiveSupplement{}, reception, vn(2025, 3, 6, 9, 0))
	h.do(approve, leader, vn(2025, 3, 6, 11, 0))
	c := Clock(h.s, cal, vn(2025, 3, 6, 11, 0))
	eq(t, c.Class, Early)
	eq(t, c.OnTime766, false)
	eq(t, c.CountsOverdue, true)
	eq(t, len(c.Pauses), 2)
}
