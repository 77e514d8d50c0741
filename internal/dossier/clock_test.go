package dossier

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestClassify(t *testing.T) {
	due := vn(2025, 3, 10, 17, 0)
	tests := []struct {
		finish time.Time
		due    time.Time
		want   Classification
	}{
		{vn(2025, 3, 10, 17, 0), due, OnTime},
		{vn(2025, 3, 10, 7, 30), due, OnTime},
		{vn(2025, 3, 10, 17, 1), due, Late},
		{vn(2025, 3, 9, 23, 30), due, Early},
		// 00:30 in Vietnam is still 09/03 in UTC: the date is Vietnam's.
		{vn(2025, 3, 10, 0, 30), due, OnTime},
		{vn(2025, 3, 11, 8, 0), due, Late},
		{vn(2030, 1, 1, 0, 0), time.Time{}, OnTime},
	}
	for _, tc := range tests {
		if got := Classify(tc.finish, tc.due); got != tc.want {
			t.Errorf("Classify(%s, %s) = %s, want %s", tc.finish, tc.due, got, tc.want)
		}
	}
	eq(t, Early.Points(), 2)
	eq(t, OnTime.Points(), 1)
	eq(t, Late.Points(), 0)
	eq(t, Late.Label(), "Quá hạn")
}

func TestStatusMapping(t *testing.T) {
	want := map[Status]int{
		Submitted: 1, CompletionRequested: 1, Accepted: 2, NotAccepted: 3, Processing: 4,
		SupplementRequested: 5, PaymentRequested: 6, Withdrawn: 7, Stopped: 8, Resolved: 9, Returned: 10,
	}
	labels := map[string]bool{}
	for s, code := range want {
		eq(t, s.PortalCode(), code)
		l := s.Label()
		if l == string(s) || labels[l] {
			t.Errorf("%s: label %q missing or repeated", s, l)
		}
		labels[l] = true
	}
	eq(t, Status("").PortalCode(), 0)
	eq(t, Processing.Label(), "Đang xử lý")
	eq(t, Returned.Label(), "Đã trả kết quả")
	// Every status in the state machine has a portal code.
	for _, e := range edges {
		for _, s := range append(e.from, e.to) {
			if s != "" && s.PortalCode() == 0 {
				t.Errorf("%s has no portal code", s)
			}
		}
	}
}

func TestNextWakeLadder(t *testing.T) {
	cal := testCal(t)
	h := processing(t) // specialist from 03/03 10:00 (budget 1560), legal due 10/03 17:00
	want := []time.Time{
		vn(2025, 3, 4, 16, 30), // step 50 %
		vn(2025, 3, 5, 16, 18), // step 80 %
		vn(2025, 3, 6, 13, 30), // step due
		vn(2025, 3, 7, 7, 30),  // 2 working days before the legal due
		vn(2025, 3, 10, 7, 30), // 1 working day before
		vn(2025, 3, 10, 17, 0), // legal due
		vn(2025, 3, 11, 7, 30), // overdue, every working day
		vn(2025, 3, 12, 7, 30),
	}
	now := vn(2025, 3, 3, 10, 0)
	keys := map[string]bool{}
	for i, w := range want {
		r, ok := DefaultLadder.Next(h.s, cal, now)
		if !ok {
			t.Fatalf("rung %d: none", i)
		}
		eqTime(t, r.At, w)
		if keys[r.Key] {
			t.Errorf("rung key %q repeated", r.Key)
		}
		keys[r.Key] = true
		at, _ := NextWake(h.s, cal, now)
		eqTime(t, at, w)
		now = r.At
	}
	// Overdue over a weekend: Friday 14/03 → Monday 17/03.
	at, _ := NextWake(h.s, cal, vn(2025, 3, 14, 9, 0))
	eqTime(t, at, vn(2025, 3, 17, 7, 30))

	if _, ok := NextWake(State{}, cal, now); ok {
		t.Error("a new dossier has no wake-up")
	}
	nd := accepted(t, noLegal)
	if _, ok := NextWake(nd.s, cal, mon0303); ok {
		t.Error("a dossier with no deadline has no wake-up")
	}
	h.do(approve, leader, vn(2025, 3, 6, 10, 0))
	if _, ok := NextWake(h.s, cal, vn(2025, 3, 6, 10, 0)); ok {
		t.Error("a closed dossier has no wake-up")
	}
	if _, ok := h.s.StepDue(cal); ok {
		t.Error("a closed dossier has no step due")
	}
}

func TestClockNoDeadline(t *testing.T) {
	h := accepted(t, noLegal)
	h.do(toSpec, reception, vn(2025, 3, 3, 10, 0))
	h.do(approve, leader, vn(2026, 3, 3, 10, 0))
	c := Clock(h.s, testCal(t), vn(2026, 3, 3, 10, 0))
	eq(t, c.NoDeadline, true)
	eq(t, c.Class, OnTime)
	eq(t, c.Overdue, false)
	eq(t, c.OnTime766, true)
	eq(t, c.Steps[1].Class, "") // untimed steps are not marked
}

func TestClockStopWhileWaiting(t *testing.T) {
	// Stopped while waiting for the applicant: judged at the request, and
	// the unresumed pause runs to the stop.
	h := processing(t)
	h.do(supp, specialist, vn(2025, 3, 4, 10, 0))
	h.do(Stop{Reason: "Công dân không bổ sung"}, head, vn(2025, 3, 28, 9, 0))
	c := Clock(h.s, testCal(t), vn(2025, 4, 1, 9, 0))
	eq(t, c.Class, Early)
	eq(t, c.OnTime766, true)
	eq(t, c.Paused, false)
	eq(t, c.Pauses[0].Open, false)
	eq(t, c.RemainingMinutes, 330+4*480)
}

func TestClockJSON(t *testing.T) {
	h := processing(t)
	b, err := json.Marshal(Clock(h.s, testCal(t), vn(2025, 3, 4, 9, 0)))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{`"legal_due":"2025-03-10T17:00:00+07:00"`, `"portal_code":4`, `"remaining_minutes":`, `"steps":[`, `"on_time_766":true`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("clock JSON lacks %s: %s", k, b)
		}
	}
	b, _ = json.Marshal(h.s)
	if strings.Contains(string(b), "k7Q2xZ") {
		t.Error("state JSON leaks the lookup secret")
	}
}
