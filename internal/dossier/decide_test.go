package dossier

import (
	"strings"
	"testing"
	"time"

	"dunghan/internal/apperr"
)

// Starting points of the table tests.
func fresh(t testing.TB) *harness { return newHarness(t, days5) }

func submitted(t testing.TB) *harness {
	h := fresh(t)
	h.do(Submit{Applicant: citizen, Documents: received, SubmittedAt: vn(2025, 3, 1, 20, 0)}, portal, vn(2025, 3, 1, 20, 0))
	return h
}

func completionRequested(t testing.TB) *harness {
	h := submitted(t)
	h.do(RequestCompletion{Reason: "Thiếu báo cáo", Missing: missing}, reception, vn(2025, 3, 2, 8, 0))
	return h
}

func acceptedP5(t testing.TB) *harness { return accepted(t, days5) }

func waitingSupplement(t testing.TB) *harness {
	h := processing(t)
	h.do(supp, specialist, vn(2025, 3, 4, 10, 0))
	return h
}

func suppliedOnce(t testing.TB) *harness {
	h := waitingSupplement(t)
	h.do(ReceiveSupplement{Documents: missing}, reception, vn(2025, 3, 6, 9, 0))
	return h
}

func waitingPayment(t testing.TB) *harness {
	h := processing(t)
	h.do(RequestPayment{Amount: 150000, Reason: "Lệ phí thẩm định"}, specialist, vn(2025, 3, 5, 10, 0))
	return h
}

func resolvedP5(t testing.TB) *harness {
	h := processing(t)
	h.do(approve, clerk, vn(2025, 3, 6, 10, 0))
	return h
}

func returnedP5(t testing.TB) *harness {
	h := resolvedP5(t)
	h.do(Return{To: "Nguyễn Văn An", Method: "trực tiếp"}, reception, vn(2025, 3, 6, 14, 0))
	return h
}

func stoppedP5(t testing.TB) *harness {
	h := processing(t)
	h.do(Stop{Reason: "Không thuộc thẩm quyền"}, leader, vn(2025, 3, 4, 9, 0))
	return h
}

func rescheduled(t testing.TB) *harness {
	h := processing(t)
	h.do(Reschedule{Promised: vn(2025, 3, 14, 17, 0), Reason: "Cần xác minh thực tế"}, head, vn(2025, 3, 6, 9, 0))
	return h
}

func TestDecideTable(t *testing.T) {
	at := vn(2025, 3, 4, 9, 0) // Tuesday, inside office hours
	tests := []struct {
		name  string
		from  func(testing.TB) *harness
		cmd   Command
		actor Actor
		at    time.Time
		env   func(*Env)
		want  apperr.Code // "" means success
		check func(t *testing.T, s State, e Event)
	}{
		// Submit
		{name: "submit/ok", from: fresh, cmd: Submit{Applicant: citizen, Unit: "motcua"}, actor: portal, at: at,
			check: func(t *testing.T, s State, e Event) {
				eq(t, s.Status, Submitted)
				eq(t, s.Status.PortalCode(), 1)
				eq(t, s.Channel, Online)
				eq(t, s.Step, -1)
				eq(t, s.ReceivingUnit, "motcua")
				eq(t, e.Step, -1)
				if !s.LegalDue.IsZero() || s.Open() || s.Closed() {
					t.Error("a submitted dossier has no clock and is neither open nor closed")
				}
			}},
		{name: "submit/again", from: submitted, cmd: Submit{Applicant: citizen}, actor: portal, at: at, want: apperr.Conflict},
		{name: "submit/no name", from: fresh, cmd: Submit{Applicant: Applicant{Phone: "09"}}, actor: portal, at: at, want: apperr.Invalid},
		{name: "submit/future", from: fresh, cmd: Submit{Applicant: citizen, SubmittedAt: at.Add(time.Hour)}, actor: portal, at: at, want: apperr.Invalid},
		{name: "submit/no procedure", from: fresh, cmd: Submit{Applicant: citizen}, actor: portal, at: at,
			env: func(e *Env) { e.Procedure = ProcedureRef{} }, want: apperr.Invalid},

		// Receive
		{name: "receive/in person", from: fresh, cmd: recv, actor: reception, at: at,
			check: func(t *testing.T, s State, e Event) {
				eq(t, s.Status, Accepted)
				eq(t, s.Status.PortalCode(), 2)
				eq(t, s.Code, "000.00.08.H44-250303-0001")
				eq(t, s.Secret, "k7Q2xZ")
				eq(t, s.Step, 0)
				eq(t, s.StepUnit, "motcua")
				eq(t, s.ReceivingUnit, "motcua")
				eqTime(t, s.AcceptedAt, at)
				eqTime(t, s.SubmittedAt, at)
				eqTime(t, s.LegalDue, vn(2025, 3, 11, 17, 0))
				eqTime(t, s.Promised, s.LegalDue)
				eqTime(t, s.OriginalLegalDue, s.LegalDue)
				eq(t, s.Procedure.Version, 3)
				eq(t, len(s.Documents), 2)
				eq(t, s.Documents[0].Digitised, true)
				eq(t, e.Step, -1)
				eq(t, e.Actor, "u-rec")
				eq(t, e.ActorName, "Nguyễn Thị Lan")
				eq(t, e.Unit, "motcua")
				if !s.Open() {
					t.Error("accepted dossier not open")
				}
			}},
		{name: "receive/backdated", from: fresh, cmd: Receive{Channel: Post, Applicant: citizen, AcceptedAt: vn(2025, 3, 3, 16, 0)}, actor: reception, at: at,
			check: func(t *testing.T, s State, e Event) {
				eqTime(t, e.At, vn(2025, 3, 3, 16, 0))
				eqTime(t, s.LegalDue, vn(2025, 3, 10, 17, 0))
			}},
		{name: "receive/submitted online", from: submitted, cmd: Receive{}, actor: reception, at: at,
			check: func(t *testing.T, s State, e Event) {
				eq(t, s.Status, Accepted)
				eq(t, s.Channel, Online)
				eq(t, s.Applicant.Name, citizen.Name)
				eqTime(t, s.SubmittedAt, vn(2025, 3, 1, 20, 0))
				eqTime(t, s.AcceptedAt, at)
			}},
		{name: "receive/after completion", from: completionRequested, cmd: Receive{Documents: append(received, missing...)}, actor: reception, at: at,
			check: func(t *testing.T, s State, e Event) {
				eq(t, len(s.Documents), 3)
				eq(t, len(s.Missing), 0)
			}},
		{name: "receive/no deadline", from: fresh, cmd: recv, actor: reception, at: at, env: func(e *Env) { e.Procedure = noLegal },
			check: func(t *testing.T, s State, e Event) {
				if !s.LegalDue.IsZero() || !s.Promised.IsZero() {
					t.Error("a procedure without a legal duration got a deadline")
				}
				if !Clock(s, testCal(t), at).NoDeadline {
					t.Error("clock not flagged no deadline")
				}
			}},
		{name: "receive/specialist", from: fresh, cmd: recv, actor: specialist, at: at, want: apperr.Forbidden},
		{name: "receive/no unit", from: fresh, cmd: recv, actor: Actor{UserID: "x", Roles: reception.Roles}, at: at, want: apperr.Forbidden},
		{name: "receive/twice", from: acceptedP5, cmd: recv, actor: reception, at: at, want: apperr.Conflict},
		{name: "receive/future", from: fresh, cmd: Receive{Channel: InPerson, Applicant: citizen, AcceptedAt: at.Add(time.Minute)}, actor: reception, at: at, want: apperr.Invalid},
		{name: "receive/before submission", from: fresh, cmd: Receive{Channel: InPerson, Applicant: citizen, SubmittedAt: at, AcceptedAt: at.Add(-time.Hour)}, actor: reception, at: at, want: apperr.Invalid},
		{name: "receive/before submitted online", from: submitted, cmd: Receive{AcceptedAt: vn(2025, 3, 1, 19, 0)}, actor: reception, at: at, want: apperr.Invalid},
		{name: "receive/bad channel", from: fresh, cmd: Receive{Channel: 9, Applicant: citizen}, actor: reception, at: at, want: apperr.Invalid},
		{name: "receive/no name", from: fresh, cmd: Receive{Channel: InPerson}, actor: reception, at: at, want: apperr.Invalid},
		{name: "receive/unnamed document", from: fresh, cmd: Receive{Channel: InPerson, Applicant: citizen, Documents: []Document{{Copies: 1}}}, actor: reception, at: at, want: apperr.Invalid},
		{name: "receive/no plan", from: fresh, cmd: recv, actor: reception, at: at, env: func(e *Env) { e.Procedure.Steps = nil }, want: apperr.Invalid},
		{name: "receive/no code", from: fresh, cmd: recv, actor: reception, at: at, env: func(e *Env) { e.Code = "" }, want: apperr.Internal},

		// RefuseAtIntake
		{name: "refuse/new", from: fresh, cmd: RefuseAtIntake{Channel: InPerson, Applicant: citizen, Reason: "Không thuộc thẩm quyền của Sở"}, actor: reception, at: at,
			check: func(t *testing.T, s State, e Event) {
				eq(t, s.Status, NotAccepted)
				eq(t, s.Status.PortalCode(), 3)
				eqTime(t, s.FinishedAt, at)
				if !s.Closed() || s.Open() || s.Code != "" {
					t.Error("a refused dossier is closed, not open, and has no code")
				}
			}},
		{name: "refuse/submitted", from: submitted, cmd: RefuseAtIntake{Reason: "Hồ sơ giả mạo"}, actor: reception, at: at},
		{name: "refuse/no reason", from: submitted, cmd: RefuseAtIntake{Reason: "  "}, actor: reception, at: at, want: apperr.Invalid},
		{name: "refuse/clerk", from: submitted, cmd: RefuseAtIntake{Reason: "x"}, actor: clerk, at: at, want: apperr.Forbidden},
		{name: "refuse/accepted", from: acceptedP5, cmd: RefuseAtIntake{Reason: "x"}, actor: reception, at: at, want: apperr.Conflict},

		// RequestCompletion
		{name: "completion/new", from: fresh, cmd: RequestCompletion{Channel: InPerson, Applicant: citizen, Reason: "Thiếu giấy tờ", Missing: missing}, actor: reception, at: at,
			check: func(t *testing.T, s State, e Event) {
				eq(t, s.Status, CompletionRequested)
				eq(t, s.Status.PortalCode(), 1)
				eq(t, len(s.Missing), 1)
				if !s.LegalDue.IsZero() {
					t.Error("no clock runs before acceptance")
				}
			}},
		{name: "completion/submitted", from: submitted, cmd: RequestCompletion{Reason: "Thiếu giấy tờ"}, actor: reception, at: at},
		{name: "completion/twice", from: completionRequested, cmd: RequestCompletion{Reason: "Lại thiếu"}, actor: reception, at: at, want: apperr.Conflict},
		{name: "completion/no reason", from: submitted, cmd: RequestCompletion{}, actor: reception, at: at, want: apperr.Invalid},
		{name: "completion/specialist", from: submitted, cmd: RequestCompletion{Reason: "x"}, actor: specialist, at: at, want: apperr.Forbidden},

		// Transfer
		{name: "transfer/reception to specialist", from: acceptedP5, cmd: toSpec, actor: reception, at: at,
			check: func(t *testing.T, s State, e Event) {
				eq(t, s.Status, Processing)
				eq(t, s.Status.PortalCode(), 4)
				eq(t, s.Step, 1)
				eq(t, s.StepUnit, "phong-trh")
				eq(t, s.Assignee, "u-spec")
				eqTime(t, s.StepStart, at)
				eqTime(t, e.EffectiveAt, at)
				eq(t, e.Step, 0)
				eq(t, len(s.Visits), 2)
				eqTime(t, s.Visits[0].End, at)
			}},
		{name: "transfer/assignee onwards", from: processing, cmd: Transfer{ToStep: 2, ToUnit: "phong-trh"}, actor: specialist, at: at,
			check: func(t *testing.T, s State, e Event) { eq(t, s.Step, 2); eq(t, s.Assignee, "") }},
		{name: "transfer/head sends back", from: processing, cmd: Transfer{ToStep: 0, ToUnit: "motcua"}, actor: head, at: at,
			check: func(t *testing.T, s State, e Event) { eq(t, s.Step, 0); eq(t, s.Status, Processing) }},
		{name: "transfer/head reassigns", from: processing, cmd: Transfer{ToStep: 1, ToUser: "u-spec3"}, actor: head, at: at,
			check: func(t *testing.T, s State, e Event) {
				eq(t, s.Step, 1)
				eq(t, s.Assignee, "u-spec3")
				eq(t, s.StepUnit, "phong-trh")
				eq(t, len(s.Visits), 2)
				eqTime(t, s.StepStart, vn(2025, 3, 3, 10, 0))
			}},
		{name: "transfer/leader", from: processing, cmd: Transfer{ToStep: 2, ToUnit: "phong-trh"}, actor: leader, at: at},
		{name: "transfer/other unit", from: processing, cmd: Transfer{ToStep: 2, ToUnit: "phong-trh"}, actor: specOther, at: at, want: apperr.Forbidden},
		{name: "transfer/other head", from: processing, cmd: Transfer{ToStep: 2, ToUnit: "phong-trh"}, actor: headOther, at: at, want: apperr.Forbidden},
		{name: "transfer/clerk", from: processing, cmd: Transfer{ToStep: 2, ToUnit: "phong-trh"}, actor: clerk, at: at, want: apperr.Forbidden},
		{name: "transfer/skip", from: processing, cmd: Transfer{ToStep: 3, ToUnit: "ban-gd"}, actor: head, at: at, want: apperr.Conflict},
		{name: "transfer/paused", from: waitingSupplement, cmd: Transfer{ToStep: 2, ToUnit: "phong-trh"}, actor: head, at: at, want: apperr.Conflict},
		{name: "transfer/closed", from: stoppedP5, cmd: Transfer{ToStep: 2, ToUnit: "phong-trh"}, actor: leader, at: at, want: apperr.Conflict},
		{name: "transfer/no unit", from: processing, cmd: Transfer{ToStep: 2, ToUser: "u-head"}, actor: head, at: at, want: apperr.Invalid},
		{name: "transfer/no such step", from: processing, cmd: Transfer{ToStep: 9, ToUnit: "x"}, actor: head, at: at, want: apperr.Invalid},
		{name: "transfer/nothing new", from: processing, cmd: Transfer{ToStep: 1, ToUser: "u-spec"}, actor: head, at: at, want: apperr.Invalid},

		// RequestSupplement
		{name: "supplement/ok", from: processing, cmd: supp, actor: specialist, at: at,
			check: func(t *testing.T, s State, e Event) {
				eq(t, s.Status, SupplementRequested)
				eq(t, s.Status.PortalCode(), 5)
				eq(t, s.Paused, true)
				eq(t, s.SupplementRequests, 1)
				eq(t, e.OutsideWindow, false)
				eq(t, len(s.Pauses), 1)
				eq(t, s.Pauses[0].Kind, PauseSupplement)
			}},
		{name: "supplement/outside window", from: processing, cmd: supp, actor: head, at: vn(2025, 3, 7, 9, 0),
			check: func(t *testing.T, s State, e Event) {
				eq(t, e.OutsideWindow, true)
				eq(t, s.SupplementOutsideWindow, true)
			}},
		{name: "supplement/other unit", from: processing, cmd: supp, actor: specOther, at: at, want: apperr.Forbidden},
		{name: "supplement/reception", from: processing, cmd: supp, actor: reception, at: at, want: apperr.Forbidden},
		{name: "supplement/no missing", from: processing, cmd: RequestSupplement{Reason: "x"}, actor: specialist, at: at, want: apperr.Invalid},
		{name: "supplement/no reason", from: processing, cmd: RequestSupplement{Missing: missing}, actor: specialist, at: at, want: apperr.Invalid},
		{name: "supplement/second", from: suppliedOnce, cmd: supp, actor: specialist, at: at, want: apperr.Conflict},
		{name: "supplement/second override by head", from: suppliedOnce, cmd: RequestSupplement{Reason: "x", Missing: missing, Override: true}, actor: head, at: at, want: apperr.Forbidden},
		{name: "supplement/second override no reason", from: suppliedOnce, cmd: RequestSupplement{Missing: missing, Override: true}, actor: leader, at: at, want: apperr.Invalid},
		{name: "supplement/second override", from: suppliedOnce, cmd: RequestSupplement{Reason: "Kết quả xác minh mới", Missing: missing, Override: true}, actor: leader, at: vn(2025, 3, 6, 10, 0),
			check: func(t *testing.T, s State, e Event) {
				eq(t, s.SupplementRequests, 2)
				eq(t, s.CountsOverdue, true)
				eq(t, e.Override, true)
			}},
		{name: "supplement/paused", from: waitingPayment, cmd: supp, actor: specialist, at: vn(2025, 3, 5, 11, 0), want: apperr.Conflict},

		// ReceiveSupplement
		{name: "supplement received/ok", from: waitingSupplement, cmd: ReceiveSupplement{Documents: missing}, actor: reception, at: vn(2025, 3, 6, 9, 0),
			check: func(t *testing.T, s State, e Event) {
				eq(t, s.Status, Processing)
				eq(t, s.Paused, false)
				eqTime(t, s.LegalDue, vn(2025, 3, 13, 17, 0))
				eqTime(t, s.OriginalLegalDue, vn(2025, 3, 10, 17, 0))
				eqTime(t, s.ClockStart, vn(2025, 3, 6, 9, 0))
				eq(t, len(s.Documents), 3)
			}},
		{name: "supplement received/not waiting", from: processing, cmd: ReceiveSupplement{}, actor: reception, at: at, want: apperr.Conflict},
		{name: "supplement received/payment pause", from: waitingPayment, cmd: ReceiveSupplement{}, actor: reception, at: vn(2025, 3, 5, 11, 0), want: apperr.Conflict},
		{name: "supplement received/specialist", from: waitingSupplement, cmd: ReceiveSupplement{}, actor: specialist, at: vn(2025, 3, 6, 9, 0), want: apperr.Forbidden},

		// RequestPayment, ConfirmPayment
		{name: "payment/reception", from: processing, cmd: RequestPayment{Amount: 200000}, actor: reception, at: at,
			check: func(t *testing.T, s State, e Event) {
				eq(t, s.Status, PaymentRequested)
				eq(t, s.Status.PortalCode(), 6)
				eq(t, s.Pauses[0].Amount, int64(200000))
			}},
		{name: "payment/zero", from: processing, cmd: RequestPayment{}, actor: specialist, at: at, want: apperr.Invalid},
		{name: "payment/head", from: processing, cmd: RequestPayment{Amount: 1}, actor: head, at: at, want: apperr.Forbidden},
		{name: "payment confirmed/ok", from: waitingPayment, cmd: ConfirmPayment{PaidOnline: true}, actor: reception, at: vn(2025, 3, 6, 15, 0),
			check: func(t *testing.T, s State, e Event) {
				eq(t, s.Status, Processing)
				eq(t, s.PaidOnline, true)
				eqTime(t, s.LegalDue, vn(2025, 3, 12, 11, 0))
				eqTime(t, s.OriginalLegalDue, vn(2025, 3, 10, 17, 0))
			}},
		{name: "payment confirmed/not waiting", from: processing, cmd: ConfirmPayment{}, actor: reception, at: at, want: apperr.Conflict},
		{name: "payment confirmed/other unit", from: waitingPayment, cmd: ConfirmPayment{}, actor: specOther, at: vn(2025, 3, 6, 15, 0), want: apperr.Forbidden},

		// Reschedule
		{name: "reschedule/ok", from: processing, cmd: Reschedule{Promised: vn(2025, 3, 14, 17, 0), Reason: "Cần xác minh thực tế"}, actor: head, at: vn(2025, 3, 7, 17, 0),
			check: func(t *testing.T, s State, e Event) {
				eqTime(t, s.Promised, vn(2025, 3, 14, 17, 0))
				eqTime(t, s.LegalDue, vn(2025, 3, 10, 17, 0))
				eq(t, s.Rescheduled, true)
				eq(t, s.RescheduleLateNotice, false)
			}},
		{name: "reschedule/too late", from: processing, cmd: Reschedule{Promised: vn(2025, 3, 14, 17, 0), Reason: "x"}, actor: leader, at: vn(2025, 3, 10, 8, 0), want: apperr.Conflict},
		{name: "reschedule/late notice", from: processing, cmd: Reschedule{Promised: vn(2025, 3, 14, 17, 0), Reason: "x", LateNotice: true}, actor: leader, at: vn(2025, 3, 10, 8, 0),
			check: func(t *testing.T, s State, e Event) { eq(t, e.LateNotice, true); eq(t, s.RescheduleLateNotice, true) }},
		{name: "reschedule/second", from: rescheduled, cmd: Reschedule{Promised: vn(2025, 3, 20, 17, 0), Reason: "x"}, actor: leader, at: at, want: apperr.Conflict},
		{name: "reschedule/earlier", from: processing, cmd: Reschedule{Promised: vn(2025, 3, 10, 11, 0), Reason: "x"}, actor: head, at: at, want: apperr.Invalid},
		{name: "reschedule/no date", from: processing, cmd: Reschedule{Reason: "x"}, actor: head, at: at, want: apperr.Invalid},
		{name: "reschedule/no reason", from: processing, cmd: Reschedule{Promised: vn(2025, 3, 14, 17, 0)}, actor: head, at: at, want: apperr.Invalid},
		{name: "reschedule/specialist", from: processing, cmd: Reschedule{Promised: vn(2025, 3, 14, 17, 0), Reason: "x"}, actor: specialist, at: at, want: apperr.Forbidden},
		{name: "reschedule/paused", from: waitingSupplement, cmd: Reschedule{Promised: vn(2025, 3, 14, 17, 0), Reason: "x"}, actor: leader, at: at, want: apperr.Conflict},
		{name: "reschedule/no deadline", from: func(t testing.TB) *harness { return accepted(t, noLegal) },
			cmd: Reschedule{Promised: vn(2025, 3, 14, 17, 0), Reason: "x"}, actor: leader, at: at, want: apperr.Conflict},

		// Stop, Withdraw
		{name: "stop/leader", from: processing, cmd: Stop{Reason: "Không thuộc thẩm quyền"}, actor: leader, at: at,
			check: func(t *testing.T, s State, e Event) {
				eq(t, s.Status, Stopped)
				eq(t, s.Status.PortalCode(), 8)
				eqTime(t, s.FinishedAt, at)
				eq(t, s.EndReason, "Không thuộc thẩm quyền")
			}},
		{name: "stop/while waiting", from: waitingSupplement, cmd: Stop{Reason: "Quá hạn bổ sung"}, actor: head, at: vn(2025, 3, 20, 9, 0),
			check: func(t *testing.T, s State, e Event) { eq(t, s.Paused, false); eq(t, s.Closed(), true) }},
		{name: "stop/no reason", from: processing, cmd: Stop{}, actor: leader, at: at, want: apperr.Invalid},
		{name: "stop/specialist", from: processing, cmd: Stop{Reason: "x"}, actor: specialist, at: at, want: apperr.Forbidden},
		{name: "stop/other head", from: processing, cmd: Stop{Reason: "x"}, actor: headOther, at: at, want: apperr.Forbidden},
		{name: "withdraw/processing", from: processing, cmd: Withdraw{Reason: "Công dân xin rút"}, actor: reception, at: at,
			check: func(t *testing.T, s State, e Event) { eq(t, s.Status, Withdrawn); eq(t, s.Status.PortalCode(), 7) }},
		{name: "withdraw/submitted", from: submitted, cmd: Withdraw{Reason: "Nộp nhầm"}, actor: reception, at: at},
		{name: "withdraw/no reason", from: processing, cmd: Withdraw{}, actor: reception, at: at, want: apperr.Invalid},
		{name: "withdraw/resolved", from: resolvedP5, cmd: Withdraw{Reason: "x"}, actor: reception, at: vn(2025, 3, 6, 11, 0), want: apperr.Conflict},
		{name: "withdraw/leader", from: processing, cmd: Withdraw{Reason: "x"}, actor: leader, at: at, want: apperr.Forbidden},

		// Resolve
		{name: "resolve/approved", from: processing, cmd: approve, actor: clerk, at: at,
			check: func(t *testing.T, s State, e Event) {
				eq(t, s.Status, Resolved)
				eq(t, s.Status.PortalCode(), 9)
				eq(t, s.Approved, true)
				eq(t, s.EResult, true)
				eqTime(t, s.FinishedAt, at)
				eqTime(t, s.Visits[1].End, at)
			}},
		{name: "resolve/refused", from: processing, cmd: Resolve{Reason: "Không đủ điều kiện"}, actor: head, at: at,
			check: func(t *testing.T, s State, e Event) {
				eq(t, s.Approved, false)
				eq(t, s.EndReason, "Không đủ điều kiện")
			}},
		{name: "resolve/no results", from: processing, cmd: Resolve{Approved: true}, actor: leader, at: at, want: apperr.Invalid},
		{name: "resolve/blank result", from: processing, cmd: Resolve{Approved: true, Results: []string{" "}}, actor: leader, at: at, want: apperr.Invalid},
		{name: "resolve/refused no reason", from: processing, cmd: Resolve{}, actor: leader, at: at, want: apperr.Invalid},
		{name: "resolve/paused", from: waitingPayment, cmd: approve, actor: leader, at: vn(2025, 3, 5, 11, 0), want: apperr.Conflict},
		{name: "resolve/twice", from: resolvedP5, cmd: approve, actor: leader, at: vn(2025, 3, 6, 11, 0), want: apperr.Conflict},
		{name: "resolve/reception", from: processing, cmd: approve, actor: reception, at: at, want: apperr.Forbidden},
		{name: "resolve/other head", from: processing, cmd: approve, actor: headOther, at: at, want: apperr.Forbidden},

		// Return
		{name: "return/ok", from: resolvedP5, cmd: Return{To: "Nguyễn Văn An", Method: "trực tiếp"}, actor: reception, at: vn(2025, 3, 7, 9, 0),
			check: func(t *testing.T, s State, e Event) {
				eq(t, s.Status, Returned)
				eq(t, s.Status.PortalCode(), 10)
				eqTime(t, s.FinishedAt, vn(2025, 3, 6, 10, 0))
				eqTime(t, s.ReturnedAt, vn(2025, 3, 7, 9, 0))
			}},
		{name: "return/before resolve", from: processing, cmd: Return{To: "a", Method: "b"}, actor: reception, at: at, want: apperr.Conflict},
		{name: "return/no method", from: resolvedP5, cmd: Return{To: "a"}, actor: clerk, at: vn(2025, 3, 7, 9, 0), want: apperr.Invalid},
		{name: "return/no recipient", from: resolvedP5, cmd: Return{Method: "bưu chính"}, actor: clerk, at: vn(2025, 3, 7, 9, 0), want: apperr.Invalid},
		{name: "return/specialist", from: resolvedP5, cmd: Return{To: "a", Method: "b"}, actor: specialist, at: vn(2025, 3, 7, 9, 0), want: apperr.Forbidden},
		{name: "return/twice", from: returnedP5, cmd: Return{To: "a", Method: "b"}, actor: clerk, at: vn(2025, 3, 7, 9, 0), want: apperr.Conflict},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := tc.from(t)
			env := h.env(tc.at)
			if tc.env != nil {
				tc.env(&env)
			}
			evs, err := Decide(h.s, tc.cmd, tc.actor, env)
			if tc.want != "" {
				if !apperr.Is(err, tc.want) {
					t.Fatalf("got %v, want %s", err, tc.want)
				}
				if evs != nil {
					t.Fatal("events returned with an error")
				}
				vietnamese(t, apperr.Message(err))
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != 1 {
				t.Fatalf("%d events", len(evs))
			}
			e := evs[0]
			if want := rules[tc.cmd.Name()].event; e.Type != want {
				t.Errorf("event %s, want %s", e.Type, want)
			}
			eq(t, e.Actor, tc.actor.UserID)
			eq(t, e.Unit, tc.actor.UnitID)
			s := h.s
			if err := s.Apply(e); err != nil {
				t.Fatal(err)
			}
			eq(t, s.Version, h.s.Version+1)
			if tc.check != nil {
				tc.check(t, s, e)
			}
		})
	}
}

func TestDecideMessages(t *testing.T) {
	h := processing(t)
	msg := h.refused(Return{To: "a", Method: "b"}, reception, vn(2025, 3, 4, 9, 0), apperr.Conflict)
	contains(t, msg, "Chỉ trả kết quả sau khi hồ sơ đã được xử lý xong")
	h.do(supp, specialist, vn(2025, 3, 4, 10, 0))
	msg = h.refused(Transfer{ToStep: 2, ToUnit: "phong-trh"}, head, vn(2025, 3, 4, 11, 0), apperr.Conflict)
	contains(t, msg, "đang tạm dừng")
	h.do(ReceiveSupplement{}, reception, vn(2025, 3, 5, 9, 0))
	msg = h.refused(supp, specialist, vn(2025, 3, 5, 10, 0), apperr.Conflict)
	eq(t, msg, "Hồ sơ đã được yêu cầu bổ sung một lần. Theo quy định chỉ yêu cầu bổ sung một lần; lãnh đạo có thể cho phép với lý do cụ thể.")
	msg = h.refused(Reschedule{Promised: vn(2025, 3, 20, 17, 0), Reason: "x"}, specialist, vn(2025, 3, 5, 10, 0), apperr.Forbidden)
	contains(t, msg, "Lãnh đạo phòng, Lãnh đạo Sở")
	msg = h.refused(supp, specOther, vn(2025, 3, 5, 10, 0), apperr.Conflict)
	contains(t, msg, "một lần")
	msg = h.refused(Resolve{Approved: true, Results: []string{"QĐ"}}, headOther, vn(2025, 3, 5, 10, 0), apperr.Forbidden)
	contains(t, msg, "đơn vị khác")
	h.do(Stop{Reason: "Dừng"}, leader, vn(2025, 3, 5, 11, 0))
	msg = h.refused(approve, leader, vn(2025, 3, 5, 12, 0), apperr.Conflict)
	contains(t, msg, "Dừng xử lý")
}

func TestDecideEnv(t *testing.T) {
	if _, err := Decide(State{}, recv, reception, Env{Now: mon0303}); !apperr.Is(err, apperr.Internal) {
		t.Errorf("no calendar: %v", err)
	}
	h := fresh(t)
	if _, err := Decide(h.s, &recv, reception, h.env(mon0303)); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("pointer command: %v", err)
	}
	// A clock that goes backwards never makes the log go backwards.
	h = processing(t)
	e := h.do(Transfer{ToStep: 2, ToUnit: "phong-trh"}, specialist, vn(2025, 3, 3, 9, 30))
	eqTime(t, e.At, vn(2025, 3, 3, 10, 0))
	// Text is normalised to NFC: "Nguyễn" written with combining marks.
	h = fresh(t)
	e = h.do(Receive{Channel: InPerson, Applicant: Applicant{Name: "  Nguye\u0302\u0303n Văn An "}}, reception, mon0303)
	eq(t, e.Intake.Applicant.Name, "Nguyễn Văn An")
}

func eq[T comparable](t *testing.T, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("got %v, want %v", got, want)
	}
}

func eqTime(t *testing.T, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("got %s, want %s", got.In(want.Location()).Format(time.RFC3339), want.Format(time.RFC3339))
	}
}

func contains(t *testing.T, s, sub string) {
	t.Helper()
	if !strings.Contains(s, sub) {
		t.Errorf("%q does not contain %q", s, sub)
	}
}

// vietnamese checks that a user-facing message is a sentence with diacritics.
func vietnamese(t *testing.T, msg string) {
	t.Helper()
	if !strings.ContainsAny(msg, "àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵĐ") || !strings.HasSuffix(msg, ".") {
		t.Errorf("message not a Vietnamese sentence: %q", msg)
	}
}
