package dossier

import (
	"slices"
	"time"

	"dunghan/internal/apperr"
	"dunghan/internal/calendar"
)

// Env is what a decision needs from outside the dossier.
type Env struct {
	Now       time.Time
	Calendar  *calendar.Calendar
	Procedure ProcedureRef // the version in force, for Submit, Receive and the refusals of a new dossier
	Code      string       // mã hồ sơ allocated by the store, for Receive
	Secret    string       // public lookup secret, for Receive
}

// Decide checks cmd against the state s (the zero State for a new dossier)
// and the actor a, and returns the events it yields, or a typed error:
// apperr.Conflict when the command is illegal in the current state,
// apperr.Forbidden for a wrong role or unit, apperr.Invalid for missing or
// bad fields. Checks run in that order (the reschedule deadline, which
// depends on Reschedule.LateNotice, comes last). Every event is stamped with the
// actor, the actor's unit, the step and Env.Now (held back to the previous
// event's time if the clock went backwards, so the log stays ordered).
func Decide(s State, cmd Command, a Actor, env Env) ([]Event, error) {
	if env.Calendar == nil || env.Now.IsZero() {
		return nil, apperr.New(apperr.Internal, "Thiếu lịch làm việc hoặc thời điểm hiện tại để xử lý hồ sơ.")
	}
	at := env.Now.UTC()
	if at.Before(s.LastAt) {
		at = s.LastAt
	}
	d := decision{s: s, a: a, env: env, cal: env.Calendar, at: at}
	var e Event
	var err error
	switch c := cmd.(type) {
	case Submit:
		e, err = d.submit(c)
	case Receive:
		e, err = d.receive(c)
	case RefuseAtIntake:
		e, err = d.refuseAtIntake(c)
	case RequestCompletion:
		e, err = d.requestCompletion(c)
	case Transfer:
		e, err = d.transfer(c)
	case RequestSupplement:
		e, err = d.requestSupplement(c)
	case ReceiveSupplement:
		e, err = d.receiveSupplement(c)
	case RequestPayment:
		e, err = d.requestPayment(c)
	case ConfirmPayment:
		e, err = d.confirmPayment(c)
	case Reschedule:
		e, err = d.reschedule(c)
	case Stop:
		e, err = d.end("stop", c.Reason, "Cần nêu lý do dừng xử lý hồ sơ.")
	case Withdraw:
		e, err = d.end("withdraw", c.Reason, "Cần ghi lý do người nộp xin rút hồ sơ.")
	case Resolve:
		e, err = d.resolve(c)
	case Return:
		e, err = d.giveBack(c)
	default:
		return nil, apperr.New(apperr.Invalid, "Thao tác không được hỗ trợ.")
	}
	if err != nil {
		return nil, err
	}
	if err := s.Apply(e); err != nil { // s is a copy: this only proves the event fits
		return nil, err
	}
	return []Event{e}, nil
}

// decision is one Decide call.
type decision struct {
	s   State
	a   Actor
	env Env
	cal *calendar.Calendar
	at  time.Time // UTC
}

// event starts an event of type t stamped with the actor, time and step.
func (d *decision) event(t EventType) Event {
	return Event{Type: t, At: d.at, Actor: d.a.UserID, ActorName: clean(d.a.Name), Unit: d.a.UnitID, Step: d.s.current()}
}

// state refuses (Conflict) a command whose event cannot follow the current status.
func (d *decision) state(name string) error {
	r := rules[name]
	if allowed(d.s.Status, r.event) {
		return nil
	}
	s := d.s
	switch {
	case s.Status == "":
		return apperr.Newf(apperr.Conflict, "Hồ sơ chưa được nộp hoặc tiếp nhận, không thể %s.", r.action)
	case r.event == EvReturned && !s.Closed():
		return apperr.Newf(apperr.Conflict, "Chỉ trả kết quả sau khi hồ sơ đã được xử lý xong; hồ sơ đang ở trạng thái «%s».", s.Status.Label())
	case s.Closed():
		return apperr.Newf(apperr.Conflict, "Hồ sơ đã kết thúc ở trạng thái «%s», không thể %s.", s.Status.Label(), r.action)
	case s.AcceptedAt.IsZero():
		return apperr.Newf(apperr.Conflict, "Hồ sơ chưa được tiếp nhận (trạng thái «%s»), không thể %s.", s.Status.Label(), r.action)
	case slices.Contains(edges[r.event].from, ""): // an intake command on an accepted dossier
		return apperr.Newf(apperr.Conflict, "Hồ sơ đã được tiếp nhận với mã %s, không thể %s.", s.Code, r.action)
	case s.Paused && r.event != EvSupplementReceived && r.event != EvPaymentConfirmed:
		return apperr.Newf(apperr.Conflict, "Hồ sơ đang tạm dừng (%s), không thể %s. Cần nhận hồ sơ bổ sung hoặc xác nhận nghĩa vụ tài chính trước.", s.Status.Label(), r.action)
	}
	return apperr.Newf(apperr.Conflict, "Không thể %s khi hồ sơ đang ở trạng thái «%s».", r.action, s.Status.Label())
}

// gate runs the state and role checks of the command named name.
func (d *decision) gate(name string) error {
	if err := d.state(name); err != nil {
		return err
	}
	return authorize(d.s, name, d.a)
}

// shift moves t later by m working minutes; a zero t (no deadline) stays zero.
func (d *decision) shift(t time.Time, m int) time.Time {
	if t.IsZero() || m == 0 {
		return t
	}
	return d.cal.AddWorkingMinutes(t, m).UTC()
}
