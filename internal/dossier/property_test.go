package dossier

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"dunghan/internal/apperr"
	"dunghan/internal/auth"
)

// legalMoves is the state machine written out independently of edges.
var legalMoves = map[Status][]Status{
	"":                  {Submitted, CompletionRequested, NotAccepted, Accepted},
	Submitted:           {CompletionRequested, NotAccepted, Accepted, Withdrawn},
	CompletionRequested: {NotAccepted, Accepted, Withdrawn},
	Accepted:            {Accepted, Processing, SupplementRequested, PaymentRequested, Stopped, Withdrawn, Resolved},
	Processing:          {Processing, SupplementRequested, PaymentRequested, Stopped, Withdrawn, Resolved},
	SupplementRequested: {Accepted, Processing, Stopped, Withdrawn},
	PaymentRequested:    {Accepted, Processing, Stopped, Withdrawn},
	Resolved:            {Returned},
}

var (
	propUnits = []string{"motcua", "phong-trh", "phong-mn", "ban-gd", ""}
	propUsers = []string{"u1", "u2", "u3"}
	// Texts include a decomposed "Nguyễn" and stray spaces: Decide normalises them.
	propTexts = []string{"", "Lý do cụ thể", "  Nguye\u0302\u0303n Văn Bình ", "Đã đủ"}
)

// TestPropertyLifecycle runs random command sequences from random actors at
// forward-moving random times and checks the invariants after every event.
func TestPropertyLifecycle(t *testing.T) {
	cal := testCal(t)
	procs := []ProcedureRef{days5, noLegal, hours16, procRef("p1", workingDays(1))}
	rapid.Check(t, func(rt *rapid.T) {
		proc := rapid.SampledFrom(procs).Draw(rt, "procedure")
		now := vn(2025, 1, 1, 0, 0).Add(time.Duration(rapid.IntRange(0, 700*24*60).Draw(rt, "start")) * time.Minute)
		var s State
		var events []Event
		for i := range rapid.IntRange(5, 40).Draw(rt, "commands") {
			now = now.Add(time.Duration(rapid.IntRange(0, 3*24*60).Draw(rt, "minutes")) * time.Minute)
			cmd := genCommand(rt, s, now)
			a := genActor(rt, s, cmd)
			env := Env{Now: now, Calendar: cal, Procedure: proc, Code: fmt.Sprintf("H44-%04d", i), Secret: "s3cr3t"}
			evs, err := Decide(s, cmd, a, env)
			if err != nil {
				if c := apperr.CodeOf(err); c != apperr.Invalid && c != apperr.Conflict && c != apperr.Forbidden {
					rt.Fatalf("%s: unexpected error %v", cmd.Name(), err)
				}
				continue
			}
			for _, e := range evs {
				prev := s
				if err := s.Apply(e); err != nil {
					rt.Fatalf("%s: %v", cmd.Name(), err)
				}
				events = append(events, e)
				checkInvariants(rt, prev, s, e)
			}
			if s.Version != len(events) {
				rt.Fatalf("version %d after %d events", s.Version, len(events))
			}
			Clock(s, cal, now)
			NextWake(s, cal, now)
		}
		replayed, err := Replay(events)
		if err != nil {
			rt.Fatal(err)
		}
		if !reflect.DeepEqual(replayed, s) {
			rt.Fatalf("replay differs from the incremental state:\n%+v\n%+v", replayed, s)
		}
		b, err := json.Marshal(events)
		if err != nil {
			rt.Fatal(err)
		}
		var back []Event
		if err := json.Unmarshal(b, &back); err != nil {
			rt.Fatal(err)
		}
		if len(events) > 0 && !reflect.DeepEqual(back, events) {
			rt.Fatalf("events change through JSON:\n%+v\n%+v", back, events)
		}
		if replayed, err = Replay(back); err != nil || !reflect.DeepEqual(replayed, s) {
			rt.Fatalf("replay of the JSON log differs (%v)", err)
		}
	})
}

func checkInvariants(rt *rapid.T, prev, s State, e Event) {
	if !slices.Contains(legalMoves[prev.Status], s.Status) {
		rt.Fatalf("%s: illegal move %q → %q", e.Type, prev.Status, s.Status)
	}
	if e.At.Before(prev.LastAt) || e.At.Location() != time.UTC {
		rt.Fatalf("%s: event time %s not after %s, or not UTC", e.Type, e.At, prev.LastAt)
	}
	if e.Type == EvRescheduled && (prev.Rescheduled || !s.LegalDue.Equal(prev.LegalDue)) {
		rt.Fatalf("reschedule twice, or it moved the legal due %s → %s", prev.LegalDue, s.LegalDue)
	}
	if prev.Rescheduled && !s.Rescheduled {
		rt.Fatal("reschedule flag lost")
	}
	if !prev.AcceptedAt.IsZero() && (!s.OriginalLegalDue.Equal(prev.OriginalLegalDue) || !s.PromisedAtAcceptance.Equal(prev.PromisedAtAcceptance) || !s.AcceptedAt.Equal(prev.AcceptedAt)) {
		rt.Fatal("the facts of acceptance changed")
	}
	if !prev.AcceptedAt.IsZero() && (s.LegalDue.IsZero() != prev.LegalDue.IsZero()) {
		rt.Fatal("the no-deadline flag changed")
	}
	if s.Paused != (s.Status == SupplementRequested || s.Status == PaymentRequested) {
		rt.Fatalf("paused %v in status %s", s.Paused, s.Status)
	}
	if s.Closed() == s.FinishedAt.IsZero() {
		rt.Fatalf("closed %v with finish %s", s.Closed(), s.FinishedAt)
	}
	if s.SupplementRequests > 1 && !s.CountsOverdue {
		rt.Fatal("a second supplement request without the overdue mark")
	}
	if s.Open() {
		last := s.Visits[len(s.Visits)-1]
		if s.Step < 0 || s.Step >= len(s.Procedure.Steps) || last.Step != s.Step || !last.End.IsZero() || !last.Start.Equal(s.StepStart) {
			rt.Fatalf("open dossier at step %d with visits %+v", s.Step, s.Visits)
		}
	}
	if !s.Open() && s.AcceptedAt.IsZero() && s.Step != -1 {
		rt.Fatal("a dossier not accepted has a step")
	}
}

// genActor draws an actor: mostly one whose role and unit fit the command
// (so that sequences get deep), sometimes anyone.
func genActor(rt *rapid.T, s State, cmd Command) Actor {
	a := Actor{
		UserID: rapid.SampledFrom(propUsers).Draw(rt, "user"),
		Name:   rapid.SampledFrom(propTexts).Draw(rt, "name"),
		UnitID: rapid.SampledFrom(propUnits).Draw(rt, "unit"),
		Roles:  rapid.SliceOfN(rapid.SampledFrom(auth.Roles), 1, 2).Draw(rt, "roles"),
	}
	if r := rules[cmd.Name()]; len(r.roles) > 0 && rapid.IntRange(0, 3).Draw(rt, "fitting") > 0 {
		a.Roles = []auth.Role{rapid.SampledFrom(r.roles).Draw(rt, "role")}
		a.UnitID = s.StepUnit
		if a.UnitID == "" {
			a.UnitID = "motcua"
		}
		if s.SupplementRequests > 0 && rapid.Bool().Draw(rt, "leader") {
			a.Roles = []auth.Role{auth.Leadership}
		}
	}
	return a
}

// progress lists, per status, the commands (by genCommand's numbering) that
// move a dossier on; genCommand draws from it four times in five, so that
// sequences get deep, and otherwise any command.
var progress = map[Status][]int{
	"":                  {0, 1, 1, 1, 1, 2, 3},
	Submitted:           {1, 1, 1, 1, 2, 3, 11},
	CompletionRequested: {1, 1, 1, 1, 2, 11},
	Accepted:            {4, 4, 4, 5, 7, 9, 12},
	Processing:          {4, 4, 4, 4, 4, 5, 5, 7, 9, 9, 10, 11, 12, 12},
	SupplementRequested: {6, 6, 6, 6, 10, 11},
	PaymentRequested:    {8, 8, 8, 8, 10},
	Resolved:            {13},
}

// genCommand draws a command with fields that are sometimes right, sometimes not.
func genCommand(rt *rapid.T, s State, now time.Time) Command {
	text := func(label string) string { return rapid.SampledFrom(propTexts).Draw(rt, label) }
	channel := func() Channel { return Channel(rapid.SampledFrom([]int{0, 1, 1, 2, 2, 3}).Draw(rt, "channel")) }
	applicant := Applicant{Kind: rapid.SampledFrom([]int{0, 1, 1, 2, 3}).Draw(rt, "kind"), Name: text("applicant")}
	docs := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Document {
		return Document{Name: rapid.SampledFrom(propTexts[1:]).Draw(t, "doc"), Copies: rapid.IntRange(0, 2).Draw(t, "copies"), Digitised: rapid.Bool().Draw(t, "digitised")}
	}), 0, 2).Draw(rt, "documents")
	back := func(label string) time.Time {
		if rapid.Bool().Draw(rt, label+"?") {
			return time.Time{}
		}
		return now.Add(-time.Duration(rapid.IntRange(-10, 600).Draw(rt, label)) * time.Minute)
	}
	kind := rapid.IntRange(0, 13).Draw(rt, "command")
	if next := progress[s.Status]; next != nil && rapid.IntRange(0, 4).Draw(rt, "progress") > 0 {
		kind = rapid.SampledFrom(next).Draw(rt, "next")
	}
	switch kind {
	case 0:
		return Submit{Applicant: applicant, Documents: docs, SubmittedAt: back("submitted")}
	case 1:
		return Receive{Channel: channel(), Applicant: applicant, Documents: docs, AcceptedAt: back("accepted")}
	case 2:
		return RefuseAtIntake{Channel: channel(), Applicant: applicant, Reason: text("reason")}
	case 3:
		return RequestCompletion{Channel: channel(), Applicant: applicant, Missing: docs, Reason: text("reason")}
	case 4:
		return Transfer{
			ToStep: s.Step + rapid.SampledFrom([]int{-2, -1, 0, 1, 1, 1, 1, 2}).Draw(rt, "to step"),
			ToUnit: rapid.SampledFrom(append(propUnits, "phong-trh", "phong-mn")).Draw(rt, "to unit"),
			ToUser: rapid.SampledFrom(append([]string{""}, propUsers...)).Draw(rt, "to user"),
		}
	case 5:
		return RequestSupplement{Reason: text("reason"), Missing: docs, Override: rapid.Bool().Draw(rt, "override")}
	case 6:
		return ReceiveSupplement{Documents: docs}
	case 7:
		return RequestPayment{Amount: int64(rapid.IntRange(0, 500000).Draw(rt, "amount")), Reason: text("reason")}
	case 8:
		return ConfirmPayment{PaidOnline: rapid.Bool().Draw(rt, "online")}
	case 9:
		base := s.Promised
		if base.IsZero() {
			base = now
		}
		return Reschedule{
			Promised:   base.Add(time.Duration(rapid.IntRange(-2, 10).Draw(rt, "days")) * 24 * time.Hour),
			Reason:     text("reason"),
			LateNotice: rapid.Bool().Draw(rt, "late notice"),
		}
	case 10:
		return Stop{Reason: text("reason")}
	case 11:
		return Withdraw{Reason: text("reason")}
	case 12:
		return Resolve{Approved: rapid.Bool().Draw(rt, "approved"), Results: rapid.SliceOfN(rapid.SampledFrom(propTexts), 0, 2).Draw(rt, "results"), Reason: text("reason")}
	}
	return Return{To: text("to"), Method: text("method")}
}

// TestApplyRefusesCorruptLogs checks that Apply rejects events that cannot
// follow the state and leaves the state as it was.
func TestApplyRefusesCorruptLogs(t *testing.T) {
	h := processing(t)
	base := h.events
	at := vn(2025, 3, 4, 9, 0).UTC()
	bad := []Event{
		{Type: EvReturned, At: at, Step: 1},                                     // before resolution
		{Type: EvReceived, At: at, Step: 1, Intake: base[0].Intake},             // accepted twice
		{Type: EvTransferred, At: at, Step: 1, ToStep: 9, ToUnit: "x"},          // no such step
		{Type: EvTransferred, At: at, Step: 0, ToStep: 2, ToUnit: "x"},          // wrong step recorded
		{Type: EvStopped, At: vn(2025, 3, 1, 0, 0).UTC(), Step: 1},              // time goes back
		{Type: EventType("teleported"), At: at, Step: 1},                        // unknown type
		{Type: EvSupplementReceived, At: at, Step: 1},                           // not waiting
		{Type: EvRescheduled, At: at, Step: 1},                                  // no new date
		{Type: EvSubmitted, At: at, Step: -1, Intake: base[0].Intake},           // exists already
		{Type: EvPaymentConfirmed, At: at, Step: 1, LegalDue: at, Promised: at}, // not waiting
	}
	for _, e := range bad {
		s := h.s
		if err := s.Apply(e); !apperr.Is(err, apperr.Internal) {
			t.Errorf("%s: %v", e.Type, err)
		}
		if !reflect.DeepEqual(s, h.s) {
			t.Errorf("%s: state changed", e.Type)
		}
	}
	if _, err := Replay(append(slices.Clone(base), bad[0])); err == nil {
		t.Error("Replay accepted a corrupt log")
	}
	// A second supplement request without the override is corrupt too.
	h.do(supp, specialist, vn(2025, 3, 4, 10, 0))
	h.do(ReceiveSupplement{}, reception, vn(2025, 3, 5, 10, 0))
	s := h.s
	if err := s.Apply(Event{Type: EvSupplementRequested, At: vn(2025, 3, 5, 11, 0).UTC(), Step: 1}); err == nil {
		t.Error("second supplement request without override applied")
	}
}
