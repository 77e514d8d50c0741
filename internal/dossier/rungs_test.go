package dossier

import (
	"testing"
	"time"

	"dunghan/internal/calendar"
)

// nextOf is the earliest rung of Rungs strictly after now.
func nextOf(rs []RungInfo, now time.Time) (Rung, bool) {
	var best Rung
	for _, r := range rs {
		if r.At.After(now) && (best.At.IsZero() || r.At.Before(best.At)) {
			best = r.Rung
		}
	}
	return best, !best.At.IsZero()
}

func TestRungsAgreeWithNext(t *testing.T) {
	cal := testCal(t)
	h := processing(t)
	for now := vn(2025, 3, 3, 10, 0); now.Before(vn(2025, 3, 20, 0, 0)); now = now.Add(37 * time.Minute) {
		want, ok := DefaultLadder.Next(h.s, cal, now)
		got, gok := nextOf(DefaultLadder.Rungs(h.s, cal, now), now)
		if ok != gok || want != got {
			t.Fatalf("at %s: Next %+v %v, Rungs %+v %v", now.In(calendar.Zone), want, ok, got, gok)
		}
	}
	keys := map[string]RungKind{}
	for _, r := range DefaultLadder.Rungs(h.s, cal, vn(2025, 3, 12, 9, 0)) {
		keys[r.Key] = r.Kind
	}
	for key, kind := range map[string]RungKind{"step2-50%": RungStep, "step2-80%": RungStep, "step2-100%": RungStep,
		"due2503101700-2d": RungDue, "due2503101700-1d": RungDue, "due2503101700-0d": RungDue,
		"overdue2025-03-12": RungOverdue, "overdue2025-03-13": RungOverdue} {
		if keys[key] != kind {
			t.Errorf("rung %s: kind %q, want %q (all: %v)", key, keys[key], kind, keys)
		}
	}
	if len(keys) != 8 {
		t.Errorf("%d rungs, want 8: %v", len(keys), keys)
	}
	// Before the legal due there is no past overdue rung.
	for _, r := range DefaultLadder.Rungs(h.s, cal, vn(2025, 3, 10, 16, 0)) {
		if r.Kind == RungOverdue && !r.At.After(vn(2025, 3, 10, 16, 0)) {
			t.Errorf("overdue rung %s before the legal due", r.Key)
		}
	}
	// Over a weekend the latest overdue opening is Friday's.
	got := map[string]bool{}
	for _, r := range DefaultLadder.Rungs(h.s, cal, vn(2025, 3, 16, 12, 0)) {
		got[r.Key] = true
	}
	if !got["overdue2025-03-14"] || !got["overdue2025-03-17"] {
		t.Errorf("Sunday: %v", got)
	}
}

func TestRungsLeaveOutDaysBeforeTheClockStarted(t *testing.T) {
	cal := testCal(t)
	h := accepted(t, procRef("p1", &calendar.Duration{Value: 1, Unit: calendar.WorkingDays})) // due Tue 04/03 17:00
	for _, r := range DefaultLadder.Rungs(h.s, cal, mon0303) {
		if r.Kind == RungDue && r.DaysBefore == 2 {
			t.Errorf("2-day rung %s at %s precedes the acceptance", r.Key, r.At.In(calendar.Zone))
		}
	}
	h.do(RequestPayment{Amount: 10000}, reception, vn(2025, 3, 3, 10, 0))
	if rs := DefaultLadder.Rungs(h.s, cal, vn(2025, 3, 3, 11, 0)); rs != nil {
		t.Errorf("a paused dossier has rungs: %v", rs)
	}
}

func TestApologyRung(t *testing.T) {
	cal := testCal(t)
	// Specialist from 03/03 10:00 (due 06/03 13:30); later steps need 600
	// minutes; legal due 10/03 17:00. The slack runs out at 07/03 15:00,
	// before the one-day rung (10/03 07:30).
	h := processing(t)
	r, ok := Apology(h.s, cal)
	if !ok || r.Key != "apology2503101700" || r.Kind != RungApology {
		t.Fatalf("apology %+v %v", r, ok)
	}
	eqTime(t, r.At, vn(2025, 3, 7, 15, 0))
	eqTime(t, RescheduleDeadline(h.s, cal), vn(2025, 3, 7, 17, 0))
	if m := RemainingBudget(h.s, cal, vn(2025, 3, 6, 13, 0)); m != 30+600 {
		t.Errorf("remaining budget %d, want 630", m)
	}

	// A dossier handed to the specialist too late to fit: at once.
	late := accepted(t, days5)
	late.do(toSpec, reception, vn(2025, 3, 6, 10, 0))
	r, _ = Apology(late.s, cal)
	eqTime(t, r.At, vn(2025, 3, 6, 10, 0))

	// With nothing left but the clerk, the one-day rung comes first.
	end := processing(t)
	end.do(Transfer{ToStep: 2, ToUnit: "phong-trh", ToUser: "u-head"}, specialist, vn(2025, 3, 4, 9, 0))
	end.do(Transfer{ToStep: 3, ToUnit: "ban-gd", ToUser: "u-lead"}, head, vn(2025, 3, 4, 10, 0))
	end.do(Transfer{ToStep: 4, ToUnit: "van-phong", ToUser: "u-clerk"}, leader, vn(2025, 3, 4, 11, 0))
	r, _ = Apology(end.s, cal)
	eqTime(t, r.At, vn(2025, 3, 10, 7, 30))

	h.do(Reschedule{Promised: vn(2025, 3, 14, 17, 0), Reason: "Cần xác minh thêm"}, head, vn(2025, 3, 7, 9, 0))
	if _, ok := Apology(h.s, cal); ok {
		t.Error("a rescheduled dossier is asked again")
	}
}
