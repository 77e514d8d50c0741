package dossier

import (
	"testing"

	"dunghan/internal/apperr"
	"dunghan/internal/auth"
	"dunghan/internal/calendar"
)

// A published plan may start with the division's appraisal instead of a
// reception step; the desk still passes on what it received.
func TestDeskTransfersAPlanWithoutReceptionStep(t *testing.T) {
	p := procRef("p7", &calendar.Duration{Value: 25, Unit: calendar.WorkingDays})
	p.Steps = p.Steps[1:2] // only the specialist step
	p.Steps = append(p.Steps, p.Steps[0])
	p.Steps[0].Role = auth.Specialist
	h := newHarness(t, p)
	at := vn(2025, 3, 3, 9, 0)
	if _, err := h.try(Receive{Channel: InPerson, Applicant: citizen}, reception, at); err != nil {
		t.Fatal(err)
	}
	if _, err := h.try(Transfer{ToStep: 1, ToUnit: "phong-trh"}, reception, at.Add(60e9)); err != nil {
		t.Fatalf("the desk must pass on a dossier at the first step: %v", err)
	}
	if _, err := h.try(Transfer{ToStep: 0, ToUnit: "motcua"}, reception, at.Add(120e9)); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("the desk may not move a dossier out of a later step: %v", err)
	}
}

func TestVisibility(t *testing.T) {
	h := newHarness(t, days5)
	at := vn(2025, 3, 3, 9, 0)
	h.try(Receive{Channel: InPerson, Applicant: citizen}, reception, at)
	h.try(Transfer{ToStep: 1, ToUnit: "phong-trh", ToUser: specialist.UserID}, reception, at.Add(60e9))
	for _, c := range []struct {
		a    Actor
		want bool
	}{{reception, true}, {leader, true}, {clerk, true}, {specialist, true}, {head, true}, {specOther, false}, {headOther, false}} {
		if got := h.s.VisibleTo(c.a); got != c.want {
			t.Errorf("%s: visible %v, want %v", c.a.Name, got, c.want)
		}
	}
	if AgencyWide(specialist) || !AgencyWide(reception) {
		t.Error("AgencyWide")
	}
}
